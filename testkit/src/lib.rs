//! Dev-only harness shared by the tests and the benchmark: DynamoDB Local
//! (the real engine), the SDK settings for it, tables of their own with the
//! app over them, seeding, and processes that never outlive their user.

pub mod conflicts;
pub mod http1;
pub mod linearizable;
pub mod moto;
pub mod process;
pub mod rng;
pub mod seed;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_dynamodb::config::{ConfigBag, Credentials, Intercept, Region, RuntimeComponents};
use aws_sdk_dynamodb::types::AttributeValue;
use guardduty_invitations::api::App;
use guardduty_invitations::api::identity::AuthMode;
use guardduty_invitations::domain::AccountId;
use guardduty_invitations::store::{self, Store};
use guardduty_invitations::table;
use process::Process;

pub const REGION: &str = "us-east-1";

/// The repository root (this crate lives in `testkit/`).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("testkit is inside the repository")
        .to_path_buf()
}

/// A DynamoDB Local server on a free port; stopped when dropped, and by its
/// watchdog if the test process dies first.
pub struct DynamoDbLocal {
    pub endpoint: String,
    pub port: u16,
    /// Ends the server when dropped.
    _process: Process,
}

impl DynamoDbLocal {
    /// In memory, or with its data in `db_path` when given.
    pub fn start(db_path: Option<&Path>) -> Self {
        Self::start_on(process::free_port(), db_path)
    }

    pub fn start_on(port: u16, db_path: Option<&Path>) -> Self {
        let dir = &installed().dynamodb_local;
        let mut args = vec![
            format!(
                "-Djava.library.path={}",
                dir.join("DynamoDBLocal_lib").display()
            ),
            "-jar".into(),
            dir.join("DynamoDBLocal.jar").display().to_string(),
            "-port".into(),
            port.to_string(),
            // Every client sees the same data, whatever its credentials.
            "-sharedDb".into(),
            "-disableTelemetry".into(),
        ];
        match db_path {
            None => args.push("-inMemory".into()),
            Some(path) => args.extend(["-dbPath".into(), path.display().to_string()]),
        }
        // DynamoDB Local drops a metadata file in its working directory.
        let mut process =
            Process::spawn("dynamodb-local", "java", &args, &[], &std::env::temp_dir());
        let endpoint = format!("http://127.0.0.1:{port}");
        process::wait_until(Duration::from_secs(60), "DynamoDB Local to answer", || {
            process.assert_running();
            dynamodb_answers(port)
        });
        Self {
            endpoint,
            port,
            _process: process,
        }
    }

    /// One in-memory server per test binary, shared by its tests (each test
    /// uses a table of its own).
    pub fn shared() -> &'static DynamoDbLocal {
        static SHARED: OnceLock<DynamoDbLocal> = OnceLock::new();
        SHARED.get_or_init(|| DynamoDbLocal::start(None))
    }

    pub fn stop(self) {
        drop(self);
    }
}

/// What scripts/install-deps installs, installed on first use.
pub struct Installed {
    pub dynamodb_local: PathBuf,
    /// Holds cargo-lambda (and cfn-lint); put it first on PATH.
    pub bin: PathBuf,
}

pub fn installed() -> &'static Installed {
    static INSTALLED: OnceLock<Installed> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        let output = std::process::Command::new("bash")
            .arg("-c")
            .arg(r#"scripts/install-deps >&2 && source scripts/env && printf '%s\n%s' "$DYNAMODB_LOCAL_DIR" "$GDI_VENV/bin""#)
            .current_dir(repo_root())
            .output()
            .expect("bash runs");
        assert!(
            output.status.success(),
            "scripts/install-deps failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let stdout = String::from_utf8(output.stdout).expect("UTF-8 paths");
        let (dynamodb_local, bin) = stdout.split_once('\n').expect("two paths");
        Installed {
            dynamodb_local: dynamodb_local.into(),
            bin: bin.into(),
        }
    })
}

/// PATH with the installed tools first.
pub fn path_with_tools() -> String {
    format!(
        "{}:{}",
        installed().bin.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// A blocking ListTables over a plain socket, so readiness does not depend
/// on any async runtime.
fn dynamodb_answers(port: u16) -> bool {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request = "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.0\r\n\
                   X-Amz-Target: DynamoDB_20120810.ListTables\r\n\
                   Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0\r\n\
                   Content-Length: 2\r\nConnection: close\r\n\r\n{}";
    let mut response = String::new();
    stream.write_all(request.as_bytes()).is_ok()
        && stream.read_to_string(&mut response).is_ok()
        && response.starts_with("HTTP/1.1 200")
}

/// SDK settings for DynamoDB Local: fixed region and test credentials.
pub async fn sdk_config(endpoint: &str) -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .http_client(guardduty_invitations::sdk::https_client())
        .region(Region::new(REGION))
        .credentials_provider(Credentials::new("test", "test", None, None, "tests"))
        .endpoint_url(endpoint)
        .load()
        .await
}

/// Counts the DynamoDB requests a client makes, by operation: each once,
/// however often the SDK retried it (a loaded machine times attempts out;
/// what the code asks for is the count under test).
#[derive(Clone, Debug, Default)]
pub struct RequestCounter(Arc<Mutex<HashMap<String, usize>>>);

impl RequestCounter {
    pub fn take(&self) -> HashMap<String, usize> {
        std::mem::take(&mut self.0.lock().unwrap())
    }
}

impl Intercept for RequestCounter {
    fn name(&self) -> &'static str {
        "RequestCounter"
    }

    fn read_after_serialization(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), aws_sdk_dynamodb::error::BoxError> {
        let target = context
            .request()
            .headers()
            .get("x-amz-target")
            .unwrap_or_default();
        let operation = target.rsplit('.').next().unwrap_or_default().to_owned();
        *self.0.lock().unwrap().entry(operation).or_default() += 1;
        Ok(())
    }
}

/// A table of its own on a DynamoDB Local server, with the app under test.
pub struct TestTable {
    pub name: String,
    pub client: Client,
    pub counter: RequestCounter,
    pub endpoint: String,
}

impl TestTable {
    /// A fresh table on the shared server.
    pub async fn new() -> Self {
        Self::on(&DynamoDbLocal::shared().endpoint).await
    }

    pub async fn on(endpoint: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "Invitations-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let table = Self::existing(endpoint, &name).await;
        assert!(
            table::create(&table.client, &name)
                .await
                .expect("create table")
        );
        table
    }

    /// A handle on a table that is already there.
    pub async fn existing(endpoint: &str, name: &str) -> Self {
        Self {
            name: name.to_owned(),
            client: Client::new(&sdk_config(endpoint).await),
            counter: RequestCounter::default(),
            endpoint: endpoint.to_owned(),
        }
    }

    /// The app as `main` builds it, over this table, counting its requests.
    pub async fn app(&self, auth: AuthMode) -> App {
        self.app_from(self.store_config().await, auth)
    }

    /// The store's client configuration as `main` builds it, counting requests.
    pub async fn store_config(&self) -> aws_sdk_dynamodb::config::Builder {
        store::config(&sdk_config(&self.endpoint).await).interceptor(self.counter.clone())
    }

    pub fn app_from(&self, config: aws_sdk_dynamodb::config::Builder, auth: AuthMode) -> App {
        self.app_limited(config, auth, store::DEFAULT_MEMBER_LIMIT)
    }

    /// The app with `MEMBER_LIMIT` at `member_limit`.
    pub fn app_limited(
        &self,
        config: aws_sdk_dynamodb::config::Builder,
        auth: AuthMode,
        member_limit: i64,
    ) -> App {
        let store = Store::new(Client::from_conf(config.build()), &self.name);
        App::new(store.with_member_limit(member_limit), auth)
    }

    /// The store over this table, with the plain test client.
    pub fn store(&self) -> Store {
        Store::new(self.client.clone(), &self.name)
    }

    /// Writes an invitation in the documented layout, in any state (or a
    /// garbled one), as another writer might.
    pub async fn put(&self, invitee: &str, inviter: &str, status: &str) {
        self.client
            .put_item()
            .table_name(&self.name)
            .item(table::INVITEE, s(invitee))
            .item(table::INVITER, s(inviter))
            .item(table::STATUS, s(status))
            .item(table::INVITATION_ID, s(&format!("inv-{inviter}-{invitee}")))
            .item(table::INVITED_AT, s("2026-01-01T00:00:00Z"))
            .item(table::UPDATED_AT, s("2026-01-01T00:00:00Z"))
            .send()
            .await
            .expect("put item");
    }

    /// The invitation's status, or `None` when there is no item.
    pub async fn status(&self, invitee: &str, inviter: &str) -> Option<String> {
        self.item(invitee, inviter)
            .await
            .as_ref()
            .map(table::status_of)
    }

    pub async fn item(
        &self,
        invitee: &str,
        inviter: &str,
    ) -> Option<HashMap<String, AttributeValue>> {
        self.client
            .get_item()
            .table_name(&self.name)
            .key(table::INVITEE, s(invitee))
            .key(table::INVITER, s(inviter))
            .consistent_read(true)
            .send()
            .await
            .expect("get item")
            .item
    }

    /// Every item of the table, for "nothing changed" checks.
    pub async fn snapshot(&self) -> Vec<HashMap<String, AttributeValue>> {
        let mut items = self
            .client
            .scan()
            .table_name(&self.name)
            .consistent_read(true)
            .send()
            .await
            .expect("scan")
            .items
            .unwrap_or_default();
        items.sort_by_key(|item| {
            format!(
                "{:?}{:?}",
                item.get(table::INVITEE),
                item.get(table::INVITER)
            )
        });
        items
    }
}

fn s(value: &str) -> AttributeValue {
    AttributeValue::S(value.to_owned())
}

pub fn account(id: &str) -> AccountId {
    AccountId::parse(id).expect("a valid account ID")
}
