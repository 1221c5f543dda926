//! Init and cold start, the two functions started in turn. The cold
//! start's floor is measured interleaved with it: the same request to a warm
//! instance of the function right after the bare function's start, so that
//! both meet DynamoDB Local in the same state: it answers a request that
//! follows idle time more slowly than one sent back to back (the reference
//! row shows the cold start beside the back-to-back floor too).

use std::time::Instant;

use crate::artifacts::Built;
use crate::function::{Functions, invoke_ok};
use crate::measure::median;
use crate::rows::{self, Row};
use crate::runtime_api::RuntimeApi;
use crate::{Accounts, Plan, events};

/// Init may take this much of the bare echo's.
const INIT_LIMIT: f64 = 1.15;

pub async fn rows(
    plan: &Plan,
    built: &Built,
    functions: &Functions<'_>,
    accounts: &Accounts,
) -> Vec<Row> {
    let (ours, bare) = (built.ours.as_path(), built.bare.as_path());
    let (mut ours_init, mut bare_init, mut warm, mut cold) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let one = events::decline(&accounts.caller, &accounts.inviters[..1]);
    let (mut warm_runtime, _warm_instance) = functions.launch_warm(ours, &one).await;
    for _ in 0..plan.starts {
        let mut runtime = RuntimeApi::start().await;
        let started = Instant::now();
        let child = functions.spawn(bare, &runtime);
        bare_init.push(runtime.first_poll().await - started);
        drop(child);

        warm.push(invoke_ok(&mut warm_runtime, &one).await);

        let mut runtime = RuntimeApi::start().await;
        let started = Instant::now();
        let child = functions.spawn(ours, &runtime);
        ours_init.push(runtime.first_poll().await - started);
        invoke_ok(&mut runtime, &one).await;
        cold.push(started.elapsed());
        drop(child);
    }
    // For reference: the same request back to back, without the idle time
    // of a start before it, and what one Runtime API round trip costs a
    // function that does nothing (part of every invocation, not of the
    // direct writes).
    let mut back_to_back = Vec::new();
    for _ in 0..plan.samples {
        back_to_back.push(invoke_ok(&mut warm_runtime, &one).await);
    }
    let back_to_back = median(&mut back_to_back);
    let hop = median(&mut functions.warm_latencies(bare, &one, plan.samples).await);

    let (ours_init, bare_init, cold, warm) = (
        median(&mut ours_init),
        median(&mut bare_init),
        median(&mut cold),
        median(&mut warm),
    );
    vec![
        rows::ratio(
            format!("init (median of {})", plan.starts),
            ours_init,
            bare_init,
            "bare lambda_runtime echo",
            Some(INIT_LIMIT),
        ),
        rows::ratio(
            "cold start to first response (median)".into(),
            cold,
            bare_init + warm,
            "bare init + the same request to a warm instance",
            Some(1.5),
        ),
        rows::ratio(
            "cold start beside a floor without the idle time (reference)".into(),
            cold,
            bare_init + back_to_back,
            "bare init + the same request back to back",
            None,
        ),
        Row {
            figure: "Runtime API round trip, bare echo (p50, reference)".into(),
            ours: "-".into(),
            floor: rows::ms(hop),
            ratio: None,
            target: "-".into(),
            met: true,
        },
    ]
}
