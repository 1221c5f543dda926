//! Detectors and relationships, through the handler over DynamoDB Local:
//! no delete while the account has members or is one; accepting needs the
//! member's detector, invitations do not; racing creates make one
//! detector, and a delete racing an invitation never leaves an invited
//! member without one.

use std::sync::Arc;

use guardduty_invitations::api::App;
use guardduty_invitations::api::identity::AuthMode;
use serde_json::json;

use crate::detectors::{NOT_OWNED, create, listed, on};
use crate::members::{State, set_up};
use crate::support::TestTable;
use crate::support::calls::{self, Members, Name};
use crate::support::events::{Gateway, body_json};
use crate::support::invariants::assert_invariants;

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
