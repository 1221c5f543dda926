//! A row of the results: a figure beside its floor, the ratio, the target
//! and whether it was met.

use std::collections::HashMap;
use std::time::Duration;

use crate::artifacts::{self, Built};
use crate::measure::percentile;

pub struct Row {
    pub figure: String,
    pub ours: String,
    pub floor: String,
    pub ratio: Option<f64>,
    pub target: String,
    pub met: bool,
}

/// p50 and p99 beside the floor's, with a target on the p50 ratio (none
/// for a reference row).
pub fn latency(
    figure: String,
    ours: &mut [Duration],
    floor: &mut [Duration],
    floor_name: &str,
    limit: Option<f64>,
) -> Row {
    let (o50, o99, f50, f99) = (
        percentile(ours, 50),
        percentile(ours, 99),
        percentile(floor, 50),
        percentile(floor, 99),
    );
    let ratio = o50.as_secs_f64() / f50.as_secs_f64();
    Row {
        figure,
        ours: format!("{} / {}", ms(o50), ms(o99)),
        floor: format!("{} / {} {floor_name}", ms(f50), ms(f99)),
        ratio: Some(ratio),
        target: limit.map_or("-".into(), |limit| format!("p50 <= {limit}x")),
        met: limit.is_none_or(|limit| ratio <= limit),
    }
}

/// A figure beside its floor, with a target on the ratio (none for a
/// reference row).
pub fn ratio(
    figure: String,
    ours: Duration,
    floor: Duration,
    floor_name: &str,
    limit: Option<f64>,
) -> Row {
    let ratio = ours.as_secs_f64() / floor.as_secs_f64();
    Row {
        figure,
        ours: ms(ours),
        floor: format!("{} {floor_name}", ms(floor)),
        ratio: Some(ratio),
        target: limit.map_or("-".into(), |limit| format!("<= {limit}x")),
        met: limit.is_none_or(|limit| ratio <= limit),
    }
}

/// What the proxy counted for one call: met when it is `expected`, so many
/// requests of each operation, and no other.
pub fn requests(
    figure: String,
    counts: &HashMap<String, usize>,
    expected: &[(&str, usize)],
    floor: &str,
    target: &str,
) -> Row {
    let made = |operation: &str| counts.get(operation).copied().unwrap_or(0);
    let others: usize = counts
        .iter()
        .filter(|(op, _)| expected.iter().all(|(operation, _)| op != operation))
        .map(|(_, n)| n)
        .sum();
    let ours: Vec<String> = expected
        .iter()
        .map(|(operation, _)| format!("{} {operation}", made(operation)))
        .collect();
    Row {
        figure,
        ours: format!("{}, {others} other", ours.join(", ")),
        floor: floor.into(),
        ratio: None,
        target: target.into(),
        met: others == 0 && expected.iter().all(|(op, n)| made(op) == *n),
    }
}

/// A figure with no floor and its target.
pub fn alone(figure: String, ours: String, target: &str, met: bool) -> Row {
    Row {
        figure,
        ours,
        floor: "-".into(),
        ratio: None,
        target: target.into(),
        met,
    }
}

/// The stripped bootstrap may be this large, in MB.
const MAX_SIZE_MB: f64 = 7.0;

pub fn size(built: &Built) -> Row {
    let (ours, bare) = (
        artifacts::stripped_mb(&built.ours),
        artifacts::stripped_mb(&built.bare),
    );
    Row {
        figure: "stripped bootstrap".into(),
        ours: format!("{ours:.2} MB"),
        floor: format!("{bare:.2} MB bare echo"),
        ratio: Some(ours / bare),
        target: format!("<= {MAX_SIZE_MB} MB"),
        met: ours <= MAX_SIZE_MB,
    }
}

pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}
