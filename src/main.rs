use guardduty_invitations::api::App;
use guardduty_invitations::api::identity::AuthMode;
use guardduty_invitations::{sdk, store, table};
use lambda_http::{Error, run, service_fn};
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

// One thread: a 128 MB Lambda has a fraction of one vCPU, and the writes of
// a request overlap on I/O, not on cores.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .json()
                .flatten_event(true)
                .with_target(false)
                .with_current_span(false)
                .with_span_list(false),
        )
        .with(log_filter())
        .init();

    let auth = AuthMode::from_env()?;
    if auth != AuthMode::Iam {
        tracing::warn!(
            "LOCAL_AUTH=access-key: requests without an IAM context act as the account in their \
             unverified SigV4 access key; never use this outside a local run"
        );
    }
    let sdk_config = sdk::load().await;
    let store = store::Store::new(
        aws_sdk_dynamodb::Client::from_conf(store::config(&sdk_config).build()),
        table::name_from_env(),
    );
    // Optional: pay for the first connection to DynamoDB during init rather
    // than in the first request (see the README for the trade-off).
    if std::env::var("WARM_DYNAMODB_CONNECTION").as_deref() == Ok("true")
        && let Err(error) = store.warm().await
    {
        tracing::warn!(?error, "warming the DynamoDB connection failed");
    }
    let app = App::new(store, auth);
    run(service_fn(|request| async {
        Ok::<_, std::convert::Infallible>(app.handle(request).await)
    }))
    .await
}

/// `RUST_LOG` (default `info`), except that the crates that would log signed
/// requests or event payloads at debug level never go beyond `info`.
fn log_filter() -> Targets {
    let filter: Targets = std::env::var("RUST_LOG")
        .ok()
        .and_then(|directives| directives.parse().ok())
        .unwrap_or_else(|| Targets::new().with_default(LevelFilter::INFO));
    let capped = filter
        .default_level()
        .unwrap_or(LevelFilter::OFF)
        .min(LevelFilter::INFO);
    filter.with_targets(
        [
            "aws_sigv4",
            "aws_smithy_runtime",
            "aws_smithy_http_client",
            "hyper",
            "hyper_util",
            "lambda_runtime",
            "lambda_http",
        ]
        .map(|target| (target, capped)),
    )
}
