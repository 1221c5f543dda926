//! The events the functions and the handler receive: HTTP API (payload
//! 2.0) requests made from the decline sample in events/, with their
//! caller, route, path parameters, query string and body replaced.

use guardduty_invitations::domain::{AccountId, DetectorId};
use serde_json::{Value, json};

/// `caller` declining the invitations of `inviters`.
pub fn decline(caller: &AccountId, inviters: &[AccountId]) -> String {
    let ids: Vec<&str> = inviters.iter().map(AccountId::as_str).collect();
    let body = json!({ "accountIds": ids }).to_string();
    request(caller, "POST", "/invitation/decline", &[], Some(&body)).to_string()
}

/// `caller`'s ListInvitations, one page of up to `max_results`.
pub fn list(caller: &AccountId, max_results: usize) -> String {
    let max_results = max_results.to_string();
    request(
        caller,
        "GET",
        "/invitation",
        &[("maxResults", &max_results)],
        None,
    )
    .to_string()
}

/// `caller`'s GetInvitationsCount.
pub fn count(caller: &AccountId) -> String {
    request(caller, "GET", "/invitation/count", &[], None).to_string()
}

/// `caller`'s AcceptAdministratorInvitation of `administrator`'s invitation
/// `invitation_id`.
pub fn accept(caller: &AccountId, administrator: &AccountId, invitation_id: &str) -> String {
    let body = json!({ "administratorId": administrator.as_str(), "invitationId": invitation_id });
    on_detector(caller, "POST", "", Some(&body.to_string()))
}

/// `caller`'s GetAdministratorAccount.
pub fn administrator(caller: &AccountId) -> String {
    on_detector(caller, "GET", "", None)
}

/// `caller`'s DisassociateFromAdministratorAccount.
pub fn disassociate(caller: &AccountId) -> String {
    on_detector(caller, "POST", "/disassociate", None)
}

/// A request to `/detector/{detectorId}/administrator{rest}` for the
/// caller's own detector, routed as API Gateway routes it.
fn on_detector(caller: &AccountId, method: &str, rest: &str, body: Option<&str>) -> String {
    let detector = DetectorId::of(caller);
    let path = format!("/detector/{}/administrator{rest}", detector.as_str());
    let mut event = request(caller, method, &path, &[], body);
    let route = json!(format!(
        "{method} /detector/{{detectorId}}/administrator{rest}"
    ));
    event["routeKey"] = route.clone();
    event["requestContext"]["routeKey"] = route;
    event["pathParameters"] = json!({ "detectorId": detector.as_str() });
    event.to_string()
}

fn request(
    caller: &AccountId,
    method: &str,
    path: &str,
    query: &[(&str, &str)],
    body: Option<&str>,
) -> Value {
    let mut event: Value =
        serde_json::from_str(include_str!("../../events/decline.http-v2.json")).unwrap();
    let route = format!("{method} {path}");
    event["routeKey"] = json!(route);
    event["rawPath"] = json!(path);
    let pairs: Vec<String> = query.iter().map(|(n, v)| format!("{n}={v}")).collect();
    event["rawQueryString"] = json!(pairs.join("&"));
    if !query.is_empty() {
        event["queryStringParameters"] = query.iter().map(|(n, v)| (*n, json!(v))).collect();
    }
    event["body"] = json!(body);
    let context = &mut event["requestContext"];
    context["routeKey"] = json!(route);
    context["http"]["method"] = json!(method);
    context["http"]["path"] = json!(path);
    context["authorizer"]["iam"]["accountId"] = json!(caller.as_str());
    event
}
