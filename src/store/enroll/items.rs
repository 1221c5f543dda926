//! The items of one enrollment and of one enrolling transaction; the
//! benchmark's floors and the tests send the very same.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::TransactWriteItem;

use crate::domain::organization::AutoEnable;
use crate::domain::{AccountId, MemberStatus};
use crate::store::checks::{check_owned, not_a_member};
use crate::store::detector::{Ensure, ensure_detector};
use crate::store::expr::{
    Item, s, status_value, transact_delete_any, transact_put_new, transact_update,
};
use crate::store::organization::{check_admin, condition};
use crate::store::summary;
use crate::table;

/// DynamoDB's bound on the items of one transaction.
pub(super) const MAX_ITEMS: usize = 100;
/// The items every enrolling transaction adds: the organization, the
/// administrator's detector and membership checks, the summary.
pub(super) const SHARED_ITEMS: usize = 4;

/// Whose enrollments a transaction checks: the administrator, its
/// detector, its `MEMBER_LIMIT` and, for the sync's, the auto-enable it
/// read (a sync enrolls only while the configuration still says so).
pub struct Checked<'a> {
    pub admin: &'a AccountId,
    pub detector: &'a str,
    pub limit: i64,
    pub auto_enable: Option<AutoEnable>,
}

/// One enrolling transaction: the accounts' `items` (each account's from
/// [`enroll_items`]), then the checks on the administrator in the order
/// `enroll.rs`'s `refusals` reads them, then the summary's change by
/// `delta` (within the limit), if any.
pub fn transaction(
    table: &str,
    checked: &Checked<'_>,
    mut items: Vec<TransactWriteItem>,
    delta: (i64, i64),
) -> Vec<TransactWriteItem> {
    items.push(check_admin(table, checked.admin, checked.auto_enable));
    items.push(check_owned(table, checked.admin, checked.detector));
    items.push(not_a_member(table, checked.admin));
    if delta != (0, 0) {
        items.push(summary::change_within(
            table,
            checked.admin,
            delta,
            checked.limit,
        ));
    }
    items
}

/// How many enrollments of `items_each` items one transaction takes.
pub fn per_transaction(items_each: usize) -> usize {
    (MAX_ITEMS - SHARED_ITEMS) / items_each
}

/// One enrollment: who enrolls whom, with what e-mail and detector, from
/// which record status (`None`: no record).
pub struct Enrolling<'a> {
    pub admin: &'a AccountId,
    pub member: &'a AccountId,
    pub email: &'a str,
    pub detector: Ensure<'a>,
    pub from: Option<MemberStatus>,
}

/// The writes of one enrollment and what they add to the summary.
pub struct Enrollment {
    /// In this order: the record, the membership item, the member's
    /// detector, the check of the member's own summary where it had a
    /// detector (at [`MEMBERS_CHECK`]), and, when the record was invited
    /// once, the invitation deleted.
    pub items: Vec<TransactWriteItem>,
    pub delta: (i64, i64),
    pub checks_members: bool,
}

/// Where an enrollment's check of the member's own summary is, if made.
pub(super) const MEMBERS_CHECK: usize = 3;

/// The items of one enrollment (see [`Enrollment`]).
pub fn enroll_items(table: &str, enrolling: &Enrolling<'_>, now: &str) -> Enrollment {
    let Enrolling {
        admin,
        member,
        email,
        detector,
        from,
    } = *enrolling;
    let detector_id = detector.id();
    let enabled = status_value(MemberStatus::Enabled);
    let via = s(table::ORGANIZATION);
    let record = match from {
        None => {
            let mut item: Item = HashMap::from(table::record_key(admin, member));
            item.extend([
                (table::STATUS.to_owned(), enabled),
                (table::EMAIL.to_owned(), s(email)),
                (table::DETECTOR_ID.to_owned(), s(detector_id)),
                (table::VIA.to_owned(), via.clone()),
                (table::UPDATED_AT.to_owned(), s(now)),
            ]);
            transact_put_new(item, table)
        }
        Some(status) => {
            let write = condition(
                "#status = :from",
                &[("#status", table::STATUS)],
                &[(":from", status_value(status))],
            )
            .set(table::STATUS, enabled)
            .set(table::EMAIL, s(email))
            .set(table::DETECTOR_ID, s(detector_id))
            .set(table::VIA, via.clone())
            .set(table::UPDATED_AT, s(now))
            .remove(table::INVITATION_ID)
            .remove(table::INVITED_AT);
            transact_update(
                write,
                table,
                HashMap::from(table::record_key(admin, member)),
            )
        }
    };
    let mut membership: Item = HashMap::from(table::membership_key(member));
    membership.extend([
        (table::ADMINISTRATOR.to_owned(), s(admin.as_str())),
        (table::VIA.to_owned(), via),
        (table::ACCEPTED_AT.to_owned(), s(now)),
    ]);
    let mut items = vec![
        record,
        transact_put_new(membership, table),
        ensure_detector(table, member, detector, now),
    ];
    let checks_members = matches!(detector, Ensure::Kept(_));
    if checks_members {
        items.push(summary::no_active_members(table, member));
    }
    if from.is_some_and(|status| status != MemberStatus::Created) {
        items.push(transact_delete_any(
            table,
            HashMap::from(table::key(member, admin)),
        ));
    }
    let members = i64::from(from.is_none());
    let active = i64::from(from.is_none_or(|status| !status.is_active()));
    Enrollment {
        items,
        delta: (members, active),
        checks_members,
    }
}
