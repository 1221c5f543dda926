//! What each of the administrator's changes writes for one account, from
//! the status its record was read in: the record's write (conditioned on
//! that status, which the summary's change is for) and the member's side.
//! Accounts whose changes move the summary are sent together, in as few
//! transactions as fit, with one summary update for all (`compose`).

use std::collections::HashMap;

use aws_sdk_dynamodb::types::TransactWriteItem;

use super::StoreError;
use super::checks::{check_owned, not_a_member};
use super::expr::{Item, Write, s, status_value, transact_check, transact_delete, transact_update};
use super::membership::{Ending, broken, end_items};
use super::summary;
use super::transact::Transacted;
use crate::domain::{AccountId, Action, MemberAction, MemberStatus, Outcome, Reason};
use crate::table;

/// DynamoDB's bound on the items of one transaction.
const MAX_ITEMS: usize = 100;

/// A member record as last read: its status, and whether it came through
/// the organization (no invitation stands for it).
#[derive(Clone, Debug)]
pub struct Seen {
    pub status: String,
    pub organization: bool,
}

impl Seen {
    pub fn of(item: &Item) -> Self {
        Seen {
            status: table::status_of(item),
            organization: table::text(item, table::VIA) == table::ORGANIZATION,
        }
    }
}

/// One account's write, planned from its record's status.
pub struct Planned {
    /// Where the account is in the request.
    pub index: usize,
    pub member: AccountId,
    /// The record as last seen (`None`: no record).
    pub record: Option<Seen>,
    /// The account's own items, the record's write first.
    pub items: Vec<TransactWriteItem>,
    /// What it adds to the summary: (members, active members).
    pub delta: (i64, i64),
}

/// What one account's record calls for.
pub enum Step {
    Done(Outcome),
    Write(Planned),
}

/// What a refused transaction found of the member's invitation, for a plan
/// made again (`None`: nothing was learned; `Some(None)`: it is gone).
pub type SeenInvitation = Option<Option<String>>;

/// `action` for `member`, whose record was read as `record`.
pub fn plan(
    table: &str,
    action: MemberAction,
    administrator: &AccountId,
    index: usize,
    member: &AccountId,
    record: Option<Seen>,
    seen: SeenInvitation,
) -> Step {
    use MemberStatus::{Disabled, Enabled};
    let done = |reason| Step::Done(Outcome::Unprocessed(reason));
    let Some(raw) = record.as_ref().map(|r| r.status.as_str()) else {
        return done(match action {
            MemberAction::Invite => Reason::EmailMissing,
            _ => Reason::NotMember,
        });
    };
    let Some(from) = MemberStatus::parse(raw) else {
        return done(Reason::UnknownStatus(raw.to_owned()));
    };
    let organization = record.as_ref().is_some_and(|r| r.organization);
    if action == MemberAction::Invite && organization {
        return done(Reason::OrganizationMember);
    }
    if !action.transition().from.contains(&from) {
        return done(match (action, from) {
            (MemberAction::Invite, _) => Reason::AlreadyInvited,
            (MemberAction::Delete, Enabled | Disabled) => Reason::StillAssociatedMember,
            _ => Reason::NotMember,
        });
    }
    let now = table::now();
    let change = Change {
        action,
        administrator,
        member,
        from,
        organization,
    };
    let (items, delta) = change_items(table, &change, seen, &now);
    Step::Write(Planned {
        index,
        member: member.clone(),
        record,
        items,
        delta,
    })
}

/// One change of one record: `action` on `administrator`'s record of
/// `member`, read in `from`, enrolled through the `organization` or not.
pub struct Change<'a> {
    pub action: MemberAction,
    pub administrator: &'a AccountId,
    pub member: &'a AccountId,
    pub from: MemberStatus,
    pub organization: bool,
}

/// The items of a change, with the member's side, the record's write
/// first; and what the change adds to the summary. `seen` is what a
/// refused disassociation found of an invited member's invitation
/// (declined, or gone).
pub fn change_items(
    table: &str,
    change: &Change<'_>,
    seen: SeenInvitation,
    now: &str,
) -> (Vec<TransactWriteItem>, (i64, i64)) {
    let Change {
        action,
        administrator,
        member,
        from,
        organization,
    } = *change;
    let record_key = HashMap::from(table::record_key(administrator, member));
    let invitation_key = HashMap::from(table::key(member, administrator));
    let record = Write::of(action.transition(), now).also_if(table::STATUS, status_value(from));
    let active = action.active_delta(from);
    let items = match (action, from) {
        (MemberAction::Invite, _) => {
            let id = invitation_id(member, administrator);
            let stamp = |write: Write| {
                write
                    .set(table::INVITATION_ID, s(&id))
                    .set(table::INVITED_AT, s(now))
            };
            let invitation = stamp(Write::of(Action::Invite.transition(), now));
            // Not accepted yet: the member's detector comes with its accept.
            let record = stamp(record).remove(table::DETECTOR_ID);
            vec![
                transact_update(record, table, record_key),
                transact_update(invitation, table, invitation_key),
            ]
        }
        (MemberAction::Disassociate, MemberStatus::Enabled | MemberStatus::Disabled) => {
            let ending = Ending {
                member,
                administrator,
                organization,
            };
            let mut ending = end_items(table, &ending, record, now);
            ending.pop(); // The summary's change, made once for all.
            ending
        }
        (MemberAction::Disassociate, _) => vec![
            transact_update(record, table, record_key),
            match seen {
                None => transact_update(
                    Write::of(Action::Revoke.transition(), now),
                    table,
                    invitation_key,
                ),
                Some(found) => transact_check(exactly(found.as_deref()), table, invitation_key),
            },
        ],
        _ => vec![
            transact_delete(record, table, record_key),
            transact_delete(
                Write::of(Action::Withdraw.transition(), now),
                table,
                invitation_key,
            ),
        ],
    };
    let members = if action == MemberAction::Delete {
        -1
    } else {
        0
    };
    (items, (members, active))
}

/// The accounts in groups whose items, with the summary's and the checks',
/// fit one transaction.
pub fn chunks(planned: Vec<Planned>) -> Vec<Vec<Planned>> {
    let mut chunks: Vec<Vec<Planned>> = Vec::new();
    let mut size = 0;
    for one in planned {
        if chunks.is_empty() || size + one.items.len() + 3 > MAX_ITEMS {
            chunks.push(Vec::new());
            size = 0;
        }
        size += one.items.len();
        chunks.last_mut().expect("a chunk").push(one);
    }
    chunks
}

/// Where a composed transaction checks the administrator.
#[derive(Clone, Copy, Debug, Default)]
pub struct Checks {
    /// The check that it is no associated member.
    pub member: Option<usize>,
    /// The check that `detector` is still its detector.
    pub detector: Option<usize>,
}

/// One transaction of `chunk`: every account's items, one change of the
/// summary by their sum, and, when an invitation makes an active member
/// again, the checks that the administrator is no associated member (an
/// associated member may have none) and still has its detector (an
/// administrator without one may have none either); their indexes.
pub fn compose(
    table: &str,
    action: MemberAction,
    administrator: &AccountId,
    detector: &str,
    chunk: &[Planned],
) -> (Vec<TransactWriteItem>, Checks) {
    let mut items: Vec<TransactWriteItem> = chunk.iter().flat_map(|p| p.items.clone()).collect();
    let (members, active) = chunk
        .iter()
        .fold((0, 0), |(m, a), p| (m + p.delta.0, a + p.delta.1));
    if (members, active) != (0, 0) {
        items.push(summary::change(table, administrator, members, active));
    }
    let mut checks = Checks::default();
    if action == MemberAction::Invite && active > 0 {
        items.push(not_a_member(table, administrator));
        checks.member = Some(items.len() - 1);
        items.push(check_owned(table, administrator, detector));
        checks.detector = Some(items.len() - 1);
    }
    (items, checks)
}

/// Where one account's items sat in a refused transaction.
pub struct Refusal<'a> {
    pub refused: &'a Transacted,
    pub offset: usize,
    /// The check that the administrator is no associated member failed.
    pub member_check: bool,
}

/// One account of a refused transaction: planned again from what its
/// record held, done, or sent again as it was (another account's item
/// refused the transaction).
pub fn replan(
    table: &str,
    action: MemberAction,
    administrator: &AccountId,
    planned: Planned,
    refusal: Refusal<'_>,
) -> Result<Step, StoreError> {
    let failed = |i: usize| refusal.refused.failed(refusal.offset + i);
    let again = |status, seen| {
        plan(
            table,
            action,
            administrator,
            planned.index,
            &planned.member,
            status,
            seen,
        )
    };
    if let Some(record) = failed(0) {
        return Ok(again(record.map(Seen::of), None));
    }
    if refusal.member_check && planned.delta.1 > 0 {
        return Ok(Step::Done(Outcome::Unprocessed(Reason::CallerIsMember)));
    }
    let own_failure = (1..planned.items.len()).find_map(|i| failed(i).map(|item| (i, item)));
    let status = planned.record.as_ref().map(|r| r.status.as_str());
    match (action, status, own_failure) {
        (_, _, None) => Ok(Step::Write(planned)),
        // The member's invitation is Invited or Enabled already.
        (MemberAction::Invite, _, Some(_)) => {
            Ok(Step::Done(Outcome::Unprocessed(Reason::AlreadyInvited)))
        }
        // The member declined (or deleted) it: revoke the record alone.
        (MemberAction::Disassociate, Some("Invited"), Some((1, invitation))) => {
            let seen = Some(invitation.map(table::status_of));
            Ok(again(planned.record.clone(), seen))
        }
        _ => Err(broken("a member record and its invitation disagree")),
    }
}

/// The condition that an invitation is as a refusal found it.
fn exactly(status: Option<&str>) -> Write {
    let mut write = Write {
        condition: "attribute_not_exists(#status)".into(),
        update: None,
        names: HashMap::from([("#status".into(), table::STATUS.into())]),
        values: Item::new(),
    };
    if let Some(status) = status {
        write.condition = "#status = :seen".into();
        write.values.insert(":seen".into(), s(status));
    }
    write
}

/// Opaque and unique per invitation: both accounts and the time it was sent.
pub fn invitation_id(member: &AccountId, administrator: &AccountId) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    format!("{administrator}-{member}-{nanos:x}")
}
