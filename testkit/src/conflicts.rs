//! A proxy in front of DynamoDB Local that cancels and refuses writes the
//! way DynamoDB does under transaction conflicts, which DynamoDB Local
//! (serializing every transaction) never does, and throttles.
//!
//! What it follows, from "Amazon DynamoDB Transactions: How it works",
//! section "Transaction conflict handling in DynamoDB"
//! (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html#transaction-conflict-handling)
//! and the API reference of `TransactWriteItems` and its errors
//! (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html):
//! - "An item within a TransactWriteItems request is part of another
//!   ongoing TransactWriteItems request": the later transaction is
//!   cancelled, `TransactionCanceledException` with `CancellationReasons`
//!   holding `TransactionConflict` at the conflicting items' indexes and
//!   `None` at the others;
//! - "A PutItem, UpdateItem, or DeleteItem request for an item conflicts
//!   with an ongoing TransactWriteItems request that includes the same
//!   item": the single write fails with `TransactionConflictException`;
//! - reads that are not transactional (GetItem, BatchGetItem, Query, Scan)
//!   never conflict and see committed state: a transaction held here is
//!   not sent on yet, so they see the state before it;
//! - throttling ("ProvisionedThroughputExceededException", the SDKs retry
//!   it) at a configurable share of requests.
//!
//! Each `TransactWriteItems` is held open for a random time, so that
//! transactions overlap as they do in DynamoDB, where one takes several
//! round trips inside the service. BatchWriteItem passes through: the
//! function's only batch writes are the sync's mirror items, which no
//! transaction holds. For the checker's own test (`soak::teeth`) the layer
//! can also drop the condition of the Put of the items of one sort key.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::ops::Range;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

use crate::http1::{Message, Pool, read, response};
use crate::rng::Rng;
use guardduty_invitations::table;

#[derive(Clone, Debug)]
pub struct Settings {
    /// How long each TransactWriteItems is held open before it is sent on.
    pub hold: Range<Duration>,
    /// Share of requests (0.0 to 1.0) answered with a throttling error.
    pub throttle: f64,
    /// Seeds the holds and the throttles.
    pub seed: u64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub requests: usize,
    pub transactions: usize,
    /// Transactions cancelled for a conflict with one in flight.
    pub transactions_cancelled: usize,
    /// Single-item writes refused for an item a pending transaction holds.
    pub writes_refused: usize,
    pub throttled: usize,
}

/// An item: its table and its key's values.
type ItemKey = (String, String, String);

struct Shared {
    pool: Pool,
    hold: Range<Duration>,
    rng: Mutex<Rng>,
    throttle: Mutex<f64>,
    unguarded: Mutex<Option<String>>,
    held: Mutex<HashSet<ItemKey>>,
    stats: Mutex<Stats>,
}

pub struct ConflictLayer {
    pub url: String,
    shared: Arc<Shared>,
}

impl ConflictLayer {
    /// Starts the layer in front of `upstream` (DynamoDB Local's URL) on a
    /// free loopback port, on a thread and runtime of its own, so that it
    /// serves other processes and any caller's runtime. It lives as long
    /// as the process.
    pub fn start(upstream: &str, settings: Settings) -> Self {
        let address = upstream.trim_start_matches("http://").trim_end_matches('/');
        let upstream: SocketAddr = address.parse().expect("an http://host:port endpoint");
        let shared = Arc::new(Shared {
            pool: Pool::new(upstream),
            hold: settings.hold,
            rng: Mutex::new(Rng::new(settings.seed)),
            throttle: Mutex::new(settings.throttle),
            unguarded: Mutex::new(None),
            held: Mutex::default(),
            stats: Mutex::default(),
        });
        let (bound, port) = std::sync::mpsc::channel();
        let serving = shared.clone();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime");
            runtime.block_on(async move {
                let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
                bound.send(listener.local_addr().unwrap().port()).unwrap();
                while let Ok((client, _)) = listener.accept().await {
                    let _ = client.set_nodelay(true);
                    tokio::spawn(serving.clone().relay(client));
                }
            });
        });
        let port = port.recv().expect("the layer's port");
        ConflictLayer {
            url: format!("http://127.0.0.1:{port}"),
            shared,
        }
    }

    pub fn stats(&self) -> Stats {
        *self.shared.stats.lock().unwrap()
    }

    /// Changes the share of requests throttled from now on.
    pub fn set_throttle(&self, share: f64) {
        *self.shared.throttle.lock().unwrap() = share;
    }

    /// Drops, from now on, the condition of every Put of an item whose
    /// sort key is `sort_key` (a defect on purpose); `None` stops it.
    pub fn set_unguarded(&self, sort_key: Option<&str>) {
        *self.shared.unguarded.lock().unwrap() = sort_key.map(str::to_owned);
    }
}

impl Shared {
    /// One client connection, kept alive.
    async fn relay(self: Arc<Self>, client: TcpStream) {
        let (client_in, mut client_out) = client.into_split();
        let mut client_in = BufReader::new(client_in);
        while let Some(request) = read(&mut client_in).await {
            let Some(answer) = self.answer(request).await else {
                return;
            };
            if client_out.write_all(&answer).await.is_err() {
                return;
            }
        }
    }

    async fn answer(&self, mut request: Message) -> Option<Vec<u8>> {
        let target = request.header("x-amz-target").unwrap_or("");
        let operation = target.rsplit('.').next().unwrap_or("").to_owned();
        self.stats.lock().unwrap().requests += 1;
        let throttled = {
            let share = *self.throttle.lock().unwrap();
            self.rng.lock().unwrap().chance(share)
        };
        if throttled {
            self.stats.lock().unwrap().throttled += 1;
            let message = "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.";
            return Some(error(
                "ProvisionedThroughputExceededException",
                message,
                None,
            ));
        }
        let mut body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        if self.unguard(&operation, &mut body) {
            request = with_body(&request, &body);
        }
        match operation.as_str() {
            "TransactWriteItems" => return self.transaction(&request, &body).await,
            "PutItem" | "UpdateItem" | "DeleteItem" => {
                let key = item_key(&body, &body["Key"], &body["Item"]);
                if self.held.lock().unwrap().contains(&key) {
                    self.stats.lock().unwrap().writes_refused += 1;
                    let message = "Transaction is ongoing for the item";
                    return Some(error("TransactionConflictException", message, None));
                }
            }
            _ => {}
        }
        Some(self.pool.forward(&request).await?.bytes())
    }

    /// A transaction: cancelled at once when one in flight holds any of
    /// its items, else held, sent on, and let go when it is answered.
    async fn transaction(&self, request: &Message, body: &Value) -> Option<Vec<u8>> {
        let items = body["TransactItems"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let keys: Vec<ItemKey> = items
            .iter()
            .map(|item| {
                let (_, action) = item.as_object()?.iter().next()?;
                Some(item_key(action, &action["Key"], &action["Item"]))
            })
            .map(Option::unwrap_or_default)
            .collect();
        let conflicts: Vec<bool> = {
            let mut held = self.held.lock().unwrap();
            let conflicts: Vec<bool> = keys.iter().map(|k| held.contains(k)).collect();
            if !conflicts.contains(&true) {
                held.extend(keys.iter().cloned());
            }
            conflicts
        };
        self.stats.lock().unwrap().transactions += 1;
        if conflicts.contains(&true) {
            self.stats.lock().unwrap().transactions_cancelled += 1;
            let reasons: Vec<Value> = conflicts
                .iter()
                .map(|&conflict| match conflict {
                    true => json!({"Code": "TransactionConflict", "Message": "Transaction is ongoing for the item"}),
                    false => json!({"Code": "None"}),
                })
                .collect();
            let codes: Vec<&str> = conflicts
                .iter()
                .map(|&c| if c { "TransactionConflict" } else { "None" })
                .collect();
            let message = format!(
                "Transaction cancelled, please refer cancellation reasons for specific reasons [{}]",
                codes.join(", ")
            );
            return Some(error(
                "TransactionCanceledException",
                &message,
                Some(reasons),
            ));
        }
        let hold = {
            let span = self.hold.end.saturating_sub(self.hold.start).as_micros() as usize;
            let extra = self.rng.lock().unwrap().below(span.max(1));
            self.hold.start + Duration::from_micros(extra as u64)
        };
        tokio::time::sleep(hold).await;
        let answered = self.pool.forward(request).await;
        let mut held = self.held.lock().unwrap();
        for key in &keys {
            held.remove(key);
        }
        Some(answered?.bytes())
    }

    /// Drops the condition of the Puts of unguarded items; whether any was.
    fn unguard(&self, operation: &str, body: &mut Value) -> bool {
        let Some(sort_key) = self.unguarded.lock().unwrap().clone() else {
            return false;
        };
        let mut puts: Vec<&mut Value> = match operation {
            "PutItem" => vec![body],
            "TransactWriteItems" => body["TransactItems"]
                .as_array_mut()
                .map(|items| items.iter_mut().filter_map(|i| i.get_mut("Put")).collect())
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        let mut dropped = false;
        for put in &mut puts {
            if put["Item"][table::INVITER]["S"].as_str() == Some(sort_key.as_str())
                && let Some(put) = put.as_object_mut()
            {
                for field in [
                    "ConditionExpression",
                    "ExpressionAttributeNames",
                    "ExpressionAttributeValues",
                ] {
                    dropped |= put.remove(field).is_some();
                }
            }
        }
        dropped
    }
}

/// The item a request or action names: by its `Key`, or its `Item`'s key.
fn item_key(action: &Value, key: &Value, item: &Value) -> ItemKey {
    let of = if key.is_object() { key } else { item };
    (
        action["TableName"].as_str().unwrap_or_default().to_owned(),
        of[table::INVITEE].to_string(),
        of[table::INVITER].to_string(),
    )
}

/// `request` with `body` instead of its own.
fn with_body(request: &Message, body: &Value) -> Message {
    let body = serde_json::to_vec(body).expect("JSON");
    let head = request
        .head
        .lines()
        .map(|line| match line.split_once(':') {
            Some((name, _)) if name.trim().eq_ignore_ascii_case("content-length") => {
                format!("Content-Length: {}", body.len())
            }
            _ => line.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\r\n");
    Message { head, body }
}

/// DynamoDB's 400 with `__type` `kind`, `message` and, for a cancelled
/// transaction, its reasons.
fn error(kind: &str, message: &str, reasons: Option<Vec<Value>>) -> Vec<u8> {
    let mut body = json!({
        "__type": format!("com.amazonaws.dynamodb.v20120810#{kind}"),
        "message": message,
    });
    if let Some(reasons) = reasons {
        body["CancellationReasons"] = Value::Array(reasons);
    }
    let headers = [
        ("Content-Type", "application/x-amz-json-1.0".to_owned()),
        ("x-amzn-RequestId", "conflict-layer".to_owned()),
    ];
    response(400, &headers, body.to_string().as_bytes())
}
