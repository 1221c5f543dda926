//! The HTTP edge through the handler: routing, the stage, headers, caller
//! identity, a failing store, and every sample in events/.

use guardduty_invitations::api::App;
use guardduty_invitations::api::identity::AuthMode;
use guardduty_invitations::domain::Reason;
use serde_json::{Value, json};

use crate::batch::writes_only;
use crate::support::TestTable;
use crate::support::calls::{self, DECLINE, DELETE, ids_body, unprocessed};
use crate::support::events::{self, BOTH, Gateway, body_json, header};

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
            ("POST", "/invitation", 405, "MethodNotAllowed"),
            ("POST", "/", 404, "NotFound"),
            ("GET", DECLINE, 405, "MethodNotAllowed"),
            ("PUT", DELETE, 405, "MethodNotAllowed"),
        ] {
            let event = events::event(gateway, method, path, Some(caller), &body);
            let response = app.handle(events::request(&event)).await;
            assert_eq!(response.status(), status, "{method} {path}");
            let allow = match (status, path) {
                (405, "/invitation") => Some("GET"),
                (405, _) => Some("POST"),
                _ => None,
            };
            assert_eq!(header(&response, "allow"), allow, "{method} {path}");
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
            scope_check: false,
            fallback: Some(crate::support::account(other)),
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
        scope_check: false,
        fallback: fallback.map(crate::support::account),
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
        let response = calls::batch(
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
    let response = calls::batch(
        &app,
        Gateway::RestV1,
        DECLINE,
        Some("100000000016"),
        &ids_body(&["100000000016"]),
    )
    .await;
    assert_eq!(
        unprocessed(&response),
        [("100000000016".into(), Reason::OwnAccount.message())]
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
    events::prepare_samples(&table).await;
    let app = table.app(AuthMode::Iam).await;
    let mut names: Vec<String> = std::fs::read_dir(crate::support::repo_root().join("events"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".json"))
        .collect();
    names.sort();
    assert!(names.len() >= 42, "{names:?}");
    for name in names {
        events::prepare_for(&table, &name).await;
        let response = app.handle(events::request(&events::sample(&name))).await;
        assert_eq!(
            response.status(),
            events::expected_status(&name),
            "{name}: {:?}",
            body_json(&response)
        );
    }
}

/// LOCAL_SCOPE_CHECK=execute-api: API Gateway's answer to a signature
/// scoped to another service, so client setups can be proved locally.
#[tokio::test]
async fn the_local_scope_check_refuses_signatures_not_for_execute_api() {
    let table = TestTable::new().await;
    let caller = "100000000018";
    table.put(caller, "200000000001", "Invited").await;
    let app = table
        .app(AuthMode::LocalAccessKey {
            fallback: Some(crate::support::account(caller)),
            scope_check: true,
        })
        .await;
    let signed = |service: &str| {
        format!(
            "AWS4-HMAC-SHA256 Credential={caller}/20261122/us-east-1/{service}/aws4_request, SignedHeaders=host, Signature=00"
        )
    };
    let before = table.snapshot().await;
    for authorization in [
        Some(signed("guardduty")),
        Some(signed("execute-apix")),
        None,
    ] {
        let mut event = events::http_v2("POST", DECLINE, None, &ids_body(&["200000000001"]));
        if let Some(value) = &authorization {
            event["headers"]["authorization"] = json!(value);
        }
        let response = app.handle(events::request(&event)).await;
        assert_eq!(response.status(), 403, "{authorization:?}");
        assert_eq!(
            header(&response, "x-amzn-ErrorType"),
            Some("AccessDeniedException")
        );
        let expected = if authorization.is_some() {
            "Credential should be scoped to correct service: 'execute-api'. "
        } else {
            "The request has no caller identity: sign it with AWS Signature Version 4 through an API that uses AWS_IAM authorization."
        };
        assert_eq!(body_json(&response)["message"], expected);
    }
    assert_eq!(table.snapshot().await, before);
    let mut event = events::http_v2("POST", DECLINE, None, &ids_body(&["200000000001"]));
    event["headers"]["authorization"] = json!(signed("execute-api"));
    assert_eq!(unprocessed(&app.handle(events::request(&event)).await), []);
    assert_eq!(
        table.status(caller, "200000000001").await.as_deref(),
        Some("Declined")
    );
}
