//! The administrator's changes to its member records, each with the
//! member's side of the relationship in the same transaction, so the two
//! views never disagree: inviting puts the member's invitation,
//! disassociating revokes it or ends the membership, deleting withdraws it.
//! Every account's record is read first, with the others in one
//! `BatchGetItem`; its write is conditioned on what was read, and a refusal
//! (`ALL_OLD`) is planned again from what the record held then. A write
//! that changes the administrator's summary runs after the previous one,
//! since concurrent transactions over one item cancel each other; the
//! others are all in flight at once. Creating is one transaction (`create`).

use std::collections::HashMap;

use aws_sdk_dynamodb::types::TransactWriteItem;

use super::expr::{Item, Write, status_value, transact_check, transact_delete, transact_update};
use super::membership::{broken, end_items, s};
use super::records::record_keys;
use super::transact::Transacted;
use super::{Store, StoreError, fanout, refusal, summary};
use crate::domain::{AccountId, Action, MemberAction, MemberStatus, Outcome, Reason};
use crate::table;

/// Plans of one account, planned again after a refusal at most this often.
const ATTEMPTS: usize = 3;

/// What one account's record calls for.
enum Step {
    Done(Outcome),
    /// A transaction whose first item is the record's write; `shared` when
    /// it also changes the administrator's summary.
    Write {
        items: Vec<TransactWriteItem>,
        shared: bool,
    },
}

/// What a refused transaction found of the member's invitation, for a plan
/// made again (`None`: nothing was learned).
type SeenInvitation = Option<Option<String>>;

impl Store {
    /// InviteMembers: each record Created, Removed or Resigned -> Invited,
    /// with a new invitation for the member (a new ID and `invitedAt`).
    pub async fn invite_members(
        &self,
        administrator: &AccountId,
        members: &[AccountId],
    ) -> Result<Vec<Result<Outcome, StoreError>>, StoreError> {
        self.change(MemberAction::Invite, administrator, members)
            .await
    }

    /// DisassociateMembers: Invited, Enabled or Disabled -> Removed; the
    /// member's invitation Invited or Enabled -> Removed, its membership
    /// item gone.
    pub async fn disassociate_members(
        &self,
        administrator: &AccountId,
        members: &[AccountId],
    ) -> Result<Vec<Result<Outcome, StoreError>>, StoreError> {
        self.change(MemberAction::Disassociate, administrator, members)
            .await
    }

    /// DeleteMembers: the records of members that are not associated, and
    /// the invitations they were sent.
    pub async fn delete_members(
        &self,
        administrator: &AccountId,
        members: &[AccountId],
    ) -> Result<Vec<Result<Outcome, StoreError>>, StoreError> {
        self.change(MemberAction::Delete, administrator, members)
            .await
    }

    /// StopMonitoringMembers (`Stop`) or StartMonitoringMembers (`Start`):
    /// Enabled <-> Disabled, one `UpdateItem` each; a member already there
    /// is processed without a write.
    pub async fn monitor_members(
        &self,
        monitoring: MemberAction,
        administrator: &AccountId,
        members: &[AccountId],
    ) -> Result<Vec<Result<Outcome, StoreError>>, StoreError> {
        let found = self.get_many(record_keys(administrator, members)).await?;
        let writes = members.iter().map(|member| {
            let status = found
                .get(&table::record_sort_key(member))
                .map(table::status_of);
            let (store, administrator, member) =
                (self.clone(), administrator.clone(), member.clone());
            async move {
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

    /// One `BatchGetItem` of the records, then each account's transaction:
    /// shared ones one after another, the others all at once.
    async fn change(
        &self,
        action: MemberAction,
        administrator: &AccountId,
        members: &[AccountId],
    ) -> Result<Vec<Result<Outcome, StoreError>>, StoreError> {
        let found = self.get_many(record_keys(administrator, members)).await?;
        let mut results: Vec<Option<Result<Outcome, StoreError>>> =
            members.iter().map(|_| None).collect();
        let (mut alone, mut shared) = (Vec::new(), Vec::new());
        for (index, member) in members.iter().enumerate() {
            let status = found
                .get(&table::record_sort_key(member))
                .map(table::status_of);
            let step = self.plan(action, administrator, member, status.as_deref(), None);
            let (store, administrator, member) =
                (self.clone(), administrator.clone(), member.clone());
            match step {
                Step::Done(outcome) => results[index] = Some(Ok(outcome)),
                Step::Write { shared: share, .. } => {
                    let write = async move {
                        store
                            .settle(action, &administrator, &member, status, step)
                            .await
                    };
                    if share {
                        shared.push((index, write));
                    } else {
                        alone.push((index, write));
                    }
                }
            }
        }
        let (alone_at, alone): (Vec<usize>, Vec<_>) = alone.into_iter().unzip();
        let (shared_at, shared): (Vec<usize>, Vec<_>) = shared.into_iter().unzip();
        let (alone, shared) = tokio::join!(fanout::concurrently(alone), fanout::one_by_one(shared));
        for (index, result) in alone_at
            .into_iter()
            .zip(alone)
            .chain(shared_at.into_iter().zip(shared))
        {
            results[index] = Some(result);
        }
        Ok(results
            .into_iter()
            .map(|result| result.expect("every account has a result"))
            .collect())
    }

    /// Sends `step`'s transaction and, when refused, plans again from what
    /// the refusal found.
    async fn settle(
        &self,
        action: MemberAction,
        administrator: &AccountId,
        member: &AccountId,
        mut status: Option<String>,
        mut step: Step,
    ) -> Result<Outcome, StoreError> {
        for _ in 0..ATTEMPTS {
            let items = match step {
                Step::Done(outcome) => return Ok(outcome),
                Step::Write { items, .. } => items,
            };
            let refused = self.transact(items).await?;
            if let Transacted::Applied = refused {
                return Ok(Outcome::Processed);
            }
            let mut seen: SeenInvitation = None;
            if let Some(record) = refused.failed(0) {
                status = record.map(table::status_of);
            } else {
                match (action, status.as_deref()) {
                    (MemberAction::Invite, _) if refused.failed(3).is_some() => {
                        return Ok(Outcome::Unprocessed(Reason::CallerIsMember));
                    }
                    // The member's invitation is Invited or Enabled already.
                    (MemberAction::Invite, _) => {
                        return Ok(Outcome::Unprocessed(Reason::AlreadyInvited));
                    }
                    // The member declined (or deleted) the invitation:
                    // revoke the record alone, the invitation as it is.
                    (MemberAction::Disassociate, Some("Invited")) => {
                        seen = refused.failed(1).map(|item| item.map(table::status_of));
                    }
                    _ => return Err(broken("a member record and its invitation disagree")),
                }
            }
            step = self.plan(action, administrator, member, status.as_deref(), seen);
        }
        Ok(Outcome::Unprocessed(Reason::Transient))
    }

    /// What `action` does to a record in `status` (`None`: no record).
    fn plan(
        &self,
        action: MemberAction,
        administrator: &AccountId,
        member: &AccountId,
        status: Option<&str>,
        seen: SeenInvitation,
    ) -> Step {
        use MemberStatus::*;
        let done = |reason| Step::Done(Outcome::Unprocessed(reason));
        let Some(raw) = status else {
            return done(match action {
                MemberAction::Invite => Reason::EmailMissing,
                _ => Reason::NotMember,
            });
        };
        let Some(from) = MemberStatus::parse(raw) else {
            return done(Reason::UnknownStatus(raw.to_owned()));
        };
        if !action.transition().from.contains(&from) {
            return done(match (action, from) {
                (MemberAction::Invite, _) => Reason::AlreadyInvited,
                (MemberAction::Delete, Enabled | Disabled) => Reason::StillAssociatedMember,
                _ => Reason::NotMember,
            });
        }
        let (table, now) = (self.table.as_str(), table::now());
        let record_key = HashMap::from(table::record_key(administrator, member));
        let invitation_key = HashMap::from(table::key(member, administrator));
        // Conditioned on the status read, which the summary's change is for.
        let record =
            Write::of(action.transition(), &now).also_if(table::STATUS, status_value(from));
        let active = action.active_delta(from);
        let mut items = vec![];
        // Whether the summary changes too.
        let mut shared = true;
        match (action, from) {
            (MemberAction::Invite, _) => {
                let id = invitation_id(member, administrator);
                let stamp = |write: Write| {
                    write
                        .set(table::INVITATION_ID, s(&id))
                        .set(table::INVITED_AT, s(&now))
                };
                items.push(transact_update(stamp(record), table, record_key));
                let invitation = stamp(Write::of(Action::Invite.transition(), &now));
                items.push(transact_update(invitation, table, invitation_key));
                if active == 0 {
                    shared = false;
                } else {
                    // Leaving Removed or Resigned makes an active member,
                    // which an associated member may not have.
                    items.push(summary::change(table, administrator, 0, active));
                    items.push(not_a_member(table, administrator));
                }
            }
            (MemberAction::Disassociate, Enabled | Disabled) => {
                items = end_items(table, member, administrator, record, &now);
            }
            (MemberAction::Disassociate, _) => {
                items.push(transact_update(record, table, record_key));
                items.push(match seen {
                    None => transact_update(
                        Write::of(Action::Revoke.transition(), &now),
                        table,
                        invitation_key,
                    ),
                    Some(found) => transact_check(exactly(found.as_deref()), table, invitation_key),
                });
                items.push(summary::change(table, administrator, 0, active));
            }
            (_, _) => {
                items.push(transact_delete(record, table, record_key));
                let withdraw = Write::of(Action::Withdraw.transition(), &now);
                items.push(transact_delete(withdraw, table, invitation_key));
                items.push(summary::change(table, administrator, -1, active));
            }
        }
        Step::Write { items, shared }
    }
}

/// Checks that `account` has no membership item: it is no associated member.
pub(super) fn not_a_member(table: &str, account: &AccountId) -> TransactWriteItem {
    let absent = Write {
        condition: "attribute_not_exists(#sort)".into(),
        update: None,
        names: HashMap::from([("#sort".into(), table::INVITER.into())]),
        values: Item::new(),
    };
    transact_check(absent, table, HashMap::from(table::membership_key(account)))
}

/// The condition that an invitation is as a refusal found it.
fn exactly(status: Option<&str>) -> Write {
    let mut write = Write {
        condition: "attribute_not_exists(#status)".into(),
        update: None,
        names: HashMap::from([("#status".into(), table::STATUS.into())]),
        values: Item::new(),
    };
    if let Some(status) = status {
        write.condition = "#status = :seen".into();
        write.values.insert(":seen".into(), s(status));
    }
    write
}

/// Opaque and unique per invitation: both accounts and the time it was sent.
pub fn invitation_id(member: &AccountId, administrator: &AccountId) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    format!("{administrator}-{member}-{nanos:x}")
}
