//! Running one write per account of a batch: all in flight at once, or one
//! after another where the writes share an item that concurrent
//! transactions would cancel each other over (an administrator's summary).
//! Each write runs in a task of its own, so a panic fails its account only.

use std::future::Future;
use std::time::Instant;

use tokio::task::JoinSet;

use super::{SERIAL_BUDGET, StoreError};

/// `writes` all in flight at once; results in their order.
pub async fn concurrently<T, F>(writes: Vec<F>) -> Vec<Result<T, StoreError>>
where
    T: Send + 'static,
    F: Future<Output = Result<T, StoreError>> + Send + 'static,
{
    let mut tasks = JoinSet::new();
    let mut index_of = std::collections::HashMap::new();
    let count = writes.len();
    for (index, write) in writes.into_iter().enumerate() {
        index_of.insert(tasks.spawn(write).id(), index);
    }
    let mut results: Vec<Option<Result<T, StoreError>>> = (0..count).map(|_| None).collect();
    while let Some(joined) = tasks.join_next_with_id().await {
        let (index, result) = match joined {
            Ok((id, result)) => (index_of[&id], result),
            Err(error) => (index_of[&error.id()], Err(panicked(&error))),
        };
        results[index] = Some(result);
    }
    results
        .into_iter()
        .map(|result| result.expect("every task ended"))
        .collect()
}

/// `writes` one after another; results in their order. None starts later
/// than [`SERIAL_BUDGET`] after the first did, so that the request still
/// answers in time: those left are answered [`StoreError::OutOfTime`].
pub async fn one_by_one<T, F>(writes: Vec<F>) -> Vec<Result<T, StoreError>>
where
    T: Send + 'static,
    F: Future<Output = Result<T, StoreError>> + Send + 'static,
{
    let started = Instant::now();
    let mut results = Vec::with_capacity(writes.len());
    for write in writes {
        if started.elapsed() > SERIAL_BUDGET {
            results.push(Err(StoreError::OutOfTime));
            continue;
        }
        results.push(match tokio::spawn(write).await {
            Ok(result) => result,
            Err(error) => Err(panicked(&error)),
        });
    }
    results
}

fn panicked(error: &tokio::task::JoinError) -> StoreError {
    // The body's account IDs stay out of the logs.
    tracing::error!(%error, "write task failed");
    StoreError::Other(format!("the write task failed: {error}"))
}
