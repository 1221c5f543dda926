//! Reading an administrator's member records: any of them with one
//! consistent `BatchGetItem`, pages of them with one consistent `Query`
//! over the `MEMBER#` sort keys of the administrator's own partition.

use std::collections::HashMap;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use aws_sdk_dynamodb::types::AttributeValue;

use super::checks::{detector_key, owned};
use super::expr::{Item, status_value};
use super::{Store, StoreError, classify};
use crate::domain::{AccountId, MemberStatus};
use crate::table;

/// A member record, every attribute as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub member: AccountId,
    pub email: String,
    pub status: String,
    pub invitation_id: Option<String>,
    pub invited_at: Option<String>,
    pub updated_at: String,
    /// The member's own detector, once it accepted.
    pub detector_id: Option<String>,
}

/// A page of records, and the member to continue after when more remain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberPage {
    pub records: Vec<Record>,
    pub more_after: Option<AccountId>,
}

/// The keys of `administrator`'s records of `members`.
pub fn record_keys(administrator: &AccountId, members: &[AccountId]) -> Vec<Item> {
    members
        .iter()
        .map(|member| HashMap::from(table::record_key(administrator, member)))
        .collect()
}

/// The `Query` over `administrator`'s records, in member order, strongly
/// consistent; `only_associated` filters them to Enabled and Disabled.
pub fn members_query(
    client: &Client,
    table: &str,
    administrator: &AccountId,
    only_associated: bool,
) -> QueryFluentBuilder {
    let bound = |account: &str| AttributeValue::S(format!("{}{account}", table::MEMBER_PREFIX));
    let query = client
        .query()
        .table_name(table)
        .key_condition_expression("#owner = :owner AND #sort BETWEEN :first AND :last")
        .expression_attribute_names("#owner", table::INVITEE)
        .expression_attribute_names("#sort", table::INVITER)
        .expression_attribute_values(":owner", AttributeValue::S(administrator.to_string()))
        .expression_attribute_values(":first", bound("000000000000"))
        .expression_attribute_values(":last", bound("999999999999"))
        .consistent_read(true);
    if !only_associated {
        return query;
    }
    query
        .filter_expression("#status IN (:enabled, :disabled)")
        .expression_attribute_names("#status", table::STATUS)
        .expression_attribute_values(":enabled", status_value(MemberStatus::Enabled))
        .expression_attribute_values(":disabled", status_value(MemberStatus::Disabled))
}

impl Store {
    /// `administrator`'s records of `members` that exist, by member, when
    /// `detector` is its detector: one consistent `BatchGetItem`.
    pub async fn records(
        &self,
        administrator: &AccountId,
        detector: &str,
        members: &[AccountId],
    ) -> Result<HashMap<AccountId, Record>, StoreError> {
        let found = self.records_read(administrator, detector, members).await?;
        Ok(found
            .values()
            .filter_map(record)
            .map(|r| (r.member.clone(), r))
            .collect())
    }

    /// The items of `administrator`'s records of `members`, by sort key,
    /// read with its detector, which must be `detector`.
    pub(super) async fn records_read(
        &self,
        administrator: &AccountId,
        detector: &str,
        members: &[AccountId],
    ) -> Result<HashMap<String, Item>, StoreError> {
        let keys = record_keys(administrator, members);
        self.read_with_detector(administrator, detector, keys).await
    }

    /// One page: up to `limit` records after the member `after`. It asks
    /// for one more than `limit`, so that the last page is known to be the
    /// last. Filtered to associated members, a page needs a second `Query`
    /// (of up to 1 MB, DynamoDB's own page) when unassociated records lie
    /// in between.
    /// The detector is read at the same time, and must be `detector`.
    pub async fn list_members(
        &self,
        administrator: &AccountId,
        detector: &str,
        only_associated: bool,
        limit: i32,
        after: Option<&AccountId>,
    ) -> Result<MemberPage, StoreError> {
        let (page, found) = tokio::join!(
            self.members_page(administrator, only_associated, limit, after),
            self.get(detector_key(administrator))
        );
        owned(found?.as_ref(), detector)?;
        page
    }

    async fn members_page(
        &self,
        administrator: &AccountId,
        only_associated: bool,
        limit: i32,
        after: Option<&AccountId>,
    ) -> Result<MemberPage, StoreError> {
        let wanted = usize::try_from(limit).unwrap_or(0);
        let mut start = after.map(|member| HashMap::from(table::record_key(administrator, member)));
        let mut records = Vec::new();
        let mut first = true;
        loop {
            let output = members_query(&self.client, &self.table, administrator, only_associated)
                .set_limit(std::mem::take(&mut first).then_some(limit + 1))
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(classify)?;
            records.extend(output.items().iter().filter_map(record));
            start = output.last_evaluated_key;
            if records.len() > wanted || start.is_none() {
                break;
            }
        }
        let more = records.len() > wanted;
        records.truncate(wanted);
        let more_after = more
            .then(|| records.last().map(|last| last.member.clone()))
            .flatten();
        Ok(MemberPage {
            records,
            more_after,
        })
    }
}

/// An item as a member record; one whose sort key does not name a member
/// (which the key range already excludes) is skipped.
pub fn record(item: &Item) -> Option<Record> {
    let text = |name: &str| table::text(item, name);
    let optional = |name: &str| Some(text(name)).filter(|value| !value.is_empty());
    let sort_key = text(table::INVITER);
    let member = AccountId::parse(sort_key.strip_prefix(table::MEMBER_PREFIX)?).ok()?;
    Some(Record {
        member,
        email: text(table::EMAIL),
        status: text(table::STATUS),
        invitation_id: optional(table::INVITATION_ID),
        invited_at: optional(table::INVITED_AT),
        updated_at: text(table::UPDATED_AT),
        detector_id: optional(table::DETECTOR_ID),
    })
}
