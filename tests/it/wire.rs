//! End to end, the way users run it: DynamoDB Local, `cargo lambda watch`
//! with LOCAL_AUTH=access-key, and the real aws-sdk-guardduty client (or
//! plain HTTP, for what SDKs never send) over real HTTP.

use crate::support::watch::{Watch, guardduty};
use aws_sdk_guardduty::operation::decline_invitations::DeclineInvitationsError;
use aws_sdk_guardduty::operation::delete_invitations::DeleteInvitationsError;
use serde_json::json;

fn pairs(accounts: &[aws_sdk_guardduty::types::UnprocessedAccount]) -> Vec<(String, String)> {
    accounts
        .iter()
        .map(|a| {
            (
                a.account_id().unwrap_or_default().to_owned(),
                a.result().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn sdk_decline_and_delete_follow_the_state_machine() {
    let watch = Watch::shared();
    let table = watch.table().await;
    let me = "400000000001";
    for (inviter, status) in [
        ("500000000001", "Invited"),
        ("500000000002", "Declined"),
        ("500000000003", "Enabled"),
        ("500000000004", "Removed"),
    ] {
        table.put(me, inviter, status).await;
    }
    let client = guardduty(watch, me);
    let all = [
        "500000000001",
        "500000000002",
        "500000000003",
        "500000000004",
        "500000000009",
        me,
    ];

    let declined = client
        .decline_invitations()
        .set_account_ids(Some(all.map(String::from).to_vec()))
        .send()
        .await
        .expect("DeclineInvitations succeeds");
    let left: Vec<String> = pairs(declined.unprocessed_accounts())
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(left, ["500000000003", "500000000009", me]);
    for inviter in ["500000000001", "500000000002", "500000000004"] {
        assert_eq!(table.status(me, inviter).await.as_deref(), Some("Declined"));
    }
    assert_eq!(
        table.status(me, "500000000003").await.as_deref(),
        Some("Enabled")
    );

    // Invited -> Declined first, so the delete sees every state but Invited;
    // a fresh Invited and Removed show the "not declined yet" row.
    table.put(me, "500000000005", "Invited").await;
    table.put(me, "500000000006", "Removed").await;
    let deleted = client
        .delete_invitations()
        .account_ids("500000000001")
        .account_ids("500000000003")
        .account_ids("500000000005")
        .account_ids("500000000006")
        .account_ids("500000000009")
        .send()
        .await
        .expect("DeleteInvitations succeeds");
    let results = pairs(deleted.unprocessed_accounts());
    let ids: Vec<&str> = results.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "500000000003",
            "500000000005",
            "500000000006",
            "500000000009"
        ]
    );
    assert!(
        results[1]
            .1
            .contains("not been declined yet (status Invited)"),
        "{results:?}"
    );
    assert!(
        results[2]
            .1
            .contains("not been declined yet (status Removed)"),
        "{results:?}"
    );
    assert_eq!(results[3].1, "There is no invitation from this account.");
    assert_eq!(table.status(me, "500000000001").await, None);
    assert_eq!(
        table.status(me, "500000000003").await.as_deref(),
        Some("Enabled")
    );
    assert_eq!(
        table.status(me, "500000000005").await.as_deref(),
        Some("Invited")
    );
}

#[tokio::test]
async fn sdk_sees_every_validation_error_as_a_modeled_bad_request() {
    let watch = Watch::shared();
    let client = guardduty(watch, "400000000002");
    let fifty_one: Vec<String> = (0..51).map(|i| format!("5000000001{i:02}")).collect();
    let cases: [(Vec<String>, &str); 5] = [
        (vec![], "accountIds: must hold 1 to 50 account IDs, not 0"),
        (
            fifty_one,
            "accountIds: must hold 1 to 50 account IDs, not 51",
        ),
        (
            vec!["50000000001".into()],
            "accountIds[0]: account ID must be exactly 12 characters, not 11",
        ),
        (
            vec!["500000000001".into(), "5000000000012".into()],
            "accountIds[1]: account ID must be exactly 12 characters, not 13",
        ),
        (
            vec!["50000000000x".into()],
            "accountIds[0]: account ID must be exactly 12 digits (0-9)",
        ),
    ];
    for (ids, message) in cases {
        let error = client
            .decline_invitations()
            .set_account_ids(Some(ids.clone()))
            .send()
            .await
            .expect_err("rejected");
        match error.into_service_error() {
            DeclineInvitationsError::BadRequestException(e) => {
                assert_eq!(e.r#type(), Some("InvalidInputException"));
                assert_eq!(e.message(), Some(message));
            }
            other => panic!("{ids:?}: {other:?}"),
        }
        let error = client
            .delete_invitations()
            .set_account_ids(Some(ids.clone()))
            .send()
            .await
            .expect_err("rejected");
        match error.into_service_error() {
            DeleteInvitationsError::BadRequestException(e) => {
                assert_eq!(e.r#type(), Some("InvalidInputException"));
                assert_eq!(e.message(), Some(message));
            }
            other => panic!("{ids:?}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn two_access_keys_are_two_invitees() {
    let watch = Watch::shared();
    let table = watch.table().await;
    let (alice, bob) = ("400000000003", "400000000004");
    table.put(alice, "500000000001", "Invited").await;
    table.put(bob, "500000000001", "Declined").await;

    // Bob cannot see Alice's invitation, nor delete his through her.
    let bob_declines = guardduty(watch, bob)
        .decline_invitations()
        .account_ids("500000000001")
        .send()
        .await
        .unwrap();
    assert!(
        bob_declines.unprocessed_accounts().is_empty(),
        "Bob's own is already declined"
    );
    assert_eq!(
        table.status(alice, "500000000001").await.as_deref(),
        Some("Invited")
    );
    let alice_deletes = guardduty(watch, alice)
        .delete_invitations()
        .account_ids("500000000001")
        .send()
        .await
        .unwrap();
    assert!(
        pairs(alice_deletes.unprocessed_accounts())[0]
            .1
            .contains("not been declined yet")
    );
    assert_eq!(
        table.status(bob, "500000000001").await.as_deref(),
        Some("Declined")
    );

    guardduty(watch, bob)
        .delete_invitations()
        .account_ids("500000000001")
        .send()
        .await
        .unwrap();
    assert_eq!(table.status(bob, "500000000001").await, None);
    assert_eq!(
        table.status(alice, "500000000001").await.as_deref(),
        Some("Invited")
    );
}

#[tokio::test]
async fn a_store_failure_is_the_modeled_internal_server_error() {
    let watch = Watch::start("NoSuchTable");
    let error = guardduty(&watch, "400000000005")
        .decline_invitations()
        .account_ids("500000000001")
        .send()
        .await
        .expect_err("the table is missing");
    match error.into_service_error() {
        DeclineInvitationsError::InternalServerErrorException(e) => {
            assert_eq!(e.r#type(), Some("InternalException"));
            assert_eq!(e.message(), Some("Internal server error."));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn plain_http_for_what_sdks_never_send() {
    let watch = Watch::shared();
    let table = watch.table().await;
    let me = "400000000006";
    table.put(me, "500000000001", "Invited").await;
    let signed = format!(
        "AWS4-HMAC-SHA256 Credential={me}/20261122/us-east-1/guardduty/aws4_request, SignedHeaders=host, Signature=00"
    );
    let auth = [("Authorization", signed.as_str())];

    let ok = watch.raw(
        "POST",
        "/invitation/decline",
        &auth,
        r#"{"accountIds":[{"accountId":"500000000001"}]}"#,
    );
    assert_eq!(
        (ok.status, ok.json()),
        (200, json!({"unprocessedAccounts": []}))
    );
    assert_eq!(ok.header("content-type"), Some("application/json"));
    assert!(
        ok.header("x-amzn-RequestId")
            .is_some_and(|id| id.len() >= 16),
        "{:?}",
        ok.headers
    );
    assert_eq!(
        table.status(me, "500000000001").await.as_deref(),
        Some("Declined")
    );

    for (body, message) in [
        (
            "accountIds=500000000001",
            "body: must be a JSON object with an accountIds member",
        ),
        (
            "{\"accountIds\": [",
            "body: is not valid JSON (EOF while parsing a list at line 1 column 16)",
        ),
        ("{}", "accountIds: required parameter is not specified"),
        ("", "accountIds: required parameter is not specified"),
    ] {
        let response = watch.raw("POST", "/invitation/delete", &auth, body);
        assert_eq!(response.status, 400, "{body}");
        assert_eq!(
            response.header("x-amzn-ErrorType"),
            Some("BadRequestException")
        );
        assert_eq!(response.header("content-type"), Some("application/json"));
        assert!(response.header("x-amzn-RequestId").is_some());
        assert_eq!(
            response.json(),
            json!({"message": message, "__type": "InvalidInputException", "type": "InvalidInputException"})
        );
    }
    let not_found = watch.raw("POST", "/invitation/accept", &auth, "{}");
    assert_eq!(
        (not_found.status, &not_found.json()["__type"]),
        (404, &json!("NotFound"))
    );
    let not_allowed = watch.raw("GET", "/invitation/decline", &auth, "");
    assert_eq!(
        (not_allowed.status, &not_allowed.json()["type"]),
        (405, &json!("MethodNotAllowed"))
    );
    assert_eq!(not_allowed.header("allow"), Some("POST"));
    assert_eq!(
        table.status(me, "500000000001").await.as_deref(),
        Some("Declined")
    );
}

#[tokio::test]
async fn no_credentials_and_no_fallback_is_403() {
    let watch = Watch::shared();
    let response = watch.raw(
        "POST",
        "/invitation/decline",
        &[],
        r#"{"accountIds":["500000000001"]}"#,
    );
    assert_eq!(response.status, 403);
    assert_eq!(
        response.header("x-amzn-ErrorType"),
        Some("AccessDeniedException")
    );
    assert_eq!(response.json()["__type"], "AccessDeniedException");
    let unsigned_key = watch.raw(
        "POST",
        "/invitation/decline",
        &[("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261122/us-east-1/guardduty/aws4_request")],
        r#"{"accountIds":["500000000001"]}"#,
    );
    assert_eq!(
        unsigned_key.status, 403,
        "an access key that is no account ID is no identity"
    );
}

/// Logs carry the caller and counts, never credentials or bodies.
#[tokio::test]
async fn logs_hold_no_credentials_and_no_bodies() {
    let watch = Watch::shared();
    let me = "400000000007";
    guardduty(watch, me)
        .decline_invitations()
        .account_ids("500000000077")
        .send()
        .await
        .unwrap();
    let log = watch.process.output();
    assert!(
        log.contains(&format!("\"caller\":\"{me}\"")),
        "the request was logged"
    );
    for secret in [
        "AWS4-HMAC-SHA256",
        "Credential=",
        "Signature=",
        "authorization",
        "500000000077",
    ] {
        assert!(!log.contains(secret), "the log holds {secret:?}");
    }
}

/// Every sample in events/ through `cargo lambda invoke` against the watch.
#[tokio::test]
async fn every_sample_event_replays_through_cargo_lambda_invoke() {
    let watch = Watch::shared();
    let table = watch.table().await;
    crate::support::events::prepare_samples(&table).await;
    let mut names: Vec<String> = std::fs::read_dir(crate::support::repo_root().join("events"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    for name in names {
        crate::support::events::prepare_for(&table, &name).await;
        let output = std::process::Command::new("cargo")
            .args([
                "lambda",
                "invoke",
                "--invoke-address",
                "127.0.0.1",
                "--invoke-port",
            ])
            .arg(watch.port.to_string())
            .args(["--output-format", "json", "--data-file"])
            .arg(format!("events/{name}"))
            .env("PATH", crate::support::path_with_tools())
            .current_dir(crate::support::repo_root())
            .output()
            .expect("cargo lambda invoke runs");
        assert!(
            output.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let response: serde_json::Value =
            serde_json::from_slice(&output.stdout).expect("JSON output");
        assert_eq!(
            response["statusCode"],
            crate::support::events::expected_status(&name),
            "{name}: {response}"
        );
    }
}
