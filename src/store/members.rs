//! The administrator's changes to its member records, each with the
//! member's side of the relationship in the same transaction, so the two
//! views never disagree: inviting puts the member's invitation,
//! disassociating revokes it or ends the membership, deleting withdraws it.
//! Every account's record is read first, with the others in one
//! `BatchGetItem`; its write is conditioned on what was read, and a refusal
//! (`ALL_OLD`) is planned again from what the record held then (`changes`
//! holds the plans). Starting and stopping are single `UpdateItem`s;
//! creating is one transaction (`create`).

use std::collections::HashMap;
use std::time::Instant;

use super::changes::{Planned, Refusal, Seen, Step, chunks, compose, plan, replan};
use super::expr::Write;
use super::transact::Transacted;
use super::{SERIAL_BUDGET, Store, StoreError, fanout, refusal};
use crate::domain::{AccountId, MemberAction, MemberStatus, Outcome, Reason};
use crate::table;

/// Transactions of one account, sent again after a refusal at most this often.
pub(super) const ATTEMPTS: usize = 3;

/// Before sending refused or cancelled transactions again: 20 to 60 ms,
/// more on later attempts, jittered so that racing requests part.
pub(super) fn pause(attempt: usize) -> std::time::Duration {
    let jitter = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .subsec_nanos()
        % 20;
    std::time::Duration::from_millis(20 * (attempt as u64 + 1) + u64::from(jitter))
}

impl Store {
    /// InviteMembers: each record Created, Removed or Resigned -> Invited,
    /// with a new invitation for the member (a new ID and `invitedAt`).
    pub async fn invite_members(
        &self,
        administrator: &AccountId,
        detector: &str,
        members: &[AccountId],
    ) -> Result<Vec<Result<Outcome, StoreError>>, StoreError> {
        self.change(MemberAction::Invite, administrator, detector, members)
            .await
    }

    /// DisassociateMembers: Invited, Enabled or Disabled -> Removed; the
    /// member's invitation Invited or Enabled -> Removed, its membership
    /// item gone.
    pub async fn disassociate_members(
        &self,
        administrator: &AccountId,
        detector: &str,
        members: &[AccountId],
    ) -> Result<Vec<Result<Outcome, StoreError>>, StoreError> {
        self.change(MemberAction::Disassociate, administrator, detector, members)
            .await
    }

    /// DeleteMembers: the records of members that are not associated, and
    /// the invitations they were sent.
    pub async fn delete_members(
        &self,
        administrator: &AccountId,
        detector: &str,
        members: &[AccountId],
    ) -> Result<Vec<Result<Outcome, StoreError>>, StoreError> {
        self.change(MemberAction::Delete, administrator, detector, members)
            .await
    }

    /// StopMonitoringMembers (`Stop`) or StartMonitoringMembers (`Start`):
    /// Enabled <-> Disabled, one `UpdateItem` each; a member already there
    /// is processed without a write.
    pub async fn monitor_members(
        &self,
        monitoring: MemberAction,
        administrator: &AccountId,
        detector: &str,
        members: &[AccountId],
    ) -> Result<Vec<Result<Outcome, StoreError>>, StoreError> {
        let (found, locked) = self
            .records_locked(administrator, detector, members)
            .await?;
        let writes = members.iter().map(|member| {
            let locked = monitoring == MemberAction::Stop && locked.contains(member);
            let status = found
                .get(&table::record_sort_key(member))
                .map(table::status_of);
            let (store, administrator, member) =
                (self.clone(), administrator.clone(), member.clone());
            async move {
                if locked {
                    return Ok(Outcome::Unprocessed(Reason::LockedByAll));
                }
                store
                    .monitor(monitoring, &administrator, &member, status)
                    .await
            }
        });
        Ok(fanout::concurrently(writes.collect()).await)
    }

    async fn monitor(
        &self,
        monitoring: MemberAction,
        administrator: &AccountId,
        member: &AccountId,
        mut status: Option<String>,
    ) -> Result<Outcome, StoreError> {
        let transition = monitoring.transition();
        for _ in 0..ATTEMPTS {
            let Some(current) = status.as_deref().map(MemberStatus::parse) else {
                return Ok(Outcome::Unprocessed(Reason::NotMember));
            };
            match current {
                Some(current) if Some(current) == transition.to => return Ok(Outcome::Processed),
                Some(current) if transition.from.contains(&current) => {}
                _ => return Ok(Outcome::Unprocessed(Reason::NotMember)),
            }
            let key = HashMap::from(table::record_key(administrator, member));
            let written = Write::of(transition, &table::now())
                .update_item(&self.client, &self.table, key)
                .send()
                .await;
            match written {
                Ok(_) => return Ok(Outcome::Processed),
                Err(error) => status = refusal(error)?,
            }
        }
        Ok(Outcome::Unprocessed(Reason::Transient))
    }

    /// One `BatchGetItem` of the records, then the writes: the accounts
    /// whose change leaves the summary as it is each in a transaction of
    /// its own, all in flight at once; the others together, in as few
    /// transactions as fit their items, one after another, since
    /// concurrent transactions over the summary would cancel each other.
    async fn change(
        &self,
        action: MemberAction,
        administrator: &AccountId,
        detector: &str,
        members: &[AccountId],
    ) -> Result<Vec<Result<Outcome, StoreError>>, StoreError> {
        let (found, locked) = self
            .records_locked(administrator, detector, members)
            .await?;
        let mut results: Vec<Option<Result<Outcome, StoreError>>> =
            members.iter().map(|_| None).collect();
        let (mut alone, mut together) = (Vec::new(), Vec::new());
        for (index, member) in members.iter().enumerate() {
            if action != MemberAction::Invite && locked.contains(member) {
                results[index] = Some(Ok(Outcome::Unprocessed(Reason::LockedByAll)));
                continue;
            }
            let record = found.get(&table::record_sort_key(member)).map(Seen::of);
            match plan(
                &self.table,
                action,
                administrator,
                index,
                member,
                record,
                None,
            ) {
                Step::Done(outcome) => results[index] = Some(Ok(outcome)),
                Step::Write(planned) if planned.delta == (0, 0) => alone.push(planned),
                Step::Write(planned) => together.push(planned),
            }
        }
        let alone = alone.into_iter().map(|planned| {
            let (store, administrator, detector) =
                (self.clone(), administrator.clone(), detector.to_owned());
            async move {
                let one = vec![planned];
                Ok(store.settle(action, &administrator, &detector, one).await)
            }
        });
        let (alone, together) = tokio::join!(
            fanout::concurrently(alone.collect()),
            self.settle(action, administrator, detector, together)
        );
        let settled = alone.into_iter().flat_map(|r| r.unwrap_or_default());
        for (index, result) in settled.chain(together) {
            results[index] = Some(result);
        }
        Ok(results
            .into_iter()
            .map(|result| {
                // None only when a task panicked, which fanout logged.
                result.unwrap_or_else(|| Err(StoreError::Other("the write task failed".into())))
            })
            .collect())
    }

    /// Sends the planned accounts' transactions, as few as fit, one after
    /// another; a refused one is planned again from what the refusal found,
    /// its other accounts sent again unchanged. Results by request index.
    async fn settle(
        &self,
        action: MemberAction,
        administrator: &AccountId,
        detector: &str,
        mut pending: Vec<Planned>,
    ) -> Vec<(usize, Result<Outcome, StoreError>)> {
        let started = Instant::now();
        let mut settled = Vec::new();
        for attempt in 0..ATTEMPTS {
            let mut again = Vec::new();
            for chunk in chunks(pending) {
                if started.elapsed() > SERIAL_BUDGET {
                    settled.extend(chunk.iter().map(|p| (p.index, Err(StoreError::OutOfTime))));
                    continue;
                }
                let (items, checks) = compose(&self.table, action, administrator, detector, &chunk);
                match self.transact(items).await {
                    Ok(Transacted::Applied) => {
                        settled.extend(chunk.iter().map(|p| (p.index, Ok(Outcome::Processed))));
                    }
                    Ok(refused) => {
                        let failed = |i: Option<usize>| i.and_then(|i| refused.failed(i)).is_some();
                        if failed(checks.detector) {
                            let gone = |p: &Planned| (p.index, Err(StoreError::DetectorNotOwned));
                            settled.extend(chunk.iter().map(gone));
                            continue;
                        }
                        let member_check = failed(checks.member);
                        let mut offset = 0;
                        for planned in chunk {
                            let (index, size) = (planned.index, planned.items.len());
                            let refusal = Refusal {
                                refused: &refused,
                                offset,
                                member_check,
                            };
                            offset += size;
                            match replan(&self.table, action, administrator, planned, refusal) {
                                Ok(Step::Write(planned)) => again.push(planned),
                                Ok(Step::Done(outcome)) => settled.push((index, Ok(outcome))),
                                Err(error) => settled.push((index, Err(error))),
                            }
                        }
                    }
                    // Cancelled by a concurrent transaction over one of its
                    // items (the summary, a member's own): nothing applied,
                    // so the chunk goes again, after a pause.
                    Err(StoreError::Cancelled(_)) if attempt + 1 < ATTEMPTS => again.extend(chunk),
                    Err(error) => {
                        settled.extend(chunk.iter().map(|p| (p.index, Err(error.clone()))));
                    }
                }
            }
            pending = again;
            if pending.is_empty() {
                break;
            }
            tokio::time::sleep(pause(attempt)).await;
        }
        // Still refused after every attempt: others keep changing them.
        settled.extend(
            pending
                .iter()
                .map(|p| (p.index, Ok(Outcome::Unprocessed(Reason::Transient)))),
        );
        settled
    }
}
