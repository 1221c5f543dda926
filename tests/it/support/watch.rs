//! `cargo lambda watch` serving the function as users run it, over a
//! table of DynamoDB Local, and GuardDuty clients pointed at it.

use std::sync::OnceLock;
use std::time::Duration;

use aws_sdk_guardduty::config::retry::RetryConfig;
use aws_sdk_guardduty::config::{BehaviorVersion, Credentials, Region};

use super::http::{self, RawResponse};
use super::process::{self, Process};
use super::{DynamoDbLocal, TestTable};

/// `cargo lambda watch` serving the function over `table`.
pub struct Watch {
    pub port: u16,
    table: String,
    pub process: Process,
}

impl Watch {
    pub fn start(table: &str) -> Self {
        Self::start_with(table, &[])
    }

    /// With `extra` environment variables for the function (and watch).
    pub fn start_with(table: &str, extra: &[(&str, &str)]) -> Self {
        let port = process::free_port();
        let args: Vec<String> = [
            // As users run it: Cargo.toml's watch settings pick the function.
            "lambda",
            "watch",
            "--ignore-changes",
            "--invoke-address",
            "127.0.0.1",
            "--invoke-port",
            &port.to_string(),
        ]
        .map(String::from)
        .into();
        let path = crate::support::path_with_tools();
        let mut env = vec![
            ("PATH", path.as_str()),
            (
                "AWS_ENDPOINT_URL_DYNAMODB",
                &DynamoDbLocal::shared().endpoint,
            ),
            ("TABLE_NAME", table),
            ("LOCAL_ACCOUNT_ID", ""),
            ("AWS_REGION", crate::support::REGION),
            ("AWS_ACCESS_KEY_ID", "test"),
            ("AWS_SECRET_ACCESS_KEY", "test"),
            ("RUST_LOG", "info"),
        ];
        env.extend_from_slice(extra);
        let mut process = Process::spawn(
            "cargo-lambda-watch",
            "cargo",
            &args,
            &env,
            &crate::support::repo_root(),
        );
        // The first request builds and starts the function; our own JSON 404
        // (not cargo-lambda's) says it is serving.
        process::wait_until(
            Duration::from_secs(300),
            "cargo lambda watch to serve the function",
            || {
                process.assert_running();
                http::send(port, "POST", "/ready", &[], b"", Duration::from_secs(240))
                    .is_ok_and(|r| r.status == 404 && r.body.contains("\"__type\":\"NotFound\""))
            },
        );
        Self {
            port,
            table: table.to_owned(),
            process,
        }
    }

    /// `n` watches over `table`, started at once: several function
    /// processes, as several Lambda instances.
    pub async fn several(table: &str, n: usize) -> Vec<Watch> {
        Self::several_with(table, n, &DynamoDbLocal::shared().endpoint).await
    }

    /// The same, with DynamoDB at `dynamodb` (a layer in front of
    /// DynamoDB Local, say).
    pub async fn several_with(table: &str, n: usize, dynamodb: &str) -> Vec<Watch> {
        let (table, dynamodb) = (table.to_owned(), dynamodb.to_owned());
        tokio::task::spawn_blocking(move || {
            let handles: Vec<_> = (0..n)
                .map(|_| {
                    let (table, dynamodb) = (table.clone(), dynamodb.clone());
                    std::thread::spawn(move || {
                        Watch::start_with(&table, &[("AWS_ENDPOINT_URL_DYNAMODB", &dynamodb)])
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        })
        .await
        .unwrap()
    }

    /// One watch over one table for the whole test binary; tests keep to
    /// accounts of their own.
    pub fn shared() -> &'static Watch {
        static SHARED: OnceLock<Watch> = OnceLock::new();
        SHARED.get_or_init(|| {
            let table = std::thread::spawn(|| {
                let runtime = tokio::runtime::Runtime::new().unwrap();
                runtime.block_on(async { TestTable::new().await.name })
            })
            .join()
            .unwrap();
            Watch::start(&table)
        })
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub async fn table(&self) -> TestTable {
        TestTable::existing(&DynamoDbLocal::shared().endpoint, &self.table).await
    }

    pub fn raw(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> RawResponse {
        http::send(
            self.port,
            method,
            path,
            headers,
            body.as_bytes(),
            Duration::from_secs(30),
        )
        .expect("an HTTP response")
    }
}

/// A GuardDuty client acting as `account`: its access key is the account ID.
pub fn guardduty(watch: &Watch, account: &str) -> aws_sdk_guardduty::Client {
    let config = aws_sdk_guardduty::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(crate::support::REGION))
        .endpoint_url(watch.url())
        .http_client(guardduty_invitations::sdk::https_client())
        .credentials_provider(Credentials::new(account, "secret", None, None, "test"))
        .retry_config(RetryConfig::disabled())
        .build();
    aws_sdk_guardduty::Client::from_conf(config)
}
