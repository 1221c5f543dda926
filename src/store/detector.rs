//! An account's detector: one item (`DETECTOR`) in its partition, put on
//! condition of its absence (one per account, whatever the races), updated
//! on condition that its ID is the one given, and deleted in a transaction
//! that checks the account has no active members and is no associated
//! member. Every other operation under `/detector/{detectorId}` checks the
//! ID against this item within a read it makes anyway ([`owned`]).

use std::collections::HashMap;

use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::types::{
    AttributeValue, ReturnValuesOnConditionCheckFailure, TransactWriteItem,
};

use super::checks::{check_owned, detector_key, is, not_a_member, owned};
use super::expr::{Item, Write, s, transact_delete, transact_put_new};
use super::transact::Transacted;
use super::{ConditionFailed, Store, StoreError, classify, summary};
use crate::domain::detector::{DEFAULT_FREQUENCY, NewDetector, Settings};
use crate::domain::{AccountId, DetectorId};
use crate::table;

/// A feature as stored: enabled or not, when it last changed (epoch
/// seconds), and its additional configurations likewise.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredFeature {
    pub name: String,
    pub enabled: bool,
    pub updated_at: f64,
    pub additional: Vec<(String, bool, f64)>,
}

/// A detector, every setting as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct Detector {
    pub id: String,
    pub enabled: bool,
    pub frequency: String,
    pub created_at: String,
    pub updated_at: String,
    pub s3_logs: bool,
    pub kubernetes_audit_logs: bool,
    pub ebs_volumes: bool,
    pub features: Vec<StoredFeature>,
    pub tags: Vec<(String, String)>,
}

/// How a CreateDetector went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Created {
    New(DetectorId),
    /// The account has a detector made with this very `clientToken`.
    Again(String),
    /// The account has another detector.
    Exists,
}

/// How a DeleteDetector went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Deleted {
    Deleted,
    NotOwned,
    /// The account has created, invited or associated members.
    HasMembers,
    /// The account is an associated member.
    IsMember,
}

/// Where a transaction makes sure of `account`'s detector: the one it
/// read (`Kept`), or a new one (`New`) when it read none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ensure<'a> {
    Kept(&'a str),
    New(&'a str),
}

impl Ensure<'_> {
    pub fn id(&self) -> &str {
        match self {
            Ensure::Kept(id) | Ensure::New(id) => id,
        }
    }
}

/// `account`'s detector, inside a transaction: the one read, checked to be
/// there still (a detector deleted meanwhile is not brought back), or a
/// new one (enabled, with the defaults) put on condition that the account
/// still has none. Enrollment and designation make sure of it this way.
pub fn ensure_detector(
    table: &str,
    account: &AccountId,
    ensure: Ensure<'_>,
    now: &str,
) -> TransactWriteItem {
    match ensure {
        Ensure::Kept(id) => check_owned(table, account, id),
        Ensure::New(id) => transact_put_new(new_detector(account, id, now), table),
    }
}

/// The change of `settings` on a detector, on condition that its ID is `id`.
pub(super) fn settings_write(id: &str, settings: &Settings, now: &str) -> Write {
    let mut write = is(id).set(table::UPDATED_AT, s(now));
    let (attributes, features) = settings_values(settings, now);
    for (name, value) in attributes {
        write = write.set(&name, value);
    }
    for (feature, value) in features {
        write = write.set_in(table::FEATURES, &feature, value);
    }
    write
}

/// What CreateDetector writes before its request's settings: enabled, with
/// the defaults.
fn new_detector(account: &AccountId, id: &str, now: &str) -> Item {
    let mut item = detector_key(account);
    for (name, value) in [
        (table::DETECTOR_ID, s(id)),
        (table::CREATED_AT, s(now)),
        (table::UPDATED_AT, s(now)),
        (table::FREQUENCY, s(DEFAULT_FREQUENCY)),
        (table::S3_LOGS, AttributeValue::Bool(true)),
        (table::KUBERNETES_AUDIT_LOGS, AttributeValue::Bool(true)),
        (table::EBS_VOLUMES, AttributeValue::Bool(true)),
        (table::FEATURES, AttributeValue::M(HashMap::new())),
    ] {
        item.insert(name.into(), value);
    }
    item
}

impl Store {
    /// The items of `keys`, all of `account`'s partition, by sort key, read
    /// in one consistent `BatchGetItem` with `account`'s detector, which
    /// must be `given`: the operation's detector check rides in its read.
    pub async fn read_with_detector(
        &self,
        account: &AccountId,
        given: &str,
        mut keys: Vec<Item>,
    ) -> Result<HashMap<String, Item>, StoreError> {
        keys.push(detector_key(account));
        let found = self.get_many(keys).await?;
        owned(found.get(table::DETECTOR), given)?;
        Ok(found)
    }

    /// `account`'s detector, if it has one (one consistent `GetItem`).
    pub async fn detector(&self, account: &AccountId) -> Result<Option<Detector>, StoreError> {
        Ok(self
            .get(detector_key(account))
            .await?
            .as_ref()
            .map(detector))
    }

    /// Puts `account`'s detector `id`, unless it has one.
    pub async fn create_detector(
        &self,
        account: &AccountId,
        id: &DetectorId,
        new: &NewDetector,
    ) -> Result<Created, StoreError> {
        let now = table::now();
        let mut item = new_detector(account, id.as_str(), &now);
        if let Some(token) = &new.client_token {
            item.insert(table::CLIENT_TOKEN.into(), s(token));
        }
        if !new.tags.is_empty() {
            let tags = new.tags.iter().map(|(k, v)| (k.clone(), s(v))).collect();
            item.insert(table::TAGS.into(), AttributeValue::M(tags));
        }
        let (attributes, features) = settings_values(&new.settings, &now);
        item.extend(attributes);
        item.insert(
            table::FEATURES.into(),
            AttributeValue::M(features.into_iter().collect()),
        );
        let put = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(#sort)")
            .expression_attribute_names("#sort", table::INVITER)
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .send()
            .await;
        let error = match put {
            Ok(_) => return Ok(Created::New(id.clone())),
            Err(error) => error,
        };
        let existing = match error.as_service_error().and_then(PutItemError::old_item) {
            Some(old) => old.cloned().unwrap_or_default(),
            None => return Err(classify(error)),
        };
        let token = table::text(&existing, table::CLIENT_TOKEN);
        Ok(match &new.client_token {
            Some(ours) if !token.is_empty() && token == *ours => {
                Created::Again(table::text(&existing, table::DETECTOR_ID))
            }
            _ => Created::Exists,
        })
    }

    /// Changes the settings of `account`'s detector `id`.
    pub async fn update_detector(
        &self,
        account: &AccountId,
        id: &str,
        settings: &Settings,
    ) -> Result<(), StoreError> {
        let written = settings_write(id, settings, &table::now())
            .update_item(&self.client, &self.table, detector_key(account))
            .send()
            .await;
        match written {
            Ok(_) => Ok(()),
            Err(error) => super::refusal(error).and(Err(StoreError::DetectorNotOwned)),
        }
    }

    /// Deletes `account`'s detector `id`, unless the account has created,
    /// invited or associated members, or is an associated member.
    pub async fn delete_detector(
        &self,
        account: &AccountId,
        id: &str,
    ) -> Result<Deleted, StoreError> {
        let items = vec![
            transact_delete(is(id), &self.table, detector_key(account)),
            summary::no_active_members(&self.table, account),
            not_a_member(&self.table, account),
        ];
        let refused = self.transact(items).await?;
        Ok(match (&refused, refused.failed(0), refused.failed(1)) {
            (Transacted::Applied, _, _) => Deleted::Deleted,
            (_, Some(_), _) => Deleted::NotOwned,
            (_, _, Some(_)) => Deleted::HasMembers,
            _ => Deleted::IsMember,
        })
    }
}

/// The attributes `settings` sets, and its features by name, stamped
/// with `now`.
type Values = Vec<(String, AttributeValue)>;

fn settings_values(settings: &Settings, now: &str) -> (Values, Values) {
    let mut values = Vec::new();
    if let Some(enable) = settings.enable {
        values.push((
            table::DETECTOR_STATUS.to_owned(),
            AttributeValue::Bool(enable),
        ));
    }
    if let Some(frequency) = &settings.frequency {
        values.push((table::FREQUENCY.to_owned(), s(frequency)));
    }
    for (name, value) in [
        (table::S3_LOGS, settings.s3_logs),
        (table::KUBERNETES_AUDIT_LOGS, settings.kubernetes_audit_logs),
        (table::EBS_VOLUMES, settings.ebs_volumes),
    ] {
        if let Some(value) = value {
            values.push((name.to_owned(), AttributeValue::Bool(value)));
        }
    }
    let at = epoch_seconds(now);
    let features = settings
        .features
        .iter()
        .map(|feature| {
            let additional = feature
                .additional
                .iter()
                .map(|(name, enabled)| (name.clone(), AttributeValue::M(flag(*enabled, &at))))
                .collect();
            let mut stored = flag(feature.enabled, &at);
            stored.insert(
                "additionalConfiguration".into(),
                AttributeValue::M(additional),
            );
            (feature.name.clone(), AttributeValue::M(stored))
        })
        .collect();
    (values, features)
}

fn flag(enabled: bool, at: &str) -> Item {
    HashMap::from([
        ("enabled".into(), AttributeValue::Bool(enabled)),
        ("updatedAt".into(), AttributeValue::N(at.to_owned())),
    ])
}

/// `now` (ISO-8601) as epoch seconds, as the model's feature timestamps.
fn epoch_seconds(now: &str) -> String {
    use aws_sdk_dynamodb::primitives::{DateTime, DateTimeFormat};
    let time = DateTime::from_str(now, DateTimeFormat::DateTime).expect("now is ISO-8601");
    format!("{:.3}", time.as_secs_f64())
}

/// A detector item as written.
pub(super) fn detector(item: &Item) -> Detector {
    let text = |name: &str| table::text(item, name);
    let flag_of = |value: Option<&AttributeValue>, default: bool| {
        value
            .and_then(|v| v.as_bool().ok())
            .copied()
            .unwrap_or(default)
    };
    let enabled = |name: &str| flag_of(item.get(name), true);
    let dated = |value: &AttributeValue| {
        let map = value.as_m().ok();
        let field = |name: &str| map.and_then(|m| m.get(name));
        let at = field("updatedAt")
            .and_then(|n| n.as_n().ok())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0.0);
        (flag_of(field("enabled"), true), at)
    };
    let additional_of = |value: &AttributeValue| -> Vec<(String, bool, f64)> {
        let mut additional: Vec<(String, bool, f64)> = value
            .as_m()
            .ok()
            .and_then(|m| m.get("additionalConfiguration"))
            .and_then(|a| a.as_m().ok())
            .into_iter()
            .flatten()
            .map(|(name, value)| {
                let (enabled, at) = dated(value);
                (name.clone(), enabled, at)
            })
            .collect();
        additional.sort_by(|a, b| a.0.cmp(&b.0));
        additional
    };
    let mut features: Vec<StoredFeature> = item
        .get(table::FEATURES)
        .and_then(|f| f.as_m().ok())
        .into_iter()
        .flatten()
        .map(|(name, value)| {
            let (enabled, updated_at) = dated(value);
            StoredFeature {
                name: name.clone(),
                enabled,
                updated_at,
                additional: additional_of(value),
            }
        })
        .collect();
    features.sort_by(|a, b| a.name.cmp(&b.name));
    let mut tags: Vec<(String, String)> = item
        .get(table::TAGS)
        .and_then(|t| t.as_m().ok())
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.as_s().cloned().unwrap_or_default()))
        .collect();
    tags.sort();
    let created_at = text(table::CREATED_AT);
    let updated_at = Some(text(table::UPDATED_AT)).filter(|u| !u.is_empty());
    Detector {
        id: text(table::DETECTOR_ID),
        enabled: enabled(table::DETECTOR_STATUS),
        frequency: Some(text(table::FREQUENCY))
            .filter(|f| !f.is_empty())
            .unwrap_or_else(|| DEFAULT_FREQUENCY.to_owned()),
        updated_at: updated_at.unwrap_or_else(|| created_at.clone()),
        created_at,
        s3_logs: enabled(table::S3_LOGS),
        kubernetes_audit_logs: enabled(table::KUBERNETES_AUDIT_LOGS),
        ebs_volumes: enabled(table::EBS_VOLUMES),
        features,
        tags,
    }
}
