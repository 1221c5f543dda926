//! What a soak prints: per operation its calls and latencies, then what
//! the conflict layer did, what reached the callers, the checker's work
//! and, last, `N operations, M histories checked, K not linearizable`.

use std::collections::BTreeMap;
use std::time::Duration;

use testkit::conflicts::Stats as LayerStats;
use testkit::linearizable::{Stats, Verdict};

use super::Plan;
use super::clients::Recorded;

pub struct Report {
    lines: Vec<String>,
    /// Histories that are not linearizable, with their offending calls.
    pub failures: Vec<String>,
    /// Histories the checker gave up on.
    pub gave_up: usize,
    /// 5xx answers other than DynamoDB's injected busy ones.
    pub errors: usize,
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(at).copied().unwrap_or(0) as f64 / 1e6
}

impl Report {
    pub fn new(
        plan: &Plan,
        ran: Duration,
        recorded: &[(usize, Recorded)],
        verdicts: Vec<((usize, usize), Verdict, Stats)>,
        checking: Duration,
        layer: LayerStats,
    ) -> Self {
        let mut lines = vec![format!(
            "soak: {:.0} s, seed {}, {} clients over {} instances, transactions held {:?}, throttle {:.0}%",
            ran.as_secs_f64(),
            plan.seed,
            plan.clients,
            plan.instances,
            plan.layer.hold,
            plan.layer.throttle * 100.0
        )];
        // Per operation: how long each call took, and how many had an
        // unknown outcome.
        let mut by_operation: BTreeMap<&str, (Vec<u64>, usize)> = BTreeMap::new();
        let mut unknown: BTreeMap<&str, usize> = BTreeMap::new();
        let calls = recorded.iter().filter(|(_, r)| !r.step).count();
        for (_, r) in recorded.iter().filter(|(_, r)| !r.step) {
            let entry = by_operation.entry(r.operation).or_default();
            entry.0.push(r.took);
            if let Some(how) = r.unknown {
                entry.1 += 1;
                *unknown.entry(how).or_default() += 1;
            }
        }
        lines.push(format!(
            "{:<40} {:>7} {:>9} {:>9} {:>8}",
            "operation (per account)", "calls", "p50 ms", "p99 ms", "unknown"
        ));
        for (operation, (took, unknown)) in &mut by_operation {
            took.sort_unstable();
            lines.push(format!(
                "{operation:<40} {:>7} {:>9.1} {:>9.1} {unknown:>8}",
                took.len(),
                percentile(took, 0.5),
                percentile(took, 0.99)
            ));
        }
        let conflicts = layer.transactions_cancelled + layer.writes_refused;
        lines.push(format!(
            "conflicts emulated: {conflicts} ({} transactions cancelled, {} writes refused) of {} transactions",
            layer.transactions_cancelled, layer.writes_refused, layer.transactions
        ));
        lines.push(format!(
            "throttles: {} of {} requests",
            layer.throttled, layer.requests
        ));
        let count = |how: &str| unknown.get(how).copied().unwrap_or(0);
        let reached = count("retry") + count("busy");
        lines.push(format!(
            "retries: {} answers asked to retry, {} busy 5xx; conflicts and throttles absorbed within the request: at least {}",
            count("retry"),
            count("busy"),
            (conflicts + layer.throttled).saturating_sub(reached)
        ));
        let indeterminate: usize = unknown.values().sum();
        lines.push(format!(
            "indeterminate operations: {indeterminate} ({})",
            unknown
                .iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        let steps: usize = verdicts.iter().map(|(_, _, s)| s.steps).sum();
        let seconds = checking.as_secs_f64().max(1e-9);
        lines.push(format!(
            "checked {} histories in {:.0} ms ({} search steps; {:.0} histories/s, {:.0} operations/s)",
            verdicts.len(),
            checking.as_secs_f64() * 1e3,
            steps,
            verdicts.len() as f64 / seconds,
            calls as f64 / seconds
        ));
        let mut failures = Vec::new();
        let mut gave_up = 0;
        for ((round, member), verdict, _) in &verdicts {
            let calls: Vec<&Recorded> = recorded
                .iter()
                .filter(|(r, c)| r == round && c.member == *member)
                .map(|(_, c)| c)
                .collect();
            match verdict {
                Verdict::Linearizable => {}
                Verdict::GaveUp => gave_up += 1,
                Verdict::NotLinearizable { stuck, placed } => {
                    // The whole history, to stderr: what a fix starts from.
                    eprintln!("round {round}, member {member}: the order found, {placed:?}, of:");
                    for (i, c) in calls.iter().enumerate() {
                        eprintln!("{i} {} {:?} {:?}", c.operation, c.call, c.unknown);
                    }
                    let offending: Vec<String> = stuck
                        .iter()
                        .map(|&i| format!("    {} {:?}", calls[i].operation, calls[i].call))
                        .collect();
                    failures.push(format!(
                        "round {round}, member {member}: no order explains these answers:\n{}",
                        offending.join("\n")
                    ));
                }
            }
        }
        if gave_up > 0 {
            lines.push(format!("histories the checker gave up on: {gave_up}"));
        }
        let errors = count("5xx");
        lines.push(format!("5xx other than injected: {errors}"));
        lines.push(format!(
            "{} operations, {} histories checked, {} not linearizable",
            calls,
            verdicts.len(),
            failures.len()
        ));
        Report {
            lines,
            failures,
            gave_up,
            errors,
        }
    }

    pub fn print(&self) {
        for failure in &self.failures {
            println!("{failure}");
        }
        for line in &self.lines {
            println!("{line}");
        }
    }

    /// Panics unless every history was linearizable and no 5xx came but
    /// the injected ones.
    pub fn assert_clean(&self) {
        assert!(
            self.failures.is_empty(),
            "not linearizable: {:#?}",
            self.failures
        );
        assert_eq!(self.gave_up, 0, "the checker gave up on some histories");
        assert_eq!(self.errors, 0, "5xx answers that were not injected");
    }
}
