//! The members' detectors, the organization's statistics and the
//! detector's tags, through the handler over DynamoDB Local on both
//! gateways: GetMemberDetectors and UpdateMemberDetectors act on the
//! caller's associated members of either path; GetOrganizationStatistics
//! counts for the delegated administrator only; tags go on the caller's
//! own detector by its ARN, and nowhere else.

use guardduty_invitations::api::identity::AuthMode;
use serde_json::{Value, json};

use crate::detectors::{NOT_OWNED, on};
use crate::support::TestTable;
use crate::support::calls::{self, detector};
use crate::support::events::{BOTH, Gateway, body_json};
use crate::support::invariants::assert_invariants;
use crate::support::org::{
    ADMIN, MANAGEMENT, NOT_ORG_ADMIN, active, call, enable, refused, snapshot, sync,
};

const NOT_MEMBER: &str = "The request is rejected because the given account ID is not an associated member of account the current account.";

#[tokio::test]
async fn member_detectors_are_read_and_updated_for_associated_members_only() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    let (enrolled, invited, stranger) = ("500000000081", "600000000081", "600000000082");
    sync(&table, &snapshot(&[active(enrolled)])).await;
    table.detector(ADMIN).await;
    table.detector(enrolled).await;
    // `invited` is associated by invitation, before the designation.
    let store = table.store();
    guardduty_invitations::inviter::invite(
        &store,
        &crate::support::account(ADMIN),
        &crate::support::account(invited),
    )
    .await
    .unwrap();
    guardduty_invitations::inviter::accept(
        &store,
        &crate::support::account(invited),
        &crate::support::account(ADMIN),
    )
    .await
    .unwrap();
    enable(&app, Gateway::RestV1, MANAGEMENT, ADMIN).await;
    calls::create_members(&app, Gateway::RestV1, ADMIN, &[(enrolled, "e@example.com")]).await;
    let path = |what: &str| format!("/detector/{}/member/detector/{what}", detector(ADMIN));
    for gateway in BOTH {
        let update = json!({
            "accountIds": [enrolled, invited, stranger],
            "features": [{"name": "S3_DATA_EVENTS", "status": "DISABLED"}],
            "dataSources": {"kubernetes": {"auditLogs": {"enable": false}}},
        });
        let (status, body) = call(&app, gateway, "POST", &path("update"), ADMIN, update).await;
        assert_eq!(status, 200);
        assert_eq!(
            body,
            json!({"unprocessedAccounts": [{"accountId": stranger, "result": NOT_MEMBER}]})
        );
        let get = json!({"accountIds": [enrolled, stranger, invited]});
        let (status, body) = call(&app, gateway, "POST", &path("get"), ADMIN, get).await;
        assert_eq!(status, 200);
        let members = body["members"].as_array().unwrap();
        let ids: Vec<&str> = members
            .iter()
            .map(|m| m["accountId"].as_str().unwrap())
            .collect();
        assert_eq!(ids, [enrolled, invited]);
        for member in members {
            assert_eq!(
                member["dataSources"]["kubernetes"]["auditLogs"]["status"],
                "DISABLED"
            );
            assert_eq!(member["dataSources"]["s3Logs"]["status"], "ENABLED");
            assert_eq!(member["features"][0]["name"], "S3_DATA_EVENTS");
            assert_eq!(member["features"][0]["status"], "DISABLED");
        }
        assert_eq!(
            body["unprocessedAccounts"],
            json!([{"accountId": stranger, "result": NOT_MEMBER}])
        );
    }
    // The member sees the same on its own detector.
    let (status, own) = on(
        &app,
        Gateway::HttpV2,
        "GET",
        enrolled,
        &detector(enrolled),
        Value::Null,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(own["features"][0]["status"], "DISABLED");
    // Another detector ID is not the caller's.
    let other = "/detector/0123456789abcdef0123456789abcdef/member/detector/get";
    let body = json!({"accountIds": [enrolled]});
    assert_eq!(
        refused(call(&app, Gateway::RestV1, "POST", other, ADMIN, body).await),
        NOT_OWNED
    );
    assert_invariants(&table).await;
}

#[tokio::test]
async fn statistics_count_the_organization_for_its_administrator_only() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    let (a, b, c) = ("500000000091", "500000000092", "500000000093");
    let mut suspended = active(c);
    suspended.status = "SUSPENDED".into();
    sync(&table, &snapshot(&[active(a), active(b), suspended])).await;
    table.detector(ADMIN).await;
    enable(&app, Gateway::RestV1, MANAGEMENT, ADMIN).await;
    calls::create_members(
        &app,
        Gateway::RestV1,
        ADMIN,
        &[(a, "a@example.com"), (b, "b@example.com")],
    )
    .await;
    calls::members(&app, Gateway::RestV1, calls::Members::Stop, ADMIN, &[b]).await;
    let update =
        json!({"accountIds": [a], "features": [{"name": "RDS_LOGIN_EVENTS", "status": "ENABLED"}]});
    let path = format!("/detector/{}/member/detector/update", detector(ADMIN));
    let answer = call(&app, Gateway::RestV1, "POST", &path, ADMIN, update).await;
    assert_eq!(answer, (200, json!({"unprocessedAccounts": []})));
    for gateway in BOTH {
        let (status, body) = call(
            &app,
            gateway,
            "GET",
            "/organization/statistics",
            ADMIN,
            Value::Null,
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert!(body["organizationDetails"]["updatedAt"].is_u64());
        assert_eq!(
            body["organizationDetails"]["organizationStatistics"],
            json!({
                "totalAccountsCount": 5,
                "memberAccountsCount": 2,
                "activeAccountsCount": 2,
                "enabledAccountsCount": 1,
                "countByFeature": [
                    {"name": "RDS_LOGIN_EVENTS", "enabledAccountsCount": 1, "additionalConfiguration": []}
                ],
            })
        );
        let answer = call(
            &app,
            gateway,
            "GET",
            "/organization/statistics",
            MANAGEMENT,
            Value::Null,
        )
        .await;
        assert_eq!(refused(answer), NOT_ORG_ADMIN);
    }
}

#[tokio::test]
async fn tags_go_on_the_callers_own_detector_by_its_arn() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    let me = "100000000901";
    let id = table.detector(me).await;
    let arn = format!("arn:aws:guardduty:us-east-1:{me}:detector/{id}");
    // An SDK percent-encodes the ARN; API Gateway may hand it on decoded.
    let encoded = arn.replace(':', "%3A").replace('/', "%2F");
    for (gateway, given) in [(Gateway::RestV1, &arn), (Gateway::HttpV2, &encoded)] {
        let path = format!("/tags/{given}");
        let tags = json!({"tags": {"team": "security", "env": "prod"}});
        let response = calls::send(&app, gateway, "POST", &path, Some(me), &tags.to_string()).await;
        assert_eq!(response.status(), 204, "{:?}", body_json(&response));
        let more = json!({"tags": {"env": "dev", "owner": "alice"}});
        calls::send(&app, gateway, "POST", &path, Some(me), &more.to_string()).await;
        let (status, body) = call(&app, gateway, "GET", &path, me, Value::Null).await;
        assert_eq!(status, 200);
        assert_eq!(
            body,
            json!({"tags": {"env": "dev", "owner": "alice", "team": "security"}})
        );
        let untag = format!("{path}?tagKeys=env&tagKeys=team&tagKeys=absent");
        let response = calls::send(&app, gateway, "DELETE", &untag, Some(me), "").await;
        assert_eq!(response.status(), 204);
        let (_, body) = call(&app, gateway, "GET", &path, me, Value::Null).await;
        assert_eq!(body, json!({"tags": {"owner": "alice"}}));
        // GetDetector shows them too.
        let (_, detector) = on(&app, gateway, "GET", me, &id, Value::Null).await;
        assert_eq!(detector["tags"], json!({"owner": "alice"}));
        let response = calls::send(
            &app,
            gateway,
            "DELETE",
            &format!("{path}?tagKeys=owner"),
            Some(me),
            "",
        )
        .await;
        assert_eq!(response.status(), 204);
    }
    // Another account's detector, another ID, another resource, bad tags:
    // each a 400, nothing written.
    let before = table.snapshot().await;
    let other = table.detector("100000000902").await;
    let before_other = table.snapshot().await;
    let tags = json!({"tags": {"team": "x"}});
    for (path, message) in [
        (
            format!("/tags/arn:aws:guardduty:us-east-1:100000000902:detector/{other}"),
            NOT_OWNED.to_owned(),
        ),
        (
            format!(
                "/tags/arn:aws:guardduty:us-east-1:{me}:detector/0123456789abcdef0123456789abcdef"
            ),
            NOT_OWNED.to_owned(),
        ),
        (
            format!("/tags/arn:aws:guardduty:us-east-1:{me}:filter/x"),
            format!(
                "resourceArn: must be a detector ARN, arn:aws:guardduty:<region>:<account>:detector/<detectorId>, not \"arn:aws:guardduty:us-east-1:{me}:filter/x\""
            ),
        ),
    ] {
        assert_eq!(
            refused(call(&app, Gateway::RestV1, "POST", &path, me, tags.clone()).await),
            message,
            "{path}"
        );
    }
    let path = format!("/tags/{arn}");
    let bad = json!({"tags": {"aws:reserved": "x"}});
    assert!(
        refused(call(&app, Gateway::HttpV2, "POST", &path, me, bad).await)
            .starts_with("tags: key \"aws:reserved\"")
    );
    let response = calls::send(&app, Gateway::HttpV2, "DELETE", &path, Some(me), "").await;
    assert_eq!(response.status(), 400);
    assert_eq!(
        body_json(&response)["message"],
        "tagKeys: required parameter is not specified"
    );
    assert_eq!(table.snapshot().await, before_other);
    assert_ne!(before, before_other);
}
