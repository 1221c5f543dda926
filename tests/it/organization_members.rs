//! Organization members through the handler over DynamoDB Local: the
//! delegated administrator's CreateMembers enrolls the organization's
//! active accounts `Enabled` at once (no invitation, the member's detector
//! made, its membership item naming the administrator) and creates others
//! the invitation way; an account another administrator holds stays with
//! it; an organization member is associated again only by CreateMembers;
//! Disable ends the organization memberships and keeps invited members.

use guardduty_invitations::api::App;
use guardduty_invitations::api::identity::AuthMode;
use guardduty_invitations::domain::organization::OrgAccount;
use serde_json::json;

use crate::support::calls::{self, Members, Name};
use crate::support::events::{BOTH, Gateway, body_json};
use crate::support::invariants::assert_invariants;
use crate::support::org::{ADMIN, MANAGEMENT, active, disable, enable, snapshot, sync, update};
use crate::support::{TestTable, account};

/// `(accountId, relationshipStatus)` of GetMembers of `ids`, by `admin`.
async fn statuses(app: &App, gateway: Gateway, admin: &str, ids: &[&str]) -> Vec<(String, String)> {
    let response = calls::members(app, gateway, Members::Get, admin, ids).await;
    assert_eq!(response.status(), 200);
    let body = body_json(&response);
    body["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let field = |name: &str| m[name].as_str().unwrap().to_owned();
            (field("accountId"), field("relationshipStatus"))
        })
        .collect()
}

/// A designated administrator (with the tests' detector) of an
/// organization of `others`.
async fn organization(table: &TestTable, app: &App, others: &[OrgAccount]) {
    sync(table, &snapshot(others)).await;
    table.detector(ADMIN).await;
    assert_eq!(enable(app, BOTH[0], MANAGEMENT, ADMIN).await.0, 200);
}

#[tokio::test]
async fn the_delegated_administrator_enrolls_organization_accounts_at_once() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    let (fresh, ready, outside, suspended) = (
        "500000000011",
        "500000000012",
        "500000000013",
        "500000000014",
    );
    let mut closing = active(suspended);
    closing.status = "SUSPENDED".into();
    organization(&table, &app, &[active(fresh), active(ready), closing]).await;
    table.detector(ready).await;
    let already = "The request is rejected because the given account ID is already a member or associated member of the current account.";
    for gateway in BOTH {
        let response = calls::create_members(
            &app,
            gateway,
            ADMIN,
            &[
                (fresh, "a@example.com"),
                (ready, "b@example.com"),
                (MANAGEMENT, "m@example.com"),
                (outside, "o@example.com"),
                (suspended, "s@example.com"),
                (ADMIN, "self@example.com"),
            ],
        )
        .await;
        let first = matches!(gateway, Gateway::RestV1);
        let expected: Vec<(String, String)> = [
            (!first).then_some((fresh, already)),
            (!first).then_some((ready, already)),
            Some((MANAGEMENT, "Operation failed because your organization master must first enable GuardDuty to be added as a member")),
            (!first).then_some((outside, already)),
            Some((suspended, "The request is rejected because the given account ID is not an active account of the organization (suspended or closing).")),
            Some((ADMIN, "The request is rejected because an account cannot become a member of itself.")),
        ]
        .into_iter()
        .flatten()
        .map(|(a, r)| (a.to_owned(), r.to_owned()))
        .collect();
        assert_eq!(calls::unprocessed(&response), expected, "{gateway:?}");
    }
    let enabled = |a: &str| (a.to_owned(), "Enabled".to_owned());
    assert_eq!(
        statuses(&app, Gateway::HttpV2, ADMIN, &[fresh, ready, outside]).await,
        [
            enabled(fresh),
            enabled(ready),
            (outside.into(), "Created".into())
        ]
    );
    // The member's view: its administrator, no invitation, a detector.
    for member in [fresh, ready] {
        let detectors = crate::detectors::listed(&app, Gateway::RestV1, member).await;
        let id = detectors[0].as_str().expect("a detector").to_owned();
        let path = format!("/detector/{id}/administrator");
        let response = calls::send(&app, Gateway::RestV1, "GET", &path, Some(member), "").await;
        assert_eq!(
            body_json(&response),
            json!({"administrator": {"accountId": ADMIN, "relationshipStatus": "Enabled"}})
        );
        let response = calls::list_invitations(&app, Gateway::HttpV2, member, "").await;
        assert_eq!(body_json(&response), json!({"invitations": []}));
    }
    // The record names the member's own detector; `ready` kept its own.
    let members = body_json(&calls::members(&app, BOTH[0], Members::Get, ADMIN, &[ready]).await);
    assert_eq!(members["members"][0]["detectorId"], calls::detector(ready));
    assert!(members["members"][0].get("invitedAt").is_none());
    assert_invariants(&table).await;
}

#[tokio::test]
async fn an_account_another_administrator_holds_stays_with_it_and_an_invited_one_converts() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    let (held, invited, other_admin) = ("500000000021", "500000000022", "600000000001");
    sync(&table, &snapshot(&[active(held), active(invited)])).await;
    // `held` accepted another administrator's invitation.
    let store = table.store();
    guardduty_invitations::inviter::invite(&store, &account(other_admin), &account(held))
        .await
        .unwrap();
    guardduty_invitations::inviter::accept(&store, &account(held), &account(other_admin))
        .await
        .unwrap();
    // `invited` was invited by the delegated administrator-to-be.
    table.detector(ADMIN).await;
    guardduty_invitations::inviter::invite(&store, &account(ADMIN), &account(invited))
        .await
        .unwrap();
    assert_eq!(enable(&app, BOTH[0], MANAGEMENT, ADMIN).await.0, 200);
    let response = calls::create_members(
        &app,
        Gateway::RestV1,
        ADMIN,
        &[(held, "h@example.com"), (invited, "i@example.com")],
    )
    .await;
    assert_eq!(
        calls::unprocessed(&response),
        [(held.to_owned(), "The request is rejected because the given account ID is already an associated member of another administrator account; it must disassociate from it first.".to_owned())]
    );
    assert_eq!(
        statuses(&app, Gateway::HttpV2, ADMIN, &[invited]).await,
        [(invited.to_owned(), "Enabled".to_owned())]
    );
    // Its invitation is gone: an organization member has none.
    let response = calls::list_invitations(&app, Gateway::HttpV2, invited, "").await;
    assert_eq!(body_json(&response), json!({"invitations": []}));
    assert_invariants(&table).await;
}

#[tokio::test]
async fn an_organization_member_is_associated_again_only_by_create_members() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    let (member, leaver) = ("500000000031", "500000000032");
    organization(&table, &app, &[active(member), active(leaver)]).await;
    // Detectors of their own (the tests' IDs), which enrollment keeps.
    table.detector(leaver).await;
    let details = [(member, "m@example.com"), (leaver, "l@example.com")];
    let response = calls::create_members(&app, Gateway::RestV1, ADMIN, &details).await;
    assert_eq!(calls::unprocessed(&response), []);
    let response = calls::members(
        &app,
        Gateway::HttpV2,
        Members::Disassociate,
        ADMIN,
        &[member],
    )
    .await;
    assert_eq!(calls::unprocessed(&response), []);
    // The member leaves on its own.
    let response = calls::disassociate(&app, Gateway::RestV1, Name::Administrator, leaver).await;
    assert_eq!(response.status(), 200, "{:?}", body_json(&response));
    assert_eq!(
        statuses(&app, Gateway::HttpV2, ADMIN, &[member, leaver]).await,
        [
            (member.to_owned(), "Removed".to_owned()),
            (leaver.to_owned(), "Resigned".to_owned())
        ]
    );
    assert_invariants(&table).await;
    let response = calls::members(
        &app,
        Gateway::RestV1,
        Members::Invite,
        ADMIN,
        &[member, leaver],
    )
    .await;
    let text = "The request is rejected because the given account ID was a member through AWS Organizations; only CreateMembers associates it again.";
    assert_eq!(
        calls::unprocessed(&response),
        [
            (member.to_owned(), text.to_owned()),
            (leaver.to_owned(), text.to_owned())
        ]
    );
    let response = calls::create_members(&app, Gateway::HttpV2, ADMIN, &details).await;
    assert_eq!(calls::unprocessed(&response), []);
    assert_eq!(
        statuses(&app, Gateway::RestV1, ADMIN, &[member, leaver]).await,
        [
            (member.to_owned(), "Enabled".to_owned()),
            (leaver.to_owned(), "Enabled".to_owned())
        ]
    );
    // Disassociated and deleted, it is gone from the administrator's view.
    calls::members(
        &app,
        Gateway::RestV1,
        Members::Disassociate,
        ADMIN,
        &[member],
    )
    .await;
    let response = calls::members(&app, Gateway::RestV1, Members::Delete, ADMIN, &[member]).await;
    assert_eq!(calls::unprocessed(&response), []);
    assert_invariants(&table).await;
}

#[tokio::test]
async fn disable_ends_organization_memberships_and_keeps_invited_members() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    let enrolled = ["500000000041", "500000000042", "500000000043"];
    let invited = "600000000041";
    let accounts: Vec<OrgAccount> = enrolled.iter().map(|a| active(a)).collect();
    organization(&table, &app, &accounts).await;
    let details: Vec<(&str, &str)> = enrolled.iter().map(|a| (*a, "e@example.com")).collect();
    calls::create_members(&app, Gateway::RestV1, ADMIN, &details).await;
    calls::members(&app, Gateway::RestV1, Members::Stop, ADMIN, &enrolled[..1]).await;
    guardduty_invitations::inviter::invite(&table.store(), &account(ADMIN), &account(invited))
        .await
        .unwrap();
    assert_eq!(
        disable(&app, Gateway::HttpV2, MANAGEMENT, ADMIN).await.0,
        200
    );
    let removed: Vec<(String, String)> = enrolled
        .iter()
        .map(|a| (a.to_string(), "Removed".to_owned()))
        .collect();
    assert_eq!(
        statuses(&app, Gateway::RestV1, ADMIN, &enrolled).await,
        removed
    );
    assert_eq!(
        statuses(&app, Gateway::RestV1, ADMIN, &[invited]).await,
        [(invited.to_owned(), "Invited".to_owned())]
    );
    for member in enrolled {
        assert_eq!(table.item(member, "ADMINISTRATOR").await, None, "{member}");
    }
    assert_invariants(&table).await;
}

#[tokio::test]
async fn all_locks_the_organization_accounts_in() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    let (member, leaver, outside) = ("500000000071", "500000000072", "600000000071");
    organization(&table, &app, &[active(member), active(leaver)]).await;
    table.detector(leaver).await;
    let details = [(member, "m@example.com"), (leaver, "l@example.com")];
    calls::create_members(&app, Gateway::RestV1, ADMIN, &details).await;
    guardduty_invitations::inviter::invite(&table.store(), &account(ADMIN), &account(outside))
        .await
        .unwrap();
    let all = json!({"autoEnableOrganizationMembers": "ALL"});
    assert_eq!(update(&app, Gateway::HttpV2, ADMIN, all).await.0, 200);
    let locked = "The request is rejected because the given account ID is an account of the organization, whose auto-enable is ALL; set autoEnableOrganizationMembers to NEW or NONE first.";
    let before = table.snapshot().await;
    for gateway in BOTH {
        for operation in [Members::Disassociate, Members::Delete, Members::Stop] {
            let response = calls::members(&app, gateway, operation, ADMIN, &[member]).await;
            assert_eq!(
                calls::unprocessed(&response),
                [(member.to_owned(), locked.to_owned())],
                "{operation:?}"
            );
        }
        let response = calls::disassociate(&app, gateway, Name::Administrator, leaver).await;
        assert_eq!(response.status(), 400);
        assert_eq!(
            body_json(&response)["message"],
            "The request is rejected because the current account is a member through AWS Organizations and its administrator enrolls every account of the organization (auto-enable ALL); it cannot disassociate itself."
        );
    }
    assert_eq!(table.snapshot().await, before, "nothing written");
    // An account outside the organization is not locked in.
    let response = calls::members(
        &app,
        Gateway::RestV1,
        Members::Disassociate,
        ADMIN,
        &[outside],
    )
    .await;
    assert_eq!(calls::unprocessed(&response), []);
    // Under NEW, both may go.
    let new = json!({"autoEnableOrganizationMembers": "NEW"});
    assert_eq!(update(&app, Gateway::HttpV2, ADMIN, new).await.0, 200);
    let response = calls::members(&app, Gateway::RestV1, Members::Stop, ADMIN, &[member]).await;
    assert_eq!(calls::unprocessed(&response), []);
    let response = calls::disassociate(&app, Gateway::HttpV2, Name::Administrator, leaver).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        statuses(&app, Gateway::HttpV2, ADMIN, &[member, leaver]).await,
        [
            (member.to_owned(), "Disabled".to_owned()),
            (leaver.to_owned(), "Resigned".to_owned())
        ]
    );
    assert_invariants(&table).await;
}

#[tokio::test]
async fn enrollment_keeps_to_the_member_limit_and_describe_says_so() {
    let table = TestTable::new().await;
    let app = table.app_limited(table.store_config().await, AuthMode::Iam, 2);
    let ids = ["500000000111", "500000000112", "500000000113"];
    let accounts: Vec<OrgAccount> = ids.iter().map(|a| active(a)).collect();
    organization(&table, &app, &accounts).await;
    let (_, described) = crate::support::org::describe(&app, Gateway::RestV1, ADMIN).await;
    assert_eq!(described["memberAccountLimitReached"], false);
    let details: Vec<(&str, &str)> = ids.iter().map(|a| (*a, "e@example.com")).collect();
    let response = calls::create_members(&app, Gateway::HttpV2, ADMIN, &details).await;
    assert_eq!(
        calls::unprocessed(&response),
        [(ids[2].to_owned(), "The request is rejected because the current account cannot create anymore members since it cannot exceed the maximum number of allowed members.".to_owned())]
    );
    let (_, described) = crate::support::org::describe(&app, Gateway::RestV1, ADMIN).await;
    assert_eq!(described["memberAccountLimitReached"], true);
    assert_invariants(&table).await;
}
