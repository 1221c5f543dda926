//! The member's side of a relationship, enforced by DynamoDB: accepting
//! moves the invitation and the administrator's record of the member to
//! Enabled and puts the member's membership item, in one transaction, the
//! item's put conditioned on its absence; ending the membership deletes the
//! item and moves the invitation to Removed and the record to Resigned (or,
//! when the administrator ends it, Removed) in one transaction. The
//! cancellation reasons (`ALL_OLD`) say why a transaction was refused,
//! without another read. The requests are built by public functions
//! ([`get`], [`accept_items`], [`end_items`]), which the benchmark's floors
//! send too.

use std::collections::HashMap;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::operation::get_item::builders::GetItemFluentBuilder;
use aws_sdk_dynamodb::types::TransactWriteItem;

use super::checks::{check_owned, names_administrator};
use super::expr::{Item, Write, s, transact_delete, transact_put_new, transact_update};
use super::transact::{Transacted, again_if_cancelled};
use super::{Store, StoreError, classify, summary};
use crate::domain::{AcceptRefusal, AccountId, Action, MemberAction, Status};
use crate::table;

/// A member's administrator, as its membership item holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Membership {
    pub administrator: AccountId,
    /// Empty for an organization member, which was never invited.
    pub invitation_id: String,
    pub invited_at: String,
    /// Through AWS Organizations: no invitation stands for it.
    pub organization: bool,
}

/// An organization member may not leave while its administrator's
/// auto-enable is `ALL`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Locked;

/// How ending a membership went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ended {
    Ended,
    /// The member was not (or no longer) that administrator's.
    NotMember,
}

impl Store {
    /// The member's administrator, when `detector` is its detector: one
    /// consistent `BatchGetItem` of its membership item and its detector.
    pub async fn membership(
        &self,
        member: &AccountId,
        detector: &str,
    ) -> Result<Option<Membership>, StoreError> {
        let keys = vec![HashMap::from(table::membership_key(member))];
        let found = self.read_with_detector(member, detector, keys).await?;
        found.get(table::MEMBERSHIP).map(membership).transpose()
    }

    /// `member` accepts `administrator`'s invitation `invitation_id`, on
    /// its detector `detector_id`. The invitation is read first, with the
    /// detector: its `invitedAt` goes into the membership item, and no write
    /// can copy an attribute from another item. The transaction is
    /// conditioned on what was read, so a change in between refuses it
    /// rather than being overwritten.
    pub async fn accept(
        &self,
        member: &AccountId,
        administrator: &AccountId,
        invitation_id: &str,
        detector_id: &str,
    ) -> Result<Result<(), AcceptRefusal>, StoreError> {
        again_if_cancelled(|| self.accept_once(member, administrator, invitation_id, detector_id))
            .await
    }

    async fn accept_once(
        &self,
        member: &AccountId,
        administrator: &AccountId,
        invitation_id: &str,
        detector_id: &str,
    ) -> Result<Result<(), AcceptRefusal>, StoreError> {
        let keys = vec![HashMap::from(table::key(member, administrator))];
        let found = self.read_with_detector(member, detector_id, keys).await?;
        let Some(invitation) = found.get(administrator.as_str()) else {
            return Ok(Err(AcceptRefusal::NoInvitation));
        };
        match acceptable(invitation, invitation_id) {
            Acceptable::Yes => {}
            // Already this administrator's: accepting again changes nothing.
            Acceptable::AlreadyAccepted => return Ok(Ok(())),
            Acceptable::No(refused) => return Ok(Err(refused)),
        }
        let accepted = Accepted {
            member,
            administrator,
            invitation_id,
            invited_at: &table::text(invitation, table::INVITED_AT),
            detector_id,
        };
        let refused = self
            .transact(accept_items(&self.table, &accepted, &table::now()))
            .await?;
        if let Transacted::Applied = refused {
            return Ok(Ok(()));
        }
        // The membership item's reason first: another administrator, or
        // this very accept applied by a concurrent request.
        if let Some(item) = refused.failed(1).flatten() {
            let current = membership(item)?;
            return Ok(
                if current.administrator == *administrator && current.invitation_id == invitation_id
                {
                    Ok(())
                } else {
                    Err(AcceptRefusal::AssociatedWithOther(current.administrator))
                },
            );
        }
        if let Some(invitation) = refused.failed(0) {
            return match invitation.map(|item| acceptable(item, invitation_id)) {
                None => Ok(Err(AcceptRefusal::NoInvitation)),
                Some(Acceptable::No(refusal)) => Ok(Err(refusal)),
                // Enabled with this ID, yet no membership item: another
                // writer broke the layout. Nothing changed.
                Some(Acceptable::AlreadyAccepted) => {
                    Err(broken("an Enabled invitation without its membership item"))
                }
                // The same ID sent again at another time: the read is stale.
                Some(Acceptable::Yes) => Ok(Err(AcceptRefusal::InvitationIdMismatch)),
            };
        }
        if refused.failed(4).is_some() {
            return Err(StoreError::DetectorNotOwned);
        }
        if refused.failed(3).is_some() {
            return Ok(Err(AcceptRefusal::HasMembers));
        }
        Ok(Err(AcceptRefusal::Withdrawn))
    }

    /// The member leaves its administrator, if it has one: a read of the
    /// membership item (with the detector `detector`) and at most one
    /// transaction. Not associated: nothing changes, so a retry is harmless.
    /// An organization member under its administrator's auto-enable `ALL`
    /// may not leave: `Ok(Err(Locked))`, after one more read.
    pub async fn disassociate(
        &self,
        member: &AccountId,
        detector: &str,
    ) -> Result<Result<(), Locked>, StoreError> {
        again_if_cancelled(|| self.disassociate_once(member, detector)).await
    }

    async fn disassociate_once(
        &self,
        member: &AccountId,
        detector: &str,
    ) -> Result<Result<(), Locked>, StoreError> {
        if let Some(current) = self.membership(member, detector).await? {
            if current.organization && self.leave_locked(member, &current.administrator).await? {
                return Ok(Err(Locked));
            }
            // NotMember: a concurrent request ended it first.
            let resign = Write::of(MemberAction::Resign.transition(), &table::now());
            self.end_membership(member, &current.administrator, resign, current.organization)
                .await?;
        }
        Ok(Ok(()))
    }

    /// Ends `member`'s membership of `administrator`: deletes the
    /// membership item, moves the invitation (when it was invited, not
    /// enrolled through the `organization`) Enabled -> Removed and the
    /// administrator's record by `record` (the member resigns), all or
    /// nothing.
    pub async fn end_membership(
        &self,
        member: &AccountId,
        administrator: &AccountId,
        record: Write,
        organization: bool,
    ) -> Result<Ended, StoreError> {
        let ending = Ending {
            member,
            administrator,
            organization,
        };
        let mut items = end_items(&self.table, &ending, record, &table::now());
        let refused = self.transact(items.clone()).await?;
        match (refused.failed(1), refused.failed(0), refused.failed(2)) {
            (None, None, None) => Ok(Ended::Ended),
            // No membership item, or another administrator's.
            (Some(_), _, _) => Ok(Ended::NotMember),
            // An association from before administrators had records: it
            // ends on the member's side alone (membership item, invitation).
            (None, Some(None), None) if !organization => {
                items.truncate(3);
                items.remove(0);
                match self.transact(items).await? {
                    Transacted::Applied => Ok(Ended::Ended),
                    _ => Ok(Ended::NotMember),
                }
            }
            // The membership item names this administrator, but the
            // invitation or the record disagrees: another writer broke
            // the layout. Nothing changed.
            _ => Err(broken(
                "the membership item, its invitation and its record disagree",
            )),
        }
    }

    /// One consistent `GetItem`.
    pub(crate) async fn get(&self, key: Item) -> Result<Option<Item>, StoreError> {
        let output = get(&self.client, &self.table, key)
            .send()
            .await
            .map_err(classify)?;
        Ok(output.item)
    }
}

/// The consistent `GetItem` of one item.
pub fn get(client: &Client, table: &str, key: Item) -> GetItemFluentBuilder {
    client
        .get_item()
        .table_name(table)
        .set_key(Some(key))
        .consistent_read(true)
}

/// What an accept writes: who accepts whose invitation, sent when, on
/// which of the member's detectors.
pub struct Accepted<'a> {
    pub member: &'a AccountId,
    pub administrator: &'a AccountId,
    pub invitation_id: &'a str,
    pub invited_at: &'a str,
    pub detector_id: &'a str,
}

/// The transaction of an accept: the invitation Invited -> Enabled,
/// conditioned on its ID and `invitedAt`; the membership item put,
/// conditioned on its absence; the administrator's record Invited ->
/// Enabled under the same invitation, with the member's detector; the
/// member's own summary checked for no active members, and its detector
/// for being `detector_id`. `now` stamps `updatedAt` and `acceptedAt`.
pub fn accept_items(table: &str, accepted: &Accepted<'_>, now: &str) -> Vec<TransactWriteItem> {
    let Accepted {
        member,
        administrator,
        invitation_id,
        invited_at,
        detector_id,
    } = *accepted;
    let invitation = Write::of(Action::Accept.transition(), now)
        .also_if(table::INVITATION_ID, s(invitation_id))
        .also_if(table::INVITED_AT, s(invited_at));
    let mut membership_item = HashMap::from(table::membership_key(member));
    membership_item.extend([
        (table::ADMINISTRATOR.to_owned(), s(administrator.as_str())),
        (table::INVITATION_ID.to_owned(), s(invitation_id)),
        (table::INVITED_AT.to_owned(), s(invited_at)),
        (table::ACCEPTED_AT.to_owned(), s(now)),
    ]);
    let record = Write::of(MemberAction::Accept.transition(), now)
        .also_if(table::INVITATION_ID, s(invitation_id))
        .set(table::DETECTOR_ID, s(detector_id));
    vec![
        transact_update(
            invitation,
            table,
            HashMap::from(table::key(member, administrator)),
        ),
        transact_put_new(membership_item, table),
        transact_update(
            record,
            table,
            HashMap::from(table::record_key(administrator, member)),
        ),
        summary::no_active_members(table, member),
        check_owned(table, member, detector_id),
    ]
}

/// Whose membership ends, and whether it came through the organization.
pub struct Ending<'a> {
    pub member: &'a AccountId,
    pub administrator: &'a AccountId,
    pub organization: bool,
}

/// The transaction ending a membership: the record's write `record`
/// (Resign, or the administrator's Disassociate); the membership item
/// deleted, conditioned on naming the administrator; the invitation
/// Enabled -> Removed (an organization member has none); one active member
/// fewer in the administrator's summary, last.
pub fn end_items(
    table: &str,
    ending: &Ending<'_>,
    record: Write,
    now: &str,
) -> Vec<TransactWriteItem> {
    let Ending {
        member,
        administrator,
        organization,
    } = *ending;
    let mut items = vec![
        transact_update(
            record,
            table,
            HashMap::from(table::record_key(administrator, member)),
        ),
        transact_delete(
            names_administrator(administrator),
            table,
            HashMap::from(table::membership_key(member)),
        ),
    ];
    if !organization {
        items.push(transact_update(
            Write::of(Action::Disassociate.transition(), now),
            table,
            HashMap::from(table::key(member, administrator)),
        ));
    }
    items.push(summary::change(table, administrator, 0, -1));
    items
}

/// What an invitation item says to accepting it with `invitation_id`.
enum Acceptable {
    Yes,
    AlreadyAccepted,
    No(AcceptRefusal),
}

fn acceptable(invitation: &Item, invitation_id: &str) -> Acceptable {
    let status = table::status_of(invitation);
    let same_id = table::text(invitation, table::INVITATION_ID) == invitation_id;
    match Status::parse(&status) {
        Some(Status::Declined) => Acceptable::No(AcceptRefusal::Declined),
        Some(Status::Removed) => Acceptable::No(AcceptRefusal::Removed),
        Some(Status::Invited | Status::Enabled) if !same_id => {
            Acceptable::No(AcceptRefusal::InvitationIdMismatch)
        }
        Some(Status::Invited) => Acceptable::Yes,
        Some(Status::Enabled) => Acceptable::AlreadyAccepted,
        None => Acceptable::No(AcceptRefusal::UnknownStatus(status)),
    }
}

/// A membership item as written; one without a valid administrator is a
/// broken layout, never read as "no administrator".
fn membership(item: &Item) -> Result<Membership, StoreError> {
    let administrator = AccountId::parse(&table::text(item, table::ADMINISTRATOR))
        .map_err(|_| broken("a membership item without a valid administratorAccountId"))?;
    Ok(Membership {
        administrator,
        invitation_id: table::text(item, table::INVITATION_ID),
        invited_at: table::text(item, table::INVITED_AT),
        organization: table::text(item, table::VIA) == table::ORGANIZATION,
    })
}

/// Another writer left the table in a state these transactions never make.
pub(super) fn broken(what: &str) -> StoreError {
    StoreError::Other(format!("the table breaks its layout: {what}"))
}
