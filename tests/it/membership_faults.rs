//! Faults inside the membership transactions: throttling, a conflicting
//! transaction, a lost answer of a transaction that did apply. The answer
//! is honest and the one-administrator invariant holds.

use guardduty_invitations::api::App;
use guardduty_invitations::api::identity::AuthMode;
use serde_json::json;

use crate::support::TestTable;
use crate::support::calls::{self, Name};
use crate::support::events::{Gateway, body_json, header};
use crate::support::faults::{Fault, LoseFirstAnswer, Redirect, faulty_endpoint};
use crate::support::invariants::assert_invariants;

const RETRY: &str =
    "The service was busy or did not answer in time; retry the request, which is safe to repeat.";

/// Accept and disassociate with `operation` answered by `fault`: a 500
/// that says to retry, and nothing changed.
#[tokio::test]
async fn throttled_or_conflicting_requests_are_a_500_that_says_to_retry() {
    let table = TestTable::new().await;
    let cases = [
        ("BatchGetItem", Fault::Throttle),
        ("TransactWriteItems", Fault::Throttle),
        ("TransactWriteItems", Fault::Conflict),
    ];
    for (i, (operation, fault)) in cases.into_iter().enumerate() {
        let (member, admin) = (format!("10000000040{i}"), "200000000401");
        let id = table.invite(&member, admin).await;
        let healthy = table.app(AuthMode::Iam).await;
        let redirect = Redirect::operation(operation, faulty_endpoint(fault));
        let faulty = table.app_from(
            table.store_config().await.interceptor(redirect),
            AuthMode::Iam,
        );

        let accept = async |app| {
            calls::accept(
                app,
                Gateway::HttpV2,
                Name::Administrator,
                &member,
                admin,
                &id,
            )
            .await
        };
        let before = table.snapshot().await;
        let response = accept(&faulty).await;
        assert_eq!(response.status(), 500, "accept, {operation} {fault:?}");
        assert_eq!(
            header(&response, "x-amzn-ErrorType"),
            Some("InternalServerErrorException")
        );
        assert_eq!(body_json(&response)["message"], RETRY);
        assert_eq!(
            table.snapshot().await,
            before,
            "accept, {operation} {fault:?}"
        );

        assert_eq!(accept(&healthy).await.status(), 200);
        let before = table.snapshot().await;
        let response = calls::disassociate(&faulty, Gateway::RestV1, Name::Master, &member).await;
        assert_eq!(
            response.status(),
            500,
            "disassociate, {operation} {fault:?}"
        );
        assert_eq!(body_json(&response)["message"], RETRY);
        assert_eq!(
            table.snapshot().await,
            before,
            "disassociate, {operation} {fault:?}"
        );
        assert_invariants(&table).await;
    }
}

/// The transaction applied but its answer was lost; the SDK's retry finds
/// it applied. Accept and disassociate both answer 200, truthfully.
#[tokio::test]
async fn a_transaction_whose_answer_was_lost_is_answered_as_applied() {
    let table = TestTable::new().await;
    let (member, admin) = ("100000000410", "200000000411");
    let id = table.invite(member, admin).await;
    let app = lossy(&table).await;
    let accepted = calls::accept(
        &app,
        Gateway::RestV1,
        Name::Administrator,
        member,
        admin,
        &id,
    )
    .await;
    let accepted_status = table.status(member, admin).await;
    let app = lossy(&table).await;
    let left = calls::disassociate(&app, Gateway::HttpV2, Name::Administrator, member).await;
    for (response, status, expected) in [
        (accepted, accepted_status, "Enabled"),
        (left, table.status(member, admin).await, "Removed"),
    ] {
        assert_eq!(
            (response.status().as_u16(), body_json(&response)),
            (200, json!({}))
        );
        assert_eq!(status.as_deref(), Some(expected));
    }
    assert_invariants(&table).await;
}

/// An app whose first TransactWriteItems answer is lost.
async fn lossy(table: &TestTable) -> App {
    let lose = LoseFirstAnswer::of("TransactWriteItems");
    table.app_from(table.store_config().await.interceptor(lose), AuthMode::Iam)
}

/// A conflicting transaction that lets go before the request's next
/// attempt: accept, leave, and delete of a declined invitation start over
/// from their reads within the request and answer 200, applied.
#[tokio::test]
async fn a_conflict_that_lets_go_is_absorbed_within_the_request() {
    let table = TestTable::new().await;
    let (member, admin) = ("100000000420", "200000000421");
    let id = table.invite(member, admin).await;
    let conflicted_once = async || {
        let once = Redirect::operation("TransactWriteItems", faulty_endpoint(Fault::Conflict));
        let config = table.store_config().await.interceptor(once.first(1));
        table.app_from(config, AuthMode::Iam)
    };
    let app = conflicted_once().await;
    let accepted = calls::accept(
        &app,
        Gateway::RestV1,
        Name::Administrator,
        member,
        admin,
        &id,
    );
    let accepted = accepted.await;
    let accepted_status = table.status(member, admin).await;
    let app = conflicted_once().await;
    let left = calls::disassociate(&app, Gateway::HttpV2, Name::Administrator, member).await;
    let left_status = table.status(member, admin).await;
    let healthy = table.app(AuthMode::Iam).await;
    let declined = calls::decline(&healthy, Gateway::HttpV2, member, &[admin]).await;
    assert_eq!(declined.status(), 200);
    let app = conflicted_once().await;
    let deleted = calls::delete(&app, Gateway::HttpV2, member, &[admin]).await;
    for (response, expected) in [(&accepted, "accept"), (&left, "leave")] {
        assert_eq!(
            (response.status().as_u16(), body_json(response)),
            (200, json!({})),
            "{expected}"
        );
    }
    assert_eq!(accepted_status.as_deref(), Some("Enabled"));
    assert_eq!(left_status.as_deref(), Some("Removed"));
    assert_eq!(
        (deleted.status().as_u16(), body_json(&deleted)),
        (200, json!({"unprocessedAccounts": []}))
    );
    assert_eq!(table.status(member, admin).await, None);
    assert_invariants(&table).await;
}
