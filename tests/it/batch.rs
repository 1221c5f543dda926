//! DeclineInvitations and DeleteInvitations fed real API Gateway events
//! through lambda_http, over DynamoDB Local, with the table read back.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use guardduty_invitations::api::identity::AuthMode;
use guardduty_invitations::domain::{Action, MemberAction, Reason, Status};
use guardduty_invitations::{inviter, table};
use serde_json::json;

use crate::support::calls::{self, DECLINE, DELETE, ids_body, unprocessed};
use crate::support::events::{BOTH, Gateway, body_json, header};
use crate::support::invariants::broken_invariants;
use crate::support::{TestTable, account};

/// The DynamoDB requests sent were exactly `expected` of `operation`.
pub fn writes_only(counts: &HashMap<String, usize>, operation: &str, expected: usize) {
    let expected: HashMap<String, usize> = if expected == 0 {
        HashMap::new()
    } else {
        HashMap::from([(operation.to_owned(), expected)])
    };
    assert_eq!(counts, &expected, "DynamoDB requests sent");
}

/// docs/api.md's state table: a starting state (`None`: no invitation, and
/// one status no writer should use), then for decline and for delete the
/// reason the account is left unprocessed (`None`: processed) and the
/// state after.
type Expect = (Option<Reason>, Option<&'static str>);
const STATES: [Option<&str>; 6] = [
    Some("Invited"),
    Some("Declined"),
    Some("Enabled"),
    Some("Removed"),
    Some("Paused"),
    None,
];

fn expected(action: Action, state: Option<&'static str>) -> Expect {
    let paused = || Some(Reason::UnknownStatus("Paused".into()));
    match (action, state) {
        (_, None) => (Some(Reason::NoInvitation), None),
        (_, Some("Paused")) => (paused(), state),
        (_, Some("Enabled")) => (Some(Reason::StillAssociated(action)), state),
        (Action::Decline, _) => (None, Some("Declined")),
        (_, Some("Declined")) => (None, None),
        (_, Some("Invited")) => (Some(Reason::NotDeclined(Status::Invited)), state),
        _ => (Some(Reason::NotDeclined(Status::Removed)), state),
    }
}

/// An invitation to `invitee` in `state`, made as the API makes it (an
/// unknown state written raw, as another writer might).
async fn seed(table: &TestTable, invitee: &str, inviter: &str, state: Option<&str>) {
    let store = table.store();
    let (member, admin) = (account(invitee), account(inviter));
    match state {
        None => {}
        Some("Paused") => table.put(invitee, inviter, "Paused").await,
        Some(state) => {
            table.invite(invitee, inviter).await;
            match state {
                "Declined" => inviter::answer(&store, Action::Decline, &member, &admin).await,
                "Enabled" => inviter::accept(&store, &member, &admin).await,
                "Removed" => {
                    inviter::accept(&store, &member, &admin).await.unwrap();
                    inviter::change(&store, MemberAction::Disassociate, &admin, &member).await
                }
                _ => Ok(()),
            }
            .unwrap();
        }
    }
    let stamp = table::UPDATED_AT;
    // Stamped as of long ago, so that a rewrite shows.
    if state.is_some() {
        table
            .client
            .update_item()
            .table_name(&table.name)
            .key(table::INVITEE, AttributeValue::S(invitee.into()))
            .key(table::INVITER, AttributeValue::S(inviter.into()))
            .update_expression("SET #at = :at")
            .expression_attribute_names("#at", stamp)
            .expression_attribute_values(":at", AttributeValue::S("2026-01-01T00:00:00Z".into()))
            .send()
            .await
            .unwrap();
    }
}

/// The invariants, but for the invitation in the unknown status, which has
/// no record.
async fn assert_invariants_but_paused(table: &TestTable) {
    let items: Vec<_> = table
        .snapshot()
        .await
        .into_iter()
        .filter(|item| table::status_of(item) != "Paused")
        .collect();
    let broken = broken_invariants(&items);
    assert!(broken.is_empty(), "{broken:?}");
}

/// Every row of the state table, for both operations and both gateways:
/// one invitation in each state (from inviters 20000000000N) and the
/// caller's own ID, in one request.
#[tokio::test]
async fn decline_and_delete_follow_the_state_machine() {
    let cases = [
        (Action::Decline, DECLINE, Gateway::RestV1, "100000000001"),
        (Action::Decline, DECLINE, Gateway::HttpV2, "100000000002"),
        (Action::Delete, DELETE, Gateway::RestV1, "100000000003"),
        (Action::Delete, DELETE, Gateway::HttpV2, "100000000004"),
    ];
    for (action, path, gateway, caller) in cases {
        let table = TestTable::new().await;
        let inviters: Vec<String> = (1..=STATES.len())
            .map(|i| format!("20000000000{i}"))
            .collect();
        // Through both sides' operations, as the API makes them: Removed
        // (accepted, then disassociated) before Enabled, one administrator
        // at a time; the unknown status as another writer might leave it.
        let order = [3, 0, 1, 2, 4, 5];
        for i in order {
            seed(&table, caller, &inviters[i], STATES[i]).await;
        }
        let app = table.app(AuthMode::Iam).await;
        let mut ids: Vec<&str> = inviters.iter().map(String::as_str).collect();
        ids.push(caller);
        let response = calls::batch(&app, gateway, path, Some(caller), &ids_body(&ids)).await;

        let mut left = Vec::new();
        for (inviter, state) in inviters.iter().zip(STATES) {
            let (reason, after) = expected(action, state);
            if let Some(reason) = reason {
                left.push((inviter.clone(), reason.message()));
            }
            assert_eq!(
                table.status(caller, inviter).await.as_deref(),
                after,
                "{action:?} from {state:?}"
            );
        }
        left.push((caller.to_owned(), Reason::OwnAccount.message()));
        assert_eq!(unprocessed(&response), left, "{action:?} via {gateway:?}");
        // One write per distinct account other than the caller's own, no
        // reads: deleting is a transaction with the administrator's record.
        let write = if action == Action::Decline {
            "UpdateItem"
        } else {
            "TransactWriteItems"
        };
        writes_only(&table.counter.take(), write, STATES.len());
        if action == Action::Delete {
            let record = table.record_status(&inviters[1], caller).await;
            assert_eq!(
                record, None,
                "the Invited record goes with the declined invitation"
            );
        }
        assert_invariants_but_paused(&table).await;
        if action == Action::Decline {
            // The already-declined invitation is not rewritten; the declined ones are stamped.
            let stamp = |item: Option<guardduty_invitations::store::Item>| {
                item.unwrap()["updatedAt"].as_s().unwrap().clone()
            };
            assert_eq!(
                stamp(table.item(caller, &inviters[1]).await),
                "2026-01-01T00:00:00Z"
            );
            assert_ne!(
                stamp(table.item(caller, &inviters[0]).await),
                "2026-01-01T00:00:00Z"
            );
        }
    }
}

/// Another invitee's invitations with the same inviters are never touched.
#[tokio::test]
async fn an_invitee_only_reaches_its_own_invitations() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    table.put("100000000005", "200000000001", "Invited").await;
    table.put("100000000006", "200000000001", "Invited").await;
    let response = calls::batch(
        &app,
        Gateway::HttpV2,
        DECLINE,
        Some("100000000005"),
        &ids_body(&["200000000001"]),
    )
    .await;
    assert_eq!(unprocessed(&response), []);
    assert_eq!(
        table
            .status("100000000005", "200000000001")
            .await
            .as_deref(),
        Some("Declined")
    );
    assert_eq!(
        table
            .status("100000000006", "200000000001")
            .await
            .as_deref(),
        Some("Invited")
    );
}

#[tokio::test]
async fn fifty_accounts_in_every_state_are_checked_one_by_one() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    let caller = "100000000007";
    let states = ["Invited", "Declined", "Enabled", "Removed", ""];
    let inviters: Vec<String> = (0..50).map(|i| format!("3000000000{i:02}")).collect();
    for (i, inviter) in inviters.iter().enumerate() {
        if !states[i % 5].is_empty() {
            table.put(caller, inviter, states[i % 5]).await;
        }
    }
    // Sent in reverse, so that request order is not sorted order.
    let ids: Vec<&str> = inviters.iter().rev().map(String::as_str).collect();

    let declined = unprocessed(&calls::decline(&app, Gateway::RestV1, caller, &ids).await);
    let deleted = unprocessed(&calls::delete(&app, Gateway::RestV1, caller, &ids).await);

    let reported =
        |list: &[(String, String)], inviter: &str| list.iter().any(|(id, _)| id == inviter);
    for (i, inviter) in inviters.iter().enumerate() {
        let (left_by_decline, after) = match states[i % 5] {
            "Invited" | "Declined" | "Removed" => (false, None),
            "Enabled" => (true, Some("Enabled")),
            _ => (true, None),
        };
        assert_eq!(
            reported(&declined, inviter),
            left_by_decline,
            "decline of {inviter}"
        );
        assert_eq!(
            reported(&deleted, inviter),
            left_by_decline,
            "delete of {inviter}"
        );
        assert_eq!(
            table.status(caller, inviter).await.as_deref(),
            after,
            "{inviter}"
        );
    }
    // The unprocessed accounts come back in request order.
    let order: Vec<&String> = declined.iter().map(|(id, _)| id).collect();
    let mut expected = order.clone();
    expected.sort_by(|a, b| b.cmp(a));
    assert_eq!(order, expected);
    assert!(order.len() >= 2);
    // Written as another writer might, the invitations have no
    // administrator's records: each delete's transaction is refused on the
    // missing record, then a declined invitation is deleted alone.
    let counts = table.counter.take();
    assert_eq!(
        counts,
        HashMap::from([
            ("UpdateItem".into(), 50),
            ("TransactWriteItems".into(), 50),
            ("DeleteItem".into(), 30)
        ])
    );
}

#[tokio::test]
async fn duplicates_are_written_and_reported_once() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    let caller = "100000000008";
    table.put(caller, "200000000001", "Invited").await;
    let body = r#"{"accountIds":["200000000009",{"accountId":"200000000001"},"200000000009","200000000001"]}"#;
    let response = calls::batch(&app, Gateway::HttpV2, DECLINE, Some(caller), body).await;
    assert_eq!(
        unprocessed(&response),
        [("200000000009".into(), Reason::NoInvitation.message())]
    );
    writes_only(&table.counter.take(), "UpdateItem", 2);
}

/// docs/api.md's error table: status, header, `__type`, `type`, and a message
/// naming the parameter; and nothing written.
#[tokio::test]
async fn every_input_error_is_a_precise_400_that_changes_nothing() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    let caller = "100000000009";
    table.put(caller, "200000000001", "Invited").await;
    let before = table.snapshot().await;
    let many: Vec<String> = (0..51).map(|i| format!("2000000000{i:02}")).collect();
    let cases: Vec<(String, &str)> = vec![
        (
            "{}".into(),
            "accountIds: required parameter is not specified",
        ),
        (
            r#"{"accountIds":null}"#.into(),
            "accountIds: required parameter is not specified",
        ),
        ("".into(), "accountIds: required parameter is not specified"),
        (
            r#"{"accountIds":[{"other":"x"}]}"#.into(),
            "accountIds[0].accountId: required parameter is not specified",
        ),
        (
            r#"{"accountIds":[]}"#.into(),
            "accountIds: must hold 1 to 50 account IDs, not 0",
        ),
        (
            json!({ "accountIds": many }).to_string(),
            "accountIds: must hold 1 to 50 account IDs, not 51",
        ),
        (
            r#"{"accountIds":["200000000001","2000000001"]}"#.into(),
            "accountIds[1]: account ID must be exactly 12 characters, not 10",
        ),
        (
            r#"{"accountIds":["200000000001","2000000000011"]}"#.into(),
            "accountIds[1]: account ID must be exactly 12 characters, not 13",
        ),
        (
            "not json".into(),
            "body: must be a JSON object with an accountIds member",
        ),
        (
            r#"["200000000001"]"#.into(),
            "body: must be a JSON object with an accountIds member",
        ),
        (
            r#"{"accountIds":"200000000001"}"#.into(),
            "accountIds: must be a list of account IDs, not a string",
        ),
        (
            r#"{"accountIds":[200000000001]}"#.into(),
            "accountIds[0]: must be an account ID string or an object with an accountId, not a number",
        ),
        (
            r#"{"accountIds":["200000000001","20000000000x","200000000001"]}"#.into(),
            "accountIds[1]: account ID must be exactly 12 digits (0-9)",
        ),
    ];
    for path in [DECLINE, DELETE] {
        for gateway in BOTH {
            for (body, message) in &cases {
                let response = calls::batch(&app, gateway, path, Some(caller), body).await;
                assert_eq!(response.status(), 400, "{body}");
                assert_eq!(
                    header(&response, "x-amzn-ErrorType"),
                    Some("BadRequestException")
                );
                assert_eq!(header(&response, "content-type"), Some("application/json"));
                assert_eq!(
                    body_json(&response),
                    json!({"message": message, "__type": "InvalidInputException", "type": "InvalidInputException"}),
                    "{body}"
                );
            }
        }
    }
    assert_eq!(table.snapshot().await, before);
    writes_only(&table.counter.take(), "", 0);
}

/// WARM_DYNAMODB_CONNECTION's request: one UpdateItem that changes nothing.
#[tokio::test]
async fn warming_the_connection_writes_nothing() {
    let table = TestTable::new().await;
    let config = table.store_config().await.build();
    let store = guardduty_invitations::store::Store::new(
        aws_sdk_dynamodb::Client::from_conf(config),
        &table.name,
    );
    store.warm().await.expect("warming succeeds");
    assert_eq!(table.snapshot().await, []);
    writes_only(&table.counter.take(), "UpdateItem", 1);
    let missing = guardduty_invitations::store::Store::new(table.client.clone(), "NoSuchTable");
    assert!(missing.warm().await.is_err(), "a missing table is reported");
}
