//! The organization path, measured in this process like the other handler
//! figures: the delegated administrator's CreateMembers of 50 organization
//! accounts beside the same requests sent directly; the requests of
//! Describe/UpdateOrganizationConfiguration and ListOrganizationAdminAccounts;
//! auto-enable `ALL` of thousands of accounts through the sync beside the
//! same requests sent directly; and a sync that finds nothing new.
//!
//! One organization per table: the bench's table mirrors it. The 50
//! accounts of the CreateMembers samples are enrolled by every sample and
//! let go (DisassociateMembers and DeleteMembers through the store) in the
//! untimed setup before the next, so that every sample, the handler's and
//! the direct one alike, starts from the same state.

use std::time::Instant;

use guardduty_invitations::domain::AccountId;
use guardduty_invitations::domain::organization::{AutoEnable, OrgAccount, OrgConfigUpdate};
use guardduty_invitations::inviter::demo_email;
use guardduty_invitations::store::enroll::per_transaction;
use guardduty_invitations::store::mirror::Snapshot;
use guardduty_invitations::store::{self, Store};
use testkit::seed::detector_id;

use crate::baseline::PAGE;
use crate::call::{InProcess, LIMIT, counted, processed};
use crate::events;
use crate::measure::interleaved_from;
use crate::rows::{self, Row};

mod floors;

const MANAGEMENT: &str = "290000000001";
const ADMIN: &str = "290000000002";
/// The 50 accounts of the CreateMembers samples, then the auto-enabled ones.
const SAMPLED_FROM: u64 = 810_000_000_000;
const ENABLED_FROM: u64 = 820_000_000_000;
const FLOOR_FROM: u64 = 830_000_000_000;
const WARM_FROM: u64 = 840_000_000_000;
/// How many accounts auto-enable `ALL` takes in the full run.
const AUTO_ENABLED: usize = 5000;

fn accounts(from: u64, n: usize) -> Vec<OrgAccount> {
    testkit::seed::accounts(from, n)
        .into_iter()
        .map(|id| OrgAccount {
            email: demo_email(&id).as_str().to_owned(),
            id,
            status: OrgAccount::ACTIVE.into(),
        })
        .collect()
}

fn snapshot(accounts: &[OrgAccount]) -> Snapshot {
    let mut all = vec![active(MANAGEMENT), active(ADMIN)];
    all.extend(accounts.iter().cloned());
    Snapshot {
        id: "o-benchmark123".into(),
        management: testkit::account(MANAGEMENT),
        accounts: all,
    }
}

fn active(id: &str) -> OrgAccount {
    accounts(id.parse().unwrap(), 1).remove(0)
}

pub async fn rows(bench: InProcess<'_>) -> Vec<Row> {
    let (admin, management) = (testkit::account(ADMIN), testkit::account(MANAGEMENT));
    let sampled = accounts(SAMPLED_FROM, PAGE);
    let store = bench.table.store();
    store.sync(&snapshot(&sampled)).await.expect("the mirror");
    bench.table.detector(ADMIN).await;
    store
        .enable_admin(&management, &admin)
        .await
        .unwrap()
        .unwrap();
    let detector = detector_id(ADMIN);
    let members: Vec<AccountId> = sampled.iter().map(|a| a.id.clone()).collect();

    // CreateMembers of 50 organization accounts new to GuardDuty, let go
    // (and their detectors deleted) before each sample.
    let let_go = async || {
        let associated = store.records(&admin, &detector, &members).await.unwrap();
        if !associated.is_empty() {
            store
                .disassociate_members(&admin, &detector, &members)
                .await
                .unwrap();
            store
                .delete_members(&admin, &detector, &members)
                .await
                .unwrap();
        }
    };
    let forget = async || {
        let_go().await;
        for member in &members {
            if let Some(theirs) = store.detector(member).await.unwrap() {
                store.delete_detector(member, &theirs.id).await.unwrap();
            }
        }
    };
    let event = events::create_members(&admin, &members);
    let (mut create, mut create_floor) = interleaved_from(
        bench.plan.samples,
        async || forget().await,
        async |()| processed(bench.app, &event).await,
        async |()| bench.direct.enroll(&admin, &members).await,
    )
    .await;
    forget().await;
    let create_requests = counted(bench.proxy, bench.app, &event).await;
    // The accounts have no detector yet: 3 items an enrollment.
    let per = per_transaction(3);
    let transactions = PAGE.div_ceil(per);
    // Again, now that each has its detector: 4 items, with the check of
    // its own summary.
    let_go().await;
    let again_requests = counted(bench.proxy, bench.app, &event).await;
    let again_per = per_transaction(4);
    let again = PAGE.div_ceil(again_per);

    // One request each.
    let describe = counted(bench.proxy, bench.app, &events::org_config(&admin, "GET")).await;
    let update = counted(bench.proxy, bench.app, &events::org_config(&admin, "POST")).await;
    let list = counted(bench.proxy, bench.app, &events::list_admins(&management)).await;

    // Auto-enable ALL through the sync, beside the same requests sent directly.
    let n = if bench.plan.quick {
        AUTO_ENABLED / 10
    } else {
        AUTO_ENABLED
    };
    let all = OrgConfigUpdate {
        auto_enable: Some(AutoEnable::All),
        ..OrgConfigUpdate::default()
    };
    // The management account is a member already, so that the sync and
    // its floor enroll the same accounts, 50 a batch.
    bench.table.detector(MANAGEMENT).await;
    let details = [(management.clone(), demo_email(&management))];
    store
        .create_members(&admin, &detector, &details)
        .await
        .unwrap();
    store
        .update_org_config(&admin, &detector, &all)
        .await
        .unwrap()
        .unwrap();
    let mut organization = sampled.clone();
    let syncing = Store::new(
        aws_sdk_dynamodb::Client::from_conf(
            store::config(&testkit::sdk_config(&bench.proxy.url).await).build(),
        ),
        &bench.table.name,
    );
    // Untimed, a round of each with other accounts: DynamoDB Local is a
    // JVM, and this is the first time it sees batch writes and enrolling
    // transactions of this size.
    let (warm, warm_floor) = (
        accounts(WARM_FROM, PAGE * 2),
        accounts(WARM_FROM + 1000, PAGE * 2),
    );
    organization.extend(warm);
    syncing
        .sync(&snapshot(&organization))
        .await
        .expect("the sync");
    bench.direct.auto_enable(&admin, &warm_floor).await;
    organization.extend(warm_floor);
    organization.extend(accounts(ENABLED_FROM, n));
    bench.proxy.take_counts();
    let started = Instant::now();
    let synced = syncing
        .sync(&snapshot(&organization))
        .await
        .expect("the sync");
    let ours = started.elapsed();
    let sync_requests = bench.proxy.take_counts();
    assert_eq!(synced.enrolled, n, "{synced:?}");
    let floor_accounts = accounts(FLOOR_FROM, n);
    let started = Instant::now();
    bench.direct.auto_enable(&admin, &floor_accounts).await;
    let floor = started.elapsed();
    organization.extend(floor_accounts);

    // Nothing new: no write, only the reads.
    bench.proxy.take_counts();
    let synced = syncing
        .sync(&snapshot(&organization))
        .await
        .expect("the sync");
    assert_eq!((synced.accounts_put, synced.enrolled), (0, 0), "{synced:?}");
    let quiet = bench.proxy.take_counts();
    let writes: usize = [
        "PutItem",
        "UpdateItem",
        "DeleteItem",
        "BatchWriteItem",
        "TransactWriteItems",
    ]
    .iter()
    .map(|op| quiet.get(*op).copied().unwrap_or(0))
    .sum();
    let reads: Vec<String> = {
        let mut reads: Vec<_> = quiet.iter().map(|(op, n)| format!("{n} {op}")).collect();
        reads.sort();
        reads
    };
    let total: usize = sync_requests.values().sum();
    let fewer = bench.plan.fewer(n, AUTO_ENABLED);

    vec![
        rows::latency(
            format!(
                "handler, CreateMembers of {PAGE} organization accounts new to GuardDuty (p50 / p99)"
            ),
            &mut create,
            &mut create_floor,
            "direct aws-sdk-dynamodb 2 BatchGetItem + the same TransactWriteItems",
            Some(LIMIT),
        ),
        rows::requests(
            format!(
                "DynamoDB requests for CreateMembers of {PAGE} organization accounts new to GuardDuty"
            ),
            &create_requests,
            &[("BatchGetItem", 2), ("TransactWriteItems", transactions)],
            &format!(
                "{} (the administrator's side, then the accounts' mirror items and detectors; 3 items an enrollment of an account with no detector, {per} a transaction)",
                2 + transactions
            ),
            "2 reads + 2 transactions",
        ),
        rows::requests(
            format!(
                "DynamoDB requests for CreateMembers of {PAGE} organization accounts with detectors of their own (reference)"
            ),
            &again_requests,
            &[("BatchGetItem", 2), ("TransactWriteItems", again)],
            &format!(
                "{} (4 items an enrollment: the check of the account's own summary too; {again_per} a transaction)",
                2 + again
            ),
            "reference",
        ),
        rows::requests(
            "DynamoDB requests for DescribeOrganizationConfiguration".into(),
            &describe,
            &[("BatchGetItem", 1)],
            "1 (the organization, the detector and the summary)",
            "1 request",
        ),
        rows::requests(
            "DynamoDB requests for UpdateOrganizationConfiguration".into(),
            &update,
            &[("TransactWriteItems", 1)],
            "1 (the organization item, the detector checked)",
            "1 request",
        ),
        rows::requests(
            "DynamoDB requests for ListOrganizationAdminAccounts".into(),
            &list,
            &[("GetItem", 1)],
            "1 (the organization item)",
            "1 request",
        ),
        rows::ratio(
            format!("sync, auto-enable ALL of {n} accounts{fewer}"),
            ours,
            floor,
            "the same requests sent directly",
            Some(1.10),
        ),
        rows::alone(
            format!("DynamoDB requests per account, auto-enable ALL of {n}"),
            format!("{:.3} ({total}: {})", total as f64 / n as f64, {
                let mut made: Vec<_> = sync_requests
                    .iter()
                    .map(|(op, k)| format!("{k} {op}"))
                    .collect();
                made.sort();
                made.join(", ")
            }),
            "reference",
            true,
        ),
        rows::alone(
            format!("sync over {} accounts, nothing new", organization.len() + 2),
            format!("{writes} writes; reads: {}", reads.join(", ")),
            "0 writes",
            writes == 0,
        ),
    ]
}
