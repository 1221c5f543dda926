//! The figures of one bootstrap process, as one Lambda sandbox serves them:
//! whole invocations beside the same writes sent directly, the requests a
//! batch makes, overlap under a slow DynamoDB, throughput and memory.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::baseline::Direct;
use crate::function::{Functions, invoke_ok, status_of};
use crate::measure::{interleaved, median, peak_rss_mb};
use crate::rows::{self, Row};
use crate::{Accounts, Plan, events};

pub async fn rows(
    plan: &Plan,
    ours: &Path,
    functions: &Functions<'_>,
    direct: &Direct,
    accounts: &Accounts,
) -> Vec<Row> {
    let (caller, inviters) = (&accounts.caller, &accounts.inviters);
    let (one, fifty) = (
        events::decline(caller, &inviters[..1]),
        events::decline(caller, &inviters[..50]),
    );
    let (mut runtime, child) = functions.launch_warm(ours, &fifty).await;
    let (mut invocation, mut floor) = interleaved(
        plan.samples,
        async || {
            invoke_ok(&mut runtime, &one).await;
        },
        async || direct.decline(caller, &inviters[..1]).await,
    )
    .await;
    let mut rows = vec![rows::latency(
        "whole invocation through the Runtime API, 1 account (p50 / p99, reference)".into(),
        &mut invocation,
        &mut floor,
        "direct aws-sdk-dynamodb writes",
        None,
    )];

    // 50 elements, 45 distinct accounts: one write each, no reads.
    let mut ids = inviters[..45].to_vec();
    ids.extend_from_slice(&inviters[..5]);
    let proxy = functions.proxy;
    proxy.take_counts();
    invoke_ok(&mut runtime, &events::decline(caller, &ids)).await;
    rows.push(rows::requests(
        "DynamoDB requests for 50 IDs, 45 distinct".into(),
        &proxy.take_counts(),
        &[("UpdateItem", 45)],
        "45 (one per distinct account)",
        "exactly 45 writes, 0 reads",
    ));

    proxy.set_delay(Duration::from_millis(100));
    let (mut one_account, mut fifty_accounts) = (Vec::new(), Vec::new());
    for _ in 0..plan.overlap_samples {
        one_account.push(invoke_ok(&mut runtime, &one).await);
        fifty_accounts.push(invoke_ok(&mut runtime, &fifty).await);
    }
    proxy.set_delay(Duration::ZERO);
    rows.push(rows::ratio(
        "overlap: 50 vs 1 account, 100 ms per DynamoDB call (p50)".into(),
        median(&mut fifty_accounts),
        median(&mut one_account),
        "1 account",
        Some(3.0),
    ));

    let (started, mut count, mut errors) = (Instant::now(), 0u64, 0u64);
    while started.elapsed() < plan.throughput_for {
        let (answer, _) = runtime.invoke(&one).await;
        count += 1;
        errors += u64::from(status_of(&answer) != Some(200));
    }
    let per_second = count as f64 / started.elapsed().as_secs_f64();
    rows.push(rows::alone(
        format!(
            "throughput, one process, {} s",
            plan.throughput_for.as_secs()
        ),
        format!("{per_second:.0}/s, {errors} errors"),
        "0 errors",
        errors == 0,
    ));

    let peak = peak_rss_mb(child.id());
    rows.push(rows::alone(
        "peak RSS after the load".into(),
        format!("{peak:.1} MB"),
        "<= 32 MB",
        peak <= 32.0,
    ));
    drop(child);
    rows
}
