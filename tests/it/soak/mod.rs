//! The soak: clients acting as administrators and members call the API
//! through `cargo lambda watch` processes whose DynamoDB is the conflict
//! layer in front of DynamoDB Local, so transactions are cancelled for
//! conflicts and requests throttled as in DynamoDB itself. Every call is
//! recorded; each member account's history is then checked for
//! linearizability against the model (`model.rs`), and the table for the
//! invariants. Rounds of fresh accounts keep each history short.
//!
//! `./scripts/soak [--seconds N] [--seed S]` runs `soak::soak` with
//! `SOAK_SECONDS` and `SOAK_SEED`; the test suite runs it briefly.

mod admin;
mod answers;
mod clients;
mod configuration;
mod detector;
mod management;
mod member;
mod model;
mod report;
mod teeth;

use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_sdk_guardduty::config::retry::RetryConfig;
use aws_sdk_guardduty::config::timeout::TimeoutConfig;
use aws_sdk_guardduty::config::{BehaviorVersion, Credentials, Region};
use testkit::conflicts::{ConflictLayer, Settings};
use testkit::linearizable::check_partitions;

use guardduty_invitations::domain::organization::{AdminStatus, AutoEnable, OrgConfigUpdate};
use guardduty_invitations::store::Store;
use guardduty_invitations::store::mirror::Snapshot;

use self::clients::{Accounts, Actor, DELEGATED_ADMIN, MANAGEMENT, MEMBERS, Recorded, Role};
use self::model::{ADMINS, Member};
use self::report::Report;
use crate::support::calls::detector;
use crate::support::org::active;
use crate::support::watch::Watch;
use crate::support::{DynamoDbLocal, TestTable, account};

/// What a soak runs.
#[derive(Clone, Debug)]
pub struct Plan {
    pub seconds: u64,
    pub seed: u64,
    pub clients: usize,
    pub instances: usize,
    pub round: Duration,
    pub layer: Settings,
}

impl Plan {
    /// From `SOAK_SECONDS` and `SOAK_SEED`, `short` seconds by default.
    pub fn from_env(short: u64) -> Self {
        let number = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
        let seed = number("SOAK_SEED").unwrap_or_else(|| {
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
            now.unwrap_or_default().as_nanos() as u64 % 1_000_000
        });
        Plan {
            seconds: number("SOAK_SECONDS").unwrap_or(short),
            seed,
            clients: 8,
            instances: 3,
            round: Duration::from_secs(10),
            layer: Settings {
                hold: Duration::from_millis(5)..Duration::from_millis(40),
                throttle: 0.02,
                seed,
            },
        }
    }
}

/// A GuardDuty client acting as `account` through `watch`, giving up on
/// a call after 20 s (an unknown outcome), with no retries of its own.
fn client(watch: &Watch, account: &str) -> aws_sdk_guardduty::Client {
    let timeouts = TimeoutConfig::builder()
        .operation_timeout(Duration::from_secs(20))
        .build();
    let config = aws_sdk_guardduty::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(crate::support::REGION))
        .endpoint_url(watch.url())
        .http_client(guardduty_invitations::sdk::https_client())
        .credentials_provider(Credentials::new(account, "secret", None, None, "soak"))
        .retry_config(RetryConfig::disabled())
        .timeout_config(timeouts)
        .build();
    aws_sdk_guardduty::Client::from_conf(config)
}

/// Who the clients are: one per administrator, the management account,
/// the others members (a member may have two clients).
fn roles(clients: usize) -> Vec<Role> {
    (0..clients)
        .map(|i| match i {
            i if i < ADMINS => Role::Admin(i),
            i if i == ADMINS => Role::Management,
            i => Role::Member((i - ADMINS - 1) % MEMBERS),
        })
        .collect()
}

/// The organization as of `round`: its management account, its delegated
/// administrator and every round's members so far (each round's join it).
fn organization(round: usize) -> Snapshot {
    let mut accounts = vec![active(MANAGEMENT), active(DELEGATED_ADMIN)];
    for round in 0..=round {
        accounts.extend(Accounts::of_round(round).members.iter().map(|m| active(m)));
    }
    Snapshot {
        id: "o-soak0000001".into(),
        management: account(MANAGEMENT),
        accounts,
    }
}

/// The organization mirrored into `table` through the store, its
/// delegated administrator designated.
async fn organized(table: &TestTable) {
    let store = table.store();
    store.sync(&organization(0)).await.expect("the mirror");
    table.detector(DELEGATED_ADMIN).await;
    let (management, admin) = (account(MANAGEMENT), account(DELEGATED_ADMIN));
    let designated = store.enable_admin(&management, &admin).await.unwrap();
    designated.expect("designated");
}

/// Before a round: the delegated administrator designated again with
/// auto-enable `NONE`, whatever the last round left (each history starts
/// there).
async fn designated(table: &TestTable) {
    let store = table.store();
    let (management, admin) = (account(MANAGEMENT), account(DELEGATED_ADMIN));
    loop {
        let org = store.organization().await.expect("the organization");
        let designation = org.expect("mirrored").admin.map(|(_, status)| status);
        let done = match designation {
            Some(AdminStatus::Enabled) => {
                let none = OrgConfigUpdate {
                    auto_enable: Some(AutoEnable::None),
                    ..OrgConfigUpdate::default()
                };
                let detector = detector(DELEGATED_ADMIN);
                let set = store.update_org_config(&admin, &detector, &none).await;
                return set.expect("the configuration").expect("enabled");
            }
            Some(_) => store.disable_admin(&management, &admin).await.map(drop),
            None => store.enable_admin(&management, &admin).await.map(drop),
        };
        done.expect("the designation");
    }
}

/// Runs `plan` over `table` through `watches` (whose DynamoDB is `layer`).
pub async fn run(
    plan: &Plan,
    table: &TestTable,
    watches: &[Watch],
    layer: &ConflictLayer,
) -> Report {
    let rounds = plan.seconds.div_ceil(plan.round.as_secs()).max(1) as usize;
    organized(table).await;
    // The scheduled sync's store, as `main` builds it, over the layer.
    let config = guardduty_invitations::store::config(&testkit::sdk_config(&layer.url).await);
    let store = Store::new(
        aws_sdk_dynamodb::Client::from_conf(config.build()),
        &table.name,
    );
    let started = Instant::now();
    let mut recorded: Vec<(usize, Recorded)> = Vec::new();
    for round in 0..rounds {
        designated(table).await;
        // The round's members join the organization (auto-enable is NONE).
        let joined = organization(round);
        table.store().sync(&joined).await.expect("the mirror");
        let mirror = Arc::new((store.clone(), joined));
        let accounts = Arc::new(Accounts::of_round(round));
        for id in accounts.admins.iter().chain(&accounts.members) {
            table.detector(id).await;
        }
        let until = Instant::now() + plan.round.min(Duration::from_secs(plan.seconds));
        let tasks = roles(plan.clients)
            .into_iter()
            .enumerate()
            .map(|(i, role)| {
                let account = match role {
                    Role::Admin(a) => accounts.admins[a].clone(),
                    Role::Member(m) => accounts.members[m].clone(),
                    Role::Management => MANAGEMENT.to_owned(),
                };
                let instances = watches.iter().map(|w| client(w, &account)).collect();
                let seed = plan.seed ^ ((round as u64) << 32) ^ i as u64;
                let mut actor = Actor::new(role, accounts.clone(), instances, seed, started);
                actor.organization = Some(mirror.clone());
                tokio::spawn(async move {
                    let mut calls = Vec::new();
                    while Instant::now() < until {
                        calls.extend(actor.step().await);
                    }
                    calls
                })
            });
        for task in tasks.collect::<Vec<_>>() {
            let calls = task.await.expect("a client");
            recorded.extend(calls.into_iter().map(|c| (round, c)));
        }
    }
    let ran = started.elapsed();
    layer.set_throttle(0.0);
    let stats = layer.stats();
    // One history per member account of each round.
    let mut parts: Vec<((usize, usize), Member, Vec<_>)> = Vec::new();
    for (round, r) in &recorded {
        let key = (*round, r.member);
        match parts.iter_mut().find(|(k, _, _)| *k == key) {
            Some((_, _, calls)) => calls.push(r.call.clone()),
            None => {
                let member = &Accounts::of_round(*round).members[r.member];
                let start = Member::with_detector(&detector(member));
                parts.push((key, start, vec![r.call.clone()]));
            }
        }
    }
    let checking = Instant::now();
    let verdicts = check_partitions(parts, 5_000_000);
    Report::new(plan, ran, &recorded, verdicts, checking.elapsed(), stats)
}

/// A soak of `SOAK_SECONDS` (15 by default) with its own table, conflict
/// layer and three watches: every history linearizable, the invariants
/// whole, no 5xx but DynamoDB's injected busy answers.
#[tokio::test]
async fn soak() {
    let plan = Plan::from_env(15);
    let table = TestTable::new().await;
    let layer = ConflictLayer::start(&DynamoDbLocal::shared().endpoint, plan.layer.clone());
    let watches = Watch::several_with(&table.name, plan.instances, &layer.url).await;
    let report = run(&plan, &table, &watches, &layer).await;
    report.print();
    crate::support::invariants::assert_invariants(&table).await;
    report.assert_clean();
}
