//! Bad input to the administrator's operations: a precise 400 naming the
//! parameter, and nothing read or written.

use guardduty_invitations::api::identity::AuthMode;
use serde_json::json;

use crate::support::TestTable;
use crate::support::calls::{self, Members, detector};
use crate::support::events::{BOTH, body_json, header};

const NOT_OWNED: &str =
    "The request is rejected because the input detectorId is not owned by the current account.";

#[tokio::test]
async fn every_bad_body_is_a_400_naming_the_parameter_and_writes_nothing() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    let admin = "580000000001";
    let ok = |account: &str| json!({"accountId": account, "email": "m@example.com"});
    let three_then = |bad: serde_json::Value| {
        json!({"accountDetails": [ok("580000000011"), ok("580000000012"), ok("580000000013"), bad]})
            .to_string()
    };
    let create: Vec<(String, &str)> = vec![
        (
            "{}".into(),
            "accountDetails: required parameter is not specified",
        ),
        (
            r#"{"accountDetails":null}"#.into(),
            "accountDetails: required parameter is not specified",
        ),
        (
            r#"{"accountDetails":[]}"#.into(),
            "accountDetails: must hold 1 to 50 account details, not 0",
        ),
        (
            r#"{"accountDetails":"x"}"#.into(),
            "accountDetails: must be a list of account details, not a string",
        ),
        (
            three_then(json!({"accountId": "580000000014", "email": "m@example"})),
            "accountDetails[3].email: must have a domain after the @ of letters, digits, hyphens and dots, with a dot, such as example.com",
        ),
        (
            three_then(json!({"accountId": "580000000014", "email": "a@b.c"})),
            "accountDetails[3].email: must be 6 to 64 characters, not 5",
        ),
        (
            three_then(json!({"accountId": "580000000014"})),
            "accountDetails[3].email: required parameter is not specified",
        ),
        (
            three_then(json!({"accountId": "58000000001x", "email": "m@example.com"})),
            "accountDetails[3].accountId: account ID must be exactly 12 digits (0-9)",
        ),
        (
            three_then(json!(7)),
            "accountDetails[3]: must be an object with an accountId and an email, not a number",
        ),
        (
            "[]".into(),
            "body: must be a JSON object with an accountDetails member",
        ),
    ];
    let ids = |value: serde_json::Value| json!({ "accountIds": value }).to_string();
    let batch: Vec<(String, &str)> = vec![
        (
            "{}".into(),
            "accountIds: required parameter is not specified",
        ),
        (
            ids(json!([])),
            "accountIds: must hold 1 to 50 account IDs, not 0",
        ),
        (
            ids(json!(["580000000011", "58000000001"])),
            "accountIds[1]: account ID must be exactly 12 characters, not 11",
        ),
        (
            ids(json!([{"accountId": 5}])),
            "accountIds[0].accountId: must be a string, not a number",
        ),
    ];
    let invite: Vec<(String, &str)> = vec![
        (
            json!({"accountIds": ["580000000011"], "message": ["hi"]}).to_string(),
            "message: must be a string, not a list",
        ),
        (
            json!({"accountIds": ["580000000011"], "disableEmailNotification": "true"}).to_string(),
            "disableEmailNotification: must be a boolean, not a string",
        ),
    ];
    let mut cases: Vec<(&str, String, &str)> = Vec::new();
    cases.extend(
        create
            .into_iter()
            .map(|(body, message)| ("", body, message)),
    );
    for operation in [
        Members::Invite,
        Members::Get,
        Members::Disassociate,
        Members::Delete,
        Members::Start,
        Members::Stop,
    ] {
        for (body, message) in &batch {
            cases.push((operation.suffix(), body.clone(), message));
        }
    }
    cases.extend(
        invite
            .into_iter()
            .map(|(body, message)| ("/invite", body, message)),
    );
    table.counter.take();
    for gateway in BOTH {
        for (suffix, body, message) in &cases {
            let response =
                calls::members_body(&app, gateway, admin, &detector(admin), suffix, body).await;
            assert_eq!(response.status(), 400, "{suffix} {body}");
            assert_eq!(
                header(&response, "x-amzn-ErrorType"),
                Some("BadRequestException")
            );
            assert_eq!(body_json(&response)["__type"], "InvalidInputException");
            assert_eq!(body_json(&response)["message"], *message, "{suffix} {body}");
        }
    }
    assert!(
        table.counter.take().is_empty(),
        "nothing was read or written"
    );
    assert!(table.snapshot().await.is_empty());
}

#[tokio::test]
async fn another_accounts_detector_is_refused_on_every_route() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    let (admin, other) = ("580000000021", "580000000022");
    let someone = json!({"accountIds": ["580000000023"], "accountDetails": [{"accountId": "580000000023", "email": "m@example.com"}]}).to_string();
    // The caller alone in the body: still the detector is checked.
    let itself = json!({"accountIds": [admin], "accountDetails": [{"accountId": admin, "email": "m@example.com"}]}).to_string();
    let cases = BOTH.into_iter().flat_map(|g| [(g, &someone), (g, &itself)]);
    for (gateway, body) in cases {
        for (detector, message) in [
            (detector(other), NOT_OWNED.to_owned()),
            (
                "d".repeat(301),
                "detectorId: must be 1 to 300 characters, not 301".to_owned(),
            ),
        ] {
            for (method, suffix) in [
                ("POST", ""),
                ("GET", ""),
                ("POST", "/invite"),
                ("POST", "/get"),
                ("POST", "/disassociate"),
                ("POST", "/delete"),
                ("POST", "/start"),
                ("POST", "/stop"),
            ] {
                let path = format!("/detector/{detector}/member{suffix}");
                let response = calls::send(&app, gateway, method, &path, Some(admin), body).await;
                assert_eq!(response.status(), 400, "{method} {path}");
                assert_eq!(
                    body_json(&response)["message"],
                    message.as_str(),
                    "{method} {path}"
                );
            }
        }
    }
    assert!(table.snapshot().await.is_empty(), "nothing was written");
}
