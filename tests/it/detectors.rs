//! Detectors as resources through the handler, over DynamoDB Local: none
//! until CreateDetector, one per account, every field echoed, updated,
//! deleted (not while it has members), re-created with a new ID; the "not
//! owned" 400 for any other ID; bad settings named; races.

use std::sync::Arc;

use guardduty_invitations::api::App;
use guardduty_invitations::api::identity::AuthMode;
use serde_json::{Value, json};

use crate::members::{State, set_up};
use crate::support::TestTable;
use crate::support::calls::{self, Members, Name};
use crate::support::events::{BOTH, Gateway, body_json};
use crate::support::invariants::assert_invariants;

const NOT_OWNED: &str =
    "The request is rejected because the input detectorId is not owned by the current account.";

async fn create(app: &App, gateway: Gateway, caller: &str, body: Value) -> (u16, Value) {
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

async fn on(
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

async fn listed(app: &App, gateway: Gateway, caller: &str) -> Value {
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

#[tokio::test]
async fn a_detector_with_members_or_of_a_member_is_not_deleted() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    for (i, state) in [
        State::Created,
        State::Invited,
        State::Enabled,
        State::Disabled,
    ]
    .into_iter()
    .enumerate()
    {
        let (admin, member) = (format!("10000000077{i}"), format!("10000000078{i}"));
        set_up(&table, &admin, &member, state).await;
        let id = table.detector(&admin).await;
        let (status, body) = on(&app, Gateway::HttpV2, "DELETE", &admin, &id, json!(null)).await;
        assert_eq!(status, 400, "{state:?}");
        assert_eq!(
            body["message"],
            "The request is rejected because the current account cannot delete detector while it has invited or associated members.",
            "{state:?}"
        );
        if state == State::Enabled {
            // The associated member cannot delete its own either.
            let mine = table.detector(&member).await;
            let (status, body) =
                on(&app, Gateway::RestV1, "DELETE", &member, &mine, json!(null)).await;
            assert_eq!(status, 400);
            assert!(
                body["message"]
                    .as_str()
                    .unwrap()
                    .contains("while it is an associated member")
            );
        }
    }
    // Removed and resigned members hold no detector back.
    for (i, state) in [State::Removed, State::Resigned].into_iter().enumerate() {
        let (admin, member) = (format!("10000000079{i}"), format!("10000000080{i}"));
        set_up(&table, &admin, &member, state).await;
        let id = table.detector(&admin).await;
        assert_eq!(
            on(&app, Gateway::HttpV2, "DELETE", &admin, &id, json!(null)).await,
            (200, json!({}))
        );
    }
    assert_invariants(&table).await;
}

/// Accepting needs the member's detector; invitations reach an account
/// without one, which lists, counts, declines and deletes them.
#[tokio::test]
async fn invitations_reach_an_account_without_a_detector_but_accepting_needs_one() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    let (admin, member) = ("100000000731", "100000000732");
    table.detector(admin).await;
    let response =
        calls::create_members(&app, Gateway::RestV1, admin, &[(member, "m@example.com")]).await;
    assert_eq!(calls::unprocessed(&response), []);
    let response = calls::members(&app, Gateway::HttpV2, Members::Invite, admin, &[member]).await;
    assert_eq!(calls::unprocessed(&response), []);
    let listed = body_json(&calls::list_invitations(&app, Gateway::HttpV2, member, "").await);
    let id = listed["invitations"][0]["invitationId"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        body_json(&calls::invitations_count(&app, Gateway::RestV1, member).await)["invitationsCount"],
        1
    );
    let refused = calls::accept(
        &app,
        Gateway::RestV1,
        Name::Administrator,
        member,
        admin,
        &id,
    )
    .await;
    assert_eq!(
        (
            refused.status().as_u16(),
            body_json(&refused)["message"].clone()
        ),
        (400, json!(NOT_OWNED))
    );
    let (_, created) = create(&app, Gateway::HttpV2, member, json!({"enable": true})).await;
    let detector = created["detectorId"].as_str().unwrap();
    let body = json!({"administratorId": admin, "invitationId": id}).to_string();
    let accepted = calls::accept_body(
        &app,
        Gateway::HttpV2,
        Name::Administrator,
        member,
        detector,
        &body,
    )
    .await;
    assert_eq!(accepted.status(), 200);
    let got =
        body_json(&calls::members(&app, Gateway::RestV1, Members::Get, admin, &[member]).await);
    assert_eq!(
        got["members"][0]["detectorId"], detector,
        "the administrator sees the member's detector"
    );
    assert_invariants(&table).await;
}

/// Two CreateDetector calls at once make one detector; DeleteDetector
/// racing InviteMembers never leaves an invited member without a detector.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn races_leave_one_detector_and_never_an_invited_member_without_one() {
    let table = Arc::new(TestTable::new().await);
    let apps: Vec<Arc<App>> = futures_of(4, &table).await;
    for round in 0..6 {
        let me = format!("10000000075{round}");
        let mut creates = tokio::task::JoinSet::new();
        for app in &apps {
            let (app, me) = (app.clone(), me.clone());
            creates.spawn(async move {
                create(&app, Gateway::HttpV2, &me, json!({"enable": true})).await
            });
        }
        let mut made = Vec::new();
        while let Some(done) = creates.join_next().await {
            let (status, body) = done.unwrap();
            match status {
                200 => made.push(body["detectorId"].clone()),
                _ => assert!(
                    body["message"].as_str().unwrap().contains("already exists"),
                    "{body}"
                ),
            }
        }
        assert_eq!(made.len(), 1, "round {round}: {made:?}");
        assert_eq!(listed(&apps[0], Gateway::RestV1, &me).await, json!(made));

        // A member created, then removed (so no active member holds the
        // detector), then invited again while the detector is deleted.
        let member = format!("10000000076{round}");
        let id = made[0].as_str().unwrap().to_owned();
        for operation in [Members::Invite, Members::Disassociate] {
            if operation == Members::Invite {
                let created = calls::members_body(
                    &apps[1],
                    Gateway::RestV1,
                    &me,
                    &id,
                    "",
                    &json!({"accountDetails": [{"accountId": member, "email": "m@example.com"}]})
                        .to_string(),
                )
                .await;
                assert_eq!(calls::unprocessed(&created), []);
            }
            let body = calls::ids_body(&[&member]);
            let response = calls::members_body(
                &apps[1],
                Gateway::RestV1,
                &me,
                &id,
                operation.suffix(),
                &body,
            )
            .await;
            assert_eq!(calls::unprocessed(&response), [], "{operation:?}");
        }
        let body = calls::ids_body(&[&member]);
        let (invited, deleted) = tokio::join!(
            calls::members_body(&apps[2], Gateway::HttpV2, &me, &id, "/invite", &body),
            on(&apps[3], Gateway::HttpV2, "DELETE", &me, &id, json!(null)),
        );
        let invited = body_json(&invited);
        match deleted.0 {
            200 => assert_ne!(
                invited["unprocessedAccounts"],
                json!([]),
                "invited after the delete: {invited}"
            ),
            _ => assert_eq!(invited["unprocessedAccounts"], json!([]), "{deleted:?}"),
        }
        assert_invariants(&table).await;
    }
}

async fn futures_of(n: usize, table: &TestTable) -> Vec<Arc<App>> {
    let mut apps = Vec::new();
    for _ in 0..n {
        apps.push(Arc::new(table.app(AuthMode::Iam).await));
    }
    apps
}
