//! One administrator at a time, enforced by DynamoDB: accepting writes the
//! invitation (Invited -> Enabled) and the member's membership item in one
//! transaction, the item's put conditioned on its absence; ending the
//! membership deletes the item and moves the invitation Enabled -> Removed
//! in one transaction. The cancellation reasons (`ALL_OLD`) say why a
//! transaction was refused, without another read. The requests themselves
//! are built by public functions ([`get`], [`accept_items`],
//! [`end_items`]), which the benchmark's floors send too.

use std::collections::HashMap;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::DisplayErrorContext;
use aws_sdk_dynamodb::operation::get_item::builders::GetItemFluentBuilder;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    AttributeValue, Delete, Put, ReturnValuesOnConditionCheckFailure, TransactWriteItem,
};

use super::expr::{Item, Write, transact_update};
use super::{Store, StoreError, classify};
use crate::domain::{AcceptRefusal, AccountId, Action, Status};
use crate::table;

/// A member's administrator, as its membership item holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Membership {
    pub administrator: AccountId,
    pub invitation_id: String,
    pub invited_at: String,
}

/// How ending a membership went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ended {
    Ended,
    /// The member was not (or no longer) that administrator's.
    NotMember,
}

impl Store {
    /// The member's administrator (one consistent `GetItem`).
    pub async fn membership(&self, member: &AccountId) -> Result<Option<Membership>, StoreError> {
        let item = self
            .get(HashMap::from(table::membership_key(member)))
            .await?;
        item.as_ref().map(membership).transpose()
    }

    /// `member` accepts `administrator`'s invitation `invitation_id`. The
    /// invitation is read first: its `invitedAt` goes into the membership
    /// item, and no write can copy an attribute from another item. The
    /// transaction is conditioned on what was read, so a change in between
    /// refuses it rather than being overwritten.
    pub async fn accept(
        &self,
        member: &AccountId,
        administrator: &AccountId,
        invitation_id: &str,
    ) -> Result<Result<(), AcceptRefusal>, StoreError> {
        let key = HashMap::from(table::key(member, administrator));
        let Some(invitation) = self.get(key).await? else {
            return Ok(Err(AcceptRefusal::NoInvitation));
        };
        match acceptable(&invitation, invitation_id) {
            Acceptable::Yes => {}
            // Already this administrator's: accepting again changes nothing.
            Acceptable::AlreadyAccepted => return Ok(Ok(())),
            Acceptable::No(refused) => return Ok(Err(refused)),
        }
        let invited_at = table::text(&invitation, table::INVITED_AT);
        let items = accept_items(
            &self.table,
            member,
            administrator,
            invitation_id,
            &invited_at,
            &table::now(),
        );
        let Some([invitation, membership_reason]) = self.transact(items).await? else {
            return Ok(Ok(()));
        };
        // The membership item's reason first: another administrator, or
        // this very accept applied by a concurrent request.
        if let Some(item) = membership_reason.flatten() {
            let current = membership(&item)?;
            return Ok(
                if current.administrator == *administrator && current.invitation_id == invitation_id
                {
                    Ok(())
                } else {
                    Err(AcceptRefusal::AssociatedWithOther(current.administrator))
                },
            );
        }
        Ok(Err(match invitation.flatten() {
            None => AcceptRefusal::NoInvitation,
            Some(item) => match acceptable(&item, invitation_id) {
                Acceptable::No(refused) => refused,
                // Enabled with this ID, yet no membership item: another
                // writer broke the layout. Nothing changed.
                Acceptable::AlreadyAccepted => {
                    return Err(broken("an Enabled invitation without its membership item"));
                }
                // The same ID sent again at another time: the read is stale.
                Acceptable::Yes => AcceptRefusal::InvitationIdMismatch,
            },
        }))
    }

    /// The member leaves its administrator, if it has one: at most a read of
    /// the membership item and one transaction. Not associated: nothing
    /// changes, so a retry is harmless.
    pub async fn disassociate(&self, member: &AccountId) -> Result<(), StoreError> {
        if let Some(current) = self.membership(member).await? {
            // NotMember: a concurrent request ended it first.
            self.end_membership(member, &current.administrator).await?;
        }
        Ok(())
    }

    /// Ends `member`'s membership of `administrator`: deletes the
    /// membership item and moves the invitation Enabled -> Removed, both or
    /// neither. The member's disassociate and the inviter's removal of a
    /// member both go through here.
    pub async fn end_membership(
        &self,
        member: &AccountId,
        administrator: &AccountId,
    ) -> Result<Ended, StoreError> {
        let items = end_items(&self.table, member, administrator, &table::now());
        match self.transact(items).await? {
            None => Ok(Ended::Ended),
            // No membership item, or another administrator's.
            Some([Some(_), _]) => Ok(Ended::NotMember),
            // The membership item names this administrator but the invitation
            // is not Enabled: another writer broke the layout. Nothing changed.
            Some([None, _]) => Err(broken("the membership item and its invitation disagree")),
        }
    }

    /// One `TransactWriteItems`. `Some` when a failed condition refused it:
    /// for each of the two items, `Some(old item)` if its condition failed.
    async fn transact(
        &self,
        items: [TransactWriteItem; 2],
    ) -> Result<Option<[Option<Option<Item>>; 2]>, StoreError> {
        let result = self
            .client
            .transact_write_items()
            .set_transact_items(Some(items.into()))
            .send()
            .await;
        let error = match result {
            Ok(_) => return Ok(None),
            Err(error) => error,
        };
        if let Some(TransactWriteItemsError::TransactionCanceledException(cancelled)) =
            error.as_service_error()
        {
            let reasons = cancelled.cancellation_reasons();
            let old = |i: usize| {
                reasons
                    .get(i)
                    .filter(|reason| reason.code() == Some("ConditionalCheckFailed"))
                    .map(|reason| reason.item().cloned())
            };
            let refused = [old(0), old(1)];
            if refused.iter().any(Option::is_some) {
                return Ok(Some(refused));
            }
            // Throttling and conflicts with other transactions come back as
            // cancellations too, and are transient like any throttling.
            let transient = reasons.iter().any(|reason| {
                matches!(
                    reason.code(),
                    Some(
                        "TransactionConflict" | "ThrottlingError" | "ProvisionedThroughputExceeded"
                    )
                )
            });
            if transient {
                return Err(StoreError::Transient(
                    DisplayErrorContext(&error).to_string(),
                ));
            }
        }
        Err(classify(error))
    }

    /// One consistent `GetItem`.
    pub(super) async fn get(&self, key: Item) -> Result<Option<Item>, StoreError> {
        let output = get(&self.client, &self.table, key)
            .send()
            .await
            .map_err(classify)?;
        Ok(output.item)
    }
}

/// The consistent `GetItem` of one item: an invitation or a membership item.
pub fn get(client: &Client, table: &str, key: Item) -> GetItemFluentBuilder {
    client
        .get_item()
        .table_name(table)
        .set_key(Some(key))
        .consistent_read(true)
}

/// The transaction of `member` accepting `administrator`'s invitation
/// `invitation_id`, sent at `invited_at`: the invitation Invited -> Enabled,
/// conditioned on that ID and `invitedAt`, and the membership item put,
/// conditioned on its absence. `now` stamps `updatedAt` and `acceptedAt`.
pub fn accept_items(
    table: &str,
    member: &AccountId,
    administrator: &AccountId,
    invitation_id: &str,
    invited_at: &str,
    now: &str,
) -> [TransactWriteItem; 2] {
    let update = Write::of(Action::Accept.transition(), now)
        .also_if(table::INVITATION_ID, s(invitation_id))
        .also_if(table::INVITED_AT, s(invited_at));
    let mut membership_item = HashMap::from(table::membership_key(member));
    membership_item.extend([
        (table::ADMINISTRATOR.to_owned(), s(administrator.as_str())),
        (table::INVITATION_ID.to_owned(), s(invitation_id)),
        (table::INVITED_AT.to_owned(), s(invited_at)),
        (table::ACCEPTED_AT.to_owned(), s(now)),
    ]);
    let put = Put::builder()
        .table_name(table)
        .set_item(Some(membership_item))
        .condition_expression("attribute_not_exists(#inviter)")
        .expression_attribute_names("#inviter", table::INVITER)
        .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
        .build()
        .expect("table and item are set");
    let key = HashMap::from(table::key(member, administrator));
    [
        transact_update(update, table, key),
        TransactWriteItem::builder().put(put).build(),
    ]
}

/// The transaction ending `member`'s membership of `administrator`: the
/// membership item deleted, conditioned on naming `administrator`, and the
/// invitation Enabled -> Removed, its `updatedAt` stamped with `now`.
pub fn end_items(
    table: &str,
    member: &AccountId,
    administrator: &AccountId,
    now: &str,
) -> [TransactWriteItem; 2] {
    let delete = Delete::builder()
        .table_name(table)
        .set_key(Some(HashMap::from(table::membership_key(member))))
        .condition_expression("#administrator = :administrator")
        .expression_attribute_names("#administrator", table::ADMINISTRATOR)
        .expression_attribute_values(":administrator", s(administrator.as_str()))
        .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
        .build()
        .expect("table and key are set");
    let update = Write::of(Action::Disassociate.transition(), now);
    let key = HashMap::from(table::key(member, administrator));
    [
        TransactWriteItem::builder().delete(delete).build(),
        transact_update(update, table, key),
    ]
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
    })
}

/// Another writer left the table in a state these transactions never make.
fn broken(what: &str) -> StoreError {
    StoreError::Other(format!("the table breaks its layout: {what}"))
}

fn s(value: &str) -> AttributeValue {
    AttributeValue::S(value.to_owned())
}
