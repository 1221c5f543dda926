//! The two multi-item requests: a `TransactWriteItems`, whose cancellation
//! reasons (`ALL_OLD`) say which item's condition failed and what it held,
//! and a consistent `BatchGetItem`, whose unprocessed keys are asked for
//! again; and a member's change started over when a conflict cancels it.

use std::collections::HashMap;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::DisplayErrorContext;
use aws_sdk_dynamodb::operation::batch_get_item::builders::BatchGetItemFluentBuilder;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{KeysAndAttributes, TransactWriteItem};

use super::expr::Item;
use super::{Store, StoreError, classify};
use crate::table;

/// How a transaction ended, short of an error.
#[derive(Debug)]
pub enum Transacted {
    Applied,
    /// A failed condition cancelled it: per item, in the order sent,
    /// `Some(old item)` if that item's condition failed (`Some(None)`: there
    /// was no item).
    Refused(Vec<Option<Option<Item>>>),
}

impl Transacted {
    /// For a refused transaction, whether item `i`'s condition failed.
    pub fn failed(&self, i: usize) -> Option<Option<&Item>> {
        match self {
            Transacted::Applied => None,
            Transacted::Refused(reasons) => reasons.get(i)?.as_ref().map(Option::as_ref),
        }
    }
}

/// How many times a member's own change (accept, leave, decline, delete)
/// starts over when a concurrent transaction cancels its own.
const CHANGE_ATTEMPTS: usize = 3;

/// Runs `change` (its reads, then a write) again, after a pause, while a
/// concurrent transaction over one of its items cancels or refuses its
/// write: that applied nothing, so the change starts over from its reads.
/// Still cancelled at the end, or after `SERIAL_BUDGET`: the error.
pub(super) async fn again_if_cancelled<T, F>(mut change: impl FnMut() -> F) -> Result<T, StoreError>
where
    F: Future<Output = Result<T, StoreError>>,
{
    let started = std::time::Instant::now();
    let mut attempt = 0;
    loop {
        match change().await {
            Err(StoreError::Cancelled(_))
                if attempt + 1 < CHANGE_ATTEMPTS && started.elapsed() < super::SERIAL_BUDGET =>
            {
                tokio::time::sleep(super::members::pause(attempt)).await;
                attempt += 1;
            }
            ended => return ended,
        }
    }
}

/// BatchGetItem asks for at most this many keys.
pub const MAX_BATCH_KEYS: usize = 100;
/// Rounds of asking again for keys DynamoDB left unprocessed (throttled).
const BATCH_ROUNDS: usize = 3;

/// The consistent `BatchGetItem` of `keys`; the benchmark's floors send
/// this very request.
pub fn batch_get(client: &Client, table: &str, keys: Vec<Item>) -> BatchGetItemFluentBuilder {
    let request = KeysAndAttributes::builder()
        .set_keys(Some(keys))
        .consistent_read(true)
        .build()
        .expect("keys are set");
    client.batch_get_item().request_items(table, request)
}

impl Store {
    /// One `TransactWriteItems`. Throttling and conflicts with other
    /// transactions come back as cancellations too, and are transient.
    pub async fn transact(&self, items: Vec<TransactWriteItem>) -> Result<Transacted, StoreError> {
        let count = items.len();
        let error = match self
            .client
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await
        {
            Ok(_) => return Ok(Transacted::Applied),
            Err(error) => error,
        };
        if let Some(TransactWriteItemsError::TransactionCanceledException(cancelled)) =
            error.as_service_error()
        {
            let reasons = cancelled.cancellation_reasons();
            let refused: Vec<Option<Option<Item>>> = (0..count)
                .map(|i| {
                    reasons
                        .get(i)
                        .filter(|reason| reason.code() == Some("ConditionalCheckFailed"))
                        .map(|reason| reason.item().cloned())
                })
                .collect();
            if refused.iter().any(Option::is_some) {
                return Ok(Transacted::Refused(refused));
            }
            let transient = reasons.iter().any(|reason| {
                matches!(
                    reason.code(),
                    Some(
                        "TransactionConflict" | "ThrottlingError" | "ProvisionedThroughputExceeded"
                    )
                )
            });
            if transient {
                return Err(StoreError::Cancelled(
                    DisplayErrorContext(&error).to_string(),
                ));
            }
        }
        Err(classify(error))
    }

    /// The items of `keys` (at most [`MAX_BATCH_KEYS`]) that exist, read
    /// strongly consistent, keyed by their sort key, which must differ
    /// from key to key (one account's items, and the organization's).
    pub async fn get_many(&self, keys: Vec<Item>) -> Result<HashMap<String, Item>, StoreError> {
        let found = self.get_keyed(keys).await?;
        Ok(found
            .into_iter()
            .map(|((_, sort), item)| (sort, item))
            .collect())
    }

    /// The items of `keys` (at most [`MAX_BATCH_KEYS`]) that exist, read
    /// strongly consistent, keyed by (partition, sort key).
    pub async fn get_keyed(
        &self,
        keys: Vec<Item>,
    ) -> Result<HashMap<(String, String), Item>, StoreError> {
        debug_assert!(keys.len() <= MAX_BATCH_KEYS);
        let mut found = HashMap::new();
        let mut wanted = keys;
        for _ in 0..BATCH_ROUNDS {
            if wanted.is_empty() {
                return Ok(found);
            }
            let output = batch_get(&self.client, &self.table, std::mem::take(&mut wanted))
                .send()
                .await
                .map_err(classify)?;
            for item in output
                .responses
                .unwrap_or_default()
                .remove(&self.table)
                .unwrap_or_default()
            {
                let key = (
                    table::text(&item, table::INVITEE),
                    table::text(&item, table::INVITER),
                );
                found.insert(key, item);
            }
            if let Some(mut left) = output.unprocessed_keys {
                wanted = left.remove(&self.table).map(|k| k.keys).unwrap_or_default();
            }
        }
        if wanted.is_empty() {
            Ok(found)
        } else {
            Err(StoreError::Transient(format!(
                "BatchGetItem left {} keys unprocessed after {BATCH_ROUNDS} rounds",
                wanted.len()
            )))
        }
    }
}
