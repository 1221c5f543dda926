//! The local AWS Organizations API: moto's server (`moto[server]` from
//! PyPI, installed by scripts/install-deps), on a free port, stopped when
//! dropped. Each server holds one organization; its management account is
//! moto's default account, [`MANAGEMENT`].

use std::time::Duration;

use crate::process::{self, Process};

/// The account moto's server acts as: the management account of the
/// organization it creates.
pub const MANAGEMENT: &str = "123456789012";

pub struct MotoServer {
    pub endpoint: String,
    _process: Process,
}

impl MotoServer {
    pub fn start() -> Self {
        let port = process::free_port();
        let program = crate::installed().bin.join("moto_server");
        let args = vec![
            "-H".into(),
            "127.0.0.1".into(),
            "-p".into(),
            port.to_string(),
        ];
        let mut process = Process::spawn(
            "moto-server",
            &program.display().to_string(),
            &args,
            &[],
            &std::env::temp_dir(),
        );
        process::wait_until(Duration::from_secs(60), "moto's server to answer", || {
            process.assert_running();
            answers(port)
        });
        Self {
            endpoint: format!("http://127.0.0.1:{port}"),
            _process: process,
        }
    }
}

fn answers(port: u16) -> bool {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request = "GET /moto-api/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    let mut response = String::new();
    stream.write_all(request.as_bytes()).is_ok()
        && stream.read_to_string(&mut response).is_ok()
        && response.starts_with("HTTP/1.1 200")
}
