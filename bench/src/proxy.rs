//! A proxy in front of DynamoDB Local that counts requests by operation
//! and can delay each one, as a distant DynamoDB would.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use testkit::http1::{Pool, read};
use tokio::io::{AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

#[derive(Clone)]
pub struct Proxy {
    pub url: String,
    pool: Pool,
    delay_ms: Arc<AtomicU64>,
    counts: Arc<Mutex<HashMap<String, usize>>>,
}

impl Proxy {
    pub async fn start(upstream: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let proxy = Proxy {
            url: format!("http://{}", listener.local_addr().unwrap()),
            pool: Pool::new(upstream),
            delay_ms: Default::default(),
            counts: Default::default(),
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
    /// proxy's own pool of connections to DynamoDB Local.
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
            let Some(response) = self.pool.forward(&request).await else {
                return;
            };
            if client_out.write_all(&response.bytes()).await.is_err() {
                return;
            }
        }
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
