//! The function's logs: one JSON object per line, at `RUST_LOG` (default
//! `info`), with the crates that would print signed requests or event
//! payloads at debug level capped at `info`.

use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Installs the logger for the whole process, writing to `writer`
/// (standard output in Lambda).
pub fn init<W>(writer: W)
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .json()
                .flatten_event(true)
                .with_target(false)
                // The request's span holds its figures (operation, caller, ...).
                .with_current_span(true)
                .with_span_list(false)
                .with_writer(writer),
        )
        .with(requested())
        .with(capped())
        .init();
}

/// `RUST_LOG`, default `info`.
fn requested() -> Targets {
    std::env::var("RUST_LOG")
        .ok()
        .and_then(|directives| directives.parse().ok())
        .unwrap_or_else(|| Targets::new().with_default(LevelFilter::INFO))
}

/// A second filter every event must also pass, so that no `RUST_LOG`
/// directive, however specific (`aws_sigv4::sign=trace`), lets these crates
/// print signed requests or event payloads.
fn capped() -> Targets {
    Targets::new()
        .with_default(LevelFilter::TRACE)
        .with_targets(
            [
                "aws_sigv4",
                "aws_smithy_runtime",
                "aws_smithy_http_client",
                "hyper",
                "hyper_util",
                "lambda_runtime",
                "lambda_http",
            ]
            .map(|target| (target, LevelFilter::INFO)),
        )
}
