//! An onboarding through the API, measured in this process: one
//! administrator creates and invites its members, 50 a call (CreateMembers,
//! then InviteMembers), then every member learns its invitation's ID
//! (ListInvitations) and accepts it, from concurrent clients. Beside it the
//! same requests sent directly, with the same concurrency, for another
//! administrator and other members (a member that accepted cannot be
//! onboarded again). Each step of the handler's is followed by the same
//! step of the floor's: the 50-member calls one by one, the accepts in
//! rounds, so that both meet DynamoDB Local in the same state. Every
//! account has its detector beforehand (untimed, uncounted), as a member
//! must to accept.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use guardduty_invitations::api::App;
use guardduty_invitations::domain::AccountId;
use guardduty_invitations::store::Store;
use serde_json::Value;
use testkit::seed::detector_id;

use crate::baseline::{Direct, PAGE};
use crate::call::{InProcess, answer, handle, processed};
use crate::measure::timed;
use crate::proxy::Proxy;
use crate::rows::{self, Row};
use crate::{ONBOARDED, events};

const ADMINISTRATOR: &str = "250000000001";
const FLOOR_ADMINISTRATOR: &str = "250000000002";
/// The first of the handler's members, and of the floor's.
const MEMBERS_FROM: u64 = 600_000_000_000;
const FLOOR_MEMBERS_FROM: u64 = 610_000_000_000;
/// Members accepting at once.
const CLIENTS: usize = 4;
/// Accepts of one side before the other side's as many.
const ROUND: usize = 250;

/// The time of each step: creating, inviting, accepting.
type Steps = [Duration; 3];

pub async fn rows(bench: InProcess<'_>) -> Vec<Row> {
    let n = bench.plan.onboarded;
    let (administrator, floor_administrator) = (
        testkit::account(ADMINISTRATOR),
        testkit::account(FLOOR_ADMINISTRATOR),
    );
    let members = testkit::seed::accounts(MEMBERS_FROM, n);
    let floor_members = testkit::seed::accounts(FLOOR_MEMBERS_FROM, n);
    let administrators = [&administrator, &floor_administrator];
    for account in administrators
        .into_iter()
        .chain(&members)
        .chain(&floor_members)
    {
        bench.table.detector(account.as_str()).await;
    }
    let create: Vec<String> = members
        .chunks(PAGE)
        .map(|chunk| events::create_members(&administrator, chunk))
        .collect();
    let invite: Vec<String> = members
        .chunks(PAGE)
        .map(|chunk| events::invite_members(&administrator, chunk))
        .collect();
    let lists: Vec<(AccountId, String)> = members
        .iter()
        .map(|member| (member.clone(), events::list(member, PAGE)))
        .collect();

    let (mut ours, mut floor, mut counts): (Steps, Steps, _) = Default::default();
    for (event, chunk) in create.iter().zip(floor_members.chunks(PAGE)) {
        ours[0] += counting(bench.proxy, &mut counts, processed(bench.app, event)).await;
        floor[0] += timed(bench.direct.create_members(&floor_administrator, chunk)).await;
    }
    for (event, chunk) in invite.iter().zip(floor_members.chunks(PAGE)) {
        ours[1] += counting(bench.proxy, &mut counts, processed(bench.app, event)).await;
        floor[1] += timed(bench.direct.invite_members(&floor_administrator, chunk)).await;
    }
    for (round, floor_round) in lists.chunks(ROUND).zip(floor_members.chunks(ROUND)) {
        let accepts = accept_through_api(bench.app, &administrator, round.to_vec());
        ours[2] += counting(bench.proxy, &mut counts, accepts).await;
        let accepts = accept_directly(bench.direct, &floor_administrator, floor_round.to_vec());
        floor[2] += timed(accepts).await;
    }
    for administrator in administrators {
        assert_eq!(
            enabled(&bench.table.store(), administrator).await,
            n,
            "every member accepted"
        );
    }

    let calls = n.div_ceil(PAGE);
    let onboarding = format!("onboarding {n} members{}", bench.plan.fewer(n, ONBOARDED));
    let steps = |steps: &Steps| {
        let [create, invite, accept] = steps.map(rows::ms);
        format!("(create {create}, invite {invite}, accept {accept})")
    };
    let (ours_total, floor_total): (Duration, Duration) = (ours.iter().sum(), floor.iter().sum());
    let time = Row {
        figure: format!(
            "{onboarding} through the API ({calls} CreateMembers + {calls} InviteMembers of \
             {PAGE}, then each member's ListInvitations + accept from {CLIENTS} clients), wall \
             time (reference)"
        ),
        ours: format!("{} {}", rows::ms(ours_total), steps(&ours)),
        floor: format!(
            "{} {} the same requests sent directly, same concurrency",
            rows::ms(floor_total),
            steps(&floor)
        ),
        ratio: Some(ours_total.as_secs_f64() / floor_total.as_secs_f64()),
        target: "-".into(),
        met: true,
    };

    let expected = [
        ("BatchGetItem", 2 * calls + n),
        ("TransactWriteItems", calls + 2 * n),
        ("Query", n),
    ];
    let per_member = |total: usize| total as f64 / n as f64;
    let expected_per_member = per_member(expected.iter().map(|(_, k)| k).sum());
    let made_per_member = per_member(counts.values().sum());
    let mut requests = rows::requests(
        format!("DynamoDB requests per member, {onboarding}"),
        &counts,
        &expected,
        &format!(
            "{expected_per_member:.2}: 2 per CreateMembers and 51 per InviteMembers of {PAGE}, \
             3 per member (its Query, the accept's BatchGetItem + TransactWriteItems)"
        ),
        &format!("exactly {expected_per_member:.2} per member, those requests and no other"),
    );
    requests.ours = format!("{made_per_member:.2}: {}", requests.ours);
    vec![time, requests]
}

/// The requests the proxy saw while `run` ran, added to `counts`; how long
/// it took.
async fn counting(
    proxy: &Proxy,
    counts: &mut HashMap<String, usize>,
    run: impl Future<Output = ()>,
) -> Duration {
    proxy.take_counts();
    let took = timed(run).await;
    for (operation, made) in proxy.take_counts() {
        *counts.entry(operation).or_default() += made;
    }
    took
}

/// Each member's ListInvitations (its event given), for the ID of
/// `administrator`'s invitation, then its AcceptAdministratorInvitation,
/// through the handler.
async fn accept_through_api(
    app: &Arc<App>,
    administrator: &AccountId,
    members: Vec<(AccountId, String)>,
) {
    let (app, administrator) = (app.clone(), administrator.clone());
    by_clients(members, move |(member, list)| {
        let (app, administrator) = (app.clone(), administrator.clone());
        async move {
            let page: Value = serde_json::from_str(&answer(&app, &list).await).unwrap();
            let invitations = page["invitations"].as_array().expect("invitations");
            let from = |invitation: &&Value| invitation["accountId"] == administrator.as_str();
            let invitation = invitations.iter().find(from).expect("the invitation");
            let id = invitation["invitationId"].as_str().expect("its ID");
            handle(&app, &events::accept(&member, &administrator, id)).await;
        }
    })
    .await;
}

/// The same requests sent directly: each member's `Query`, then the
/// accept's `BatchGetItem` and `TransactWriteItems`.
async fn accept_directly(direct: &Direct, administrator: &AccountId, members: Vec<AccountId>) {
    let (direct, administrator) = (direct.clone(), administrator.clone());
    by_clients(members, move |member| {
        let (direct, administrator) = (direct.clone(), administrator.clone());
        async move {
            let id = direct.invitation_id(&member, &administrator).await;
            direct.accept(&member, &administrator, &id).await;
        }
    })
    .await;
}

/// `work` on every one of `items`, by [`CLIENTS`] tasks at once, each
/// taking the next item left when it is done with one.
async fn by_clients<T, F>(items: Vec<T>, work: impl Fn(T) -> F + Send + Sync + 'static)
where
    T: Send + 'static,
    F: Future<Output = ()> + Send + 'static,
{
    let (items, work) = (Arc::new(Mutex::new(items.into_iter())), Arc::new(work));
    let mut clients = tokio::task::JoinSet::new();
    for _ in 0..CLIENTS {
        let (items, work) = (items.clone(), work.clone());
        clients.spawn(async move {
            loop {
                let next = items.lock().unwrap().next();
                let Some(item) = next else { break };
                work(item).await;
            }
        });
    }
    while let Some(done) = clients.join_next().await {
        done.expect("a client panicked");
    }
}

/// How many of `administrator`'s members are Enabled (or Disabled), read
/// page by page through the store, untimed.
async fn enabled(store: &Store, administrator: &AccountId) -> usize {
    let (mut count, mut after) = (0, None);
    loop {
        let limit = i32::try_from(PAGE).unwrap();
        let detector = detector_id(administrator.as_str());
        let page = store.list_members(administrator, &detector, true, limit, after.as_ref());
        let page = page.await.expect("a page of members");
        count += page.records.len();
        after = page.more_after;
        if after.is_none() {
            return count;
        }
    }
}
