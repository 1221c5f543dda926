//! The handler fed real API Gateway events through lambda_http, over
//! DynamoDB Local, with the table read back afterwards.

mod support;

use std::collections::HashMap;

use guardduty_invitations::api::App;
use guardduty_invitations::api::identity::AuthMode;
use lambda_http::{Body, Response};
use serde_json::{Value, json};
use support::TestTable;
use support::events::{self, BOTH, Gateway, body_json, header};

const DECLINE: &str = "/invitation/decline";
const DELETE: &str = "/invitation/delete";

async fn call(
    app: &App,
    gateway: Gateway,
    path: &str,
    caller: Option<&str>,
    body: &str,
) -> Response<Body> {
    app.handle(events::request(&events::event(
        gateway, "POST", path, caller, body,
    )))
    .await
}

fn ids_body(ids: &[&str]) -> String {
    json!({ "accountIds": ids }).to_string()
}

/// `accountId -> result` of a 200 response, checking the body's shape.
fn unprocessed(response: &Response<Body>) -> Vec<(String, String)> {
    assert_eq!(response.status(), 200, "{:?}", body_json(response));
    body_json(response)["unprocessedAccounts"]
        .as_array()
        .expect("unprocessedAccounts is always a list")
        .iter()
        .map(|entry| {
            (
                entry["accountId"].as_str().unwrap().to_owned(),
                entry["result"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn writes_only(counts: &HashMap<String, usize>, operation: &str, expected: usize) {
    let expected: HashMap<String, usize> = if expected == 0 {
        HashMap::new()
    } else {
        HashMap::from([(operation.to_owned(), expected)])
    };
    assert_eq!(counts, &expected, "DynamoDB requests sent");
}

const NO_INVITATION: &str = "There is no invitation from this account.";
const OWN_ACCOUNT: &str = "This is the caller's own account ID; an account cannot invite itself.";

/// Inviters of `caller` in a table made by [`every_state`], one per state
/// (and one garbled), and one that sent nothing.
const INVITERS: [&str; 6] = [
    "200000000001",
    "200000000002",
    "200000000003",
    "200000000004",
    "200000000005",
    "200000000009",
];

/// A fresh table where `caller` has an invitation in every state.
async fn every_state(caller: &str) -> TestTable {
    let table = TestTable::new().await;
    for (inviter, status) in INVITERS
        .iter()
        .zip(["Invited", "Declined", "Enabled", "Removed", "Paused"])
    {
        table.put(caller, inviter, status).await;
    }
    table
}

/// The status of each of [`INVITERS`]' invitations to `caller`.
async fn statuses(table: &TestTable, caller: &str) -> Vec<Option<String>> {
    let mut statuses = Vec::new();
    for inviter in INVITERS {
        statuses.push(table.status(caller, inviter).await);
    }
    statuses
}

fn some(statuses: [Option<&str>; 6]) -> Vec<Option<String>> {
    statuses.map(|s| s.map(String::from)).to_vec()
}

/// Sends `path` for every inviter of [`every_state`] and the caller's own ID;
/// the table and the unprocessed accounts.
async fn against_every_state(
    gateway: Gateway,
    caller: &str,
    path: &str,
) -> (TestTable, Vec<(String, String)>) {
    let table = every_state(caller).await;
    let app = table.app(AuthMode::Iam).await;
    let ids: Vec<&str> = INVITERS.iter().copied().chain([caller]).collect();
    let response = call(&app, gateway, path, Some(caller), &ids_body(&ids)).await;
    (table, unprocessed(&response))
}

const PAUSED: &str = "The invitation has an unrecognized status \"Paused\" and was left unchanged.";

/// Every row of DESIGN.md's state table for DeclineInvitations.
#[tokio::test]
async fn decline_follows_the_state_machine() {
    for (gateway, caller) in [
        (Gateway::RestV1, "100000000001"),
        (Gateway::HttpV2, "100000000002"),
    ] {
        let (table, left) = against_every_state(gateway, caller, DECLINE).await;
        assert_eq!(
            left,
            [
                ("200000000003".into(), "The invitation was accepted and this account is still associated with it as its administrator; disassociate first.".into()),
                ("200000000005".into(), PAUSED.into()),
                ("200000000009".into(), NO_INVITATION.into()),
                (caller.into(), OWN_ACCOUNT.into()),
            ]
        );
        assert_eq!(
            statuses(&table, caller).await,
            some([
                Some("Declined"),
                Some("Declined"),
                Some("Enabled"),
                Some("Declined"),
                Some("Paused"),
                None
            ])
        );
        // The already-declined invitation is not rewritten; the declined ones are stamped.
        let stamp = |item: Option<HashMap<String, aws_sdk_dynamodb::types::AttributeValue>>| {
            item.unwrap()["updatedAt"].as_s().unwrap().clone()
        };
        assert_eq!(
            stamp(table.item(caller, "200000000002").await),
            "2026-01-01T00:00:00Z"
        );
        assert_ne!(
            stamp(table.item(caller, "200000000001").await),
            "2026-01-01T00:00:00Z"
        );
        // One write per distinct account other than the caller's own, no reads.
        writes_only(&table.counter.take(), "UpdateItem", 6);
    }
}

/// Every row of DESIGN.md's state table for DeleteInvitations.
#[tokio::test]
async fn delete_follows_the_state_machine() {
    for (gateway, caller) in [
        (Gateway::RestV1, "100000000003"),
        (Gateway::HttpV2, "100000000004"),
    ] {
        let (table, left) = against_every_state(gateway, caller, DELETE).await;
        assert_eq!(
            left,
            [
                ("200000000001".into(), "The invitation has not been declined yet (status Invited); decline it before deleting it.".into()),
                ("200000000003".into(), "The invitation was accepted and this account is still associated with it as its administrator; disassociate and decline it before deleting it.".into()),
                ("200000000004".into(), "The invitation has not been declined yet (status Removed); decline it before deleting it.".into()),
                ("200000000005".into(), PAUSED.into()),
                ("200000000009".into(), NO_INVITATION.into()),
                (caller.into(), OWN_ACCOUNT.into()),
            ]
        );
        assert_eq!(
            statuses(&table, caller).await,
            some([
                Some("Invited"),
                None,
                Some("Enabled"),
                Some("Removed"),
                Some("Paused"),
                None
            ]),
            "only the declined one is deleted"
        );
        writes_only(&table.counter.take(), "DeleteItem", 6);
    }
}

/// Another invitee's invitations with the same inviters are never touched.
#[tokio::test]
async fn an_invitee_only_reaches_its_own_invitations() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    table.put("100000000005", "200000000001", "Invited").await;
    table.put("100000000006", "200000000001", "Invited").await;
    let response = call(
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

    let declined = unprocessed(
        &call(
            &app,
            Gateway::RestV1,
            DECLINE,
            Some(caller),
            &ids_body(&ids),
        )
        .await,
    );
    let deleted =
        unprocessed(&call(&app, Gateway::RestV1, DELETE, Some(caller), &ids_body(&ids)).await);

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
    let counts = table.counter.take();
    assert_eq!(
        counts,
        HashMap::from([("UpdateItem".into(), 50), ("DeleteItem".into(), 50)])
    );
}

#[tokio::test]
async fn duplicates_are_written_and_reported_once() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    let caller = "100000000008";
    table.put(caller, "200000000001", "Invited").await;
    let body = r#"{"accountIds":["200000000009",{"accountId":"200000000001"},"200000000009","200000000001"]}"#;
    let response = call(&app, Gateway::HttpV2, DECLINE, Some(caller), body).await;
    assert_eq!(
        unprocessed(&response),
        [("200000000009".into(), NO_INVITATION.into())]
    );
    writes_only(&table.counter.take(), "UpdateItem", 2);
}

/// DESIGN.md's error table: status, header, `__type`, `type`, and a message
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
                let response = call(&app, gateway, path, Some(caller), body).await;
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

#[tokio::test]
async fn unknown_paths_and_methods_are_404_and_405_and_the_stage_is_routed() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    let caller = "100000000010";
    table.put(caller, "200000000001", "Invited").await;
    let body = ids_body(&["200000000001"]);
    for gateway in BOTH {
        for (method, path, status, type_name) in [
            ("POST", "/invitation/accept", 404, "NotFound"),
            ("POST", "/invitation", 404, "NotFound"),
            ("POST", "/", 404, "NotFound"),
            ("GET", DECLINE, 405, "MethodNotAllowed"),
            ("PUT", DELETE, 405, "MethodNotAllowed"),
        ] {
            let event = events::event(gateway, method, path, Some(caller), &body);
            let response = app.handle(events::request(&event)).await;
            assert_eq!(response.status(), status, "{method} {path}");
            assert_eq!(body_json(&response)["__type"], type_name);
            assert_eq!(body_json(&response)["type"], type_name);
            assert!(body_json(&response)["message"].as_str().unwrap().len() > 10);
            assert!(header(&response, "x-amzn-RequestId").is_some());
        }
    }
    writes_only(&table.counter.take(), "", 0);

    // lambda_http puts the REST stage in the path (/Prod/invitation/decline);
    // an HTTP API's named stage arrives in rawPath. Both route.
    let rest = events::rest_v1("POST", DECLINE, Some(caller), &body);
    assert_eq!(
        events::request(&rest).uri().path(),
        "/Prod/invitation/decline"
    );
    assert_eq!(unprocessed(&app.handle(events::request(&rest)).await), []);
    let mut http = events::http_v2("POST", "/live/invitation/delete", Some(caller), &body);
    http["requestContext"]["stage"] = json!("live");
    assert_eq!(unprocessed(&app.handle(events::request(&http)).await), []);
    assert_eq!(table.status(caller, "200000000001").await, None);
}

#[tokio::test]
async fn every_response_carries_the_request_id_and_content_type() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    let mut context = lambda_http::Context::default();
    context.request_id = "8476a536-e9f4-11e8-9739-2dfe598c3fcd".into();
    for (caller, body) in [
        (Some("100000000011"), ids_body(&["200000000001"])),
        (Some("100000000011"), "{}".into()),
        (None, "{}".into()),
    ] {
        let event = events::http_v2("POST", DECLINE, caller, &body);
        let request =
            lambda_http::RequestExt::with_lambda_context(events::request(&event), context.clone());
        let response = app.handle(request).await;
        assert_eq!(
            header(&response, "x-amzn-RequestId"),
            Some("8476a536-e9f4-11e8-9739-2dfe598c3fcd")
        );
        assert_eq!(header(&response, "content-type"), Some("application/json"));
    }
}

#[tokio::test]
async fn the_caller_comes_only_from_the_iam_context() {
    let table = TestTable::new().await;
    let caller = "100000000012";
    let other = "100000000013";
    table.put(caller, "200000000001", "Invited").await;
    table.put(other, "200000000001", "Invited").await;
    let before = table.snapshot().await;
    let body =
        json!({"accountIds": ["200000000001"], "inviteeAccountId": other, "accountId": other})
            .to_string();
    let signed = format!(
        "AWS4-HMAC-SHA256 Credential={other}/20261122/us-east-1/guardduty/aws4_request, SignedHeaders=host;x-amz-date, Signature=00"
    );

    // No IAM identity: 403, whatever the API owner's accountId, the body or a SigV4 header say.
    let iam_app = table.app(AuthMode::Iam).await;
    for gateway in BOTH {
        let mut event = events::event(gateway, "POST", DECLINE, None, &body);
        event["headers"]["authorization"] = json!(signed);
        let response = iam_app.handle(events::request(&event)).await;
        assert_eq!(response.status(), 403);
        assert_eq!(
            header(&response, "x-amzn-ErrorType"),
            Some("AccessDeniedException")
        );
        assert_eq!(body_json(&response)["__type"], "AccessDeniedException");
        assert!(
            body_json(&response)["message"]
                .as_str()
                .unwrap()
                .contains("Signature Version 4")
        );
    }
    assert_eq!(table.snapshot().await, before);

    // With an IAM context, body fields and headers naming another account are ignored,
    // in local mode too.
    let local_app = table
        .app(AuthMode::LocalAccessKey {
            fallback: Some(support::account(other)),
        })
        .await;
    for (app, gateway) in [(&iam_app, Gateway::RestV1), (&local_app, Gateway::HttpV2)] {
        let mut event = events::event(gateway, "POST", DECLINE, Some(caller), &body);
        event["headers"]["authorization"] = json!(signed);
        assert_eq!(unprocessed(&app.handle(events::request(&event)).await), []);
    }
    assert_eq!(
        table.status(caller, "200000000001").await.as_deref(),
        Some("Declined")
    );
    assert_eq!(
        table.status(other, "200000000001").await.as_deref(),
        Some("Invited")
    );
}

#[tokio::test]
async fn local_mode_uses_the_sigv4_access_key_then_the_fallback() {
    let table = TestTable::new().await;
    let (by_key, by_fallback) = ("100000000014", "100000000015");
    table.put(by_key, "200000000001", "Invited").await;
    table.put(by_fallback, "200000000002", "Invited").await;
    let signed = |key: &str| {
        format!(
            "AWS4-HMAC-SHA256 Credential={key}/20261122/us-east-1/guardduty/aws4_request, SignedHeaders=host, Signature=00"
        )
    };
    let local = |fallback: Option<&str>| AuthMode::LocalAccessKey {
        fallback: fallback.map(support::account),
    };
    let request = |authorization: Option<String>, inviter: &str| {
        let mut event = events::http_v2("POST", DECLINE, None, &ids_body(&[inviter]));
        if let Some(value) = authorization {
            event["headers"]["authorization"] = json!(value);
        }
        events::request(&event)
    };

    let app = table.app(local(None)).await;
    assert_eq!(
        unprocessed(
            &app.handle(request(Some(signed(by_key)), "200000000001"))
                .await
        ),
        []
    );
    assert_eq!(
        table.status(by_key, "200000000001").await.as_deref(),
        Some("Declined")
    );
    // Without a usable key and without a fallback: no caller.
    assert_eq!(
        app.handle(request(None, "200000000002")).await.status(),
        403
    );
    assert_eq!(
        app.handle(request(
            Some(signed("AKIAIOSFODNN7EXAMPLE")),
            "200000000002"
        ))
        .await
        .status(),
        403
    );

    let app = table.app(local(Some(by_fallback))).await;
    assert_eq!(
        unprocessed(&app.handle(request(None, "200000000002")).await),
        []
    );
    assert_eq!(
        table.status(by_fallback, "200000000002").await.as_deref(),
        Some("Declined")
    );
}

#[tokio::test]
async fn a_missing_table_is_a_500_that_leaks_nothing() {
    let table = TestTable::new().await;
    let app = App::new(
        guardduty_invitations::store::Store::new(table.client.clone(), "NoSuchTable-Secret"),
        AuthMode::Iam,
    );
    for path in [DECLINE, DELETE] {
        let response = call(
            &app,
            Gateway::RestV1,
            path,
            Some("100000000016"),
            &ids_body(&["200000000001", "200000000002"]),
        )
        .await;
        assert_eq!(response.status(), 500);
        assert_eq!(
            header(&response, "x-amzn-ErrorType"),
            Some("InternalServerErrorException")
        );
        assert_eq!(
            body_json(&response),
            json!({"message": "Internal server error.", "__type": "InternalException", "type": "InternalException"})
        );
    }
    // Only the caller's own account: nothing to write, so nothing failed.
    let response = call(
        &app,
        Gateway::RestV1,
        DECLINE,
        Some("100000000016"),
        &ids_body(&["100000000016"]),
    )
    .await;
    assert_eq!(
        unprocessed(&response),
        [("100000000016".into(), OWN_ACCOUNT.into())]
    );
}

#[tokio::test]
async fn a_base64_encoded_body_is_processed_like_any_other() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    let caller = "100000000017";
    table.put(caller, "200000000001", "Declined").await;
    let mut event = events::rest_v1("POST", DELETE, Some(caller), "");
    // {"accountIds":["200000000001"]}
    event["body"] = Value::from("eyJhY2NvdW50SWRzIjpbIjIwMDAwMDAwMDAwMSJdfQ==");
    event["isBase64Encoded"] = Value::from(true);
    assert_eq!(unprocessed(&app.handle(events::request(&event)).await), []);
    assert_eq!(table.status(caller, "200000000001").await, None);
}

/// Every sample in events/ goes through the handler, so none can rot.
#[tokio::test]
async fn every_sample_event_answers_as_its_name_says() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    let mut names: Vec<String> = std::fs::read_dir(support::repo_root().join("events"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".json"))
        .collect();
    names.sort();
    assert!(names.len() >= 16, "{names:?}");
    for name in names {
        let response = app.handle(events::request(&events::sample(&name))).await;
        assert_eq!(
            response.status(),
            events::expected_status(&name),
            "{name}: {:?}",
            body_json(&response)
        );
    }
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
