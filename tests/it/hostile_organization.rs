//! Hostile bodies for the organization path's routes, as property tests
//! through the whole request path, with an organization mirrored and its
//! administrator designated: never a 5xx; a 200 (or 204) that keeps the
//! invariants; a 400 that names the bad parameter and sends DynamoDB
//! nothing, or the organization's own refusal.

use guardduty_invitations::api::identity::AuthMode;
use lambda_http::{Body, Response};
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::support::TestTable;
use crate::support::calls::{detector, send};
use crate::support::events::{Gateway, body_json, header};
use crate::support::invariants::broken_invariants;
use crate::support::org::{ADMIN, MANAGEMENT, active, enable, snapshot, sync};

const MEMBER: &str = "500000000301";

/// The routes under test: (method, path, caller).
fn routes() -> Vec<(&'static str, String, &'static str)> {
    let d = detector(ADMIN);
    let arn = format!("arn:aws:guardduty:us-east-1:{ADMIN}:detector/{d}");
    vec![
        ("POST", "/admin/enable".into(), MANAGEMENT),
        ("POST", "/admin/disable".into(), MANAGEMENT),
        ("POST", format!("/detector/{d}/admin"), ADMIN),
        ("POST", format!("/detector/{d}/member/detector/get"), ADMIN),
        (
            "POST",
            format!("/detector/{d}/member/detector/update"),
            ADMIN,
        ),
        ("POST", format!("/tags/{arn}"), ADMIN),
    ]
}

async fn check(table: &TestTable, response: &Response<Body>) -> Result<(), TestCaseError> {
    let status = response.status().as_u16();
    let requests = table.counter.take();
    prop_assert!([200, 204, 400].contains(&status), "status {status}");
    if status == 400 {
        let body = body_json(response);
        prop_assert_eq!(
            header(response, "x-amzn-ErrorType"),
            Some("BadRequestException")
        );
        let message = body["message"].as_str().unwrap_or_default();
        if !message.starts_with("The request") {
            // An input error: `param: why`, and nothing sent to DynamoDB.
            prop_assert!(message.contains(": "), "{}", message);
            prop_assert!(requests.is_empty(), "{message}: {requests:?}");
        }
    } else {
        let broken = broken_invariants(&table.snapshot().await);
        prop_assert!(broken.is_empty(), "{:?}", broken);
    }
    Ok(())
}

fn anything() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        "[0-9]{11,13}".prop_map(Value::from),
        "(NEW|ALL|NONE|ENABLED|DISABLED|S3_DATA_EVENTS|RUNTIME_MONITORING|EKS_RUNTIME_MONITORING|EKS_ADDON_MANAGEMENT)".prop_map(Value::from),
        any::<String>().prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::from),
            prop::collection::hash_map(
                "adminAccountId|autoEnable|autoEnableOrganizationMembers|dataSources|s3Logs|kubernetes|auditLogs|features|name|status|additionalConfiguration|accountIds|tags|[a-z]{1,5}",
                inner,
                0..4
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// UpdateOrganizationConfiguration bodies that are nearly right.
fn near_valid_config() -> impl Strategy<Value = String> {
    let auto = prop_oneof![
        4 => "(NEW|ALL|NONE)".prop_map(Value::from),
        1 => anything(),
    ];
    let feature = (
        "(S3_DATA_EVENTS|EKS_RUNTIME_MONITORING|RUNTIME_MONITORING|AI_PROTECTION|BOGUS)",
        auto.clone(),
        prop::collection::vec(
            (
                "(EKS_ADDON_MANAGEMENT|EC2_AGENT_MANAGEMENT|X)",
                auto.clone(),
            ),
            0..3,
        ),
    )
        .prop_map(|(name, auto, additional)| {
            let additional: Vec<Value> = additional
                .into_iter()
                .map(|(name, auto)| json!({"name": name, "autoEnable": auto}))
                .collect();
            json!({"name": name, "autoEnable": auto, "additionalConfiguration": additional})
        });
    (
        prop::option::of(auto),
        prop::option::of(any::<bool>()),
        prop::collection::vec(feature, 0..4),
        prop::option::of(any::<bool>()),
    )
        .prop_map(|(members, flag, features, s3)| {
            let mut body = json!({"features": features});
            if let Some(members) = members {
                body["autoEnableOrganizationMembers"] = members;
            }
            if let Some(flag) = flag {
                body["autoEnable"] = json!(flag);
            }
            if let Some(s3) = s3 {
                body["dataSources"] = json!({"s3Logs": {"autoEnable": s3}});
            }
            body.to_string()
        })
}

/// A fresh organization with `ADMIN` designated and `MEMBER` enrolled,
/// then `body` to `method path` as `caller`.
fn run(method: &str, path: &str, caller: &str, body: &str) -> Result<(), TestCaseError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let table = TestTable::new().await;
        sync(&table, &snapshot(&[active(MEMBER)])).await;
        table.detector(ADMIN).await;
        let app = table.app(AuthMode::Iam).await;
        enable(&app, Gateway::RestV1, MANAGEMENT, ADMIN).await;
        let details = [(MEMBER, "m@example.com")];
        crate::support::calls::create_members(&app, Gateway::RestV1, ADMIN, &details).await;
        table.counter.take();
        let response = send(&app, Gateway::HttpV2, method, path, Some(caller), body).await;
        check(&table, &response).await
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn near_valid_configurations_are_answered_or_rejected_cleanly(body in near_valid_config()) {
        let path = format!("/detector/{}/admin", detector(ADMIN));
        run("POST", &path, ADMIN, &body)?;
    }

    #[test]
    fn arbitrary_json_at_any_organization_route_never_breaks_it(value in anything(), route in 0..6usize) {
        let (method, path, caller) = routes().swap_remove(route);
        run(method, &path, caller, &value.to_string())?;
    }

    #[test]
    fn arbitrary_tag_keys_are_answered_or_rejected_cleanly(keys in prop::collection::vec("[ -~]{0,10}", 0..4)) {
        let d = detector(ADMIN);
        let query: Vec<String> = keys
            .iter()
            .map(|k| format!("tagKeys={}", crate::support::events::encode_query_value(k.as_bytes())))
            .collect();
        let path = format!("/tags/arn:aws:guardduty:us-east-1:{ADMIN}:detector/{d}?{}", query.join("&"));
        run("DELETE", &path, ADMIN, "")?;
    }
}
