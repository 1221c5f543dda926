//! The handler's figures, measured in this process (lambda_http's decoding
//! of the event, routing, caller, input, the requests, the response and its
//! log line) beside the same DynamoDB requests sent directly: declines and
//! reads here, the administrator's operations in `membership`.

use guardduty_invitations::api::App;

use crate::baseline::{Direct, PAGE};
use crate::measure::interleaved;
use crate::proxy::Proxy;
use crate::rows::{self, Row};
use crate::{Accounts, Plan, READER_INVITATIONS, events, membership};

/// The handler's p50 may be this much of its floor's.
pub const LIMIT: f64 = 1.15;

pub async fn rows(
    plan: &Plan,
    app: &App,
    proxy: &Proxy,
    direct: &Direct,
    accounts: &Accounts,
) -> Vec<Row> {
    let mut rows = Vec::new();
    let caller = &accounts.caller;
    for n in [1, 10, 50] {
        let inviters = &accounts.inviters[..n];
        let event = events::decline(caller, inviters);
        let (mut handler, mut floor) = interleaved(
            plan.samples,
            async || handle(app, &event).await,
            async || direct.decline(caller, inviters).await,
        )
        .await;
        let figure = format!(
            "handler, {n} account{} (p50 / p99)",
            if n == 1 { "" } else { "s" }
        );
        rows.push(rows::latency(
            figure,
            &mut handler,
            &mut floor,
            "direct aws-sdk-dynamodb writes",
            Some(LIMIT),
        ));
    }
    rows.extend(reads(plan, app, proxy, direct, &accounts.reader).await);
    rows.extend(membership::rows(plan, app, proxy, direct, &accounts.members).await);
    rows
}

/// ListInvitations and GetInvitationsCount over the reader's invitations:
/// each beside its `Query` sent directly, and the requests it made.
async fn reads(
    plan: &Plan,
    app: &App,
    proxy: &Proxy,
    direct: &Direct,
    reader: &guardduty_invitations::domain::AccountId,
) -> Vec<Row> {
    let (list, count) = (events::list(reader, PAGE), events::count(reader));
    let (mut list_handler, mut list_floor) = interleaved(
        plan.samples,
        async || handle(app, &list).await,
        async || direct.page(reader).await,
    )
    .await;
    let (mut count_handler, mut count_floor) = interleaved(
        plan.samples,
        async || handle(app, &count).await,
        async || direct.count(reader).await,
    )
    .await;
    let query = "direct aws-sdk-dynamodb Query";
    let (page, over) = (
        format!("ListInvitations, a {PAGE}-item page"),
        format!("GetInvitationsCount over {READER_INVITATIONS} invitations"),
    );
    vec![
        rows::latency(
            format!("handler, {page} (p50 / p99)"),
            &mut list_handler,
            &mut list_floor,
            query,
            Some(LIMIT),
        ),
        rows::latency(
            format!("handler, {over} (p50 / p99)"),
            &mut count_handler,
            &mut count_floor,
            query,
            Some(LIMIT),
        ),
        rows::requests(
            format!("DynamoDB requests for {page}"),
            &counted(proxy, app, &list).await,
            &[("Query", 1)],
            "1 (one Query per page)",
            "exactly 1 Query, 0 other",
        ),
        rows::requests(
            format!("DynamoDB requests for {over}"),
            &counted(proxy, app, &count).await,
            &[("Query", 1)],
            "1 (one Query per 1 MB of items)",
            "exactly 1 Query, 0 other",
        ),
    ]
}

/// The requests the proxy saw for one call of `event`.
pub async fn counted(
    proxy: &Proxy,
    app: &App,
    event: &str,
) -> std::collections::HashMap<String, usize> {
    proxy.take_counts();
    handle(app, event).await;
    proxy.take_counts()
}

/// One request through the handler, from the event's JSON as lambda_http
/// receives it to the response.
pub async fn handle(app: &App, event: &str) {
    let request = lambda_http::request::from_str(event).expect("a valid event");
    let response = app.handle(request).await;
    assert_eq!(response.status(), 200, "{:?}", response.body());
}
