//! Sampling: a figure and its floor interleaved sample by sample, so that
//! both meet DynamoDB Local (and the table) in the same state, and the
//! statistics taken.

use std::time::{Duration, Instant};

/// `samples` latencies of `ours`, each sample followed by one of `floor`:
/// (ours, floor).
pub async fn interleaved(
    samples: usize,
    mut ours: impl AsyncFnMut(),
    mut floor: impl AsyncFnMut(),
) -> (Vec<Duration>, Vec<Duration>) {
    interleaved_from(
        samples,
        async || {},
        async |()| ours().await,
        async |()| floor().await,
    )
    .await
}

/// The same for requests that change the table: before every sample of
/// either, `setup`, not timed, brings the table back to the state both
/// start from and makes what the sample needs.
pub async fn interleaved_from<S>(
    samples: usize,
    mut setup: impl AsyncFnMut() -> S,
    mut ours: impl AsyncFnMut(S),
    mut floor: impl AsyncFnMut(S),
) -> (Vec<Duration>, Vec<Duration>) {
    let (mut ours_latencies, mut floor_latencies) = (Vec::new(), Vec::new());
    for _ in 0..samples {
        let state = setup().await;
        ours_latencies.push(timed(ours(state)).await);
        let state = setup().await;
        floor_latencies.push(timed(floor(state)).await);
    }
    (ours_latencies, floor_latencies)
}

/// How long `run` took.
pub async fn timed(run: impl Future<Output = ()>) -> Duration {
    let started = Instant::now();
    run.await;
    started.elapsed()
}

pub fn median(values: &mut [Duration]) -> Duration {
    percentile(values, 50)
}

pub fn percentile(values: &mut [Duration], p: usize) -> Duration {
    values.sort();
    values[(values.len() * p / 100).min(values.len() - 1)]
}

/// The peak resident set of process `pid` so far, in MB.
pub fn peak_rss_mb(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(f64::NAN);
    kb / 1024.0
}
