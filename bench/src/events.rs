//! The events the functions and the handler receive: HTTP API (payload
//! 2.0) requests made from the decline sample in events/, with their
//! caller, route, path parameters, query string and body replaced. A
//! `/detector/{detectorId}/...` request names the caller's detector as the
//! testkit creates it (`TestTable::detector`, `testkit::seed::detector_id`),
//! which the bench makes for every such caller before its first request.

use guardduty_invitations::domain::AccountId;
use guardduty_invitations::inviter::demo_email;
use serde_json::{Value, json};

/// `caller` declining the invitations of `inviters`.
pub fn decline(caller: &AccountId, inviters: &[AccountId]) -> String {
    let body = json!({ "accountIds": ids(inviters) }).to_string();
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

/// `caller`'s DeleteInvitations of the invitations of `inviters`.
pub fn delete_invitations(caller: &AccountId, inviters: &[AccountId]) -> String {
    let body = json!({ "accountIds": ids(inviters) }).to_string();
    request(caller, "POST", "/invitation/delete", &[], Some(&body)).to_string()
}

/// `caller`'s AcceptAdministratorInvitation of `administrator`'s invitation
/// `invitation_id`.
pub fn accept(caller: &AccountId, administrator: &AccountId, invitation_id: &str) -> String {
    let body = json!({ "administratorId": administrator.as_str(), "invitationId": invitation_id });
    on_detector(
        caller,
        "POST",
        "/administrator",
        &[],
        Some(&body.to_string()),
    )
}

/// `caller`'s GetAdministratorAccount.
pub fn administrator(caller: &AccountId) -> String {
    on_detector(caller, "GET", "/administrator", &[], None)
}

/// `caller`'s DisassociateFromAdministratorAccount.
pub fn disassociate(caller: &AccountId) -> String {
    on_detector(caller, "POST", "/administrator/disassociate", &[], None)
}

/// `caller`'s CreateMembers of `members`, each with its demo address
/// (`inviter::demo_email`).
pub fn create_members(caller: &AccountId, members: &[AccountId]) -> String {
    let details: Vec<Value> = members
        .iter()
        .map(|member| json!({ "accountId": member.as_str(), "email": demo_email(member).as_str() }))
        .collect();
    let body = json!({ "accountDetails": details }).to_string();
    on_detector(caller, "POST", "/member", &[], Some(&body))
}

/// `caller`'s InviteMembers of `members`.
pub fn invite_members(caller: &AccountId, members: &[AccountId]) -> String {
    on_members(caller, "/member/invite", members)
}

/// `caller`'s GetMembers of `members`.
pub fn get_members(caller: &AccountId, members: &[AccountId]) -> String {
    on_members(caller, "/member/get", members)
}

/// `caller`'s ListMembers, every member (`onlyAssociated=false`), a page of
/// up to 50 from `next_token` on.
pub fn list_members(caller: &AccountId, next_token: Option<&str>) -> String {
    let mut query = vec![("maxResults", "50"), ("onlyAssociated", "false")];
    query.extend(next_token.map(|token| ("nextToken", token)));
    on_detector(caller, "GET", "/member", &query, None)
}

/// `caller`'s DisassociateMembers, DeleteMembers, StartMonitoringMembers
/// or StopMonitoringMembers (`rest`: `/member/disassociate`, `/member/delete`,
/// `/member/start`, `/member/stop`) of `members`.
pub fn change_members(caller: &AccountId, rest: &str, members: &[AccountId]) -> String {
    on_members(caller, rest, members)
}

/// `caller`'s ListOrganizationAdminAccounts.
pub fn list_admins(caller: &AccountId) -> String {
    request(caller, "GET", "/admin", &[], None).to_string()
}

/// `caller`'s DescribeOrganizationConfiguration (`GET`) or an
/// UpdateOrganizationConfiguration (`POST`) to `NEW` with one feature.
pub fn org_config(caller: &AccountId, method: &str) -> String {
    let body = json!({
        "autoEnableOrganizationMembers": "NEW",
        "features": [{"name": "S3_DATA_EVENTS", "autoEnable": "NEW"}],
    })
    .to_string();
    let body = (method == "POST").then_some(body.as_str());
    on_detector(caller, method, "/admin", &[], body)
}

/// `caller`'s ListDetectors.
pub fn list_detectors(caller: &AccountId) -> String {
    request(caller, "GET", "/detector", &[], None).to_string()
}

/// `caller`'s CreateDetector of an enabled detector, the defaults otherwise.
pub fn create_detector(caller: &AccountId) -> String {
    let body = json!({ "enable": true }).to_string();
    request(caller, "POST", "/detector", &[], Some(&body)).to_string()
}

/// `caller`'s GetDetector (`GET`), UpdateDetector (`POST`, a new
/// `findingPublishingFrequency`) or DeleteDetector (`DELETE`) of its
/// detector `detector`.
pub fn on_own_detector(caller: &AccountId, method: &str, detector: &str) -> String {
    let body = json!({ "findingPublishingFrequency": "FIFTEEN_MINUTES" }).to_string();
    let body = (method == "POST").then_some(body.as_str());
    under(caller, detector, method, "", &[], body)
}

/// A `{"accountIds"}` request to `/detector/{detectorId}{rest}`.
fn on_members(caller: &AccountId, rest: &str, members: &[AccountId]) -> String {
    let body = json!({ "accountIds": ids(members) }).to_string();
    on_detector(caller, "POST", rest, &[], Some(&body))
}

/// A request to `/detector/{detectorId}{rest}` for the caller's own
/// detector, routed as API Gateway routes it.
fn on_detector(
    caller: &AccountId,
    method: &str,
    rest: &str,
    query: &[(&str, &str)],
    body: Option<&str>,
) -> String {
    let detector = testkit::seed::detector_id(caller.as_str());
    under(caller, &detector, method, rest, query, body)
}

/// A request to `/detector/{detector}{rest}`, routed as API Gateway routes it.
fn under(
    caller: &AccountId,
    detector: &str,
    method: &str,
    rest: &str,
    query: &[(&str, &str)],
    body: Option<&str>,
) -> String {
    let path = format!("/detector/{detector}{rest}");
    let mut event = request(caller, method, &path, query, body);
    let route = json!(format!("{method} /detector/{{detectorId}}{rest}"));
    event["routeKey"] = route.clone();
    event["requestContext"]["routeKey"] = route;
    event["pathParameters"] = json!({ "detectorId": detector });
    event.to_string()
}

fn ids(accounts: &[AccountId]) -> Vec<&str> {
    accounts.iter().map(AccountId::as_str).collect()
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
