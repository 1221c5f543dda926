//! The checker on small hand-written histories, linearizable and not.

use super::*;

/// A register of one number.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Register(u32);

#[derive(Debug)]
enum Op {
    Write(u32),
    Read,
    /// Sets the register to either value: a model with two next states.
    EitherOf(u32, u32),
}

impl Model for Register {
    type Op = Op;
    type Answer = Option<u32>;

    fn step(&self, op: &Op, answer: &Option<u32>) -> Vec<Self> {
        match (op, answer) {
            (Op::Read, Some(seen)) if *seen == self.0 => vec![self.clone()],
            (Op::Read, _) => vec![],
            (op, None) => self.step_any(op),
            _ => vec![],
        }
    }

    fn step_any(&self, op: &Op) -> Vec<Self> {
        match op {
            Op::Write(v) => vec![Register(*v)],
            Op::Read => vec![self.clone()],
            Op::EitherOf(a, b) => vec![Register(*a), Register(*b)],
        }
    }
}

fn write(v: u32, from: u64, to: u64) -> Call<Op, Option<u32>> {
    Call {
        op: Op::Write(v),
        invoked: from,
        returned: Some((to, None)),
    }
}

fn read(seen: u32, from: u64, to: u64) -> Call<Op, Option<u32>> {
    Call {
        op: Op::Read,
        invoked: from,
        returned: Some((to, Some(seen))),
    }
}

/// A call whose outcome is unknown.
fn lost(op: Op, from: u64) -> Call<Op, Option<u32>> {
    Call {
        op,
        invoked: from,
        returned: None,
    }
}

fn verdict(history: &[Call<Op, Option<u32>>]) -> Verdict {
    check(&Register(0), history, 1_000_000).0
}

fn stuck(history: &[Call<Op, Option<u32>>]) -> Vec<usize> {
    match verdict(history) {
        Verdict::NotLinearizable { stuck, .. } => stuck,
        other => panic!("linearizable after all: {other:?}"),
    }
}

#[test]
fn sequential_and_overlapping_histories_are_linearizable() {
    assert_eq!(verdict(&[]), Verdict::Linearizable);
    assert_eq!(
        verdict(&[write(1, 0, 1), read(1, 2, 3), write(2, 4, 5), read(2, 6, 7)]),
        Verdict::Linearizable
    );
    // A read overlapping a write may see either value.
    for seen in [0, 1] {
        assert_eq!(
            verdict(&[write(1, 0, 10), read(seen, 2, 3)]),
            Verdict::Linearizable
        );
    }
    // Two overlapping writes, then reads that agree on the last one.
    let history = [
        write(1, 0, 10),
        write(2, 1, 9),
        read(1, 11, 12),
        read(1, 13, 14),
    ];
    assert_eq!(verdict(&history), Verdict::Linearizable);
}

#[test]
fn impossible_answers_are_named() {
    // A value never written.
    assert_eq!(stuck(&[write(1, 0, 1), read(7, 2, 3)]), [1]);
    // A stale read after a completed write.
    assert_eq!(stuck(&[write(1, 0, 1), write(2, 2, 3), read(1, 4, 5)]), [2]);
    // Overlapping writes, then reads that disagree on which came last.
    let history = [
        write(1, 0, 10),
        write(2, 1, 9),
        read(1, 11, 12),
        read(2, 13, 14),
    ];
    let Verdict::NotLinearizable { placed, stuck } = verdict(&history) else {
        panic!("linearizable");
    };
    assert_eq!(stuck, [3]);
    assert_eq!(placed.len(), 3);
}

#[test]
fn an_unknown_outcome_may_have_taken_effect_or_not() {
    // Seen later: it took effect.
    assert_eq!(
        verdict(&[lost(Op::Write(5), 0), read(5, 10, 11)]),
        Verdict::Linearizable
    );
    // Never seen: it did not.
    assert_eq!(
        verdict(&[lost(Op::Write(5), 0), read(0, 10, 11), read(0, 12, 13)]),
        Verdict::Linearizable
    );
    // Seen, then not: a write takes effect once.
    assert_eq!(
        stuck(&[lost(Op::Write(5), 0), read(5, 10, 11), read(0, 12, 13)]),
        [2]
    );
    // Seen before it was even invoked.
    assert_eq!(stuck(&[read(5, 0, 1), lost(Op::Write(5), 2)]), [0]);
}

#[test]
fn every_next_state_of_a_nondeterministic_step_is_tried() {
    let either = |from, to| Call {
        op: Op::EitherOf(3, 4),
        invoked: from,
        returned: Some((to, None)),
    };
    for seen in [3, 4] {
        assert_eq!(
            verdict(&[either(0, 1), read(seen, 2, 3)]),
            Verdict::Linearizable
        );
    }
    assert_eq!(stuck(&[either(0, 1), read(3, 2, 3), read(4, 4, 5)]), [2]);
}

#[test]
fn parts_are_checked_each_on_its_own() {
    let parts = vec![
        ("a", Register(0), vec![write(1, 0, 1), read(1, 2, 3)]),
        ("b", Register(0), vec![write(1, 0, 1), read(2, 2, 3)]),
        ("c", Register(9), vec![read(9, 0, 1)]),
    ];
    let verdicts: Vec<(&str, bool)> = check_partitions(parts, 1_000)
        .into_iter()
        .map(|(key, verdict, _)| (key, verdict == Verdict::Linearizable))
        .collect();
    assert_eq!(verdicts, [("a", true), ("b", false), ("c", true)]);
}

#[test]
fn a_long_mostly_sequential_history_checks_in_few_steps() {
    let mut history = Vec::new();
    for i in 0..10_000u32 {
        let t = u64::from(i) * 10;
        // Each write overlaps the read before it.
        history.push(write(i + 1, t, t + 8));
        history.push(read(i + 1, t + 9, t + 12));
    }
    let (verdict, stats) = check(&Register(0), &history, 10_000_000);
    assert_eq!(verdict, Verdict::Linearizable);
    println!(
        "20,000 calls: {} steps, {} cache hits",
        stats.steps, stats.cache_hits
    );
    history.push(read(0, 200_000, 200_001));
    assert!(matches!(
        check(&Register(0), &history, 10_000_000).0,
        Verdict::NotLinearizable { .. }
    ));
}

#[test]
fn a_search_past_its_budget_gives_up() {
    // Many overlapping writes and a read no order explains: the search
    // tries the orders until the budget runs out.
    let mut history: Vec<_> = (1..=12).map(|v| write(v, 0, 100)).collect();
    history.push(read(99, 101, 102));
    assert_eq!(check(&Register(0), &history, 50).0, Verdict::GaveUp);
}
