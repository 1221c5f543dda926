//! The administrator's side: create, invite, get, list, disassociate,
//! delete, stop and start members, under the caller's detector
//! (`/detector/{detectorId}/member...`).

use serde::Serialize;

use super::batch::{self, UnprocessedAccount, answer, each};
use super::response::{Json, Reply};
use super::{Call, input, query, token};
use crate::domain::{AccountId, MemberAction, Outcome, Reason};
use crate::store::records::Record;

pub async fn create(call: Call<'_>) -> Reply {
    let detector = call.detector()?;
    let details = input::parse_account_details(call.request.body())?;
    let accounts: Vec<AccountId> = details.iter().map(|(account, _)| account.clone()).collect();
    let outcomes = each(
        &accounts,
        &call.caller,
        Reason::CannotBeOwnMember,
        async |_| {
            let others: Vec<_> = details
                .into_iter()
                .filter(|(a, _)| *a != call.caller)
                .collect();
            call.store
                .create_members(&call.caller, detector, &others)
                .await
        },
    )
    .await?;
    Ok(answer(&accounts, &outcomes))
}

pub async fn invite(call: Call<'_>) -> Reply {
    let detector = call.detector()?;
    let invite = input::parse_invite(call.request.body())?;
    let outcomes = each(
        &invite.accounts,
        &call.caller,
        Reason::CannotInviteSelf,
        async |others| {
            call.store
                .invite_members(&call.caller, detector, &others)
                .await
        },
    )
    .await?;
    Ok(answer(&invite.accounts, &outcomes))
}

pub async fn disassociate(call: Call<'_>) -> Reply {
    change(call, MemberAction::Disassociate).await
}

pub async fn delete(call: Call<'_>) -> Reply {
    change(call, MemberAction::Delete).await
}

pub async fn start(call: Call<'_>) -> Reply {
    change(call, MemberAction::Start).await
}

pub async fn stop(call: Call<'_>) -> Reply {
    change(call, MemberAction::Stop).await
}

/// A member as GuardDuty's model has it: `masterId` and `administratorId`
/// both name the administrator.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Member {
    account_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    detector_id: Option<String>,
    master_id: String,
    administrator_id: String,
    email: String,
    relationship_status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    invited_at: Option<String>,
    updated_at: String,
}

impl Member {
    fn of(administrator: &AccountId, record: Record) -> Self {
        Member {
            account_id: record.member.to_string(),
            detector_id: record.detector_id,
            master_id: administrator.to_string(),
            administrator_id: administrator.to_string(),
            email: record.email,
            relationship_status: record.status,
            invited_at: record.invited_at,
            updated_at: record.updated_at,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Members {
    members: Vec<Member>,
    unprocessed_accounts: Vec<UnprocessedAccount>,
}

pub async fn get(call: Call<'_>) -> Reply {
    let detector = call.detector()?;
    let accounts = input::parse_account_ids(call.request.body())?;
    let mut records = call
        .store
        .records(&call.caller, detector, &accounts)
        .await?;
    let mut members = Vec::new();
    let mut outcomes = Vec::new();
    for account in &accounts {
        match records.remove(account) {
            Some(record) => {
                members.push(Member::of(&call.caller, record));
                outcomes.push(Outcome::Processed);
            }
            None => outcomes.push(Outcome::Unprocessed(Reason::NotMember)),
        }
    }
    Ok(Json::of(&Members {
        members,
        unprocessed_accounts: batch::unprocessed(&accounts, &outcomes),
    }))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Page {
    members: Vec<Member>,
    /// Only when more members remain.
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

pub async fn list(call: Call<'_>) -> Reply {
    let detector = call.detector()?;
    let limit = query::max_results(call.request)?;
    let only_associated = query::only_associated(call.request)?;
    let after = match query::next_token(call.request)? {
        Some(given) => Some(token::decode(
            token::Listing::Members,
            &given,
            &call.caller,
        )?),
        None => None,
    };
    let page = call
        .store
        .list_members(
            &call.caller,
            detector,
            only_associated,
            limit,
            after.as_ref(),
        )
        .await?;
    tracing::Span::current().record("processed", page.records.len());
    Ok(Json::of(&Page {
        members: page
            .records
            .into_iter()
            .map(|record| Member::of(&call.caller, record))
            .collect(),
        next_token: page
            .more_after
            .map(|after| token::encode(token::Listing::Members, &call.caller, &after)),
    }))
}

/// Disassociate, delete, start or stop the body's accounts.
async fn change(call: Call<'_>, action: MemberAction) -> Reply {
    let detector = call.detector()?;
    let accounts = input::parse_account_ids(call.request.body())?;
    let outcomes = each(&accounts, &call.caller, Reason::NotMember, async |others| {
        let (store, caller) = (call.store, &call.caller);
        match action {
            MemberAction::Disassociate => {
                store.disassociate_members(caller, detector, &others).await
            }
            MemberAction::Delete => store.delete_members(caller, detector, &others).await,
            _ => {
                store
                    .monitor_members(action, caller, detector, &others)
                    .await
            }
        }
    })
    .await?;
    Ok(answer(&accounts, &outcomes))
}
