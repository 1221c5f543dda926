//! The report: the machine, the table of rows, and where it is written
//! (bench/RESULTS.md for a full run, which the README links to).

use std::path::Path;

use crate::Plan;
use crate::rows::Row;

pub fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|l| l.trim_start_matches([' ', '\t', ':']).to_owned())
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!(
        "machine: {cores} cores, {model}, {}",
        std::env::consts::ARCH
    )
}

/// Prints the report and writes it: a quick run to target/bench-quick.md,
/// a full run to bench/RESULTS.md, exiting 1 when a target was missed.
pub fn publish(root: &Path, machine: &str, plan: &Plan, rows: &[Row]) {
    let report = render(machine, plan, rows);
    println!("\n{report}");
    let missed: Vec<&str> = rows
        .iter()
        .filter(|r| !r.met)
        .map(|r| r.figure.as_str())
        .collect();
    if plan.quick {
        let out = root.join("target/bench-quick.md");
        std::fs::write(&out, &report).unwrap();
        println!("quick run (targets not enforced): {}", out.display());
    } else {
        std::fs::write(root.join("bench/RESULTS.md"), &report).unwrap();
        println!("written to bench/RESULTS.md");
        if !missed.is_empty() {
            eprintln!("targets missed: {missed:?}");
            std::process::exit(1);
        }
    }
}

fn render(machine: &str, plan: &Plan, rows: &[Row]) -> String {
    let mut out = format!(
        "{machine}; {} run, {} starts, {} samples per latency figure\n\n| figure | this function | floor (same run) | ratio | target | met |\n| --- | --- | --- | --- | --- | --- |\n",
        if plan.quick { "quick" } else { "full" },
        plan.starts,
        plan.samples
    );
    for row in rows {
        let ratio = row.ratio.map_or("-".into(), |r| format!("{r:.2}x"));
        let met = if row.met { "yes" } else { "**no**" };
        out.push_str(&format!(
            "| {} | {} | {} | {ratio} | {} | {met} |\n",
            row.figure, row.ours, row.floor, row.target
        ));
    }
    out
}
