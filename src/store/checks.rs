//! The checks other transactions make on an account's own items, and the
//! detector check folded into reads: that its detector is the one a
//! request names, and that it is no associated member. A leaf: the store's
//! modules of changes, detectors and memberships all use it.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::TransactWriteItem;

use super::StoreError;
use super::expr::{Item, Write, s, transact_check};
use crate::domain::AccountId;
use crate::table;

/// The key of `account`'s detector.
pub fn detector_key(account: &AccountId) -> Item {
    HashMap::from(table::detector_key(account))
}

/// Whether `detector` (an item read, if any) is a detector with ID `given`.
pub fn owned(detector: Option<&Item>, given: &str) -> Result<(), StoreError> {
    match detector {
        Some(item) if table::text(item, table::DETECTOR_ID) == given => Ok(()),
        _ => Err(StoreError::DetectorNotOwned),
    }
}

/// Checks, in a transaction, that `account`'s detector is `given`.
pub fn check_owned(table: &str, account: &AccountId, given: &str) -> TransactWriteItem {
    transact_check(is(given), table, detector_key(account))
}

/// The condition that a detector item has the ID `given`.
pub(super) fn is(given: &str) -> Write {
    Write {
        condition: "#owned = :owned".into(),
        update: None,
        names: HashMap::from([("#owned".into(), table::DETECTOR_ID.into())]),
        values: HashMap::from([(":owned".into(), s(given))]),
    }
}

/// Checks that `account` has no membership item: it is no associated member.
pub fn not_a_member(table: &str, account: &AccountId) -> TransactWriteItem {
    let absent = Write {
        condition: "attribute_not_exists(#sort)".into(),
        update: None,
        names: HashMap::from([("#sort".into(), table::INVITER.into())]),
        values: Item::new(),
    };
    transact_check(absent, table, HashMap::from(table::membership_key(account)))
}

/// The condition that a membership item names `administrator`.
pub(super) fn names_administrator(administrator: &AccountId) -> Write {
    Write {
        condition: "#administrator = :administrator".into(),
        update: None,
        names: HashMap::from([("#administrator".into(), table::ADMINISTRATOR.into())]),
        values: HashMap::from([(":administrator".into(), s(administrator.as_str()))]),
    }
}

/// Checks that `member` is an associated member of `administrator`.
pub fn member_of(table: &str, member: &AccountId, administrator: &AccountId) -> TransactWriteItem {
    transact_check(
        names_administrator(administrator),
        table,
        HashMap::from(table::membership_key(member)),
    )
}
