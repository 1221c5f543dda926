//! Reading the caller's invitations: one strongly consistent `Query` over
//! the caller's own partition per page, and `Select=COUNT` for the count.
//! The sort key range excludes the membership item (`ADMINISTRATOR`). A
//! sort key another writer garbled that still falls in the range is
//! skipped by the list but counted: DynamoDB filters cannot test key
//! attributes, and the count reads no items.

use std::collections::HashMap;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use aws_sdk_dynamodb::types::{AttributeValue, Select};

use super::expr::{Item, status_value};
use super::{Store, StoreError, classify};
use crate::domain::{AccountId, Status};
use crate::table;

/// One invitation as stored, every attribute as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invitation {
    pub inviter: AccountId,
    pub invitation_id: String,
    pub status: String,
    pub invited_at: String,
}

/// A page of invitations, and the inviter to continue after when more remain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page {
    pub invitations: Vec<Invitation>,
    pub more_after: Option<AccountId>,
}

/// The `Query` over `invitee`'s invitations, in inviter order, strongly
/// consistent; the benchmark's baseline sends this very request.
pub fn invitations(client: &Client, table: &str, invitee: &AccountId) -> QueryFluentBuilder {
    client
        .query()
        .table_name(table)
        .key_condition_expression("#invitee = :invitee AND #inviter BETWEEN :first AND :last")
        .expression_attribute_names("#invitee", table::INVITEE)
        .expression_attribute_names("#inviter", table::INVITER)
        .expression_attribute_values(":invitee", AttributeValue::S(invitee.to_string()))
        .expression_attribute_values(":first", AttributeValue::S("000000000000".into()))
        .expression_attribute_values(":last", AttributeValue::S("999999999999".into()))
        .consistent_read(true)
}

/// One page: up to `limit` invitations after the inviter `after`. It asks
/// for one more than `limit`, so that the last page is known to be the
/// last and no empty page is ever needed.
pub fn page(
    client: &Client,
    table: &str,
    invitee: &AccountId,
    limit: i32,
    after: Option<&AccountId>,
) -> QueryFluentBuilder {
    let start = after.map(|inviter| HashMap::from(table::key(invitee, inviter)));
    invitations(client, table, invitee)
        .limit(limit + 1)
        .set_exclusive_start_key(start)
}

/// The count of every invitation but the accepted (Enabled) one.
pub fn count(client: &Client, table: &str, invitee: &AccountId) -> QueryFluentBuilder {
    invitations(client, table, invitee)
        .select(Select::Count)
        .filter_expression("#status <> :enabled")
        .expression_attribute_names("#status", table::STATUS)
        .expression_attribute_values(":enabled", status_value(Status::Enabled))
}

impl Store {
    /// One page of `invitee`'s invitations, with one `Query`.
    pub async fn list(
        &self,
        invitee: &AccountId,
        limit: i32,
        after: Option<&AccountId>,
    ) -> Result<Page, StoreError> {
        let output = page(&self.client, &self.table, invitee, limit, after)
            .send()
            .await
            .map_err(classify)?;
        let mut invitations: Vec<Invitation> =
            output.items().iter().filter_map(invitation).collect();
        let limit = usize::try_from(limit).unwrap_or(0);
        let more = invitations.len() > limit || output.last_evaluated_key().is_some();
        invitations.truncate(limit);
        let more_after = more
            .then(|| invitations.last().map(|last| last.inviter.clone()))
            .flatten();
        Ok(Page {
            invitations,
            more_after,
        })
    }

    /// One invitation (one consistent `GetItem`).
    pub async fn invitation(
        &self,
        invitee: &AccountId,
        inviter: &AccountId,
    ) -> Result<Option<Invitation>, StoreError> {
        let item = self
            .get(HashMap::from(table::key(invitee, inviter)))
            .await?;
        Ok(item.as_ref().and_then(invitation))
    }

    /// How many invitations `invitee` has but the accepted one: one `Query`
    /// per 1 MB of items.
    pub async fn count(&self, invitee: &AccountId) -> Result<usize, StoreError> {
        let mut total = 0;
        let mut start = None;
        loop {
            let output = count(&self.client, &self.table, invitee)
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(classify)?;
            total += usize::try_from(output.count()).unwrap_or(0);
            match output.last_evaluated_key {
                Some(key) => start = Some(key),
                None => return Ok(total),
            }
        }
    }
}

/// An item as an invitation; an item whose inviter is not an account ID
/// (which the key range already excludes) is skipped.
fn invitation(item: &Item) -> Option<Invitation> {
    let text = |name: &str| table::text(item, name);
    Some(Invitation {
        inviter: AccountId::parse(&text(table::INVITER)).ok()?,
        invitation_id: text(table::INVITATION_ID),
        status: text(table::STATUS),
        invited_at: text(table::INVITED_AT),
    })
}
