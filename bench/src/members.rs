//! The administrator's side, measured in this process like the other
//! handler figures: ListMembers (a page of 50), GetMembers, CreateMembers
//! and InviteMembers of 50, each beside the same requests sent directly,
//! the requests each made, and ListMembers over every page of an
//! administrator with thousands of members. CreateMembers and
//! InviteMembers change the table, so every sample of either, the
//! handler's and the direct one alike, is a fresh administrator's, whose
//! detector an untimed setup makes first; for an invite, it also creates
//! the 50 members through the store.

use std::cell::Cell;
use std::time::{Duration, Instant};

use guardduty_invitations::domain::{AccountId, Outcome};
use guardduty_invitations::inviter::demo_email;
use serde_json::Value;
use testkit::TestTable;

use crate::baseline::PAGE;
use crate::call::{InProcess, LIMIT, answer, counted, processed};
use crate::events;
use crate::measure::{interleaved, interleaved_from, median};
use crate::rows::{self, Row};

/// The administrator whose members are read and listed.
const LISTER: &str = "220000000001";
/// The first of its members.
const LISTED_FROM: u64 = 500_000_000_000;
/// The first of the fresh administrators of the CreateMembers samples,
/// and of the InviteMembers ones.
const CREATORS_FROM: u64 = 230_000_000_000;
const INVITERS_FROM: u64 = 240_000_000_000;
/// The first of the 50 members every fresh administrator creates or invites.
const NEW_FROM: u64 = 520_000_000_000;

/// An administrator with many Created members, all made by CreateMembers
/// through the store, 50 a call.
pub struct Lister {
    pub administrator: AccountId,
    pub members: Vec<AccountId>,
}

impl Lister {
    pub async fn seed(table: &TestTable, count: usize) -> Self {
        let lister = Lister {
            administrator: testkit::account(LISTER),
            members: testkit::seed::accounts(LISTED_FROM, count),
        };
        for members in lister.members.chunks(PAGE) {
            create(table, &lister.administrator, members).await;
        }
        lister
    }
}

/// `administrator` creates `members` through the store (CreateMembers),
/// each with its demo address, on its detector, made first if it has none
/// (`TestTable::detector`).
pub async fn create(table: &TestTable, administrator: &AccountId, members: &[AccountId]) {
    let detector = table.detector(administrator.as_str()).await;
    let details: Vec<_> = members.iter().map(|m| (m.clone(), demo_email(m))).collect();
    let store = table.store();
    let created = store
        .create_members(administrator, &detector, &details)
        .await;
    let created = created.expect("the members created");
    let processed = |result: &Result<Outcome, _>| matches!(result, Ok(Outcome::Processed));
    assert!(created.iter().all(processed), "{created:?}");
}

/// Administrators with a detector and no members, a new one each time.
struct Fresh<'a>(&'a TestTable, Cell<u64>);

impl Fresh<'_> {
    async fn next(&self) -> AccountId {
        let id = self.1.get();
        self.1.set(id + 1);
        let administrator = testkit::account(&format!("{id:012}"));
        self.0.detector(administrator.as_str()).await;
        administrator
    }
}

pub async fn rows(bench: InProcess<'_>, lister: &Lister) -> Vec<Row> {
    let administrator = &lister.administrator;
    let fifty = &lister.members[..PAGE];
    let page = events::list_members(administrator, None);
    let (mut list, mut list_floor) = interleaved(
        bench.plan.samples,
        async || assert!(next_token(&answer(bench.app, &page).await).is_some()),
        async || {
            let more_after = bench.direct.members_page(administrator, None).await;
            assert!(more_after.is_some());
        },
    )
    .await;
    let get = events::get_members(administrator, fifty);
    let (mut got, mut get_floor) = interleaved(
        bench.plan.samples,
        async || processed(bench.app, &get).await,
        async || bench.direct.get_members(administrator, fifty).await,
    )
    .await;

    let new = testkit::seed::accounts(NEW_FROM, PAGE);
    let (creators, inviters) = (
        Fresh(bench.table, Cell::new(CREATORS_FROM)),
        Fresh(bench.table, Cell::new(INVITERS_FROM)),
    );
    let fresh_creator = async || {
        let creator = creators.next().await;
        let event = events::create_members(&creator, &new);
        (creator, event)
    };
    let fresh_inviter = async || {
        let inviter = inviters.next().await;
        create(bench.table, &inviter, &new).await;
        let event = events::invite_members(&inviter, &new);
        (inviter, event)
    };
    let (mut create, mut create_floor) = interleaved_from(
        bench.plan.samples,
        async || fresh_creator().await,
        async |(_, event)| processed(bench.app, &event).await,
        async |(creator, _)| bench.direct.create_members(&creator, &new).await,
    )
    .await;
    let (mut invite, mut invite_floor) = interleaved_from(
        bench.plan.samples,
        async || fresh_inviter().await,
        async |(_, event)| processed(bench.app, &event).await,
        async |(inviter, _)| bench.direct.invite_members(&inviter, &new).await,
    )
    .await;

    // The requests of one call each, from the same states as the samples.
    let list_requests = counted(bench.proxy, bench.app, &page).await;
    let get_requests = counted(bench.proxy, bench.app, &get).await;
    let create_requests = counted(bench.proxy, bench.app, &fresh_creator().await.1).await;
    let invite_requests = counted(bench.proxy, bench.app, &fresh_inviter().await.1).await;

    let listing = format!("ListMembers, a {PAGE}-member page");
    let (batch_get, batch_get_and_transactions) = (
        "direct aws-sdk-dynamodb BatchGetItem",
        "direct aws-sdk-dynamodb BatchGetItem + TransactWriteItems",
    );
    let mut rows = vec![
        rows::latency(
            format!("handler, {listing} (p50 / p99)"),
            &mut list,
            &mut list_floor,
            "direct aws-sdk-dynamodb Query + the detector's GetItem beside it",
            Some(LIMIT),
        ),
        rows::latency(
            format!("handler, GetMembers of {PAGE} (p50 / p99)"),
            &mut got,
            &mut get_floor,
            batch_get,
            Some(LIMIT),
        ),
        rows::latency(
            format!("handler, CreateMembers of {PAGE} (p50 / p99)"),
            &mut create,
            &mut create_floor,
            batch_get_and_transactions,
            Some(LIMIT),
        ),
        rows::latency(
            format!("handler, InviteMembers of {PAGE} (p50 / p99)"),
            &mut invite,
            &mut invite_floor,
            batch_get_and_transactions,
            Some(LIMIT),
        ),
        rows::requests(
            format!("DynamoDB requests for {listing}"),
            &list_requests,
            &[("Query", 1), ("GetItem", 1)],
            "2 at once (one Query per page, the detector's GetItem beside it)",
            "1 Query + 1 GetItem, 0 other",
        ),
        rows::requests(
            format!("DynamoDB requests for GetMembers of {PAGE}"),
            &get_requests,
            &[("BatchGetItem", 1)],
            "1 (one BatchGetItem of the records and the detector)",
            "exactly 1 BatchGetItem, 0 other",
        ),
        rows::requests(
            format!("DynamoDB requests for CreateMembers of {PAGE}"),
            &create_requests,
            &[("BatchGetItem", 1), ("TransactWriteItems", 1)],
            "2 (the records, summary, membership and detector read, then one transaction)",
            "<= 2: 1 BatchGetItem + 1 TransactWriteItems",
        ),
        rows::requests(
            format!("DynamoDB requests for InviteMembers of {PAGE}"),
            &invite_requests,
            &[("BatchGetItem", 1), ("TransactWriteItems", PAGE)],
            "51 (the records and the detector read, then one transaction per account, all at once)",
            "1 BatchGetItem + 50 TransactWriteItems",
        ),
    ];
    rows.extend(every_page(bench, lister).await);
    rows
}

/// ListMembers over every page of the lister's members: the pages and
/// their requests, and the time of all of them beside the same `Query`s
/// (each with the detector's `GetItem` beside it) sent directly, page by
/// page.
async fn every_page(bench: InProcess<'_>, lister: &Lister) -> Vec<Row> {
    let administrator = &lister.administrator;
    let (n, pages) = (lister.members.len(), lister.members.len().div_ceil(PAGE));
    let over = format!("ListMembers over {n} members, every page of {PAGE}");
    let (mut ours, mut floor) = (Vec::new(), Vec::new());
    for _ in 0..bench.plan.overlap_samples {
        let (walked, handler, direct) = walk_both(bench, administrator).await;
        assert_eq!(walked, pages);
        ours.push(handler);
        floor.push(direct);
    }

    bench.proxy.take_counts();
    let (mut walked, mut listed, mut token) = (0, 0, None);
    loop {
        let event = events::list_members(administrator, token.as_deref());
        let page: Value = serde_json::from_str(&answer(bench.app, &event).await).unwrap();
        walked += 1;
        listed += page["members"].as_array().map_or(0, Vec::len);
        token = page["nextToken"].as_str().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    let mut requests = rows::requests(
        format!("DynamoDB requests for {over}"),
        &bench.proxy.take_counts(),
        &[("Query", pages), ("GetItem", pages)],
        &format!(
            "{} (one Query per page, the detector's GetItem beside it)",
            2 * pages
        ),
        &format!("{pages} pages, 1 Query + 1 GetItem each"),
    );
    requests.ours = format!("{walked} pages, {listed} members: {}", requests.ours);
    requests.met &= walked == pages && listed == n;
    vec![
        rows::ratio(
            format!("handler, {over} (median of {}, reference)", ours.len()),
            median(&mut ours),
            median(&mut floor),
            &format!("the same {pages} Queries (and detector GetItems) sent directly"),
            None,
        ),
        requests,
    ]
}

/// Every page of `administrator`'s members through the handler, following
/// `nextToken`, each page followed by the same page's `Query` (and
/// `GetItem`) sent directly, so that both meet DynamoDB Local in the same state (whole
/// walks one after the other wandered from 0.7x to 1.7x over quick runs
/// here): the pages, and the time of each side's.
async fn walk_both(bench: InProcess<'_>, administrator: &AccountId) -> (usize, Duration, Duration) {
    let (mut pages, mut ours, mut floor) = (0, Duration::ZERO, Duration::ZERO);
    let (mut token, mut after) = (None, None);
    loop {
        let event = events::list_members(administrator, token.as_deref());
        let started = Instant::now();
        let body = answer(bench.app, &event).await;
        ours += started.elapsed();
        let started = Instant::now();
        after = bench
            .direct
            .members_page(administrator, after.as_ref())
            .await;
        floor += started.elapsed();
        pages += 1;
        token = next_token(&body);
        assert_eq!(token.is_some(), after.is_some(), "the same pages");
        if token.is_none() {
            return (pages, ours, floor);
        }
    }
}

/// A page's `nextToken`, found without parsing the page.
fn next_token(body: &str) -> Option<String> {
    let (_, rest) = body.split_once(r#""nextToken":""#)?;
    rest.split_once('"').map(|(token, _)| token.to_owned())
}
