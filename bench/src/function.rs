//! A function's bootstrap as a process, started the way Lambda starts it,
//! and invoked through its stub Runtime API.
//!
//! Started with a plain exec, not under testkit's watchdog: init is timed
//! from the exec, and a shell in between would be part of it.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use crate::proxy::Proxy;
use crate::runtime_api::RuntimeApi;

/// What every function is started with: DynamoDB behind the proxy, and
/// the table.
pub struct Functions<'a> {
    pub proxy: &'a Proxy,
    pub table: &'a str,
}

/// A child process that is killed when dropped, even on a panic.
pub struct Running(Child);

impl Running {
    pub fn id(&self) -> u32 {
        self.0.id()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Functions<'_> {
    /// Starts a function the way Lambda does: its environment names the
    /// Runtime API.
    pub fn spawn(&self, bootstrap: &Path, runtime: &RuntimeApi) -> Running {
        let child = Command::new(bootstrap)
            .env("AWS_LAMBDA_RUNTIME_API", runtime.addr.to_string())
            .env("AWS_LAMBDA_FUNCTION_NAME", "bench")
            .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
            .env("AWS_REGION", testkit::REGION)
            .env("AWS_ACCESS_KEY_ID", "bench")
            .env("AWS_SECRET_ACCESS_KEY", "bench")
            .env("AWS_ENDPOINT_URL_DYNAMODB", &self.proxy.url)
            .env("TABLE_NAME", self.table)
            .env_remove("LOCAL_AUTH")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the bootstrap starts");
        Running(child)
    }

    /// A function started and past its init, with its stub Runtime API.
    pub async fn launch(&self, bootstrap: &Path) -> (RuntimeApi, Running) {
        let mut runtime = RuntimeApi::start().await;
        let child = self.spawn(bootstrap, &runtime);
        runtime.first_poll().await;
        (runtime, child)
    }

    /// A function launched and warmed up with ten invocations of `event`.
    pub async fn launch_warm(&self, bootstrap: &Path, event: &str) -> (RuntimeApi, Running) {
        let (mut runtime, child) = self.launch(bootstrap).await;
        for _ in 0..10 {
            invoke_ok(&mut runtime, event).await;
        }
        (runtime, child)
    }

    /// `samples` warm invocations of `event` in one fresh process.
    pub async fn warm_latencies(
        &self,
        bootstrap: &Path,
        event: &str,
        samples: usize,
    ) -> Vec<Duration> {
        let (mut runtime, _child) = self.launch(bootstrap).await;
        let mut latencies = Vec::new();
        for _ in 0..samples {
            latencies.push(runtime.invoke(event).await.1);
        }
        latencies
    }
}

/// Invokes `event` and checks the answer is a 200; its latency.
pub async fn invoke_ok(runtime: &mut RuntimeApi, event: &str) -> Duration {
    let (answer, latency) = runtime.invoke(event).await;
    assert_eq!(status_of(&answer), Some(200), "{answer:?}");
    latency
}

/// The HTTP status of a function's answer, if it answered.
pub fn status_of(answer: &Result<String, String>) -> Option<u64> {
    let body: Value = serde_json::from_str(answer.as_ref().ok()?).ok()?;
    body["statusCode"].as_u64()
}
