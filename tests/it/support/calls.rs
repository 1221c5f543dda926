//! One call helper per endpoint: a real API Gateway event through
//! lambda_http into the app, as the Lambda runtime would hand it over.

use guardduty_invitations::api::App;
use lambda_http::{Body, Response};
use serde_json::json;

use super::events::{self, Gateway, body_json};

pub const DECLINE: &str = "/invitation/decline";
pub const DELETE: &str = "/invitation/delete";

/// Any request; `caller` is the IAM identity, `None` for none.
pub async fn send(
    app: &App,
    gateway: Gateway,
    method: &str,
    path: &str,
    caller: Option<&str>,
    body: &str,
) -> Response<Body> {
    let event = events::event(gateway, method, path, caller, body);
    app.handle(events::request(&event)).await
}

/// DeclineInvitations or DeleteInvitations (`path`) with a raw body.
pub async fn batch(
    app: &App,
    gateway: Gateway,
    path: &str,
    caller: Option<&str>,
    body: &str,
) -> Response<Body> {
    send(app, gateway, "POST", path, caller, body).await
}

pub async fn decline(app: &App, gateway: Gateway, caller: &str, ids: &[&str]) -> Response<Body> {
    batch(app, gateway, DECLINE, Some(caller), &ids_body(ids)).await
}

pub async fn delete(app: &App, gateway: Gateway, caller: &str, ids: &[&str]) -> Response<Body> {
    batch(app, gateway, DELETE, Some(caller), &ids_body(ids)).await
}

pub fn ids_body(ids: &[&str]) -> String {
    json!({ "accountIds": ids }).to_string()
}

/// `(accountId, result)` of a 200's `unprocessedAccounts`, in order,
/// checking the body's shape.
pub fn unprocessed(response: &Response<Body>) -> Vec<(String, String)> {
    assert_eq!(response.status(), 200, "{:?}", body_json(response));
    body_json(response)["unprocessedAccounts"]
        .as_array()
        .expect("unprocessedAccounts is always a list")
        .iter()
        .map(|entry| {
            (
                entry["accountId"].as_str().unwrap().to_owned(),
                entry["result"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}
