//! Hostile input: property tests over the whole request path and named
//! nasty cases. Never a panic, never a 5xx, always 200 or a precise 4xx, and
//! never a write on a 4xx.

use crate::support::TestTable;
use crate::support::events::{self, Gateway, body_json, header};
use base64::Engine as _;
use guardduty_invitations::api::App;
use guardduty_invitations::api::identity::AuthMode;
use lambda_http::{Body, Response};
use proptest::prelude::*;
use serde_json::{Value, json};

const CALLER: &str = "800000000001";

/// The request API Gateway makes of raw body bytes (base64, as it sends
/// bodies that are not text).
async fn send_bytes(app: &App, gateway: Gateway, body: &[u8]) -> Response<Body> {
    let mut event = events::event(gateway, "POST", "/invitation/decline", Some(CALLER), "");
    event["body"] = json!(base64::engine::general_purpose::STANDARD.encode(body));
    event["isBase64Encoded"] = json!(true);
    app.handle(events::request(&event)).await
}

async fn send(app: &App, body: &str) -> Response<Body> {
    app.handle(events::request(&events::http_v2(
        "POST",
        "/invitation/delete",
        Some(CALLER),
        body,
    )))
    .await
}

/// The invariant every answer keeps: 200 with its list, or a precise 400
/// that sent DynamoDB nothing.
pub fn check(table: &TestTable, response: &Response<Body>) -> Result<(), TestCaseError> {
    let status = response.status().as_u16();
    let body = body_json(response);
    let writes: usize = table.counter.take().values().sum();
    prop_assert!(
        status == 200 || (400..500).contains(&status),
        "status {status}: {body}"
    );
    if status == 200 {
        prop_assert!(body["unprocessedAccounts"].is_array());
    } else {
        prop_assert_eq!(
            header(response, "x-amzn-ErrorType"),
            Some("BadRequestException")
        );
        prop_assert!(
            body["message"].as_str().is_some_and(|m| m.contains(": ")),
            "{}",
            body
        );
        prop_assert_eq!(writes, 0, "a rejected request wrote");
    }
    Ok(())
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        "[0-9]{10,14}".prop_map(Value::from),
        "[0-9 a٠-٩]{12}".prop_map(Value::from),
        any::<String>().prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::from),
            prop::collection::hash_map("accountIds|accountId|[a-z]{1,6}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Bodies that are nearly right: lists of IDs in either form, some bad.
fn near_valid_body() -> impl Strategy<Value = String> {
    let id = prop_oneof![
        4 => "9000000000[0-9]{2}".prop_map(Value::from),
        1 => Just(Value::from(CALLER)),
        1 => "[0-9]{11,13}".prop_map(Value::from),
        1 => "9000000000[0-9]{2}".prop_map(|id| json!({ "accountId": id })),
        1 => json_value(),
    ];
    prop::collection::vec(id, 0..60).prop_map(|ids| json!({ "accountIds": ids }).to_string())
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_break_the_request_path(body in prop::collection::vec(any::<u8>(), 0..512), v1 in any::<bool>()) {
        let runtime = runtime();
        let (table, app) = runtime.block_on(async { let t = TestTable::new().await; let a = t.app(AuthMode::Iam).await; (t, a) });
        let gateway = if v1 { Gateway::RestV1 } else { Gateway::HttpV2 };
        let response = runtime.block_on(send_bytes(&app, gateway, &body));
        check(&table, &response)?;
    }

    #[test]
    fn arbitrary_json_never_breaks_the_request_path(value in json_value(), wrap in any::<bool>()) {
        let runtime = runtime();
        let (table, app) = runtime.block_on(async { let t = TestTable::new().await; let a = t.app(AuthMode::Iam).await; (t, a) });
        let body = if wrap { json!({ "accountIds": value }) } else { value }.to_string();
        let response = runtime.block_on(send(&app, &body));
        check(&table, &response)?;
    }

    #[test]
    fn near_valid_bodies_are_answered_or_rejected_cleanly(body in near_valid_body()) {
        let runtime = runtime();
        let (table, app) = runtime.block_on(async { let t = TestTable::new().await; let a = t.app(AuthMode::Iam).await; (t, a) });
        let response = runtime.block_on(send(&app, &body));
        check(&table, &response)?;
    }
}

#[tokio::test]
async fn named_hostile_bodies_get_the_precise_400() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    let ids = |n: usize| {
        json!({ "accountIds": (0..n).map(|i| format!("{:012}", 900_000_000_000u64 + i as u64)).collect::<Vec<_>>() }).to_string()
    };
    let deep = format!(
        r#"{{"accountIds":{}"900000000001"{}}}"#,
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let deep_unknown = format!(
        r#"{{"x":{}{},"accountIds":["900000000001"]}}"#,
        "[".repeat(1 << 20),
        "]".repeat(1 << 20)
    );
    let cases: Vec<(String, String)> = vec![
        (format!(r#"{{"accountIds":["{}"]}}"#, "1".repeat(1 << 20)), "accountIds[0]: account ID must be exactly 12 characters, not 1048576".into()),
        (format!(r#"{{"accountIds":{}"#, "[".repeat(1 << 20)), "body: is not valid JSON (recursion limit exceeded at line 1 column 141)".into()),
        (deep, "body: is not valid JSON (recursion limit exceeded at line 1 column 141)".into()),
        (deep_unknown, "body: is not valid JSON (recursion limit exceeded at line 1 column 132)".into()),
        (r#"{"accountIds":[null]}"#.into(), "accountIds[0]: must be an account ID string or an object with an accountId, not null".into()),
        (r#"{"accountIds":[true]}"#.into(), "accountIds[0]: must be an account ID string or an object with an accountId, not a boolean".into()),
        (r#"{"accountIds":[900000000001]}"#.into(), "accountIds[0]: must be an account ID string or an object with an accountId, not a number".into()),
        (r#"{"accountIds":{"accountId":"900000000001"}}"#.into(), "accountIds: must be a list of account IDs, not an object".into()),
        (r#"{"accountIds":["90000000001"]}"#.into(), "accountIds[0]: account ID must be exactly 12 characters, not 11".into()),
        (r#"{"accountIds":["9000000000011"]}"#.into(), "accountIds[0]: account ID must be exactly 12 characters, not 13".into()),
        (r#"{"accountIds":[" 900000000001"]}"#.into(), "accountIds[0]: account ID must be exactly 12 characters, not 13".into()),
        (r#"{"accountIds":["900000000001 "]}"#.into(), "accountIds[0]: account ID must be exactly 12 characters, not 13".into()),
        (r#"{"accountIds":[" 90000000001"]}"#.into(), "accountIds[0]: account ID must be exactly 12 digits (0-9)".into()),
        (r#"{"accountIds":["٩٠٠٠٠٠٠٠٠٠٠١"]}"#.into(), "accountIds[0]: account ID must be exactly 12 digits (0-9)".into()),
        (r#"{"accountIds":["９００００００００００１"]}"#.into(), "accountIds[0]: account ID must be exactly 12 digits (0-9)".into()),
        (ids(51), "accountIds: must hold 1 to 50 account IDs, not 51".into()),
        (ids(10_000), "accountIds: must hold 1 to 50 account IDs, not 10000".into()),
        (r#"{"accountIds":["900000000001"],"accountIds":["900000000002"]}"#.into(), "body: is not valid JSON (duplicate field `accountIds` at line 1 column 43)".into()),
    ];
    for (body, message) in &cases {
        let response = send(&app, body).await;
        assert_eq!(response.status(), 400, "{message}");
        assert_eq!(body_json(&response)["message"], json!(message));
        assert_eq!(body_json(&response)["__type"], "InvalidInputException");
    }
    // Not UTF-8 at all, sent base64-encoded as API Gateway does.
    for (bytes, message) in [
        (
            &b"\xff\xfe{\"accountIds\":[]}"[..],
            "body: must be a JSON object with an accountIds member",
        ),
        (
            &b"{\"accountIds\":[\"90000000000\xff\"]}"[..],
            "body: is not valid JSON (invalid unicode code point at line 1 column 28)",
        ),
    ] {
        let response = send_bytes(&app, Gateway::RestV1, bytes).await;
        assert_eq!(
            (
                response.status().as_u16(),
                body_json(&response)["message"].clone()
            ),
            (400, json!(message))
        );
    }
    assert_eq!(
        table.counter.take().values().sum::<usize>(),
        0,
        "nothing was written"
    );
}

/// No header, query parameter or body field chooses the invitee.
#[tokio::test]
async fn nothing_but_the_iam_context_chooses_the_invitee() {
    let table = TestTable::new().await;
    let (caller, victim) = ("800000000002", "800000000003");
    table.put(victim, "900000000001", "Declined").await;
    let body = json!({"accountIds": ["900000000001"], "inviteeAccountId": victim, "callerAccountId": victim}).to_string();
    for auth in [
        AuthMode::Iam,
        AuthMode::LocalAccessKey {
            fallback: None,
            scope_check: false,
        },
    ] {
        let app = table.app(auth).await;
        for gateway in events::BOTH {
            let mut event =
                events::event(gateway, "POST", "/invitation/delete", Some(caller), &body);
            event["headers"]["x-amz-account-id"] = json!(victim);
            event["headers"]["x-amzn-account-id"] = json!(victim);
            event["headers"]["authorization"] = json!(format!(
                "AWS4-HMAC-SHA256 Credential={victim}/20261122/us-east-1/guardduty/aws4_request, SignedHeaders=host, Signature=00"
            ));
            event["queryStringParameters"] =
                json!({"accountId": victim, "inviteeAccountId": victim});
            event["rawQueryString"] =
                json!(format!("accountId={victim}&inviteeAccountId={victim}"));
            let response = app.handle(events::request(&event)).await;
            assert_eq!(response.status(), 200);
            assert_eq!(
                body_json(&response)["unprocessedAccounts"][0]["result"],
                "There is no invitation from this account."
            );
        }
    }
    assert_eq!(
        table.status(victim, "900000000001").await.as_deref(),
        Some("Declined")
    );
}
