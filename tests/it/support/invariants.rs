//! The invariants of "one relationship, two views", checked over every
//! item of a table: each administrator's record and its member's invitation
//! agree (an organization member has none), the membership item exists
//! exactly with an Enabled invitation or an associated record and names it, the summaries count what is there, no account is both an
//! administrator of active members and an associated member, and an
//! administrator of active members, like an associated member, has its
//! detector.

use std::collections::{HashMap, HashSet};

use guardduty_invitations::store::Item;
use guardduty_invitations::table;

use super::TestTable;

/// Panics with every broken invariant of `table`, naming the items.
pub async fn assert_invariants(table: &TestTable) {
    let broken = broken_invariants(&table.snapshot().await);
    assert!(
        broken.is_empty(),
        "broken invariants:\n{}",
        broken.join("\n")
    );
}

/// The invariants `items` break, in words.
pub fn broken_invariants(items: &[Item]) -> Vec<String> {
    let text = |item: &Item, name: &str| table::text(item, name);
    let mut invitations: HashMap<(String, String), &Item> = HashMap::new();
    let mut records: HashMap<(String, String), &Item> = HashMap::new();
    let mut memberships: HashMap<String, &Item> = HashMap::new();
    let mut summaries: HashMap<String, &Item> = HashMap::new();
    let mut detectors: HashSet<String> = HashSet::new();
    for item in items {
        let (owner, sort) = (text(item, table::INVITEE), text(item, table::INVITER));
        if let Some(member) = sort.strip_prefix(table::MEMBER_PREFIX) {
            records.insert((owner, member.to_owned()), item);
        } else if sort == table::MEMBERSHIP {
            memberships.insert(owner, item);
        } else if sort == table::SUMMARY {
            summaries.insert(owner, item);
        } else if sort == table::DETECTOR {
            detectors.insert(owner);
        } else if sort.bytes().all(|b| b.is_ascii_digit()) {
            invitations.insert((sort, owner), item);
        }
    }
    let mut broken = Vec::new();
    let pairs: HashSet<&(String, String)> = invitations.keys().chain(records.keys()).collect();
    for pair @ (administrator, member) in pairs {
        let record = records.get(pair).map(|r| text(r, table::STATUS));
        let invitation = invitations.get(pair).map(|i| text(i, table::STATUS));
        let enrolled = records.get(pair).is_some_and(|r| via_organization(r));
        let allowed: &[Option<&str>] = match record.as_deref() {
            // An organization member never has an invitation from it.
            _ if enrolled => &[None],
            None | Some("Created") => &[None],
            Some("Invited") => &[Some("Invited"), Some("Declined")],
            Some("Enabled" | "Disabled") => &[Some("Enabled")],
            Some("Removed" | "Resigned") => &[Some("Removed"), Some("Declined"), None],
            Some(_) => &[],
        };
        if !allowed.contains(&invitation.as_deref()) {
            broken.push(format!(
                "{administrator} sees {member} as {record:?}, {member} sees the invitation as {invitation:?}"
            ));
        }
        if let (Some(r), Some(i)) = (records.get(pair), invitations.get(pair))
            && record.as_deref() != Some("Removed")
            && record.as_deref() != Some("Resigned")
            && text(r, table::INVITATION_ID) != text(i, table::INVITATION_ID)
        {
            broken.push(format!(
                "{administrator} and {member} name different invitations"
            ));
        }
    }
    for ((administrator, member), invitation) in &invitations {
        let enabled = text(invitation, table::STATUS) == "Enabled";
        let membership = memberships.get(member);
        let names = membership.is_some_and(|m| {
            text(m, table::ADMINISTRATOR) == *administrator
                && text(m, table::INVITATION_ID) == text(invitation, table::INVITATION_ID)
        });
        if enabled != names {
            broken.push(format!(
                "{member}'s invitation from {administrator} is {} but its membership item is {membership:?}",
                text(invitation, table::STATUS)
            ));
        }
    }
    for ((administrator, member), record) in &records {
        let associated = matches!(text(record, table::STATUS).as_str(), "Enabled" | "Disabled");
        let membership = memberships.get(member);
        let names = membership.is_some_and(|m| text(m, table::ADMINISTRATOR) == *administrator);
        if associated != names {
            broken.push(format!(
                "{administrator} sees {member} as {} but its membership item is {membership:?}",
                text(record, table::STATUS)
            ));
        }
        if names && via_organization(record) != membership.is_some_and(|m| via_organization(m)) {
            broken.push(format!(
                "{administrator}'s record of {member} and its membership item disagree on the organization"
            ));
        }
    }
    let owners: HashSet<&String> = records
        .keys()
        .map(|(a, _)| a)
        .chain(summaries.keys())
        .collect();
    for administrator in owners {
        let mine: Vec<String> = records
            .iter()
            .filter(|((a, _), _)| a == administrator)
            .map(|(_, r)| text(r, table::STATUS))
            .collect();
        let active = mine
            .iter()
            .filter(|s| !matches!(s.as_str(), "Removed" | "Resigned"))
            .count();
        let summary = summaries.get(administrator);
        let count = |name| summary.map_or(0, |s| table::number(s, name));
        if count(table::MEMBER_COUNT) != mine.len() as i64
            || count(table::ACTIVE_COUNT) != active as i64
        {
            broken.push(format!(
                "{administrator}'s summary {summary:?} counts other than its {} records, {active} active",
                mine.len()
            ));
        }
        if active > 0 && memberships.contains_key(administrator) {
            broken.push(format!(
                "{administrator} has {active} active members and is an associated member"
            ));
        }
        if active > 0 && !detectors.contains(administrator) {
            broken.push(format!(
                "{administrator} has {active} active members and no detector"
            ));
        }
    }
    for member in memberships.keys() {
        if !detectors.contains(member) {
            broken.push(format!(
                "{member} is an associated member without a detector"
            ));
        }
    }
    broken
}

/// Whether a record or membership item came through the organization.
fn via_organization(item: &Item) -> bool {
    table::text(item, table::VIA) == table::ORGANIZATION
}
