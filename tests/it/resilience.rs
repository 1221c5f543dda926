//! Races, faults and outages, against DynamoDB Local: the function keeps
//! working, loses nothing and never reports a write that did not happen.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::support::calls;
use crate::support::events::{Gateway, body_json};
use crate::support::faults::{Fault, LoseFirstAnswer, Redirect, faulty_endpoint};
use crate::support::{DynamoDbLocal, TestTable, account};
use guardduty_invitations::api::App;
use guardduty_invitations::api::identity::AuthMode;
use guardduty_invitations::domain::Reason;
use guardduty_invitations::domain::{Action, MemberAction};
use guardduty_invitations::inviter;
use guardduty_invitations::store::OPERATION_TIMEOUT;
use lambda_http::{Body, Response};

async fn call(app: &App, path: &str, caller: &str, ids: &[&str]) -> Response<Body> {
    calls::batch(
        app,
        Gateway::HttpV2,
        path,
        Some(caller),
        &calls::ids_body(ids),
    )
    .await
}

/// `accountId -> result` of the unprocessed accounts of a 200.
fn unprocessed(response: &Response<Body>) -> HashMap<String, String> {
    calls::unprocessed(response).into_iter().collect()
}

/// A small deterministic generator, so a failing interleaving can be rerun.
struct XorShift(u64);

impl XorShift {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// Function instances decline and delete the same invitations while the
/// member accepts them one at a time and its administrator removes it
/// again. Every answer must match what happened, and one administrator at
/// most holds throughout.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_instances_and_membership_changes_never_lose_an_accepted_invitation() {
    let table = Arc::new(TestTable::new().await);
    let invitee = "600000000001";
    let inviters: Vec<String> = (0..40).map(|i| format!("7000000000{i:02}")).collect();
    for inviter in &inviters {
        table.invite(invitee, inviter).await;
    }
    let store = table.store();
    let (member, first) = (account(invitee), account(&inviters[0]));
    inviter::accept(&store, &member, &first)
        .await
        .expect("the first accept");

    let mut tasks = tokio::task::JoinSet::new();
    for instance in 0..4u64 {
        let (table, inviters) = (table.clone(), inviters.clone());
        tasks.spawn(async move {
            // Each instance is its own client, as separate Lambda sandboxes are.
            let app = table.app(AuthMode::Iam).await;
            let mut rng = XorShift(0x9E37_79B9_7F4A_7C15 ^ (instance + 1));
            let mut answers = Vec::new();
            for round in 0..12 {
                let path = if (round + instance) % 2 == 0 {
                    "/invitation/decline"
                } else {
                    "/invitation/delete"
                };
                let mut ids: Vec<&str> = inviters.iter().map(String::as_str).collect();
                for i in (1..ids.len()).rev() {
                    ids.swap(i, rng.below(i + 1));
                }
                ids.truncate(5 + rng.below(15));
                tokio::time::sleep(Duration::from_millis(rng.below(8) as u64)).await;
                let response = call(&app, path, invitee, &ids).await;
                let ids: Vec<String> = ids.into_iter().map(String::from).collect();
                answers.push((path, ids, unprocessed(&response)));
            }
            answers
        });
    }
    // The membership side: removal of the current administrator by the
    // inviter, then the member's accept of another invitation, repeatedly.
    let writer = {
        let (store, inviters) = (store.clone(), inviters.clone());
        tokio::spawn(async move {
            let mut rng = XorShift(42);
            let mut ever = HashSet::from([inviters[0].clone()]);
            let mut current = Some(inviters[0].clone());
            for _ in 0..40 {
                if let Some(administrator) = current.take() {
                    inviter::change(
                        &store,
                        MemberAction::Disassociate,
                        &account(&administrator),
                        &member,
                    )
                    .await
                    .expect("the administrator removes its member");
                }
                let inviter = &inviters[rng.below(inviters.len())];
                if inviter::accept(&store, &member, &account(inviter))
                    .await
                    .is_ok()
                {
                    ever.insert(inviter.clone());
                    current = Some(inviter.clone());
                }
                tokio::time::sleep(Duration::from_millis(rng.below(5) as u64)).await;
            }
            (ever, current)
        })
    };

    let (ever, current) = writer.await.unwrap();
    let mut answers = Vec::new();
    while let Some(instance) = tasks.join_next().await {
        answers.extend(instance.unwrap());
    }
    crate::support::invariants::assert_invariants(&table).await;
    let mut final_state = HashMap::new();
    for inviter in &inviters {
        final_state.insert(inviter.clone(), table.status(invitee, inviter).await);
    }
    if let Some(current) = &current {
        assert_eq!(
            final_state[current].as_deref(),
            Some("Enabled"),
            "{current} stays accepted"
        );
    }
    for (path, ids, left) in &answers {
        for id in ids {
            let now = final_state[id].as_deref();
            match (path.ends_with("delete"), left.get(id)) {
                // Declined or deleted: never the administrator from then on.
                (_, None) => assert_ne!(Some(id), current.as_ref(), "{path} {id}"),
                (_, Some(result)) if result.contains("still associated") => {
                    assert!(ever.contains(id), "{id} was never accepted: {result}")
                }
                (_, Some(result)) if result.contains("no invitation") => {
                    assert_eq!(now, None, "{id}")
                }
                // Refused as not declined: later requests may still decline and delete it.
                (true, Some(result)) => {
                    assert!(result.contains("not been declined yet"), "{id}: {result}")
                }
                (false, Some(result)) => panic!("{id}: unexpected decline result {result}"),
            }
        }
    }
}

#[tokio::test]
async fn transient_failures_leave_just_those_accounts_unprocessed() {
    let table = TestTable::new().await;
    let caller = "600000000002";
    let inviters = [
        "700000000001",
        "700000000002",
        "700000000003",
        "700000000004",
        "700000000005",
    ];
    for inviter in inviters {
        table.put(caller, inviter, "Invited").await;
    }
    let throttled = Redirect::accounts(
        &["700000000002", "700000000004"],
        faulty_endpoint(Fault::Throttle),
    );
    let hanging = Redirect::accounts(&["700000000005"], faulty_endpoint(Fault::Hang));
    let config = table
        .store_config()
        .await
        .interceptor(throttled)
        .interceptor(hanging);
    let app = table.app_from(config, AuthMode::Iam);

    let left = unprocessed(&call(&app, "/invitation/decline", caller, &inviters).await);
    let retry = Reason::Transient.message();
    assert!(retry.contains("retry"));
    assert_eq!(
        left,
        HashMap::from([
            ("700000000002".into(), retry.clone()),
            ("700000000004".into(), retry.clone()),
            ("700000000005".into(), retry.clone()),
        ])
    );
    for (inviter, status) in [
        ("700000000001", "Declined"),
        ("700000000002", "Invited"),
        ("700000000003", "Declined"),
        ("700000000004", "Invited"),
        ("700000000005", "Invited"),
    ] {
        assert_eq!(
            table.status(caller, inviter).await.as_deref(),
            Some(status),
            "{inviter}"
        );
    }

    // When every write fails, nothing was processed: the request fails as a whole.
    let response = call(
        &app,
        "/invitation/decline",
        caller,
        &["700000000002", "700000000004"],
    )
    .await;
    assert_eq!(response.status(), 500);
    assert_eq!(body_json(&response)["__type"], "InternalException");
}

/// DynamoDB stops mid-run: a clean 500 within the documented bound; once it
/// is back (same data on disk), the same instance serves again and nothing
/// written before is lost.
#[tokio::test]
async fn an_outage_is_a_prompt_500_and_service_resumes_without_a_restart() {
    let data = std::env::temp_dir().join(format!("gdi-ddb-{}-{}", std::process::id(), line!()));
    std::fs::create_dir_all(&data).unwrap();
    let server = DynamoDbLocal::start(Some(&data));
    let port = server.port;
    let table = TestTable::on(&server.endpoint).await;
    let caller = "600000000003";
    for inviter in ["700000000001", "700000000002", "700000000003"] {
        table.put(caller, inviter, "Invited").await;
    }
    let app = table.app(AuthMode::Iam).await;
    assert!(
        unprocessed(&call(&app, "/invitation/decline", caller, &["700000000001"]).await).is_empty()
    );

    server.stop();
    let started = Instant::now();
    let response = call(
        &app,
        "/invitation/decline",
        caller,
        &["700000000002", "700000000003"],
    )
    .await;
    let took = started.elapsed();
    assert_eq!(response.status(), 500);
    assert_eq!(body_json(&response)["__type"], "InternalException");
    assert!(
        took < OPERATION_TIMEOUT + Duration::from_secs(1),
        "answered in {took:?}"
    );

    let server = DynamoDbLocal::start_on(port, Some(&data));
    assert!(
        unprocessed(&call(&app, "/invitation/decline", caller, &["700000000002"]).await).is_empty()
    );
    assert_eq!(
        table.status(caller, "700000000001").await.as_deref(),
        Some("Declined"),
        "kept across the restart"
    );
    assert_eq!(
        table.status(caller, "700000000002").await.as_deref(),
        Some("Declined")
    );
    assert_eq!(
        table.status(caller, "700000000003").await.as_deref(),
        Some("Invited")
    );
    server.stop();
    std::fs::remove_dir_all(&data).unwrap();
}

/// DynamoDB reachable but silent: the SDK's timeouts still answer in time.
#[tokio::test]
async fn an_unresponsive_dynamodb_is_a_500_within_the_operation_timeout() {
    let table = TestTable::new().await;
    let silent = faulty_endpoint(Fault::Hang);
    let config = table.store_config().await.endpoint_url(silent);
    let app = table.app_from(config, AuthMode::Iam);
    let started = Instant::now();
    let response = call(
        &app,
        "/invitation/delete",
        "600000000004",
        &["700000000001", "700000000002"],
    )
    .await;
    let took = started.elapsed();
    assert_eq!(response.status(), 500);
    assert!(
        took < OPERATION_TIMEOUT + Duration::from_secs(1),
        "answered in {took:?}"
    );
}

/// The first attempt of a delete is applied but its answer is lost; the
/// SDK's retry then finds nothing. The answer must not claim there never was
/// an invitation. With the administrator's record, the delete is a
/// transaction, whose retry under the same client token is answered as the
/// first attempt was; without one (another writer's invitation), the
/// invitation is deleted alone and the retry finds it gone.
#[tokio::test]
async fn a_delete_whose_answer_was_lost_is_not_reported_as_never_there() {
    let table = TestTable::new().await;
    let caller = "600000000005";
    let store = table.store();
    table.invite(caller, "700000000002").await;
    let (member, admin) = (account(caller), account("700000000002"));
    inviter::answer(&store, Action::Decline, &member, &admin)
        .await
        .unwrap();
    let config = table
        .store_config()
        .await
        .interceptor(LoseFirstAnswer::of("TransactWriteItems"));
    let app = table.app_from(config, AuthMode::Iam);
    let left = unprocessed(&call(&app, "/invitation/delete", caller, &["700000000002"]).await);
    assert_eq!(
        left,
        HashMap::new(),
        "the retried transaction was applied once"
    );
    assert_eq!(table.status(caller, "700000000002").await, None);
    assert_eq!(table.record_status("700000000002", caller).await, None);
    assert_eq!(
        table.counter.take(),
        HashMap::from([("TransactWriteItems".into(), 1)]),
        "one request, which the SDK sent twice"
    );
    crate::support::invariants::assert_invariants(&table).await;

    table.put(caller, "700000000001", "Declined").await;
    let config = table
        .store_config()
        .await
        .interceptor(LoseFirstAnswer::of("DeleteItem"));
    let app = table.app_from(config, AuthMode::Iam);
    let left = unprocessed(&call(&app, "/invitation/delete", caller, &["700000000001"]).await);
    assert_eq!(
        left,
        HashMap::from([("700000000001".into(), Reason::GoneAfterRetry.message())])
    );
    assert_eq!(
        table.status(caller, "700000000001").await,
        None,
        "the first attempt deleted it"
    );
    assert_eq!(
        table.counter.take(),
        HashMap::from([("TransactWriteItems".into(), 1), ("DeleteItem".into(), 1)])
    );
}

/// A write that panics fails its own account; the others' writes stand and
/// are reported.
#[tokio::test]
async fn a_panicking_write_fails_only_its_account() {
    let table = TestTable::new().await;
    let caller = "600000000006";
    table.put(caller, "700000000001", "Invited").await;
    table.put(caller, "700000000002", "Invited").await;
    let config = table
        .store_config()
        .await
        .interceptor(crate::support::faults::PanicFor("700000000002"));
    let app = table.app_from(config, AuthMode::Iam);
    let left = unprocessed(
        &call(
            &app,
            "/invitation/decline",
            caller,
            &["700000000001", "700000000002"],
        )
        .await,
    );
    assert_eq!(
        left,
        HashMap::from([("700000000002".into(), Reason::StoreFailure.message())])
    );
    assert_eq!(
        table.status(caller, "700000000001").await.as_deref(),
        Some("Declined")
    );
    assert_eq!(
        table.status(caller, "700000000002").await.as_deref(),
        Some("Invited")
    );
}
