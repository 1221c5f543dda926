//! Detectors as resources through the handler, over DynamoDB Local: none
//! until CreateDetector, one per account, every field echoed, updated,
//! deleted, re-created with a new ID; the "not owned" 400 for any other
//! ID; bad settings named. With members and races: `detectors_members`.

use guardduty_invitations::api::App;
use guardduty_invitations::api::identity::AuthMode;
use serde_json::{Value, json};

use crate::support::TestTable;
use crate::support::calls;
use crate::support::events::{BOTH, Gateway, body_json};

pub const NOT_OWNED: &str =
    "The request is rejected because the input detectorId is not owned by the current account.";

pub async fn create(app: &App, gateway: Gateway, caller: &str, body: Value) -> (u16, Value) {
    let response = calls::send(
        app,
        gateway,
        "POST",
        "/detector",
        Some(caller),
        &body.to_string(),
    )
    .await;
    (response.status().as_u16(), body_json(&response))
}

pub async fn on(
    app: &App,
    gateway: Gateway,
    method: &str,
    caller: &str,
    id: &str,
    body: Value,
) -> (u16, Value) {
    let path = format!("/detector/{id}");
    let response = calls::send(app, gateway, method, &path, Some(caller), &body.to_string()).await;
    (response.status().as_u16(), body_json(&response))
}

pub async fn listed(app: &App, gateway: Gateway, caller: &str) -> Value {
    body_json(&calls::list_detectors(app, gateway, caller, "").await)["detectorIds"].clone()
}

#[tokio::test]
async fn a_detector_is_created_read_updated_deleted_and_created_anew() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    for (i, gateway) in BOTH.into_iter().enumerate() {
        let me = format!("10000000070{i}");
        assert_eq!(
            listed(&app, gateway, &me).await,
            json!([]),
            "none before CreateDetector"
        );
        let (status, created) = create(
            &app,
            gateway,
            &me,
            json!({"enable": true, "clientToken": "first"}),
        )
        .await;
        assert_eq!(status, 200, "{created}");
        let id = created["detectorId"].as_str().unwrap().to_owned();
        assert!(
            id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()),
            "{id}"
        );
        assert_eq!(listed(&app, gateway, &me).await, json!([id]));

        let (status, shown) = on(&app, gateway, "GET", &me, &id, json!(null)).await;
        assert_eq!(status, 200);
        assert_eq!(shown["status"], "ENABLED");
        assert_eq!(shown["findingPublishingFrequency"], "SIX_HOURS");
        assert_eq!(
            shown["serviceRole"],
            format!(
                "arn:aws:iam::{me}:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty"
            )
        );
        for source in ["cloudTrail", "dnsLogs", "flowLogs", "s3Logs"] {
            assert_eq!(
                shown["dataSources"][source]["status"], "ENABLED",
                "{source}"
            );
        }
        assert_eq!(
            shown["dataSources"]["kubernetes"]["auditLogs"]["status"],
            "ENABLED"
        );
        assert_eq!(shown["features"], json!([]));
        assert_eq!(shown.get("tags"), None);
        assert_eq!(shown["createdAt"], shown["updatedAt"]);

        // One per account; the same clientToken answers the same again.
        let (status, again) = create(
            &app,
            gateway,
            &me,
            json!({"enable": true, "clientToken": "first"}),
        )
        .await;
        assert_eq!(
            (status, again["detectorId"].as_str()),
            (200, Some(id.as_str()))
        );
        let (status, refused) = create(&app, gateway, &me, json!({"enable": false})).await;
        assert_eq!(status, 400);
        assert_eq!(
            refused["message"],
            "The request is rejected because a detector already exists for the current account."
        );

        let update = json!({
            "enable": false,
            "findingPublishingFrequency": "FIFTEEN_MINUTES",
            "dataSources": {"s3Logs": {"enable": false}},
            "features": [{"name": "RUNTIME_MONITORING", "status": "ENABLED",
                "additionalConfiguration": [{"name": "EKS_ADDON_MANAGEMENT", "status": "ENABLED"}]}],
        });
        assert_eq!(
            on(&app, gateway, "POST", &me, &id, update).await,
            (200, json!({}))
        );
        let second = json!({"features": [{"name": "S3_DATA_EVENTS", "status": "DISABLED"}]});
        assert_eq!(
            on(&app, gateway, "POST", &me, &id, second).await,
            (200, json!({}))
        );
        let (_, shown) = on(&app, gateway, "GET", &me, &id, json!(null)).await;
        assert_eq!(shown["status"], "DISABLED");
        assert_eq!(shown["findingPublishingFrequency"], "FIFTEEN_MINUTES");
        assert_eq!(shown["dataSources"]["s3Logs"]["status"], "DISABLED");
        assert_eq!(
            shown["dataSources"]["kubernetes"]["auditLogs"]["status"], "ENABLED",
            "left as it was"
        );
        let features: Vec<(String, String)> = shown["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["name"].as_str().unwrap().to_owned(),
                    f["status"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        assert_eq!(
            features,
            [
                ("RUNTIME_MONITORING".into(), "ENABLED".into()),
                ("S3_DATA_EVENTS".into(), "DISABLED".into())
            ],
            "features merge by name"
        );
        assert!(
            shown["features"][0]["updatedAt"].is_f64(),
            "epoch seconds, as the model says"
        );
        assert_eq!(
            shown["features"][0]["additionalConfiguration"][0]["name"],
            "EKS_ADDON_MANAGEMENT"
        );
        assert_ne!(shown["createdAt"], shown["updatedAt"]);

        assert_eq!(
            on(&app, gateway, "DELETE", &me, &id, json!(null)).await,
            (200, json!({}))
        );
        assert_eq!(
            listed(&app, gateway, &me).await,
            json!([]),
            "none after DeleteDetector"
        );
        for method in ["GET", "POST", "DELETE"] {
            let (status, body) = on(&app, gateway, method, &me, &id, json!({})).await;
            assert_eq!(
                (status, body["message"].as_str()),
                (400, Some(NOT_OWNED)),
                "{method} after delete"
            );
        }
        let (_, created) = create(
            &app,
            gateway,
            &me,
            json!({"enable": true, "clientToken": "first"}),
        )
        .await;
        assert_ne!(
            created["detectorId"],
            json!(id),
            "a re-created detector gets a new ID"
        );
    }
}

#[tokio::test]
async fn every_setting_given_is_echoed() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    let me = "100000000710";
    let body = json!({
        "enable": false,
        "findingPublishingFrequency": "ONE_HOUR",
        "dataSources": {
            "s3Logs": {"enable": false},
            "kubernetes": {"auditLogs": {"enable": false}},
            "malwareProtection": {"scanEc2InstanceWithFindings": {"ebsVolumes": false}},
        },
        "features": [{"name": "EKS_RUNTIME_MONITORING", "status": "DISABLED"}],
        "tags": {"team": "security", "cost-center": "42", "empty": ""},
    });
    let (status, created) = create(&app, Gateway::HttpV2, me, body).await;
    assert_eq!(status, 200, "{created}");
    let id = created["detectorId"].as_str().unwrap();
    let (_, shown) = on(&app, Gateway::RestV1, "GET", me, id, json!(null)).await;
    assert_eq!(shown["status"], "DISABLED");
    assert_eq!(shown["findingPublishingFrequency"], "ONE_HOUR");
    assert_eq!(shown["dataSources"]["s3Logs"]["status"], "DISABLED");
    assert_eq!(
        shown["dataSources"]["kubernetes"]["auditLogs"]["status"],
        "DISABLED"
    );
    assert_eq!(
        shown["dataSources"]["malwareProtection"]["scanEc2InstanceWithFindings"]["ebsVolumes"]["status"],
        "DISABLED"
    );
    assert_eq!(shown["features"][0]["name"], "EKS_RUNTIME_MONITORING");
    assert_eq!(shown["features"][0]["status"], "DISABLED");
    assert_eq!(
        shown["tags"],
        json!({"team": "security", "cost-center": "42", "empty": ""})
    );
}

#[tokio::test]
async fn bad_settings_are_a_400_naming_the_field_and_write_nothing() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    let me = "100000000720";
    let id = table.detector(me).await;
    let before = table.snapshot().await;
    let tags: serde_json::Map<String, Value> =
        (0..201).map(|i| (format!("k{i}"), json!("v"))).collect();
    let create_cases = [
        (json!({}), "enable: required parameter is not specified"),
        (
            json!({"enable": "true"}),
            "enable: must be a boolean, not a string",
        ),
        (
            json!({"enable": true, "findingPublishingFrequency": "DAILY"}),
            "findingPublishingFrequency: must be one of FIFTEEN_MINUTES, ONE_HOUR, SIX_HOURS, not \"DAILY\"",
        ),
        (
            json!({"enable": true, "tags": tags}),
            "tags: must hold 1 to 200 tags, not 201",
        ),
        (
            json!({"enable": true, "tags": {"aws:owner": "x"}}),
            "tags: key \"aws:owner\" must not begin with aws:, which AWS keeps for itself",
        ),
        (
            json!({"enable": true, "clientToken": "t".repeat(65)}),
            "clientToken: must be at most 64 characters",
        ),
    ];
    let update_cases = [
        (
            json!({"enable": 1}),
            "enable: must be a boolean, not a number",
        ),
        (
            json!({"findingPublishingFrequency": "NEVER"}),
            "findingPublishingFrequency: must be one of FIFTEEN_MINUTES, ONE_HOUR, SIX_HOURS, not \"NEVER\"",
        ),
        (
            json!({"dataSources": {"s3Logs": {"enable": "no"}}}),
            "dataSources.s3Logs.enable: must be a boolean, not a string",
        ),
        (
            json!({"features": [{"name": "S3_DATA_EVENTS", "status": "ON"}]}),
            "features[0].status: must be one of ENABLED, DISABLED, not \"ON\"",
        ),
    ];
    for gateway in BOTH {
        for (body, message) in &create_cases {
            let (status, answer) = create(&app, gateway, "100000000721", body.clone()).await;
            assert_eq!(
                (status, answer["message"].as_str()),
                (400, Some(*message)),
                "{body}"
            );
        }
        for (body, message) in &update_cases {
            let (status, answer) = on(&app, gateway, "POST", me, &id, body.clone()).await;
            assert_eq!(
                (status, answer["message"].as_str()),
                (400, Some(*message)),
                "{body}"
            );
        }
        let (status, answer) = on(&app, gateway, "GET", me, &"d".repeat(301), json!(null)).await;
        assert_eq!(
            (status, answer["message"].as_str()),
            (
                400,
                Some("detectorId: must be 1 to 300 characters, not 301")
            )
        );
    }
    assert_eq!(table.snapshot().await, before, "nothing was written");
}
