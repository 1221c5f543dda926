//! Child processes that cannot outlive the tests: each runs in its own
//! process group under a small shell watchdog that ends the group when the
//! test process goes away, and dropping the handle ends it at once.

use std::fs::File;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Process {
    child: Child,
    pub log: PathBuf,
}

/// The watchdog: runs "$@" in the background, polls that both the test
/// process and the command are alive, then ends the whole group.
const WATCHDOG: &str = r#"
parent=$1; shift
"$@" &
child=$!
trap 'kill -TERM 0 2>/dev/null; sleep 5; kill -KILL 0 2>/dev/null' EXIT
while kill -0 "$parent" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 0.2; done
"#;

impl Process {
    /// Starts `program` with `args` and extra `env`; its output goes to a log
    /// file under the target directory, named after `name`.
    pub fn spawn(
        name: &str,
        program: &str,
        args: &[String],
        env: &[(&str, &str)],
        dir: &std::path::Path,
    ) -> Self {
        let log = log_path(name);
        let out = File::create(&log).expect("create log file");
        let child = Command::new("bash")
            .arg("-c")
            .arg(WATCHDOG)
            .arg("watchdog")
            .arg(std::process::id().to_string())
            .arg(program)
            .args(args)
            .envs(env.iter().copied())
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(out.try_clone().expect("clone log file"))
            .stderr(out)
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("start {program}: {e}"));
        Self { child, log }
    }

    /// Panics with the process's output if it has already ended (for
    /// example because its port was taken), instead of waiting in vain.
    pub fn assert_running(&mut self) {
        let exited = self.child.try_wait().ok().flatten().is_some();
        assert!(
            !exited,
            "{} ended early:\n{}",
            self.log.display(),
            self.output()
        );
    }

    /// The process's output so far.
    pub fn output(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Sends `signal` to the whole group (the watchdog, the command and its
    /// children). Bash's own `kill`, because procps' misreads `-PGID`.
    pub fn signal(&self, signal: &str) {
        let _ = Command::new("bash")
            .args(["-c", r#"kill -s "$0" -- "-$1" 2>/dev/null"#, signal])
            .arg(self.child.id().to_string())
            .status();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.signal("TERM");
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                // The group may still hold a child that ignored TERM.
                self.signal("KILL");
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        self.signal("KILL");
        let _ = self.child.wait();
    }
}

fn log_path(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join("guardduty-invitations-logs");
    std::fs::create_dir_all(&dir).expect("create log dir");
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    dir.join(format!("{name}-{}-{stamp}.log", std::process::id()))
}

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("bind an ephemeral port")
        .port()
}

/// Polls `check` (blocking) until it holds, or panics after `limit`.
pub fn wait_until(limit: Duration, what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !check() {
        assert!(
            Instant::now() < deadline,
            "timed out after {limit:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}
