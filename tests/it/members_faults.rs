//! Throttling in the middle of the administrator's batches: the throttled
//! accounts are unprocessed with a result that says to retry, the others
//! are done, and nothing is half-applied: a member never sees an
//! invitation its administrator does not see as Invited.

use guardduty_invitations::api::App;
use guardduty_invitations::api::identity::AuthMode;
use guardduty_invitations::domain::Reason;

use crate::members::{State, set_up};
use crate::support::TestTable;
use crate::support::calls::{self, Members};
use crate::support::events::{Gateway, body_json};
use crate::support::faults::{Fault, Redirect, faulty_endpoint};
use crate::support::invariants::assert_invariants;

/// The app whose `operation` requests naming one of `accounts` are throttled.
async fn throttled(table: &TestTable, operation: &'static str, accounts: &[&str]) -> App {
    let redirect = Redirect::operation_for(operation, accounts, faulty_endpoint(Fault::Throttle));
    table.app_from(
        table.store_config().await.interceptor(redirect),
        AuthMode::Iam,
    )
}

#[tokio::test]
async fn throttled_accounts_of_a_batch_say_to_retry_and_the_rest_is_done() {
    let table = TestTable::new().await;
    let admin = "590000000001";
    let members: Vec<String> = (1..=6).map(|i| format!("59100000000{i}")).collect();
    let ids: Vec<&str> = members.iter().map(String::as_str).collect();
    let (hit, spared) = (&ids[1..3], [ids[0], ids[3], ids[4], ids[5]]);
    // Invitations from Created leave the summary as it is: one transaction
    // per account, so only the throttled accounts are left.
    let retry = Reason::Transient.message();
    let left = |response| {
        calls::unprocessed(&response)
            .into_iter()
            .map(|(account, _)| account)
            .collect::<Vec<_>>()
    };
    for member in &ids {
        set_up(&table, admin, member, State::Created).await;
    }

    // InviteMembers: the throttled accounts stay Created, with no invitation.
    let app = throttled(&table, "TransactWriteItems", hit).await;
    let response = calls::members(&app, Gateway::RestV1, Members::Invite, admin, &ids).await;
    let unprocessed = calls::unprocessed(&response);
    assert_eq!(
        unprocessed,
        hit.iter()
            .map(|a| ((*a).to_owned(), retry.clone()))
            .collect::<Vec<_>>()
    );
    for member in hit {
        assert_eq!(
            table.record_status(admin, member).await.as_deref(),
            Some("Created")
        );
        assert_eq!(
            table.status(member, admin).await,
            None,
            "no invitation without Invited"
        );
    }
    for member in spared {
        assert_eq!(
            table.status(member, admin).await.as_deref(),
            Some("Invited")
        );
    }
    assert_invariants(&table).await;

    // The retry then goes through.
    let healthy = table.app(AuthMode::Iam).await;
    let response = calls::members(&healthy, Gateway::HttpV2, Members::Invite, admin, hit).await;
    assert_eq!(calls::unprocessed(&response), []);
    for member in &ids {
        let store = table.store();
        let (m, a) = (
            crate::support::account(member),
            crate::support::account(admin),
        );
        guardduty_invitations::inviter::accept(&store, &m, &a)
            .await
            .unwrap();
    }

    // DisassociateMembers and DeleteMembers change the summary: their
    // accounts go in one transaction, which the throttling refuses as a
    // whole. Every account is told to retry, and nothing changed.
    for (operation, kept, done) in [
        (Members::Disassociate, "Enabled", Some("Removed")),
        (Members::Delete, "Removed", None),
    ] {
        let before = table.snapshot().await;
        let response = calls::members(&app, Gateway::HttpV2, operation, admin, &ids).await;
        assert_eq!(response.status(), 500, "{operation:?}: every write failed");
        assert_eq!(body_json(&response)["message"], RETRY);
        let stranger = "592000000001";
        let with_stranger = [ids.as_slice(), &[stranger]].concat();
        let response =
            calls::members(&app, Gateway::RestV1, operation, admin, &with_stranger).await;
        let mut expected: Vec<(String, String)> = ids
            .iter()
            .map(|a| ((*a).to_owned(), retry.clone()))
            .collect();
        expected.push((stranger.to_owned(), Reason::NotMember.message()));
        assert_eq!(calls::unprocessed(&response), expected, "{operation:?}");
        assert_eq!(
            table.snapshot().await,
            before,
            "{operation:?}: nothing changed"
        );
        for member in &ids {
            assert_eq!(
                table.record_status(admin, member).await.as_deref(),
                Some(kept)
            );
        }
        let response = calls::members(&healthy, Gateway::RestV1, operation, admin, &ids).await;
        assert_eq!(
            left(response),
            Vec::<String>::new(),
            "{operation:?} retried"
        );
        for member in &ids {
            assert_eq!(table.record_status(admin, member).await.as_deref(), done);
        }
        assert_invariants(&table).await;
    }
}

/// A transaction cancelled by a concurrent one (say, a member leaving
/// while its administrator disassociates others) goes again.
#[tokio::test]
async fn a_chunk_cancelled_by_a_concurrent_transaction_goes_again() {
    let table = TestTable::new().await;
    let admin = "590000000003";
    let members = ["591000000021", "591000000022", "591000000023"];
    for member in members {
        set_up(&table, admin, member, State::Enabled).await;
    }
    let conflict =
        Redirect::operation("TransactWriteItems", faulty_endpoint(Fault::Conflict)).first(1);
    let app = table.app_from(
        table.store_config().await.interceptor(conflict),
        AuthMode::Iam,
    );
    table.counter.take();
    let response = calls::members(
        &app,
        Gateway::HttpV2,
        Members::Disassociate,
        admin,
        &members,
    )
    .await;
    assert_eq!(calls::unprocessed(&response), []);
    for member in members {
        assert_eq!(
            table.record_status(admin, member).await.as_deref(),
            Some("Removed")
        );
    }
    let counts = table.counter.take();
    assert_eq!(
        counts.get("TransactWriteItems"),
        Some(&2),
        "cancelled once, then applied: {counts:?}"
    );
    assert_invariants(&table).await;
}

const RETRY: &str =
    "The service was busy or did not answer in time; retry the request, which is safe to repeat.";

#[tokio::test]
async fn a_throttled_create_or_read_changes_nothing_and_says_to_retry() {
    let table = TestTable::new().await;
    let admin = "590000000002";
    table.detector(admin).await;
    let before = table.snapshot().await;
    let details = [
        ("591000000011", "a@example.com"),
        ("591000000012", "b@example.com"),
    ];
    for operation in ["BatchGetItem", "TransactWriteItems"] {
        let app = throttled(&table, operation, &[admin]).await;
        let response = calls::create_members(&app, Gateway::HttpV2, admin, &details).await;
        assert_eq!(response.status(), 500, "{operation}");
        assert_eq!(body_json(&response)["message"], RETRY);
        assert_eq!(
            table.snapshot().await,
            before,
            "{operation}: nothing written"
        );
    }
}
