//! One request through the handler in this process, as lambda_http hands
//! it over, and the requests the proxy saw for it: what every in-process
//! figure (`handler`, `membership`, `members`, `onboarding`) is made of.

use std::collections::HashMap;
use std::sync::Arc;

use guardduty_invitations::api::App;
use lambda_http::Body;
use testkit::TestTable;

use crate::Plan;
use crate::baseline::Direct;
use crate::proxy::Proxy;

/// What the in-process figures run with: the plan, the handler, the proxy
/// every request goes through (and which counts them), the floors' direct
/// requests, and the table, for the untimed setup (detectors, members).
#[derive(Clone, Copy)]
pub struct InProcess<'a> {
    pub plan: &'a Plan,
    pub app: &'a Arc<App>,
    pub proxy: &'a Proxy,
    pub direct: &'a Direct,
    pub table: &'a TestTable,
}

/// The handler's p50 may be this much of its floor's.
pub const LIMIT: f64 = 1.15;

/// One request through the handler, from the event's JSON as lambda_http
/// receives it to the response, which must be a 200.
pub async fn handle(app: &App, event: &str) {
    answer(app, event).await;
}

/// The same, for the response's body.
pub async fn answer(app: &App, event: &str) -> String {
    let request = lambda_http::request::from_str(event).expect("a valid event");
    let response = app.handle(request).await;
    assert_eq!(response.status(), 200, "{:?}", response.body());
    match response.into_body() {
        Body::Text(text) => text,
        Body::Binary(bytes) => String::from_utf8(bytes).expect("a UTF-8 body"),
        _ => String::new(),
    }
}

/// A batch request (CreateMembers, InviteMembers, GetMembers) whose every
/// account was processed.
pub async fn processed(app: &App, event: &str) {
    let body = answer(app, event).await;
    assert!(body.contains(r#""unprocessedAccounts":[]"#), "{body}");
}

/// The requests the proxy saw for one call of `event`.
pub async fn counted(proxy: &Proxy, app: &App, event: &str) -> HashMap<String, usize> {
    counted_answer(proxy, app, event).await.0
}

/// The same, and the response's body.
pub async fn counted_answer(
    proxy: &Proxy,
    app: &App,
    event: &str,
) -> (HashMap<String, usize>, String) {
    proxy.take_counts();
    let body = answer(app, event).await;
    (proxy.take_counts(), body)
}
