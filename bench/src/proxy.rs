//! A proxy in front of DynamoDB Local that counts requests by operation
//! and can delay each one, as a distant DynamoDB would.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

use crate::serve::read;

#[derive(Clone, Default)]
pub struct Proxy {
    pub url: String,
    delay_ms: Arc<AtomicU64>,
    counts: Arc<Mutex<HashMap<String, usize>>>,
}

impl Proxy {
    pub async fn start(upstream: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let proxy = Proxy {
            url: format!("http://{}", listener.local_addr().unwrap()),
            ..Proxy::default()
        };
        let shared = proxy.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let _ = client.set_nodelay(true);
                tokio::spawn(shared.clone().relay(client, upstream));
            }
        });
        proxy
    }

    /// One client connection, kept alive, over one upstream connection.
    async fn relay(self, client: TcpStream, upstream: SocketAddr) {
        let Ok(upstream) = TcpStream::connect(upstream).await else {
            return;
        };
        let _ = upstream.set_nodelay(true);
        let (client_in, mut client_out) = client.into_split();
        let (upstream_in, mut upstream_out) = upstream.into_split();
        let (mut client_in, mut upstream_in) =
            (BufReader::new(client_in), BufReader::new(upstream_in));
        while let Some(request) = read(&mut client_in).await {
            let target = request.header("x-amz-target").unwrap_or("");
            let operation = target.rsplit('.').next().unwrap_or("").to_owned();
            *self.counts.lock().unwrap().entry(operation).or_default() += 1;
            tokio::time::sleep(Duration::from_millis(self.delay_ms.load(Ordering::Relaxed))).await;
            if upstream_out.write_all(&request.bytes()).await.is_err() {
                return;
            }
            let Some(response) = read(&mut upstream_in).await else {
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
