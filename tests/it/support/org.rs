//! The organization path's helpers: an organization mirrored into a test
//! table (through the sync's own store code), and one call helper per
//! organization endpoint.

use guardduty_invitations::api::App;
use guardduty_invitations::domain::organization::OrgAccount;
use guardduty_invitations::store::mirror::{Snapshot, Synced};
use serde_json::{Value, json};

use super::calls::{detector, send};
use super::events::{Gateway, body_json};
use super::{TestTable, account};

/// The test organization: its management account, the account the tests
/// designate, and its other accounts.
pub const MANAGEMENT: &str = "500000000001";
pub const ADMIN: &str = "500000000002";

/// An active account of the organization.
pub fn active(id: &str) -> OrgAccount {
    OrgAccount {
        id: account(id),
        email: format!("owner-{id}@example.com"),
        status: OrgAccount::ACTIVE.into(),
    }
}

/// The organization `o-test` with the management account, the admin and
/// `others`, as a sync would find it.
pub fn snapshot(others: &[OrgAccount]) -> Snapshot {
    let mut accounts = vec![active(MANAGEMENT), active(ADMIN)];
    accounts.extend(others.iter().cloned());
    Snapshot {
        id: "o-testorg1234".into(),
        management: account(MANAGEMENT),
        accounts,
    }
}

/// Mirrors `snapshot` into `table` with the sync's own code.
pub async fn sync(table: &TestTable, snapshot: &Snapshot) -> Synced {
    table.store().sync(snapshot).await.expect("sync")
}

/// `(status, body)` of a call.
pub async fn call(
    app: &App,
    gateway: Gateway,
    method: &str,
    path: &str,
    caller: &str,
    body: Value,
) -> (u16, Value) {
    let body = if body.is_null() {
        String::new()
    } else {
        body.to_string()
    };
    let response = send(app, gateway, method, path, Some(caller), &body).await;
    (response.status().as_u16(), body_json(&response))
}

pub async fn enable(app: &App, gateway: Gateway, caller: &str, admin: &str) -> (u16, Value) {
    let body = json!({ "adminAccountId": admin });
    call(app, gateway, "POST", "/admin/enable", caller, body).await
}

pub async fn disable(app: &App, gateway: Gateway, caller: &str, admin: &str) -> (u16, Value) {
    let body = json!({ "adminAccountId": admin });
    call(app, gateway, "POST", "/admin/disable", caller, body).await
}

pub async fn list_admins(app: &App, gateway: Gateway, caller: &str) -> (u16, Value) {
    call(app, gateway, "GET", "/admin", caller, Value::Null).await
}

/// DescribeOrganizationConfiguration on the caller's detector.
pub async fn describe(app: &App, gateway: Gateway, caller: &str) -> (u16, Value) {
    let path = format!("/detector/{}/admin", detector(caller));
    call(app, gateway, "GET", &path, caller, Value::Null).await
}

/// UpdateOrganizationConfiguration on the caller's detector.
pub async fn update(app: &App, gateway: Gateway, caller: &str, body: Value) -> (u16, Value) {
    let path = format!("/detector/{}/admin", detector(caller));
    call(app, gateway, "POST", &path, caller, body).await
}

/// The message of a 400, checking its status and modeled type.
pub fn refused(answer: (u16, Value)) -> String {
    assert_eq!(answer.0, 400, "{}", answer.1);
    assert_eq!(answer.1["__type"], "InvalidInputException", "{}", answer.1);
    answer.1["message"].as_str().unwrap().to_owned()
}

pub const NOT_MANAGEMENT: &str =
    "The request failed because you are not the master account for your AWS Organization.";
pub const NOT_ORG_ADMIN: &str =
    "The request failed because you do not have required AWS Organization master permission.";
pub const ALREADY_DISABLED: &str = "The request failed because the delegated administrator account has already been disabled and/or GuardDuty protection has been disabled.";
