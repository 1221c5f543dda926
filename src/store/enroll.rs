//! Enrolling organization accounts, for the delegated administrator's
//! CreateMembers and for the sync's auto-enable alike. An enrollment writes
//! both views at once, with no invitation: the record `Enabled` (through
//! the organization, with the member's detector), the member's membership
//! item (put on condition of its absence: one administrator per member),
//! the member's detector (checked, or created when it has none) and,
//! where it has a detector, a check that it has no active members of its
//! own. An account with no detector has none: every write that makes a
//! member active checks its administrator's detector, and DeleteDetector
//! checks there are none, so the detector put on condition of its absence
//! stands for that check. The transactions also change
//! the summary within `MEMBER_LIMIT` and check that the caller is still the
//! enabled delegated administrator, with its detector, and no associated
//! member. Two reads come first, at once: the administrator's records,
//! summary and membership item with the organization and its detector, and
//! the accounts' mirror items and detectors.

use std::collections::HashMap;
use std::time::Instant;

use aws_sdk_dynamodb::types::TransactWriteItem;

use super::changes::Seen;
use super::checks::detector_key;
use super::detector::Ensure;
use super::expr::Item;
use super::members::{ATTEMPTS, pause};
use super::organization::org_account;
use super::records::record_keys;
use super::transact::Transacted;
use super::{SERIAL_BUDGET, Store, StoreError};
use crate::domain::organization::{AutoEnable, Organization};
use crate::domain::{AccountId, DetectorId, MemberStatus, Outcome, Reason};
use crate::table;

mod items;

pub use items::{Checked, Enrolling, Enrollment, enroll_items, per_transaction, transaction};
use items::{MAX_ITEMS, MEMBERS_CHECK, SHARED_ITEMS};

/// What became of one account.
#[derive(Debug)]
pub enum Enrolled {
    Done(Result<Outcome, StoreError>),
    /// Not an account of the organization: the invitation path's.
    NotInOrganization,
}

/// One account's enrollment, as planned from the reads.
struct Planned {
    index: usize,
    enrollment: Enrollment,
}

impl Store {
    /// Enrolls those of `accounts` (with the e-mail their records get) that
    /// are active accounts of the organization, as its delegated
    /// administrator `admin` with its detector `detector`. Results in
    /// request order.
    /// `prior` is a read of the administrator's side already made (with
    /// the records of every account), which the first attempt uses.
    /// `auto_enable`: the sync's, which every transaction checks still
    /// holds (`None` for CreateMembers).
    pub async fn enroll(
        &self,
        admin: &AccountId,
        detector: &str,
        accounts: &[(AccountId, String)],
        mut prior: Option<(Organization, HashMap<String, Item>)>,
        auto_enable: Option<AutoEnable>,
    ) -> Result<Vec<Enrolled>, StoreError> {
        let mut results: Vec<Option<Enrolled>> = accounts.iter().map(|_| None).collect();
        let started = Instant::now();
        for attempt in 0..ATTEMPTS {
            let pending: Vec<usize> = (0..accounts.len())
                .filter(|&i| results[i].is_none())
                .collect();
            if pending.is_empty() {
                break;
            }
            if attempt > 0 {
                tokio::time::sleep(pause(attempt - 1)).await;
            }
            let members: Vec<AccountId> = pending.iter().map(|&i| accounts[i].0.clone()).collect();
            let mut own = record_keys(admin, &members);
            own.push(HashMap::from(table::summary_key(admin)));
            own.push(HashMap::from(table::membership_key(admin)));
            let theirs: Vec<Item> = members
                .iter()
                .flat_map(|m| [HashMap::from(table::org_account_key(m)), detector_key(m)])
                .collect();
            let (own, theirs) = match prior.take() {
                Some(read) => (Ok(Ok(read)), self.get_keyed(theirs).await),
                None => {
                    tokio::join!(
                        self.as_org_admin(admin, detector, own),
                        self.get_keyed(theirs)
                    )
                }
            };
            let Ok((org, found)) = own? else {
                done_all(&mut results, &pending, Reason::NotOrgAdmin);
                break;
            };
            let theirs = theirs?;
            if found.contains_key(table::MEMBERSHIP) {
                done_all(&mut results, &pending, Reason::CallerIsMember);
                break;
            }
            let count = found
                .get(table::SUMMARY)
                .map_or(0, |item| table::number(item, table::MEMBER_COUNT));
            let mut room = self.member_limit - count;
            let last = attempt + 1 == ATTEMPTS;
            let now = table::now();
            let mut planned = Vec::new();
            for &i in &pending {
                let (member, email) = &accounts[i];
                let mirrored = theirs
                    .get(&(
                        table::ORGANIZATION.into(),
                        table::org_account_sort_key(member),
                    ))
                    .and_then(org_account);
                let Some(mirrored) = mirrored else {
                    results[i] = Some(Enrolled::NotInOrganization);
                    continue;
                };
                let their_detector = theirs
                    .get(&(member.to_string(), table::DETECTOR.into()))
                    .map(|item| table::text(item, table::DETECTOR_ID));
                let record = found.get(&table::record_sort_key(member)).map(Seen::of);
                let step = plan(&org, member, mirrored.is_active(), their_detector, record);
                let (from, read) = match step {
                    Ok(step) => step,
                    Err(reason) => {
                        results[i] = Some(Enrolled::Done(Ok(Outcome::Unprocessed(reason))));
                        continue;
                    }
                };
                let new = from.is_none();
                if new && room <= 0 {
                    // Room taken by accounts planned just now frees up if
                    // one of them is refused: final only when none took
                    // it, or on the last attempt.
                    if room == self.member_limit - count || last {
                        let limit = Ok(Outcome::Unprocessed(Reason::MemberLimit));
                        results[i] = Some(Enrolled::Done(limit));
                    }
                    continue;
                }
                room -= i64::from(new);
                let fresh = DetectorId::generate(member);
                let enrolling = Enrolling {
                    admin,
                    member,
                    email,
                    detector: match &read {
                        Some(id) => Ensure::Kept(id),
                        None => Ensure::New(fresh.as_str()),
                    },
                    from,
                };
                planned.push(Planned {
                    index: i,
                    enrollment: enroll_items(&self.table, &enrolling, &now),
                });
            }
            for chunk in chunks(planned) {
                if started.elapsed() > SERIAL_BUDGET {
                    for p in &chunk {
                        results[p.index] = Some(Enrolled::Done(Err(StoreError::OutOfTime)));
                    }
                    continue;
                }
                let items = self.compose(admin, detector, auto_enable, &chunk);
                let settled = match self.transact(items).await {
                    Ok(Transacted::Applied) => chunk
                        .iter()
                        .map(|p| (p.index, Some(Ok(Outcome::Processed))))
                        .collect(),
                    Ok(refused) => refusals(admin, &chunk, &refused),
                    // Cancelled by a concurrent transaction: nothing of it
                    // applied; read again and send again.
                    Err(StoreError::Cancelled(_)) if attempt + 1 < ATTEMPTS => Vec::new(),
                    Err(error) => chunk
                        .iter()
                        .map(|p| (p.index, Some(Err(error.clone()))))
                        .collect(),
                };
                for (index, result) in settled {
                    results[index] = result.map(Enrolled::Done);
                }
            }
        }
        Ok(results
            .into_iter()
            .map(|r| r.unwrap_or(Enrolled::Done(Ok(Outcome::Unprocessed(Reason::Transient)))))
            .collect())
    }

    /// One transaction of `chunk`.
    fn compose(
        &self,
        admin: &AccountId,
        detector: &str,
        auto_enable: Option<AutoEnable>,
        chunk: &[Planned],
    ) -> Vec<TransactWriteItem> {
        let items = chunk
            .iter()
            .flat_map(|p| p.enrollment.items.clone())
            .collect();
        let delta = chunk.iter().fold((0, 0), |(m, a), p| {
            (m + p.enrollment.delta.0, a + p.enrollment.delta.1)
        });
        let enrolling = Checked {
            admin,
            detector,
            limit: self.member_limit,
            auto_enable,
        };
        transaction(&self.table, &enrolling, items, delta)
    }
}

/// Marks every pending account with `reason`.
fn done_all(results: &mut [Option<Enrolled>], pending: &[usize], reason: Reason) {
    for &i in pending {
        results[i] = Some(Enrolled::Done(Ok(Outcome::Unprocessed(reason.clone()))));
    }
}

/// What the reads say of enrolling `member`: the record status it moves
/// from (`None`: no record) and the detector it has, if any; or why not.
fn plan(
    org: &Organization,
    member: &AccountId,
    active: bool,
    detector: Option<String>,
    record: Option<Seen>,
) -> Result<(Option<MemberStatus>, Option<String>), Reason> {
    if !active {
        return Err(Reason::NotActiveInOrganization);
    }
    if org.management == *member && detector.is_none() {
        return Err(Reason::ManagementWithoutDetector);
    }
    let from = match record {
        None => None,
        Some(seen) => match MemberStatus::parse(&seen.status) {
            Some(MemberStatus::Enabled | MemberStatus::Disabled) => {
                return Err(Reason::AlreadyMember);
            }
            Some(status) => Some(status),
            None => return Err(Reason::UnknownStatus(seen.status)),
        },
    };
    Ok((from, detector))
}

/// The accounts in groups that fit one transaction with the shared items.
fn chunks(planned: Vec<Planned>) -> Vec<Vec<Planned>> {
    let mut chunks: Vec<Vec<Planned>> = Vec::new();
    let mut size = 0;
    for one in planned {
        let items = one.enrollment.items.len();
        if chunks.is_empty() || size + items + SHARED_ITEMS > MAX_ITEMS {
            chunks.push(Vec::new());
            size = 0;
        }
        size += items;
        chunks.last_mut().expect("a chunk").push(one);
    }
    chunks
}

/// What a refused transaction of `chunk` says of each account: a final
/// answer, or `None` to read again and send again.
fn refusals(
    admin: &AccountId,
    chunk: &[Planned],
    refused: &Transacted,
) -> Vec<(usize, Option<Result<Outcome, StoreError>>)> {
    let shared = chunk
        .iter()
        .map(|p| p.enrollment.items.len())
        .sum::<usize>();
    let unprocessed = |reason: Reason| Some(Ok(Outcome::Unprocessed(reason)));
    let every = |result: Option<Result<Outcome, StoreError>>| {
        chunk.iter().map(|p| (p.index, result.clone())).collect()
    };
    if refused.failed(shared).is_some() {
        return every(unprocessed(Reason::NotOrgAdmin));
    }
    if refused.failed(shared + 1).is_some() {
        return every(Some(Err(StoreError::DetectorNotOwned)));
    }
    if refused.failed(shared + 2).is_some() {
        return every(unprocessed(Reason::CallerIsMember));
    }
    let mut offset = 0;
    let mut settled = Vec::new();
    for planned in chunk {
        let failed = |i: usize| refused.failed(offset + i);
        let result = if let Some(membership) = failed(1) {
            let holder = membership.map(|item| table::text(item, table::ADMINISTRATOR));
            if holder.as_deref() == Some(admin.as_str()) {
                unprocessed(Reason::AlreadyMember)
            } else {
                unprocessed(Reason::HeldByOther)
            }
        } else if planned.enrollment.checks_members && failed(MEMBERS_CHECK).is_some() {
            unprocessed(Reason::MemberHasMembers)
        } else {
            // Its record or detector changed, the limit was reached, or
            // another account refused the transaction: read again.
            None
        };
        settled.push((planned.index, result));
        offset += planned.enrollment.items.len();
    }
    settled
}
