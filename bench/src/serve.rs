//! Just enough HTTP/1.1 for the Runtime API stub and the proxy: messages
//! with a Content-Length, on keep-alive connections. No HTTP library, so
//! the benchmark builds with the feature set the function already has.

use std::future::Future;
use std::net::SocketAddr;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

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
