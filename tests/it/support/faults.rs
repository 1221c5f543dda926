//! Injected DynamoDB failures: a stand-in endpoint that throttles or never
//! answers, and an interceptor that sends the writes for chosen accounts
//! there. Those writes never reach DynamoDB Local, so the test knows exactly
//! what was and was not written.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;

use aws_sdk_dynamodb::config::interceptors::{
    BeforeDeserializationInterceptorContextMut, BeforeTransmitInterceptorContextMut,
};
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::config_bag::{Storable, StoreReplace};

#[derive(Clone, Copy, Debug)]
pub enum Fault {
    /// 400 ProvisionedThroughputExceededException, every time.
    Throttle,
    /// Accepts the connection and never answers.
    Hang,
    /// A transaction cancelled by a conflicting one, every time.
    Conflict,
}

/// Starts a faulty endpoint on a free port; it lives as long as the test process.
pub fn faulty_endpoint(fault: Fault) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            match fault {
                Fault::Throttle => {
                    std::thread::spawn(move || answer(stream, THROTTLED));
                }
                Fault::Conflict => {
                    std::thread::spawn(move || answer(stream, CONFLICT));
                }
                Fault::Hang => held.push(stream),
            }
        }
    });
    endpoint
}

const THROTTLED: &str = r#"{"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","message":"Rate of requests exceeds the allowed throughput."}"#;
const CONFLICT: &str = r#"{"__type":"com.amazonaws.dynamodb.v20120810#TransactionCanceledException","message":"Transaction cancelled, please refer cancellation reasons for specific reasons [None, TransactionConflict]","CancellationReasons":[{"Code":"None"},{"Code":"TransactionConflict","Message":"Transaction is ongoing for the item"}]}"#;

/// Reads one request, then answers 400 with `body` and closes.
fn answer(mut stream: TcpStream, body: &str) {
    let mut request = Vec::new();
    let mut buffer = [0u8; 8192];
    // Read the head and the body it announces, then answer and close.
    while let Ok(n) = stream.read(&mut buffer) {
        if n == 0 {
            return;
        }
        request.extend_from_slice(&buffer[..n]);
        if let Some(end) = request.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&request[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            if request.len() >= end + 4 + length {
                break;
            }
        }
    }
    let response = format!(
        "HTTP/1.1 400 Bad Request\r\nContent-Type: application/x-amz-json-1.0\r\nx-amzn-RequestId: fault\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes());
}

/// Lets the first attempt of a write (of `only` that operation, if set)
/// reach DynamoDB, then replaces its answer with a 500 so that the SDK
/// retries: the write happened, but the caller never heard.
#[derive(Clone, Debug, Default)]
pub struct LoseFirstAnswer {
    pub only: Option<&'static str>,
    done: Arc<std::sync::atomic::AtomicBool>,
}

impl LoseFirstAnswer {
    pub fn of(operation: &'static str) -> Self {
        Self {
            only: Some(operation),
            ..Self::default()
        }
    }
}

/// The operation an attempt sent, kept for after its answer came: by then
/// the request itself is gone from the context.
#[derive(Clone, Debug)]
struct Target(String);

impl Storable for Target {
    type Storer = StoreReplace<Self>;
}

impl Intercept for LoseFirstAnswer {
    fn name(&self) -> &'static str {
        "LoseFirstAnswer"
    }

    fn read_before_transmit(
        &self,
        context: &aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), aws_sdk_dynamodb::error::BoxError> {
        let target = context.request().headers().get("x-amz-target");
        let target = Target(target.unwrap_or_default().to_owned());
        cfg.interceptor_state().store_put(target);
        Ok(())
    }

    fn modify_before_deserialization(
        &self,
        context: &mut BeforeDeserializationInterceptorContextMut<'_>,
        _: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), aws_sdk_dynamodb::error::BoxError> {
        let target = cfg
            .load::<Target>()
            .map(|t| t.0.clone())
            .unwrap_or_default();
        let chosen = self.only.is_none_or(|op| is_operation(Some(&target), op));
        if chosen && !self.done.swap(true, std::sync::atomic::Ordering::Relaxed) {
            let response = context.response_mut();
            *response.status_mut() = 500u16.try_into()?;
            *response.body_mut() = SdkBody::from(
                r#"{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"injected"}"#,
            );
        }
        Ok(())
    }
}

/// Panics inside the write for `account`, as a bug in a dependency would.
#[derive(Clone, Debug)]
pub struct PanicFor(pub &'static str);

impl Intercept for PanicFor {
    fn name(&self) -> &'static str {
        "PanicFor"
    }

    fn read_before_transmit(
        &self,
        context: &aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), aws_sdk_dynamodb::error::BoxError> {
        let body = context.request().body().bytes().unwrap_or_default();
        assert!(
            !String::from_utf8_lossy(body).contains(self.0),
            "injected panic"
        );
        Ok(())
    }
}

/// Sends the requests that `to` picks to `endpoint`.
#[derive(Clone, Debug)]
pub struct Redirect {
    pub to: Pick,
    pub endpoint: String,
    /// How many picked requests it still sends there (`None`: all).
    pub left: Option<Arc<std::sync::atomic::AtomicUsize>>,
}

#[derive(Clone, Debug)]
pub enum Pick {
    /// Every request whose body names one of these accounts.
    Accounts(Arc<Vec<String>>),
    /// Every request of this DynamoDB operation.
    Operation(&'static str),
    /// Every request of this operation whose body names one of these.
    OperationFor(&'static str, Arc<Vec<String>>),
}

impl Redirect {
    pub fn accounts(accounts: &[&str], endpoint: String) -> Self {
        let accounts = accounts.iter().map(|a| (*a).to_owned()).collect();
        Self {
            to: Pick::Accounts(Arc::new(accounts)),
            endpoint,
            left: None,
        }
    }

    pub fn operation(operation: &'static str, endpoint: String) -> Self {
        Self {
            to: Pick::Operation(operation),
            endpoint,
            left: None,
        }
    }

    /// Only the first `n` requests it picks.
    pub fn first(self, n: usize) -> Self {
        let left = Some(Arc::new(std::sync::atomic::AtomicUsize::new(n)));
        Self { left, ..self }
    }

    /// The `operation` requests naming one of `accounts`: the writes of
    /// those accounts, say, but not the batch read of them all.
    pub fn operation_for(operation: &'static str, accounts: &[&str], endpoint: String) -> Self {
        let accounts = accounts.iter().map(|a| (*a).to_owned()).collect();
        Self {
            to: Pick::OperationFor(operation, Arc::new(accounts)),
            endpoint,
            left: None,
        }
    }
}

impl Intercept for Redirect {
    fn name(&self) -> &'static str {
        "Redirect"
    }

    fn modify_before_transmit(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), aws_sdk_dynamodb::error::BoxError> {
        let request = context.request_mut();
        let names = |accounts: &[String]| {
            let body = String::from_utf8_lossy(request.body().bytes().unwrap_or_default());
            accounts
                .iter()
                .any(|account| body.contains(account.as_str()))
        };
        let of = |operation: &str| {
            request
                .headers()
                .get("x-amz-target")
                .is_some_and(|target| is_operation(Some(target), operation))
        };
        let picked = match &self.to {
            Pick::Accounts(accounts) => names(accounts),
            Pick::Operation(operation) => of(operation),
            Pick::OperationFor(operation, accounts) => of(operation) && names(accounts),
        };
        let within = |left: &Arc<std::sync::atomic::AtomicUsize>| {
            use std::sync::atomic::Ordering::Relaxed;
            left.fetch_update(Relaxed, Relaxed, |n| n.checked_sub(1))
                .is_ok()
        };
        if picked && self.left.as_ref().is_none_or(within) {
            request.set_uri(format!("{}/", self.endpoint))?;
        }
        Ok(())
    }
}

/// Holds the first request of one DynamoDB operation until the test lets
/// it go: what the test does meanwhile lands between a call's reads and
/// its write. Its test runs on a multi-threaded runtime (this blocks one
/// worker).
#[derive(Debug)]
pub struct HoldFirst {
    operation: &'static str,
    reached: std::sync::Mutex<Option<std::sync::mpsc::Sender<()>>>,
    go: std::sync::Mutex<std::sync::mpsc::Receiver<()>>,
}

impl HoldFirst {
    /// The interceptor, the signal that the request is held, and the
    /// sender that lets it go.
    pub fn of(
        operation: &'static str,
    ) -> (
        Self,
        std::sync::mpsc::Receiver<()>,
        std::sync::mpsc::Sender<()>,
    ) {
        let (reached, held) = std::sync::mpsc::channel();
        let (go, wait) = std::sync::mpsc::channel();
        let hold = Self {
            operation,
            reached: std::sync::Mutex::new(Some(reached)),
            go: std::sync::Mutex::new(wait),
        };
        (hold, held, go)
    }
}

impl Intercept for HoldFirst {
    fn name(&self) -> &'static str {
        "HoldFirst"
    }

    fn read_before_transmit(
        &self,
        context: &aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), aws_sdk_dynamodb::error::BoxError> {
        let target = context.request().headers().get("x-amz-target");
        if !is_operation(target, self.operation) {
            return Ok(());
        }
        let reached = self.reached.lock().unwrap().take();
        if let Some(reached) = reached {
            reached.send(())?;
            self.go.lock().unwrap().recv()?;
        }
        Ok(())
    }
}

/// Whether a request's `x-amz-target` names DynamoDB's `operation`.
fn is_operation(target: Option<&str>, operation: &str) -> bool {
    target.is_some_and(|target| target.ends_with(&format!(".{operation}")))
}
