//! CreateMembers: one `BatchGetItem` (the records asked for, the summary,
//! the caller's membership item and detector), then one transaction that
//! puts every new record (each conditioned on its absence), grows the
//! summary within `MEMBER_LIMIT`, and checks that the caller is no
//! associated member and still has its detector. A refusal means something
//! changed in between: it is read again.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::TransactWriteItem;

use super::checks::{check_owned, not_a_member};
use super::enroll::Enrolled;
use super::expr::{Item, s, status_value, transact_put_new};
use super::organization::{organization, organization_key};
use super::records::record_keys;
use super::transact::Transacted;
use super::{Store, StoreError, summary};
use crate::domain::{AccountId, Email, MemberStatus, Outcome, Reason};
use crate::table;

/// Reads and transactions before the accounts still left are told to retry.
const ATTEMPTS: usize = 3;

impl Store {
    /// Creates a Created record for each account that has none, in request
    /// order while `MEMBER_LIMIT` allows. The caller's own account is
    /// answered before this.
    pub async fn create_members(
        &self,
        administrator: &AccountId,
        detector: &str,
        accounts: &[(AccountId, Email)],
    ) -> Result<Vec<Result<Outcome, StoreError>>, StoreError> {
        if accounts.is_empty() {
            // Nothing to create, but the detector is still the caller's or not.
            self.read_with_detector(administrator, detector, Vec::new())
                .await?;
            return Ok(Vec::new());
        }
        let mut results: Vec<Option<Result<Outcome, StoreError>>> =
            accounts.iter().map(|_| None).collect();
        for attempt in 0..ATTEMPTS {
            let pending: Vec<usize> = (0..accounts.len())
                .filter(|&i| results[i].is_none())
                .collect();
            if pending.is_empty() {
                break;
            }
            let members: Vec<AccountId> = pending.iter().map(|&i| accounts[i].0.clone()).collect();
            let mut keys = record_keys(administrator, &members);
            keys.push(HashMap::from(table::summary_key(administrator)));
            keys.push(HashMap::from(table::membership_key(administrator)));
            if attempt == 0 {
                // The organization too: its delegated administrator
                // enrolls the organization's accounts instead.
                keys.push(organization_key());
            }
            let found = self
                .read_with_detector(administrator, detector, keys)
                .await?;
            let org = found.get(table::ORGANIZATION).and_then(organization);
            if let Some(org) = org.filter(|org| org.is_admin(administrator)) {
                let given: Vec<(AccountId, String)> = accounts
                    .iter()
                    .map(|(a, e)| (a.clone(), e.as_str().to_owned()))
                    .collect();
                let enrolled = self
                    .enroll(administrator, detector, &given, Some((org, found)), None)
                    .await?;
                let last = attempt + 1 == ATTEMPTS;
                for (result, enrolled) in results.iter_mut().zip(enrolled) {
                    match enrolled {
                        // Disabled between the read and the enrollment's
                        // commit: created next, as by any administrator
                        // (the organization is read on the first attempt
                        // only).
                        Enrolled::Done(Ok(Outcome::Unprocessed(Reason::NotOrgAdmin))) if !last => {}
                        Enrolled::Done(done) => *result = Some(done),
                        Enrolled::NotInOrganization => {}
                    }
                }
                continue;
            }
            if found.contains_key(table::MEMBERSHIP) {
                for &i in &pending {
                    results[i] = Some(Ok(Outcome::Unprocessed(Reason::CallerIsMember)));
                }
                break;
            }
            let count = found
                .get(table::SUMMARY)
                .map_or(0, |item| table::number(item, table::MEMBER_COUNT));
            let mut room = usize::try_from(self.member_limit - count).unwrap_or(0);
            let mut fresh = Vec::new();
            for &i in &pending {
                let (member, email) = &accounts[i];
                if found.contains_key(&table::record_sort_key(member)) {
                    results[i] = Some(Ok(Outcome::Unprocessed(Reason::AlreadyMember)));
                } else if room == 0 {
                    results[i] = Some(Ok(Outcome::Unprocessed(Reason::MemberLimit)));
                } else {
                    room -= 1;
                    fresh.push((i, member, email));
                }
            }
            if fresh.is_empty() {
                break;
            }
            let created: Vec<(&AccountId, &Email)> =
                fresh.iter().map(|&(_, m, e)| (m, e)).collect();
            let creating = Creating {
                administrator,
                detector,
                created: &created,
                limit: self.member_limit,
            };
            let items = create_items(&self.table, &creating, &table::now());
            match self.transact(items).await {
                Ok(Transacted::Applied) => {
                    for &(i, _, _) in &fresh {
                        results[i] = Some(Ok(Outcome::Processed));
                    }
                }
                // Created, counted or associated meanwhile: read again.
                Ok(Transacted::Refused(_)) => {}
                Err(error) => {
                    for &(i, _, _) in &fresh {
                        results[i] = Some(Err(error.clone()));
                    }
                }
            }
        }
        Ok(results
            .into_iter()
            .map(|result| result.unwrap_or(Ok(Outcome::Unprocessed(Reason::Transient))))
            .collect())
    }
}

/// Who creates which members, under which detector and limit.
pub struct Creating<'a> {
    pub administrator: &'a AccountId,
    pub detector: &'a str,
    pub created: &'a [(&'a AccountId, &'a Email)],
    pub limit: i64,
}

/// The transaction creating members: a Created record each, put on
/// condition of its absence; the summary grown by as many, within the
/// limit; the administrator checked to be no associated member and to
/// have the detector.
pub fn create_items(table: &str, creating: &Creating<'_>, now: &str) -> Vec<TransactWriteItem> {
    let Creating {
        administrator,
        detector,
        created,
        limit,
    } = *creating;
    let mut items: Vec<TransactWriteItem> = created
        .iter()
        .map(|(member, email)| {
            let mut record: Item = HashMap::from(table::record_key(administrator, member));
            record.extend([
                (
                    table::STATUS.to_owned(),
                    status_value(MemberStatus::Created),
                ),
                (table::EMAIL.to_owned(), s(email.as_str())),
                (table::UPDATED_AT.to_owned(), s(now)),
            ]);
            transact_put_new(record, table)
        })
        .collect();
    let grown = i64::try_from(created.len()).expect("at most 50 accounts");
    items.push(summary::grow(table, administrator, grown, limit));
    items.push(not_a_member(table, administrator));
    items.push(check_owned(table, administrator, detector));
    items
}
