//! The batch operations' common shape: 1 to 50 accounts, the caller's own
//! answered without a write, the others' results from the store, answered
//! as `unprocessedAccounts` in request order. DeclineInvitations and
//! DeleteInvitations are here; the administrator's batches in `members`.

use std::future::Future;

use serde::Serialize;

use super::error::ApiError;
use super::response::{Json, Reply};
use super::{Call, input};
use crate::domain::{AccountId, Action, Outcome, Reason};
use crate::store::{StoreError, fanout};

pub async fn decline(call: Call<'_>) -> Reply {
    invitations(call, Action::Decline).await
}

pub async fn delete(call: Call<'_>) -> Reply {
    invitations(call, Action::Delete).await
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Answer {
    unprocessed_accounts: Vec<UnprocessedAccount>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UnprocessedAccount {
    pub account_id: String,
    pub result: String,
}

/// One conditional write per distinct account, all in flight at once.
async fn invitations(call: Call<'_>, action: Action) -> Reply {
    let accounts = input::parse_account_ids(call.request.body())?;
    let outcomes = each(
        &accounts,
        &call.caller,
        Reason::OwnAccount,
        async |others| {
            let writes = others.into_iter().map(|inviter| {
                let (store, caller) = (call.store.clone(), call.caller.clone());
                async move { store.apply(action, &caller, &inviter).await }
            });
            Ok(fanout::concurrently(writes.collect()).await)
        },
    )
    .await?;
    Ok(answer(&accounts, &outcomes))
}

/// The outcome of every account: `own` for the caller's own, what `work`
/// did for the others (given in request order). When every write failed,
/// the request fails as a whole, since nothing in it could be processed:
/// with a 500 that says to retry when every failure was transient, with
/// the "not owned" 400 when the detector went away meanwhile.
pub async fn each<F, Fut>(
    accounts: &[AccountId],
    caller: &AccountId,
    own: Reason,
    work: F,
) -> Result<Vec<Outcome>, ApiError>
where
    F: FnOnce(Vec<AccountId>) -> Fut,
    Fut: Future<Output = Result<Vec<Result<Outcome, StoreError>>, StoreError>>,
{
    let others: Vec<AccountId> = accounts.iter().filter(|a| *a != caller).cloned().collect();
    // Called even with no other account: its read checks the detector.
    let mut results = work(others).await?.into_iter();
    let mut failures: Vec<StoreError> = Vec::new();
    let outcomes: Vec<Outcome> = accounts
        .iter()
        .map(|account| {
            if account == caller {
                return Outcome::Unprocessed(own.clone());
            }
            match results.next().expect("a result per account") {
                Ok(outcome) => outcome,
                Err(error) => {
                    // The body's account IDs stay out of the logs.
                    tracing::warn!(?error, "write failed");
                    let reason = error.reason();
                    failures.push(error);
                    Outcome::Unprocessed(reason)
                }
            }
        })
        .collect();
    let writes = accounts.iter().filter(|a| *a != caller).count();
    if writes > 0 && failures.len() == writes {
        return Err(if failures.iter().all(StoreError::is_transient) {
            ApiError::Retry
        } else if failures
            .iter()
            .all(|e| matches!(e, StoreError::DetectorNotOwned))
        {
            ApiError::DetectorNotOwned
        } else {
            ApiError::Internal
        });
    }
    Ok(outcomes)
}

/// `{"unprocessedAccounts": [...]}` of `outcomes` (one per account).
pub fn answer(accounts: &[AccountId], outcomes: &[Outcome]) -> Json {
    Json::of(&Answer {
        unprocessed_accounts: unprocessed(accounts, outcomes),
    })
}

/// The unprocessed accounts with their results, in request order; the
/// request's span counts both kinds.
pub fn unprocessed(accounts: &[AccountId], outcomes: &[Outcome]) -> Vec<UnprocessedAccount> {
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
    unprocessed
}
