//! The handler's figures, measured in this process (lambda_http's decoding
//! of the event, routing, caller, input, the requests, the response and its
//! log line) beside the same DynamoDB requests sent directly: declines and
//! reads here, the member's side of an administrator in `membership`, the
//! administrator's side in `members` and `onboarding`.

use crate::baseline::PAGE;
use crate::call::{InProcess, LIMIT, counted, handle};
use crate::measure::interleaved;
use crate::rows::{self, Row};
use crate::{Accounts, READER_INVITATIONS, events, membership};

pub async fn rows(bench: InProcess<'_>, accounts: &Accounts) -> Vec<Row> {
    let mut rows = Vec::new();
    let caller = &accounts.caller;
    for n in [1, 10, 50] {
        let inviters = &accounts.inviters[..n];
        let event = events::decline(caller, inviters);
        let (mut handler, mut floor) = interleaved(
            bench.plan.samples,
            async || handle(bench.app, &event).await,
            async || bench.direct.decline(caller, inviters).await,
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
    rows.extend(reads(bench, &accounts.reader).await);
    rows.extend(membership::rows(bench, &accounts.members).await);
    rows
}

/// ListInvitations and GetInvitationsCount over the reader's invitations:
/// each beside its `Query` sent directly, and the requests it made.
async fn reads(
    bench: InProcess<'_>,
    reader: &guardduty_invitations::domain::AccountId,
) -> Vec<Row> {
    let (list, count) = (events::list(reader, PAGE), events::count(reader));
    let (mut list_handler, mut list_floor) = interleaved(
        bench.plan.samples,
        async || handle(bench.app, &list).await,
        async || bench.direct.page(reader).await,
    )
    .await;
    let (mut count_handler, mut count_floor) = interleaved(
        bench.plan.samples,
        async || handle(bench.app, &count).await,
        async || bench.direct.count(reader).await,
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
            &counted(bench.proxy, bench.app, &list).await,
            &[("Query", 1)],
            "1 (one Query per page)",
            "exactly 1 Query, 0 other",
        ),
        rows::requests(
            format!("DynamoDB requests for {over}"),
            &counted(bench.proxy, bench.app, &count).await,
            &[("Query", 1)],
            "1 (one Query per 1 MB of items)",
            "exactly 1 Query, 0 other",
        ),
    ]
}
