//! DeclineInvitations and DeleteInvitations: one conditional write per
//! distinct account of the body, all in flight at once, answered as
//! `unprocessedAccounts` in request order.

use std::collections::HashMap;

use serde::Serialize;
use tokio::task::JoinSet;

use super::error::ApiError;
use super::response::Json;
use super::routes::Reply;
use super::{Call, input};
use crate::domain::{AccountId, Action, Outcome, Reason};
use crate::store::Store;

pub async fn decline(call: Call<'_>) -> Reply {
    run(call, Action::Decline).await
}

pub async fn delete(call: Call<'_>) -> Reply {
    run(call, Action::Delete).await
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Answer {
    unprocessed_accounts: Vec<UnprocessedAccount>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UnprocessedAccount {
    account_id: String,
    result: String,
}

async fn run(call: Call<'_>, action: Action) -> Reply {
    let accounts = input::parse_account_ids(call.request.body())?;
    let outcomes = apply_all(call.store, action, &call.caller, &accounts).await?;
    let unprocessed: Vec<UnprocessedAccount> = accounts
        .iter()
        .zip(outcomes)
        .filter_map(|(account, outcome)| match outcome {
            Outcome::Processed => None,
            Outcome::Unprocessed(reason) => Some(UnprocessedAccount {
                account_id: account.to_string(),
                result: reason.message(),
            }),
        })
        .collect();
    let span = tracing::Span::current();
    span.record("processed", accounts.len() - unprocessed.len());
    span.record("unprocessed", unprocessed.len());
    Ok(Json::of(&Answer {
        unprocessed_accounts: unprocessed,
    }))
}

/// One write per account, all in flight at once; outcomes in `accounts`
/// order. When the store failed every write it was asked for, the request
/// fails as a whole, since nothing in it could be processed.
async fn apply_all(
    store: &Store,
    action: Action,
    caller: &AccountId,
    accounts: &[AccountId],
) -> Result<Vec<Outcome>, ApiError> {
    let mut writes = JoinSet::new();
    let mut index_of = HashMap::new();
    for (index, account) in accounts.iter().enumerate() {
        if account != caller {
            let (store, caller, account) = (store.clone(), caller.clone(), account.clone());
            let task = writes.spawn(async move { store.apply(action, &caller, &account).await });
            index_of.insert(task.id(), index);
        }
    }
    let mut outcomes = vec![Outcome::Unprocessed(Reason::OwnAccount); accounts.len()];
    let mut failed = 0;
    while let Some(joined) = writes.join_next_with_id().await {
        // A write task that panicked is that account's failure alone; the
        // others' outcomes stand. The body's account IDs stay out of the logs.
        let (index, outcome) = match joined {
            Ok((id, Ok(outcome))) => (index_of[&id], outcome),
            Ok((id, Err(error))) => {
                failed += 1;
                tracing::warn!(index = index_of[&id], ?error, "write failed");
                (index_of[&id], Outcome::Unprocessed(error.reason()))
            }
            Err(error) => {
                failed += 1;
                tracing::error!(index = index_of[&error.id()], %error, "write task failed");
                (
                    index_of[&error.id()],
                    Outcome::Unprocessed(Reason::StoreFailure),
                )
            }
        };
        outcomes[index] = outcome;
    }
    if !index_of.is_empty() && failed == index_of.len() {
        return Err(ApiError::Internal);
    }
    Ok(outcomes)
}
