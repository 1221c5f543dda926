//! Just enough HTTP/1.1 for the benchmark's Runtime API stub and proxy and
//! for the conflict layer: messages with a Content-Length, on keep-alive
//! connections, and a pool of connections to the server behind a proxy.
//! No HTTP library, so that nothing is built with another feature set.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};

/// A request or response: its start line and headers, and its body.
pub struct Message {
    pub head: String,
    pub body: Vec<u8>,
}

impl Message {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }

    /// The request's path, from its start line.
    pub fn path(&self) -> &str {
        self.head.split(' ').nth(1).unwrap_or("")
    }

    pub fn bytes(&self) -> Vec<u8> {
        let mut out = self.head.clone().into_bytes();
        out.extend_from_slice(b"\r\n\r\n");
        out.extend_from_slice(&self.body);
        out
    }
}

/// Reads one message; `None` when the peer closed the connection.
pub async fn read<R: AsyncRead + Unpin>(reader: &mut BufReader<R>) -> Option<Message> {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).await.ok()? == 0 {
            return None;
        }
        if line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    let head = head.trim_end().to_owned();
    let mut message = Message {
        head,
        body: Vec::new(),
    };
    let length: usize = message
        .header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    message.body = vec![0; length];
    reader.read_exact(&mut message.body).await.ok()?;
    Some(message)
}

pub fn response(status: u16, headers: &[(&str, String)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} X\r\nContent-Length: {}\r\n", body.len());
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    let mut out = out.into_bytes();
    out.extend_from_slice(body);
    out
}

/// Serves `handle` (one request in, one response's bytes out) on a free
/// loopback port until the process ends.
pub async fn serve<F, Fut>(handle: F) -> SocketAddr
where
    F: Fn(Message) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Vec<u8>> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let _ = stream.set_nodelay(true);
            let handle = handle.clone();
            tokio::spawn(async move {
                let (reader, mut writer) = stream.into_split();
                let mut reader = BufReader::new(reader);
                while let Some(request) = read(&mut reader).await {
                    if writer.write_all(&handle(request).await).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    addr
}

/// Kept-alive connections to the server behind a proxy, as DynamoDB's
/// front end keeps its own: a client's new connection costs the client its
/// handshake with the proxy, not a second connection behind it.
#[derive(Clone)]
pub struct Pool {
    upstream: SocketAddr,
    idle: Arc<Mutex<Vec<Upstream>>>,
}

struct Upstream {
    reader: BufReader<OwnedReadHalf>,
    writer: OwnedWriteHalf,
}

impl Pool {
    pub fn new(upstream: SocketAddr) -> Self {
        Pool {
            upstream,
            idle: Arc::default(),
        }
    }

    /// The server's answer to `request`, over a pooled connection, or a
    /// new one if none is idle or the pooled one turns out closed (a server
    /// may close a connection that stays idle).
    pub async fn forward(&self, request: &Message) -> Option<Message> {
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
    /// unless the server is closing it.
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
}
