//! The detectors of the caller's associated members (either path):
//! GetMemberDetectors and UpdateMemberDetectors, under the caller's
//! detector (`/detector/{detectorId}/member/detector/...`).

use serde::Serialize;

use super::batch::{self, UnprocessedAccount, answer, each};
use super::detector::{DataSources, ShownFeature, data_sources, features};
use super::response::{Json, Reply};
use super::{Call, input};
use crate::domain::{Outcome, Reason};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MemberDetector<'a> {
    account_id: String,
    data_sources: DataSources,
    features: Vec<ShownFeature<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Answer<'a> {
    members: Vec<MemberDetector<'a>>,
    unprocessed_accounts: Vec<UnprocessedAccount>,
}

pub async fn get(call: Call<'_>) -> Reply {
    let detector = call.detector()?;
    let accounts = input::parse_account_ids(call.request.body())?;
    let found = call
        .store
        .member_detectors(&call.caller, detector, &accounts)
        .await?;
    let mut members = Vec::new();
    let mut outcomes = Vec::new();
    for account in &accounts {
        match found.get(account) {
            Some(read) => {
                members.push(MemberDetector {
                    account_id: account.to_string(),
                    data_sources: data_sources(account, read),
                    features: features(read),
                });
                outcomes.push(Outcome::Processed);
            }
            None => outcomes.push(Outcome::Unprocessed(Reason::NotMember)),
        }
    }
    Ok(Json::of(&Answer {
        members,
        unprocessed_accounts: batch::unprocessed(&accounts, &outcomes),
    }))
}

pub async fn update(call: Call<'_>) -> Reply {
    let detector = call.detector()?;
    let (accounts, settings) = input::parse_member_detectors(call.request.body())?;
    let outcomes = each(&accounts, &call.caller, Reason::NotMember, async |others| {
        call.store
            .update_member_detectors(&call.caller, detector, &others, &settings)
            .await
    })
    .await?;
    Ok(answer(&accounts, &outcomes))
}
