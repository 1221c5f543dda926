//! The checker has teeth: with the conflict layer dropping the condition
//! of the membership item's Put (its absence: one administrator per
//! member), a member associated with one administrator that accepts
//! another's invitation is answered 200, and the checker names that
//! accept; with the condition kept, the same calls are linearizable.

use std::sync::Arc;
use std::time::{Duration, Instant};

use guardduty_invitations::domain::MemberAction;
use guardduty_invitations::table;
use testkit::conflicts::{ConflictLayer, Settings};
use testkit::linearizable::{Verdict, check};

use super::admin::Batched;
use super::client;
use super::clients::{Accounts, Actor, Choice, Recorded, Role};
use super::model::{Member, Op, Own};
use crate::support::calls::detector;
use crate::support::watch::Watch;
use crate::support::{DynamoDbLocal, TestTable};

/// The calls of one member (0) with two administrators: both create and
/// invite it; it lists its invitations and accepts both, one after another.
async fn two_accepts(watch: &Watch, table: &TestTable, round: usize) -> Vec<Recorded> {
    let accounts = Arc::new(Accounts::of_round(round));
    for id in accounts.admins.iter().chain(&accounts.members) {
        table.detector(id).await;
    }
    let started = Instant::now();
    let actor = |role: Role, account: &str| {
        let instances = vec![client(watch, account)];
        Actor::new(role, accounts.clone(), instances, 0, started)
    };
    let mut admins = [
        actor(Role::Admin(0), &accounts.admins[0]),
        actor(Role::Admin(1), &accounts.admins[1]),
    ];
    let mut member = actor(Role::Member(0), &accounts.members[0]);
    let mut calls = Vec::new();
    for admin in &mut admins {
        for action in [MemberAction::Create, MemberAction::Invite] {
            calls.extend(
                admin
                    .perform(Choice::Members(Batched::Change(action), vec![0]))
                    .await,
            );
        }
    }
    for choice in [
        Choice::ListInvitations,
        Choice::Accept(0),
        Choice::Accept(1),
    ] {
        calls.extend(member.perform(choice).await);
    }
    calls
}

#[tokio::test]
async fn a_dropped_condition_is_caught_and_the_offending_call_named() {
    let table = TestTable::new().await;
    let settings = Settings {
        hold: Duration::ZERO..Duration::from_millis(1),
        throttle: 0.0,
        seed: 1,
    };
    let layer = ConflictLayer::start(&DynamoDbLocal::shared().endpoint, settings);
    let watch = Watch::several_with(&table.name, 1, &layer.url)
        .await
        .remove(0);
    let history = |calls: &[Recorded]| calls.iter().map(|r| r.call.clone()).collect::<Vec<_>>();

    // Each round's member 0, with its detector.
    let start = |round| Member::with_detector(&detector(&Accounts::of_round(round).members[0]));
    let kept = two_accepts(&watch, &table, 901).await;
    let (verdict, _) = check(&start(901), &history(&kept), 100_000);
    assert_eq!(verdict, Verdict::Linearizable, "with the condition kept");

    layer.set_unguarded(Some(table::MEMBERSHIP));
    let dropped = two_accepts(&watch, &table, 902).await;
    let (verdict, _) = check(&start(902), &history(&dropped), 100_000);
    let Verdict::NotLinearizable { stuck, .. } = verdict else {
        panic!("the second accept's 200 went unnoticed: {verdict:?}");
    };
    let named: Vec<&Op> = stuck.iter().map(|&i| &dropped[i].call.op).collect();
    assert!(
        named
            .iter()
            .any(|op| matches!(op, Op::Own(_, Own::Accept(1, _)))),
        "the second accept is not among {named:?}"
    );
}
