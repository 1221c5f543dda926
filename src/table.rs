//! The invitations table layout: a public contract shared with every other
//! writer (the inviter side, the admin tool). template.yaml declares the same
//! keys; a test holds the two together.

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::create_table::CreateTableError;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, KeySchemaElement, KeyType,
    ScalarAttributeType,
};

use crate::domain::AccountId;

pub const DEFAULT_TABLE_NAME: &str = "Invitations";

/// Partition key: the account that received the invitation (the caller).
pub const INVITEE: &str = "inviteeAccountId";
/// Sort key: the administrator account that sent it.
pub const INVITER: &str = "inviterAccountId";
pub const STATUS: &str = "relationshipStatus";
pub const INVITATION_ID: &str = "invitationId";
pub const INVITED_AT: &str = "invitedAt";
pub const UPDATED_AT: &str = "updatedAt";

/// The sort key of a member's membership item: never 12 digits, so it
/// cannot collide with an invitation, and outside the invitation key range.
pub const MEMBERSHIP: &str = "ADMINISTRATOR";
pub const ADMINISTRATOR: &str = "administratorAccountId";
pub const ACCEPTED_AT: &str = "acceptedAt";

/// `TABLE_NAME`, or the local default.
pub fn name_from_env() -> String {
    std::env::var("TABLE_NAME")
        .ok()
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| DEFAULT_TABLE_NAME.to_owned())
}

/// The primary key of the invitation `inviter` sent to `invitee`.
pub fn key(invitee: &AccountId, inviter: &AccountId) -> [(String, AttributeValue); 2] {
    [
        (INVITEE.into(), AttributeValue::S(invitee.to_string())),
        (INVITER.into(), AttributeValue::S(inviter.to_string())),
    ]
}

/// The primary key of `member`'s membership item.
pub fn membership_key(member: &AccountId) -> [(String, AttributeValue); 2] {
    [
        (INVITEE.into(), AttributeValue::S(member.to_string())),
        (INVITER.into(), AttributeValue::S(MEMBERSHIP.into())),
    ]
}

/// A string attribute as written, empty when missing or not a string.
pub fn text(item: &std::collections::HashMap<String, AttributeValue>, name: &str) -> String {
    item.get(name)
        .and_then(|value| value.as_s().ok())
        .cloned()
        .unwrap_or_default()
}

/// An item's `relationshipStatus` as written, empty when it has none (a
/// garbled item, answered as an unknown status).
pub fn status_of(item: &std::collections::HashMap<String, AttributeValue>) -> String {
    text(item, STATUS)
}

/// ISO-8601 UTC, as `invitedAt` and `updatedAt` hold it.
pub fn now() -> String {
    aws_sdk_dynamodb::primitives::DateTime::from(std::time::SystemTime::now())
        .fmt(aws_sdk_dynamodb::primitives::DateTimeFormat::DateTime)
        .expect("the current time is representable")
}

/// Creates the table with on-demand billing. `Ok(false)` when it already exists.
pub async fn create(client: &Client, table: &str) -> Result<bool, SdkError<CreateTableError>> {
    let key = |name: &str, key_type| {
        KeySchemaElement::builder()
            .attribute_name(name)
            .key_type(key_type)
            .build()
            .expect("name and type are set")
    };
    let string_attribute = |name: &str| {
        AttributeDefinition::builder()
            .attribute_name(name)
            .attribute_type(ScalarAttributeType::S)
            .build()
            .expect("name and type are set")
    };
    let result = client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .key_schema(key(INVITEE, KeyType::Hash))
        .key_schema(key(INVITER, KeyType::Range))
        .attribute_definitions(string_attribute(INVITEE))
        .attribute_definitions(string_attribute(INVITER))
        .send()
        .await;
    match result {
        Ok(_) => Ok(true),
        Err(e)
            if e.as_service_error()
                .is_some_and(|e| e.is_resource_in_use_exception()) =>
        {
            Ok(false)
        }
        Err(e) => Err(e),
    }
}
