//! Accepting, showing and leaving an administrator through the handler,
//! over DynamoDB Local: both operation names, both gateways, every refusal
//! with its text and nothing changed, and the DynamoDB requests counted.

use std::collections::HashMap;

use guardduty_invitations::api::identity::AuthMode;
use guardduty_invitations::domain::{AcceptRefusal, Action, MemberAction, Reason};
use guardduty_invitations::{inviter, table};
use serde_json::json;

use crate::support::calls::{self, Name, detector};
use crate::support::events::{BOTH, Gateway, body_json, header};
use crate::support::invariants::assert_invariants;
use crate::support::{TestTable, account};

fn requests(counts: &[(&str, usize)]) -> HashMap<String, usize> {
    counts.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
}

#[tokio::test]
async fn accept_show_and_leave_under_both_names() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    for (i, (name, gateway)) in Name::BOTH.into_iter().zip(BOTH).enumerate() {
        let (member, admin) = (format!("10000000030{i}"), "200000000301");
        let id = table.invite(&member, admin).await;
        let invited_at = table::text(&table.item(&member, admin).await.unwrap(), "invitedAt");

        let response = calls::administrator(&app, gateway, name, &member).await;
        assert_eq!(body_json(&response), json!({}), "no administrator yet");
        table.counter.take();

        let response = calls::accept(&app, gateway, name, &member, admin, &id).await;
        assert_eq!(
            (response.status().as_u16(), body_json(&response)),
            (200, json!({}))
        );
        assert_eq!(header(&response, "content-type"), Some("application/json"));
        assert_eq!(
            table.counter.take(),
            requests(&[("BatchGetItem", 1), ("TransactWriteItems", 1)])
        );
        assert_eq!(
            table.status(&member, admin).await.as_deref(),
            Some("Enabled")
        );
        assert_eq!(
            table.record_status(admin, &member).await.as_deref(),
            Some("Enabled")
        );
        assert_invariants(&table).await;
        let membership = table.item(&member, "ADMINISTRATOR").await.unwrap();
        assert!(membership.contains_key("acceptedAt"));

        let again = calls::accept(&app, gateway, name, &member, admin, &id).await;
        assert_eq!(
            (again.status().as_u16(), body_json(&again)),
            (200, json!({})),
            "accepting again"
        );

        table.counter.take();
        let shown = calls::administrator(&app, gateway, name, &member).await;
        assert_eq!(
            body_json(&shown),
            json!({ name.segment(): {
                "accountId": admin,
                "invitationId": id,
                "relationshipStatus": "Enabled",
                "invitedAt": invited_at,
            }})
        );
        assert_eq!(table.counter.take(), requests(&[("BatchGetItem", 1)]));

        let left = calls::disassociate(&app, gateway, name, &member).await;
        assert_eq!((left.status().as_u16(), body_json(&left)), (200, json!({})));
        assert_eq!(
            table.counter.take(),
            requests(&[("BatchGetItem", 1), ("TransactWriteItems", 1)])
        );
        assert_eq!(
            table.status(&member, admin).await.as_deref(),
            Some("Removed")
        );
        assert_eq!(
            table.record_status(admin, &member).await.as_deref(),
            Some("Resigned"),
            "the administrator sees the member resigned"
        );
        assert_invariants(&table).await;
        let before = table.snapshot().await;
        let again = calls::disassociate(&app, gateway, name, &member).await;
        assert_eq!(
            (again.status().as_u16(), body_json(&again)),
            (200, json!({})),
            "not associated"
        );
        assert_eq!(table.snapshot().await, before);
        assert_eq!(table.counter.take(), requests(&[("BatchGetItem", 1)]));
        let shown = calls::administrator(&app, gateway, name, &member).await;
        assert_eq!(body_json(&shown), json!({}));

        // Removed: declined, then deleted, as the state machine says.
        assert_eq!(
            calls::unprocessed(&calls::decline(&app, gateway, &member, &[admin]).await),
            []
        );
        assert_eq!(
            calls::unprocessed(&calls::delete(&app, gateway, &member, &[admin]).await),
            []
        );
        assert_eq!(table.status(&member, admin).await, None);
        assert_eq!(
            table.record_status(admin, &member).await.as_deref(),
            Some("Resigned"),
            "a resigned record outlives the invitation"
        );
        assert_invariants(&table).await;
    }
}

/// Every refusal: a 400 BadRequestException saying which, nothing changed.
#[tokio::test]
async fn every_refused_accept_says_why_and_changes_nothing() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    let member = "100000000310";
    let (current, invited, declined, removed, absent) = (
        "200000000311",
        "200000000312",
        "200000000313",
        "200000000314",
        "200000000319",
    );
    let store = table.store();
    let mut ids = HashMap::new();
    for inviter in [current, invited, declined, removed] {
        ids.insert(inviter, table.invite(member, inviter).await);
    }
    let (member_id, declined_id, removed_id) =
        (account(member), account(declined), account(removed));
    inviter::answer(&store, Action::Decline, &member_id, &declined_id)
        .await
        .unwrap();
    inviter::change(&store, MemberAction::Disassociate, &removed_id, &member_id)
        .await
        .unwrap();
    let id = |inviter: &str| {
        ids.get(inviter)
            .cloned()
            .unwrap_or_else(|| format!("inv-{inviter}"))
    };
    let accepted = calls::accept(
        &app,
        Gateway::HttpV2,
        Name::Administrator,
        member,
        current,
        &id(current),
    )
    .await;
    assert_eq!(accepted.status(), 200);
    let before = table.snapshot().await;

    let refused = |refusal: AcceptRefusal| refusal.message();
    let cases: Vec<(String, String)> = vec![
        (
            json!({"administratorId": absent, "invitationId": id(absent)}).to_string(),
            refused(AcceptRefusal::NoInvitation),
        ),
        (
            json!({"administratorId": invited, "invitationId": "inv-other"}).to_string(),
            refused(AcceptRefusal::InvitationIdMismatch),
        ),
        (
            json!({"administratorId": declined, "invitationId": id(declined)}).to_string(),
            refused(AcceptRefusal::Declined),
        ),
        (
            json!({"administratorId": removed, "invitationId": id(removed)}).to_string(),
            refused(AcceptRefusal::Removed),
        ),
        (
            json!({"administratorId": invited, "invitationId": id(invited)}).to_string(),
            refused(AcceptRefusal::AssociatedWithOther(account(current))),
        ),
        (
            json!({"administratorId": member, "invitationId": "x"}).to_string(),
            refused(AcceptRefusal::OwnAccount),
        ),
        (
            json!({"administratorId": "20000000031", "invitationId": "x"}).to_string(),
            "administratorId: account ID must be exactly 12 characters, not 11".into(),
        ),
        (
            json!({"administratorId": "20000000031x", "invitationId": "x"}).to_string(),
            "administratorId: account ID must be exactly 12 digits (0-9)".into(),
        ),
        (
            json!({"administratorId": 200000000312u64, "invitationId": "x"}).to_string(),
            "administratorId: must be an account ID string, not a number".into(),
        ),
        (
            json!({"invitationId": "x"}).to_string(),
            "administratorId: required parameter is not specified".into(),
        ),
        (
            json!({"masterId": invited, "invitationId": "x"}).to_string(),
            "administratorId: required parameter is not specified".into(),
        ),
        (
            json!({"administratorId": invited}).to_string(),
            "invitationId: required parameter is not specified".into(),
        ),
        (
            json!({"administratorId": invited, "invitationId": ""}).to_string(),
            "invitationId: must be 1 to 1024 characters, not 0".into(),
        ),
        (
            json!({"administratorId": invited, "invitationId": 7}).to_string(),
            "invitationId: must be a string, not a number".into(),
        ),
        ("[]".into(), "body: must be a JSON object".into()),
    ];
    for gateway in BOTH {
        for (body, message) in &cases {
            let response = calls::accept_body(
                &app,
                gateway,
                Name::Administrator,
                member,
                &detector(member),
                body,
            )
            .await;
            assert_eq!(response.status(), 400, "{body}");
            assert_eq!(
                header(&response, "x-amzn-ErrorType"),
                Some("BadRequestException")
            );
            assert_eq!(body_json(&response)["message"], message.as_str(), "{body}");
            // The deprecated name reads masterId instead.
            if body.contains("masterId") {
                continue;
            }
            let master = body.replace("administratorId", "masterId");
            let response = calls::accept_body(
                &app,
                gateway,
                Name::Master,
                member,
                &detector(member),
                &master,
            )
            .await;
            assert_eq!(
                body_json(&response)["message"],
                message.replace("administratorId", "masterId").as_str(),
                "{master}"
            );
        }
    }
    assert_eq!(table.snapshot().await, before);
    assert_invariants(&table).await;
    // Decline and delete still refuse the accepted invitation.
    let left = calls::unprocessed(&calls::decline(&app, Gateway::RestV1, member, &[current]).await);
    assert_eq!(
        left,
        [(
            current.to_owned(),
            Reason::StillAssociated(guardduty_invitations::domain::Action::Decline).message()
        )]
    );
}

#[tokio::test]
async fn a_detector_that_is_not_the_callers_is_refused_with_guardduty_s_message() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    let (member, other) = ("100000000320", "100000000321");
    let id = table.invite(member, "200000000321").await;
    table.counter.take();
    let before = table.snapshot().await;
    let not_owned =
        "The request is rejected because the input detectorId is not owned by the current account.";
    let body =
        json!({"administratorId": "200000000321", "masterId": "200000000321", "invitationId": id})
            .to_string();
    for gateway in BOTH {
        for (detector, message) in [
            (detector(other), not_owned.to_owned()),
            (
                "12abc34d567e8fa901bc2d34e56789f0".to_owned(),
                not_owned.to_owned(),
            ),
            (
                "d".repeat(301),
                "detectorId: must be 1 to 300 characters, not 301".to_owned(),
            ),
        ] {
            for (method, suffix) in [
                ("POST", "administrator"),
                ("POST", "master"),
                ("GET", "administrator"),
                ("GET", "master"),
                ("POST", "administrator/disassociate"),
                ("POST", "master/disassociate"),
            ] {
                let path = format!("/detector/{detector}/{suffix}");
                let response = calls::send(&app, gateway, method, &path, Some(member), &body).await;
                assert_eq!(response.status(), 400, "{method} {path}");
                assert_eq!(
                    header(&response, "x-amzn-ErrorType"),
                    Some("BadRequestException")
                );
                assert_eq!(body_json(&response)["message"], message.as_str());
            }
        }
    }
    assert_eq!(table.snapshot().await, before, "nothing was written");
    let counts = table.counter.take();
    assert!(
        counts.keys().all(|operation| operation == "BatchGetItem"),
        "only the reads that check the detector: {counts:?}"
    );
}

/// An association written before administrators had records (an Enabled
/// invitation and the membership item, no record, no summary) still ends
/// when the member leaves.
#[tokio::test]
async fn an_association_from_before_records_ends_when_the_member_leaves() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    let (member, admin) = ("100000000330", "200000000331");
    table.detector(member).await;
    table.put(member, admin, "Enabled").await;
    let invitation = table.item(member, admin).await.unwrap();
    table
        .client
        .put_item()
        .table_name(&table.name)
        .item(table::INVITEE, s(member))
        .item(table::INVITER, s(table::MEMBERSHIP))
        .item(table::ADMINISTRATOR, s(admin))
        .item(
            table::INVITATION_ID,
            invitation[table::INVITATION_ID].clone(),
        )
        .item(table::INVITED_AT, invitation[table::INVITED_AT].clone())
        .send()
        .await
        .unwrap();
    let left = calls::disassociate(&app, Gateway::HttpV2, Name::Administrator, member).await;
    assert_eq!((left.status().as_u16(), body_json(&left)), (200, json!({})));
    assert_eq!(
        table.status(member, admin).await.as_deref(),
        Some("Removed")
    );
    assert_eq!(table.item(member, table::MEMBERSHIP).await, None);
}

fn s(value: &str) -> aws_sdk_dynamodb::types::AttributeValue {
    aws_sdk_dynamodb::types::AttributeValue::S(value.to_owned())
}
