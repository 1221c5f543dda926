//! A stub of the Lambda Runtime API: it notes when a function first polls
//! for work (the end of init), hands it events and collects its answers.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tokio::sync::{Mutex, mpsc, oneshot};

use testkit::http1::{Message, response, serve};

pub struct RuntimeApi {
    pub addr: std::net::SocketAddr,
    events: mpsc::Sender<String>,
    results: mpsc::Receiver<Result<String, String>>,
    first_poll: Option<oneshot::Receiver<Instant>>,
}

struct Shared {
    events: Mutex<mpsc::Receiver<String>>,
    results: mpsc::Sender<Result<String, String>>,
    first_poll: std::sync::Mutex<Option<oneshot::Sender<Instant>>>,
    next_id: std::sync::atomic::AtomicU64,
}

impl RuntimeApi {
    pub async fn start() -> Self {
        let (events_tx, events_rx) = mpsc::channel(1);
        let (results_tx, results_rx) = mpsc::channel(1);
        let (first_tx, first_rx) = oneshot::channel();
        let shared = Arc::new(Shared {
            events: Mutex::new(events_rx),
            results: results_tx,
            first_poll: std::sync::Mutex::new(Some(first_tx)),
            next_id: Default::default(),
        });
        let addr = serve(move |request| {
            let shared = shared.clone();
            async move { handle(&shared, request).await }
        })
        .await;
        Self {
            addr,
            events: events_tx,
            results: results_rx,
            first_poll: Some(first_rx),
        }
    }

    /// When the function first asked for work.
    pub async fn first_poll(&mut self) -> Instant {
        let wait = self.first_poll.take().expect("asked once");
        tokio::time::timeout(Duration::from_secs(30), wait)
            .await
            .expect("the function polls")
            .unwrap()
    }

    /// Hands the function `event` and waits for its answer.
    pub async fn invoke(&mut self, event: &str) -> (Result<String, String>, Duration) {
        let started = Instant::now();
        self.events
            .send(event.to_owned())
            .await
            .expect("the stub runs");
        let result = tokio::time::timeout(Duration::from_secs(30), self.results.recv())
            .await
            .expect("the function answers")
            .expect("the stub runs");
        (result, started.elapsed())
    }
}

async fn handle(shared: &Shared, request: Message) -> Vec<u8> {
    let path = request.path().to_owned();
    if request.head.starts_with("GET ") && path.ends_with("/invocation/next") {
        if let Some(first) = shared.first_poll.lock().unwrap().take() {
            let _ = first.send(Instant::now());
        }
        let Some(event) = shared.events.lock().await.recv().await else {
            return response(500, &[], b"stub stopped");
        };
        let id = shared
            .next_id
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let deadline =
            SystemTime::now().duration_since(UNIX_EPOCH).unwrap() + Duration::from_secs(30);
        let headers = [
            ("Lambda-Runtime-Aws-Request-Id", format!("bench-{id}")),
            (
                "Lambda-Runtime-Deadline-Ms",
                deadline.as_millis().to_string(),
            ),
            (
                "Lambda-Runtime-Invoked-Function-Arn",
                "arn:aws:lambda:us-east-1:123456789012:function:bench".into(),
            ),
            (
                "Lambda-Runtime-Trace-Id",
                "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=0".into(),
            ),
            ("Content-Type", "application/json".into()),
        ];
        return response(200, &headers, event.as_bytes());
    }
    let body = String::from_utf8_lossy(&request.body).into_owned();
    let result = if path.ends_with("/response") {
        Ok(body)
    } else {
        Err(format!("{path}: {body}"))
    };
    let _ = shared.results.send(result).await;
    response(202, &[], b"")
}
