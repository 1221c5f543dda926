//! The table layout: a public contract shared with every other writer (the
//! admin tool, other services). One partition per account holds what that
//! account sees: the invitations it received (sort key: the inviter's
//! 12-digit ID), its membership item (`ADMINISTRATOR`), its records of its
//! own members (`MEMBER#` and the member's ID) and their summary
//! (`MEMBERS`). template.yaml declares the same keys; a test holds the two
//! together.

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::create_table::CreateTableError;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, KeySchemaElement, KeyType,
    ScalarAttributeType,
};

use crate::domain::AccountId;

pub const DEFAULT_TABLE_NAME: &str = "Invitations";

/// Partition key: the account whose view an item is: the invitee of an
/// invitation, the member of a membership item, the administrator of a
/// member record.
pub const INVITEE: &str = "inviteeAccountId";
/// Sort key: the administrator that sent an invitation, or what the item
/// is (`ADMINISTRATOR`, `MEMBER#<member>`, `MEMBERS`).
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

/// The sort key prefix of an administrator's member records; `MEMBER#`
/// sorts after every invitation and the membership item.
pub const MEMBER_PREFIX: &str = "MEMBER#";
pub const EMAIL: &str = "email";
/// The member's own detector, once it accepted.
pub const DETECTOR_ID: &str = "detectorId";
/// The sort key of an account's detector, and its attributes.
pub const DETECTOR: &str = "DETECTOR";
pub const DETECTOR_STATUS: &str = "detectorStatus";
pub const FREQUENCY: &str = "findingPublishingFrequency";
pub const CREATED_AT: &str = "createdAt";
pub const CLIENT_TOKEN: &str = "clientToken";
pub const S3_LOGS: &str = "s3Logs";
pub const KUBERNETES_AUDIT_LOGS: &str = "kubernetesAuditLogs";
pub const EBS_VOLUMES: &str = "ebsVolumes";
pub const FEATURES: &str = "features";
pub const TAGS: &str = "tags";

/// The sort key of an administrator's summary of its member records.
pub const SUMMARY: &str = "MEMBERS";
/// Every member record of the administrator.
pub const MEMBER_COUNT: &str = "memberCount";
/// Its Created, Invited, Enabled and Disabled records.
pub const ACTIVE_COUNT: &str = "activeMemberCount";

/// The partition of the organization mirror (never 12 digits, so never an
/// account's): the organization item (sort key `ORGANIZATION`) and one item
/// per account of the organization (`ACCOUNT#<id>`). One table mirrors one
/// organization.
pub const ORGANIZATION: &str = "ORGANIZATION";
pub const ACCOUNT_PREFIX: &str = "ACCOUNT#";
pub const ORGANIZATION_ID: &str = "organizationId";
pub const MANAGEMENT: &str = "managementAccountId";
/// The delegated administrator, and its `ENABLED` or `DISABLE_IN_PROGRESS`.
pub const DELEGATED_ADMIN: &str = "adminAccountId";
pub const ADMIN_STATUS: &str = "adminStatus";
/// `NEW`, `ALL` or `NONE`; absent: `NONE`.
pub const AUTO_ENABLE: &str = "autoEnableOrganizationMembers";
/// The organization configuration's features and data sources, one
/// attribute each (`orgFeature#<NAME>`, `orgFeature#<NAME>#<ADDITIONAL>`,
/// `orgDataSource#<source>`), so that an update merges by name in one write.
pub const ORG_FEATURE_PREFIX: &str = "orgFeature#";
pub const ORG_DATA_SOURCE_PREFIX: &str = "orgDataSource#";
/// When the sync last finished enrolling the accounts new to the mirror.
pub const ENROLLED_THROUGH: &str = "enrolledThrough";
/// An account of the mirror: its state in AWS Organizations (`ACTIVE`,
/// `SUSPENDED`, `PENDING_CLOSURE`), and when the mirror first saw it.
pub const ACCOUNT_STATUS: &str = "accountStatus";
pub const MIRRORED_AT: &str = "mirroredAt";
/// How an association came about: `ORGANIZATION` on the member record and
/// the membership item of an organization member; absent: by invitation.
pub const VIA: &str = "via";

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

/// The primary key of `administrator`'s record of `member`.
pub fn record_key(administrator: &AccountId, member: &AccountId) -> [(String, AttributeValue); 2] {
    [
        (INVITEE.into(), AttributeValue::S(administrator.to_string())),
        (INVITER.into(), AttributeValue::S(record_sort_key(member))),
    ]
}

pub fn record_sort_key(member: &AccountId) -> String {
    format!("{MEMBER_PREFIX}{member}")
}

/// The primary key of `administrator`'s summary.
pub fn summary_key(administrator: &AccountId) -> [(String, AttributeValue); 2] {
    [
        (INVITEE.into(), AttributeValue::S(administrator.to_string())),
        (INVITER.into(), AttributeValue::S(SUMMARY.into())),
    ]
}

/// The primary key of `account`'s detector.
pub fn detector_key(account: &AccountId) -> [(String, AttributeValue); 2] {
    [
        (INVITEE.into(), AttributeValue::S(account.to_string())),
        (INVITER.into(), AttributeValue::S(DETECTOR.into())),
    ]
}

/// The primary key of the organization item.
pub fn organization_key() -> [(String, AttributeValue); 2] {
    [
        (INVITEE.into(), AttributeValue::S(ORGANIZATION.into())),
        (INVITER.into(), AttributeValue::S(ORGANIZATION.into())),
    ]
}

/// The primary key of `account`'s item in the organization mirror.
pub fn org_account_key(account: &AccountId) -> [(String, AttributeValue); 2] {
    [
        (INVITEE.into(), AttributeValue::S(ORGANIZATION.into())),
        (
            INVITER.into(),
            AttributeValue::S(org_account_sort_key(account)),
        ),
    ]
}

pub fn org_account_sort_key(account: &AccountId) -> String {
    format!("{ACCOUNT_PREFIX}{account}")
}

/// A number attribute as written, 0 when missing or not a number.
pub fn number(item: &std::collections::HashMap<String, AttributeValue>, name: &str) -> i64 {
    item.get(name)
        .and_then(|value| value.as_n().ok())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
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
