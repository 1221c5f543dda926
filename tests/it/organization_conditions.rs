//! What the organization path's writes check when they commit, not only
//! when they read, over DynamoDB Local: a Disable that comes late ends
//! nothing of a new designation; an enrollment brings back no detector
//! deleted meanwhile; room that a refused account leaves goes to the next
//! one; UpdateMemberDetectors changes no ex-member's detector; a member
//! enrolled again gets the e-mail it is enrolled with; CreateMembers whose
//! caller is disabled between its read and its commit creates the member
//! as any administrator would; a sync enrolls nothing once auto-enable
//! changed after its read. Enable reads once.

use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use guardduty_invitations::api::identity::AuthMode;
use guardduty_invitations::domain::MemberStatus;
use guardduty_invitations::inviter;
use guardduty_invitations::store::detector::Ensure;
use guardduty_invitations::store::enroll::{Checked, Enrolling, enroll_items, transaction};
use guardduty_invitations::store::{self, disable::Disabled};
use guardduty_invitations::table;
use serde_json::json;

use crate::support::calls::{self, Members, detector};
use crate::support::events::{Gateway, body_json};
use crate::support::faults::HoldFirst;
use crate::support::invariants::assert_invariants;
use crate::support::org::{
    ADMIN, MANAGEMENT, active, call, disable, enable, snapshot, sync, update,
};
use crate::support::{TestTable, account};

/// `(status, email)` of `member`'s record, by GetMembers.
async fn record(app: &guardduty_invitations::api::App, member: &str) -> (String, String) {
    let response = calls::members(app, Gateway::RestV1, Members::Get, ADMIN, &[member]).await;
    let body = body_json(&response);
    let found = &body["members"][0];
    let field = |name: &str| found[name].as_str().unwrap_or_default().to_owned();
    (field("relationshipStatus"), field("email"))
}

#[tokio::test]
async fn a_late_disable_ends_nothing_of_a_new_designation() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    let member = "500000000151";
    sync(&table, &snapshot(&[active(member)])).await;
    table.detector(ADMIN).await;
    assert_eq!(
        enable(&app, Gateway::RestV1, MANAGEMENT, ADMIN).await.0,
        200
    );
    calls::create_members(&app, Gateway::RestV1, ADMIN, &[(member, "m@example.com")]).await;
    assert_eq!(
        disable(&app, Gateway::RestV1, MANAGEMENT, ADMIN).await.0,
        200
    );
    // Designated and enrolled anew, while a Disable of the first
    // designation is still on its way.
    assert_eq!(
        enable(&app, Gateway::RestV1, MANAGEMENT, ADMIN).await.0,
        200
    );
    calls::create_members(&app, Gateway::RestV1, ADMIN, &[(member, "m@example.com")]).await;
    let late = table.store().finish_disable(&account(ADMIN)).await;
    assert_eq!(late.unwrap(), Disabled::Done);
    assert_eq!(record(&app, member).await.0, "Enabled");
    assert!(table.item(member, table::MEMBERSHIP).await.is_some());
    assert_invariants(&table).await;
}

#[tokio::test]
async fn an_enrollment_brings_back_no_detector_deleted_meanwhile() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    let (gone, made) = ("500000000161", "500000000162");
    sync(&table, &snapshot(&[active(gone), active(made)])).await;
    table.detector(ADMIN).await;
    assert_eq!(
        enable(&app, Gateway::RestV1, MANAGEMENT, ADMIN).await.0,
        200
    );
    // `gone` had a detector when the enrollment read it and has none now;
    // `made` had none and has one now.
    table.detector(made).await;
    let before = table.snapshot().await;
    let admin = account(ADMIN);
    let admin_detector = detector(ADMIN);
    let checked = Checked {
        admin: &admin,
        detector: &admin_detector,
        limit: store::DEFAULT_MEMBER_LIMIT,
        auto_enable: None,
    };
    let stale = detector(gone);
    for (member, ensure) in [(gone, Ensure::Kept(&stale)), (made, Ensure::New(&stale))] {
        let member = account(member);
        let enrolling = Enrolling {
            admin: &admin,
            member: &member,
            email: "e@example.com",
            detector: ensure,
            from: None::<MemberStatus>,
        };
        let enrollment = enroll_items(&table.name, &enrolling, &table::now());
        let items = transaction(&table.name, &checked, enrollment.items, (1, 1));
        let sent = table
            .client
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await;
        let error = sent.expect_err("refused").into_service_error();
        let TransactWriteItemsError::TransactionCanceledException(cancelled) = error else {
            panic!("{member}: not cancelled: {error:?}");
        };
        let reasons: Vec<Option<String>> = cancelled
            .cancellation_reasons()
            .iter()
            .map(|r| r.code().filter(|c| *c != "None").map(str::to_owned))
            .collect();
        assert_eq!(
            reasons[2].as_deref(),
            Some("ConditionalCheckFailed"),
            "{member}"
        );
        assert!(
            reasons
                .iter()
                .enumerate()
                .all(|(i, r)| i == 2 || r.is_none()),
            "{member}: {reasons:?}"
        );
    }
    assert_eq!(table.snapshot().await, before);
}

#[tokio::test]
async fn room_a_refused_account_leaves_goes_to_the_next() {
    let table = TestTable::new().await;
    let app = table.app_limited(table.store_config().await, AuthMode::Iam, 1);
    let (held, free, other_admin) = ("500000000171", "500000000172", "600000000171");
    sync(&table, &snapshot(&[active(held), active(free)])).await;
    let store = table.store();
    inviter::invite(&store, &account(other_admin), &account(held))
        .await
        .unwrap();
    inviter::accept(&store, &account(held), &account(other_admin))
        .await
        .unwrap();
    table.detector(ADMIN).await;
    assert_eq!(
        enable(&app, Gateway::RestV1, MANAGEMENT, ADMIN).await.0,
        200
    );
    // `held` is planned first and takes the only room, then is refused.
    let details = [(held, "h@example.com"), (free, "f@example.com")];
    let response = calls::create_members(&app, Gateway::HttpV2, ADMIN, &details).await;
    assert_eq!(
        calls::unprocessed(&response),
        [(held.to_owned(), "The request is rejected because the given account ID is already an associated member of another administrator account; it must disassociate from it first.".to_owned())]
    );
    assert_eq!(record(&app, free).await.0, "Enabled");
    assert_invariants(&table).await;
}

#[tokio::test]
async fn update_member_detectors_changes_no_ex_member_s_detector() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    let member = "500000000181";
    sync(&table, &snapshot(&[active(member)])).await;
    table.detector(ADMIN).await;
    enable(&app, Gateway::RestV1, MANAGEMENT, ADMIN).await;
    calls::create_members(&app, Gateway::RestV1, ADMIN, &[(member, "m@example.com")]).await;
    // The member leaves between UpdateMemberDetectors' read of the
    // records and its write: its membership item is gone, the record not
    // yet (as the read saw it).
    table
        .client
        .delete_item()
        .table_name(&table.name)
        .set_key(Some(table::membership_key(&account(member)).into()))
        .send()
        .await
        .unwrap();
    let before = table.item(member, table::DETECTOR).await;
    let path = format!("/detector/{}/member/detector/update", detector(ADMIN));
    let update = json!({
        "accountIds": [member],
        "dataSources": {"kubernetes": {"auditLogs": {"enable": false}}},
    });
    let (status, body) = call(&app, Gateway::RestV1, "POST", &path, ADMIN, update).await;
    assert_eq!(status, 200);
    assert_eq!(
        body["unprocessedAccounts"][0]["accountId"], member,
        "{body}"
    );
    assert_eq!(table.item(member, table::DETECTOR).await, before);
}

#[tokio::test]
async fn a_member_enrolled_again_gets_the_e_mail_it_is_enrolled_with() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    let member = "500000000191";
    sync(&table, &snapshot(&[active(member)])).await;
    table.detector(ADMIN).await;
    enable(&app, Gateway::RestV1, MANAGEMENT, ADMIN).await;
    calls::create_members(&app, Gateway::RestV1, ADMIN, &[(member, "old@example.com")]).await;
    calls::members(
        &app,
        Gateway::RestV1,
        Members::Disassociate,
        ADMIN,
        &[member],
    )
    .await;
    assert_eq!(record(&app, member).await.0, "Removed");
    calls::create_members(&app, Gateway::RestV1, ADMIN, &[(member, "new@example.com")]).await;
    assert_eq!(
        record(&app, member).await,
        ("Enabled".to_owned(), "new@example.com".to_owned())
    );
    assert_invariants(&table).await;
}

#[tokio::test]
async fn enable_reads_once_and_writes_once() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    sync(&table, &snapshot(&[])).await;
    table.counter.take();
    assert_eq!(
        enable(&app, Gateway::RestV1, MANAGEMENT, ADMIN).await.0,
        200
    );
    let counts = table.counter.take();
    let expected = [("BatchGetItem", 1), ("TransactWriteItems", 1)];
    assert_eq!(
        counts,
        expected.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    );
    // The designation made the administrator's detector.
    assert!(table.item(ADMIN, table::DETECTOR).await.is_some());
    assert_invariants(&table).await;
}

/// Found by the soak: the enrollment's commit refused by the Disable that
/// came after its read answered "not the organization's administrator",
/// which no order of the two calls gives.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_members_disabled_between_read_and_commit_creates_the_member() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    let member = "500000000171";
    sync(&table, &snapshot(&[active(member)])).await;
    table.detector(ADMIN).await;
    assert_eq!(
        enable(&app, Gateway::RestV1, MANAGEMENT, ADMIN).await.0,
        200
    );
    let (hold, reached, go) = HoldFirst::of("TransactWriteItems");
    let held = table.app_from(table.store_config().await.interceptor(hold), AuthMode::Iam);
    let details = [(member, "m@example.com")];
    let create = tokio::spawn(async move {
        calls::create_members(&held, Gateway::HttpV2, ADMIN, &details).await
    });
    let waited = tokio::task::spawn_blocking(move || reached.recv());
    waited
        .await
        .unwrap()
        .expect("the enrollment's transaction held");
    assert_eq!(
        disable(&app, Gateway::RestV1, MANAGEMENT, ADMIN).await.0,
        200
    );
    go.send(()).unwrap();
    let created = create.await.unwrap();
    assert_eq!(
        (created.status().as_u16(), body_json(&created)),
        (200, json!({"unprocessedAccounts": []}))
    );
    assert_eq!(record(&app, member).await.0, "Created");
    assert_invariants(&table).await;
}

/// Found by the soak: a sync that read auto-enable `ALL` enrolled an
/// account after an update had returned, which no order of the two gives.
/// Its enrollment now checks auto-enable is still as it read, and what it
/// leaves the next sync applies with the setting of then: here `NEW`, for
/// an account still new to the mirror.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_enrolls_nothing_once_auto_enable_changed_after_its_read() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    let member = "500000000181";
    sync(&table, &snapshot(&[])).await;
    table.detector(ADMIN).await;
    assert_eq!(
        enable(&app, Gateway::RestV1, MANAGEMENT, ADMIN).await.0,
        200
    );
    let all = json!({"autoEnableOrganizationMembers": "ALL"});
    assert_eq!(update(&app, Gateway::RestV1, ADMIN, all).await.0, 200);
    let (hold, reached, go) = HoldFirst::of("TransactWriteItems");
    let config = table.store_config().await.interceptor(hold);
    let held = store::Store::new(
        aws_sdk_dynamodb::Client::from_conf(config.build()),
        &table.name,
    );
    let joined = snapshot(&[active(member)]);
    let syncing = tokio::spawn(async move { held.sync(&joined).await });
    let waited = tokio::task::spawn_blocking(move || reached.recv());
    waited.await.unwrap().expect("the sync's enrollment held");
    let new = json!({"autoEnableOrganizationMembers": "NEW"});
    assert_eq!(update(&app, Gateway::RestV1, ADMIN, new).await.0, 200);
    go.send(()).unwrap();
    let synced = syncing.await.unwrap().expect("the sync");
    assert_eq!((synced.enrolled, synced.unfinished), (0, 1), "{synced:?}");
    assert_eq!(record(&app, member).await.0, "");
    let detector = table.store().detector(&account(member)).await.unwrap();
    assert!(detector.is_none());
    assert_invariants(&table).await;
    let next = sync(&table, &snapshot(&[active(member)])).await;
    assert_eq!((next.enrolled, next.unfinished), (1, 0), "{next:?}");
    assert_eq!(record(&app, member).await.0, "Enabled");
}
