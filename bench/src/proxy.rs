//! A proxy in front of DynamoDB Local that counts requests by operation
//! and can delay each one, as a distant DynamoDB would.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncWriteExt, BufReader};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};

use crate::serve::{Message, read};

#[derive(Clone)]
pub struct Proxy {
    pub url: String,
    upstream: SocketAddr,
    delay_ms: Arc<AtomicU64>,
    counts: Arc<Mutex<HashMap<String, usize>>>,
    idle: Arc<Mutex<Vec<Upstream>>>,
}

/// A kept-alive connection to DynamoDB Local.
struct Upstream {
    reader: BufReader<OwnedReadHalf>,
    writer: OwnedWriteHalf,
}

impl Proxy {
    pub async fn start(upstream: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let proxy = Proxy {
            url: format!("http://{}", listener.local_addr().unwrap()),
            upstream,
            delay_ms: Default::default(),
            counts: Default::default(),
            idle: Default::default(),
        };
        let shared = proxy.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let _ = client.set_nodelay(true);
                tokio::spawn(shared.clone().relay(client));
            }
        });
        proxy
    }

    /// One client connection, kept alive. Its requests travel over the
    /// proxy's own pool of connections to DynamoDB Local, as DynamoDB's front
    /// end keeps its own: a client's new connection costs the client its
    /// handshake with the proxy, not a second connection behind it.
    async fn relay(self, client: TcpStream) {
        let (client_in, mut client_out) = client.into_split();
        let mut client_in = BufReader::new(client_in);
        while let Some(request) = read(&mut client_in).await {
            let target = request.header("x-amz-target").unwrap_or("");
            let operation = target.rsplit('.').next().unwrap_or("").to_owned();
            *self.counts.lock().unwrap().entry(operation).or_default() += 1;
            // Tokio's timers tick in whole milliseconds: even a zero sleep
            // would wait for the next tick, adding up to 1 ms to every call.
            let delay = self.delay_ms.load(Ordering::Relaxed);
            if delay > 0 {
                tokio::time::sleep(Duration::from_millis(delay)).await;
            }
            let Some(response) = self.forward(&request).await else {
                return;
            };
            if client_out.write_all(&response.bytes()).await.is_err() {
                return;
            }
        }
    }

    /// DynamoDB Local's answer to `request`, over a pooled connection, or a
    /// new one if none is idle or the pooled one turns out closed (a server
    /// may close a connection that stays idle).
    async fn forward(&self, request: &Message) -> Option<Message> {
        let pooled = self.idle.lock().unwrap().pop();
        if let Some(upstream) = pooled
            && let Some(response) = self.exchange(upstream, request).await
        {
            return Some(response);
        }
        let stream = TcpStream::connect(self.upstream).await.ok()?;
        let _ = stream.set_nodelay(true);
        let (reader, writer) = stream.into_split();
        let upstream = Upstream {
            reader: BufReader::new(reader),
            writer,
        };
        self.exchange(upstream, request).await
    }

    /// One request and its response; the connection goes back to the pool
    /// unless DynamoDB Local is closing it.
    async fn exchange(&self, mut upstream: Upstream, request: &Message) -> Option<Message> {
        upstream.writer.write_all(&request.bytes()).await.ok()?;
        let response = read(&mut upstream.reader).await?;
        let closing = response
            .header("connection")
            .is_some_and(|value| value.eq_ignore_ascii_case("close"));
        if !closing {
            self.idle.lock().unwrap().push(upstream);
        }
        Some(response)
    }

    pub fn set_delay(&self, delay: Duration) {
        self.delay_ms
            .store(delay.as_millis() as u64, Ordering::Relaxed);
    }

    /// Requests seen since the last call, by operation.
    pub fn take_counts(&self) -> HashMap<String, usize> {
        std::mem::take(&mut self.counts.lock().unwrap())
    }
}
