//! An administrator's summary of its member records: how many there are
//! (bounded by `MEMBER_LIMIT`) and how many are active (Created, Invited,
//! Enabled, Disabled). Every write that changes either count changes it in
//! the same transaction, so the counts are exact; an accept checks the
//! member's own count is 0, which keeps an account from being an
//! administrator of active members and an associated member at once.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem};

use super::expr::{Write, transact_check, transact_update};
use crate::domain::AccountId;
use crate::table;

/// Adds `members` and `active` (either may be negative) to the summary,
/// creating it when missing.
pub fn change(
    table: &str,
    administrator: &AccountId,
    members: i64,
    active: i64,
) -> TransactWriteItem {
    transact_update(adding(members, active), table, key(administrator))
}

/// Adds `created` new records, all active, on condition that the total
/// stays within `limit`.
pub fn grow(table: &str, administrator: &AccountId, created: i64, limit: i64) -> TransactWriteItem {
    change_within(table, administrator, (created, created), limit)
}

/// Adds `members` and `active` (`delta`), on condition that the total of
/// members stays within `limit`.
pub fn change_within(
    table: &str,
    administrator: &AccountId,
    (members, active): (i64, i64),
    limit: i64,
) -> TransactWriteItem {
    let mut write = adding(members, active);
    if members > 0 {
        write.condition = "attribute_not_exists(#members) OR #members <= :most".into();
        write.values.insert(":most".into(), number(limit - members));
    }
    transact_update(write, table, key(administrator))
}

/// Checks that `account` has no active members (or no summary at all).
pub fn no_active_members(table: &str, account: &AccountId) -> TransactWriteItem {
    let write = Write {
        condition: "attribute_not_exists(#active) OR #active = :zero".into(),
        update: None,
        names: HashMap::from([("#active".into(), table::ACTIVE_COUNT.into())]),
        values: HashMap::from([(":zero".into(), number(0))]),
    };
    transact_check(write, table, key(account))
}

/// `ADD` of both counts; a zero change is left out.
fn adding(members: i64, active: i64) -> Write {
    debug_assert!(members != 0 || active != 0, "a change of nothing");
    let mut write = Write {
        condition: String::new(),
        update: None,
        names: HashMap::new(),
        values: HashMap::new(),
    };
    let mut parts = Vec::new();
    let counts = [
        ("#members", table::MEMBER_COUNT, ":members", members),
        ("#active", table::ACTIVE_COUNT, ":active", active),
    ];
    for (name, attribute, value, delta) in counts {
        if delta != 0 {
            parts.push(format!("{name} {value}"));
            write.names.insert(name.into(), attribute.into());
            write.values.insert(value.into(), number(delta));
        }
    }
    write.update = Some(format!("ADD {}", parts.join(", ")));
    write
}

fn key(administrator: &AccountId) -> HashMap<String, AttributeValue> {
    HashMap::from(table::summary_key(administrator))
}

fn number(n: i64) -> AttributeValue {
    AttributeValue::N(n.to_string())
}
