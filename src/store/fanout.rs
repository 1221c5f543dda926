//! Running one write per account of a batch, all in flight at once, each
//! in a task of its own, so that a panic fails its account only.

use std::future::Future;

use tokio::task::JoinSet;

use super::StoreError;

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

fn panicked(error: &tokio::task::JoinError) -> StoreError {
    // The body's account IDs stay out of the logs.
    tracing::error!(%error, "write task failed");
    StoreError::Other(format!("the write task failed: {error}"))
}
