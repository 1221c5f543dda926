//! The organization sync over DynamoDB Local: the mirror follows the
//! organization (accounts joining, changing and leaving), auto-enable
//! `NEW` takes the accounts that join and `ALL` every active account but
//! those another administrator holds, an account that leaves is let go, a
//! sync with nothing new writes nothing, and one cut short by throttling is
//! finished by the next. Through moto's AWS Organizations and the admin
//! tool: `sync-organization` reads the organization with the SDK, and fails
//! clearly, writing nothing, when AWS Organizations does not answer.

use aws_sdk_organizations::types::AccountStatus;
use guardduty_invitations::api::identity::AuthMode;
use guardduty_invitations::domain::organization::OrgAccount;
use guardduty_invitations::store::Store;
use serde_json::json;

use crate::support::calls::{self, Members};
use crate::support::events::{BOTH, body_json};
use crate::support::faults::{Fault, Redirect, faulty_endpoint};
use crate::support::invariants::assert_invariants;
use crate::support::moto::{MANAGEMENT as MOTO_MANAGEMENT, MotoServer};
use crate::support::org::{ADMIN, MANAGEMENT, active, enable, snapshot, sync, update};
use crate::support::{DynamoDbLocal, REGION, TestTable, account};

const WRITES: [&str; 6] = [
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "BatchWriteItem",
    "TransactWriteItems",
    "ExecuteStatement",
];

/// The relationship statuses `ADMIN` has of `ids`, in order, `None` for
/// no record.
async fn statuses(table: &TestTable, ids: &[&str]) -> Vec<Option<String>> {
    let mut found = Vec::new();
    for id in ids {
        found.push(table.status(ADMIN, &format!("MEMBER#{id}")).await);
    }
    found
}

#[tokio::test]
async fn auto_enable_follows_the_organization_across_syncs() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    let (a1, a2, a3, a4, held) = (
        "500000000051",
        "500000000052",
        "500000000053",
        "500000000054",
        "500000000055",
    );
    let first = sync(&table, &snapshot(&[active(a1), active(a2)])).await;
    assert_eq!(first.accounts_put, 4);
    table.detector(ADMIN).await;
    enable(&app, BOTH[0], MANAGEMENT, ADMIN).await;
    let body = json!({"autoEnableOrganizationMembers": "NEW"});
    assert_eq!(update(&app, BOTH[1], ADMIN, body).await.0, 200);
    // Two accounts join: NEW takes them, not those that were there before.
    let joined = snapshot(&[active(a1), active(a2), active(a3), active(a4)]);
    let synced = sync(&table, &joined).await;
    assert_eq!((synced.accounts_put, synced.enrolled), (2, 2));
    let enabled = Some("Enabled".to_owned());
    assert_eq!(
        statuses(&table, &[a1, a2, a3, a4]).await,
        [None, None, enabled.clone(), enabled.clone()]
    );
    assert_invariants(&table).await;
    // `held` joins the organization already associated with another
    // administrator by invitation; ALL takes every other active account.
    let store = table.store();
    guardduty_invitations::inviter::invite(&store, &account("600000000055"), &account(held))
        .await
        .unwrap();
    guardduty_invitations::inviter::accept(&store, &account(held), &account("600000000055"))
        .await
        .unwrap();
    let body = json!({"autoEnableOrganizationMembers": "ALL"});
    assert_eq!(update(&app, BOTH[0], ADMIN, body).await.0, 200);
    let all = snapshot(&[active(a1), active(a2), active(a3), active(a4), active(held)]);
    let synced = sync(&table, &all).await;
    assert_eq!(synced.enrolled, 2, "{synced:?}");
    let refused: Vec<&str> = synced.refused.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(refused, [MANAGEMENT, held], "{synced:?}");
    assert_eq!(
        statuses(&table, &[a1, a2, held, MANAGEMENT]).await,
        [enabled.clone(), enabled.clone(), None, None]
    );
    assert_invariants(&table).await;
    // `a4` leaves the organization: its membership ends, the record stays
    // `Removed`, and the mirror forgets it.
    let left = snapshot(&[active(a1), active(a2), active(a3), active(held)]);
    let synced = sync(&table, &left).await;
    assert_eq!(synced.accounts_deleted, 1);
    assert_eq!(statuses(&table, &[a4]).await, [Some("Removed".to_owned())]);
    assert_eq!(table.item(a4, "ADMINISTRATOR").await, None);
    assert_eq!(
        table.item("ORGANIZATION", &format!("ACCOUNT#{a4}")).await,
        None
    );
    // The management account joins once it has a detector of its own.
    table.detector(MANAGEMENT).await;
    assert_eq!(sync(&table, &left).await.enrolled, 1);
    assert_eq!(statuses(&table, &[MANAGEMENT]).await, [enabled]);
    // An account listed twice is mirrored and enrolled once.
    let mut twice = left.clone();
    twice.accounts.push(active("500000000056"));
    twice.accounts.push(active("500000000056"));
    let synced = sync(&table, &twice).await;
    assert_eq!((synced.accounts_put, synced.enrolled), (1, 1), "{synced:?}");
    assert_invariants(&table).await;
}

#[tokio::test]
async fn a_sync_that_finds_nothing_new_writes_nothing() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    let accounts: Vec<OrgAccount> = (0..30)
        .map(|i| active(&format!("5000000001{i:02}")))
        .collect();
    let organization = snapshot(&accounts);
    sync(&table, &organization).await;
    table.detector(ADMIN).await;
    table.detector(MANAGEMENT).await;
    enable(&app, BOTH[0], MANAGEMENT, ADMIN).await;
    let body = json!({"autoEnableOrganizationMembers": "ALL"});
    update(&app, BOTH[0], ADMIN, body).await;
    assert_eq!(sync(&table, &organization).await.enrolled, 31);
    let counted = Store::new(
        aws_sdk_dynamodb::Client::from_conf(table.store_config().await.build()),
        &table.name,
    );
    table.counter.take();
    let synced = counted.sync(&organization).await.unwrap();
    assert_eq!((synced.accounts_put, synced.enrolled), (0, 0));
    let requests = table.counter.take();
    for write in WRITES {
        assert_eq!(requests.get(write), None, "{write}: {requests:?}");
    }
    assert!(
        requests.get("Query").is_some_and(|n| *n >= 2),
        "{requests:?}"
    );
}

#[tokio::test]
async fn a_sync_cut_short_by_throttling_is_finished_by_the_next() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    let old = [active("500000000061")];
    sync(&table, &snapshot(&old)).await;
    table.detector(ADMIN).await;
    enable(&app, BOTH[0], MANAGEMENT, ADMIN).await;
    update(&app, BOTH[0], ADMIN, json!({"autoEnable": true})).await;
    let joined: Vec<OrgAccount> = ["500000000061", "500000000062", "500000000063"]
        .iter()
        .map(|a| active(a))
        .collect();
    // Every enrolling transaction is throttled: the accounts are mirrored,
    // none is enrolled on one side only, and they stay waiting.
    let throttle = faulty_endpoint(Fault::Throttle);
    let config = table.store_config().await;
    let throttled = Store::new(
        aws_sdk_dynamodb::Client::from_conf(
            config
                .interceptor(Redirect::operation("TransactWriteItems", throttle))
                .build(),
        ),
        &table.name,
    );
    let synced = throttled.sync(&snapshot(&joined)).await.unwrap();
    assert_eq!((synced.enrolled, synced.unfinished), (0, 2), "{synced:?}");
    assert_invariants(&table).await;
    assert_eq!(
        statuses(&table, &["500000000062", "500000000063"]).await,
        [None, None]
    );
    // The next sync, with nothing new in the organization, finishes them.
    let synced = sync(&table, &snapshot(&joined)).await;
    assert_eq!((synced.accounts_put, synced.enrolled), (0, 2), "{synced:?}");
    let response = calls::members(
        &app,
        BOTH[1],
        Members::Get,
        ADMIN,
        &["500000000062", "500000000063"],
    )
    .await;
    assert_eq!(body_json(&response)["members"].as_array().unwrap().len(), 2);
    assert_eq!(sync(&table, &snapshot(&joined)).await.enrolled, 0);
    assert_invariants(&table).await;
}

/// `invitations-admin sync-organization` against `organizations` (an
/// endpoint) and the shared DynamoDB Local: its exit status and output.
fn run_sync(table: &str, organizations: &str) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_invitations-admin"))
        .arg("sync-organization")
        .env(
            "AWS_ENDPOINT_URL_DYNAMODB",
            &DynamoDbLocal::shared().endpoint,
        )
        .env("AWS_ENDPOINT_URL_ORGANIZATIONS", organizations)
        .env("TABLE_NAME", table)
        .env("AWS_REGION", REGION)
        .env("AWS_ACCESS_KEY_ID", "local")
        .env("AWS_SECRET_ACCESS_KEY", "local")
        .env("AWS_MAX_ATTEMPTS", "1")
        .output()
        .expect("the admin tool runs")
}

#[tokio::test]
async fn sync_organization_reads_aws_organizations_with_the_sdk() {
    let table = TestTable::new().await;
    let moto = tokio::task::spawn_blocking(MotoServer::start)
        .await
        .unwrap();
    // Nothing answers: a clear failure, and nothing written.
    let nobody = format!("http://127.0.0.1:{}", crate::support::process::free_port());
    let output = run_sync(&table.name, &nobody);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("sync-organization: AWS Organizations:"),
        "{stderr}"
    );
    assert_eq!(table.snapshot().await, []);
    // An organization in moto: its management account and two more.
    let config = crate::support::sdk_config(&moto.endpoint).await;
    let organizations = aws_sdk_organizations::Client::new(&config);
    organizations
        .create_organization()
        .feature_set(aws_sdk_organizations::types::OrganizationFeatureSet::All)
        .send()
        .await
        .unwrap();
    let mut created = Vec::new();
    for name in ["workload", "logs"] {
        let status = organizations
            .create_account()
            .account_name(name)
            .email(format!("{name}@example.com"))
            .send()
            .await
            .unwrap()
            .create_account_status
            .unwrap();
        created.push(status.account_id.unwrap());
    }
    let output = run_sync(&table.name, &moto.endpoint);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout
            .contains("organization synced: 3 accounts written, 0 removed, 0 enrolled, 0 refused"),
        "{stdout}"
    );
    let org = table
        .store()
        .organization()
        .await
        .unwrap()
        .expect("mirrored");
    assert_eq!(org.management.as_str(), MOTO_MANAGEMENT);
    let mut mirrored: Vec<(String, String, String)> = table
        .store()
        .org_accounts()
        .await
        .unwrap()
        .into_iter()
        .map(|a| (a.id.to_string(), a.email, a.status))
        .collect();
    mirrored.sort();
    let mut expected = vec![(
        MOTO_MANAGEMENT.to_owned(),
        "master@example.com".to_owned(),
        AccountStatus::Active.as_str().to_owned(),
    )];
    for (id, name) in created.iter().zip(["workload", "logs"]) {
        expected.push((id.clone(), format!("{name}@example.com"), "ACTIVE".into()));
    }
    expected.sort();
    assert_eq!(mirrored, expected);
    // DynamoDB does not answer: a clear failure.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_invitations-admin"))
        .arg("sync-organization")
        .env("AWS_ENDPOINT_URL_DYNAMODB", &nobody)
        .env("AWS_ENDPOINT_URL_ORGANIZATIONS", &moto.endpoint)
        .env("TABLE_NAME", &table.name)
        .env("AWS_REGION", REGION)
        .env("AWS_ACCESS_KEY_ID", "local")
        .env("AWS_SECRET_ACCESS_KEY", "local")
        .env("AWS_MAX_ATTEMPTS", "1")
        .output()
        .expect("the admin tool runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("sync-organization: DynamoDB:"), "{stderr}");
    // Again, with nothing new: the same mirror, nothing written.
    let output = run_sync(&table.name, &moto.endpoint);
    assert!(
        String::from_utf8_lossy(&output.stdout)
            .contains("organization synced: 0 accounts written, 0 removed"),
        "{output:?}"
    );
}

#[tokio::test]
async fn another_organization_lets_the_old_administrator_go() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    let member = "500000000071";
    sync(&table, &snapshot(&[active(member)])).await;
    table.detector(ADMIN).await;
    enable(&app, BOTH[0], MANAGEMENT, ADMIN).await;
    calls::create_members(&app, BOTH[0], ADMIN, &[(member, "m@example.com")]).await;
    let mut other = snapshot(&[active(member)]);
    other.id = "o-another12345".into();
    sync(&table, &other).await;
    let org = table
        .store()
        .organization()
        .await
        .unwrap()
        .expect("mirrored");
    assert_eq!((org.id.as_str(), org.admin), ("o-another12345", None));
    assert_eq!(
        statuses(&table, &[member]).await,
        [Some("Removed".to_owned())]
    );
    assert_invariants(&table).await;
}
