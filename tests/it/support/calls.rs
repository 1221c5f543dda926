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

/// ListInvitations with a query string as a client sends it (`""`: none).
pub async fn list_invitations(
    app: &App,
    gateway: Gateway,
    caller: &str,
    query: &str,
) -> Response<Body> {
    let path = format!("/invitation?{query}");
    send(app, gateway, "GET", &path, Some(caller), "").await
}

pub async fn invitations_count(app: &App, gateway: Gateway, caller: &str) -> Response<Body> {
    send(app, gateway, "GET", "/invitation/count", Some(caller), "").await
}

pub async fn list_detectors(
    app: &App,
    gateway: Gateway,
    caller: &str,
    query: &str,
) -> Response<Body> {
    let path = format!("/detector?{query}");
    send(app, gateway, "GET", &path, Some(caller), "").await
}

/// Every page of ListInvitations at `max_results` per page: the pages'
/// `(accountId, relationshipStatus)` lists, checking that a `nextToken`
/// comes exactly when another page follows.
pub async fn all_pages(
    app: &App,
    gateway: Gateway,
    caller: &str,
    max_results: usize,
) -> Vec<Vec<(String, String)>> {
    let mut pages = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut query = format!("maxResults={max_results}");
        if let Some(token) = &token {
            query.push_str(&format!(
                "&nextToken={}",
                events::encode_query_value(token.as_bytes())
            ));
        }
        let response = list_invitations(app, gateway, caller, &query).await;
        assert_eq!(response.status(), 200, "{:?}", body_json(&response));
        let body = body_json(&response);
        let page: Vec<(String, String)> = body["invitations"]
            .as_array()
            .expect("invitations is always a list")
            .iter()
            .map(|i| {
                (
                    i["accountId"].as_str().unwrap().to_owned(),
                    i["relationshipStatus"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        assert!(page.len() <= max_results);
        pages.push(page);
        match body.get("nextToken") {
            Some(next) => token = Some(next.as_str().expect("a string token").to_owned()),
            None => return pages,
        }
        assert!(pages.len() <= 100, "paging does not end");
    }
}

/// The current and the deprecated name of each membership operation.
#[derive(Clone, Copy, Debug)]
pub enum Name {
    Administrator,
    Master,
}

impl Name {
    pub const BOTH: [Name; 2] = [Name::Administrator, Name::Master];

    /// The path segment, the accept body's member and the get answer's member.
    pub fn segment(self) -> &'static str {
        match self {
            Name::Administrator => "administrator",
            Name::Master => "master",
        }
    }

    pub fn id_member(self) -> &'static str {
        match self {
            Name::Administrator => "administratorId",
            Name::Master => "masterId",
        }
    }
}

/// The detector ID the tests give `caller` (`TestTable::detector` creates it).
pub fn detector(caller: &str) -> String {
    testkit::seed::detector_id(caller)
}

/// AcceptAdministratorInvitation or AcceptInvitation with a raw body, on
/// `detector`.
pub async fn accept_body(
    app: &App,
    gateway: Gateway,
    name: Name,
    caller: &str,
    detector: &str,
    body: &str,
) -> Response<Body> {
    let path = format!("/detector/{detector}/{}", name.segment());
    send(app, gateway, "POST", &path, Some(caller), body).await
}

/// Accepts `administrator`'s invitation `invitation_id` on the caller's detector.
pub async fn accept(
    app: &App,
    gateway: Gateway,
    name: Name,
    caller: &str,
    administrator: &str,
    invitation_id: &str,
) -> Response<Body> {
    let body = json!({ name.id_member(): administrator, "invitationId": invitation_id });
    accept_body(
        app,
        gateway,
        name,
        caller,
        &detector(caller),
        &body.to_string(),
    )
    .await
}

/// GetAdministratorAccount or GetMasterAccount on the caller's detector.
pub async fn administrator(
    app: &App,
    gateway: Gateway,
    name: Name,
    caller: &str,
) -> Response<Body> {
    let path = format!("/detector/{}/{}", detector(caller), name.segment());
    send(app, gateway, "GET", &path, Some(caller), "").await
}

/// DisassociateFromAdministratorAccount or DisassociateFromMasterAccount.
pub async fn disassociate(app: &App, gateway: Gateway, name: Name, caller: &str) -> Response<Body> {
    let path = format!(
        "/detector/{}/{}/disassociate",
        detector(caller),
        name.segment()
    );
    send(app, gateway, "POST", &path, Some(caller), "").await
}

/// The administrator's batch operations, by their path under
/// `/detector/{detectorId}/member`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Members {
    Invite,
    Get,
    Disassociate,
    Delete,
    Start,
    Stop,
}

impl Members {
    pub fn suffix(self) -> &'static str {
        match self {
            Members::Invite => "/invite",
            Members::Get => "/get",
            Members::Disassociate => "/disassociate",
            Members::Delete => "/delete",
            Members::Start => "/start",
            Members::Stop => "/stop",
        }
    }
}

/// `POST /detector/{detector}/member{suffix}` with a raw body.
pub async fn members_body(
    app: &App,
    gateway: Gateway,
    caller: &str,
    detector: &str,
    suffix: &str,
    body: &str,
) -> Response<Body> {
    let path = format!("/detector/{detector}/member{suffix}");
    send(app, gateway, "POST", &path, Some(caller), body).await
}

/// CreateMembers of `(accountId, email)` pairs on the caller's detector.
pub async fn create_members(
    app: &App,
    gateway: Gateway,
    caller: &str,
    details: &[(&str, &str)],
) -> Response<Body> {
    let details: Vec<_> = details
        .iter()
        .map(|(account, email)| json!({"accountId": account, "email": email}))
        .collect();
    let body = json!({ "accountDetails": details }).to_string();
    members_body(app, gateway, caller, &detector(caller), "", &body).await
}

/// One of the batch operations of `ids` on the caller's detector.
pub async fn members(
    app: &App,
    gateway: Gateway,
    operation: Members,
    caller: &str,
    ids: &[&str],
) -> Response<Body> {
    let body = ids_body(ids);
    members_body(
        app,
        gateway,
        caller,
        &detector(caller),
        operation.suffix(),
        &body,
    )
    .await
}

/// ListMembers with a query string as a client sends it (`""`: none).
pub async fn list_members(
    app: &App,
    gateway: Gateway,
    caller: &str,
    query: &str,
) -> Response<Body> {
    let path = format!("/detector/{}/member?{query}", detector(caller));
    send(app, gateway, "GET", &path, Some(caller), "").await
}
