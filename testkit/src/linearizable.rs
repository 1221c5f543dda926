//! Whether a recorded history of concurrent calls is linearizable: whether
//! some total order of the calls, respecting real time (a call that
//! returned before another was invoked comes first), takes a sequential
//! model through every answer the calls got. A call whose outcome is
//! unknown (a timeout, a 5xx, an answer that says "retry") may have taken
//! effect at any time after its invocation, or never.
//!
//! The search is Wing & Gong's, with Lowe's memoization as Porcupine does
//! it ("Testing for linearizability", Lowe 2017; github.com/anishathalye/
//! porcupine): a depth-first walk of the invocation and return events in
//! time order that linearizes a pending call when the model accepts its
//! answer, backtracks when a return comes whose call could not be placed,
//! and never visits a (set of calls placed, model state) twice. Unknown
//! calls return at infinity, and may be placed with any effect or none.
//!
//! Our own rather than a crate's: stateright's and consistency_model's
//! `LinearizabilityTester` take sequential specifications with one next
//! state and a definite answer per call, and record from inside the model
//! checker; ours needs calls that may or may not have taken effect, models
//! with several possible next states (an invitation ID not learnt yet), and
//! histories checked in independent parts, one per member account, across
//! threads; Porcupine, which has the first and the last, is Go. The cost
//! is exponential in the calls that overlap, linear in a history's length
//! when few do: the soak prints it.

use std::collections::HashSet;
use std::hash::Hash;

/// A sequential specification: the object's state.
pub trait Model: Clone + Eq + Hash + std::fmt::Debug {
    type Op: std::fmt::Debug;
    type Answer: std::fmt::Debug;
    /// The states `op` can lead to from `self` when it answered `answer`;
    /// empty when no sequential execution gives that answer here.
    fn step(&self, op: &Self::Op, answer: &Self::Answer) -> Vec<Self>;
    /// The states `op` can lead to from `self` whatever it answered, for a
    /// call whose answer is unknown. The checker also allows no effect.
    fn step_any(&self, op: &Self::Op) -> Vec<Self>;
}

/// One call in a history.
#[derive(Clone, Debug)]
pub struct Call<O, A> {
    pub op: O,
    /// When it was invoked, on one monotonic clock.
    pub invoked: u64,
    /// When it returned and what it answered; `None` when its outcome is
    /// unknown.
    pub returned: Option<(u64, A)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Linearizable,
    /// No order explains the answers. `placed`: the longest sequence of
    /// calls (indexes into the history) the search linearized; `stuck`:
    /// the completed calls that could have come next there, none of which
    /// the model accepts: the offending calls.
    NotLinearizable {
        placed: Vec<usize>,
        stuck: Vec<usize>,
    },
    /// The search gave up after its budget of steps.
    GaveUp,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub steps: usize,
    pub cache_hits: usize,
}

/// An invocation or return in the doubly linked list of events.
#[derive(Clone, Copy)]
struct Event {
    call: usize,
    is_return: bool,
    prev: usize,
    next: usize,
}

/// The events in time order (unknown calls' returns last), linked between
/// a head and a tail sentinel; the search unlinks the events of a call it
/// places and links them back when it backtracks.
struct Events {
    list: Vec<Event>,
    /// Where each call's invocation and return are.
    of_call: Vec<(usize, usize)>,
}

const HEAD: usize = 0;

impl Events {
    fn new<O, A>(history: &[Call<O, A>]) -> Self {
        let mut timed: Vec<(u64, bool, usize)> = Vec::new();
        for (i, call) in history.iter().enumerate() {
            timed.push((call.invoked, false, i));
            let at = call.returned.as_ref().map_or(u64::MAX, |(t, _)| *t);
            timed.push((at, true, i));
        }
        // At equal times invocations first: such calls count as overlapping.
        timed.sort_by_key(|&(at, is_return, i)| (at, is_return, i));
        let n = timed.len();
        let mut list = vec![Event {
            call: usize::MAX,
            is_return: false,
            prev: HEAD,
            next: 1,
        }];
        let mut of_call = vec![(0, 0); history.len()];
        for (k, &(_, is_return, call)) in timed.iter().enumerate() {
            let at = k + 1;
            list.push(Event {
                call,
                is_return,
                prev: at - 1,
                next: at + 1,
            });
            if is_return {
                of_call[call].1 = at;
            } else {
                of_call[call].0 = at;
            }
        }
        list.push(Event {
            call: usize::MAX,
            is_return: false,
            prev: n,
            next: n + 1,
        });
        Events { list, of_call }
    }

    fn tail(&self) -> usize {
        self.list.len() - 1
    }

    fn unlink(&mut self, at: usize) {
        let Event { prev, next, .. } = self.list[at];
        self.list[prev].next = next;
        self.list[next].prev = prev;
    }

    fn relink(&mut self, at: usize) {
        let Event { prev, next, .. } = self.list[at];
        self.list[prev].next = at;
        self.list[next].prev = at;
    }

    /// Takes call `call`'s events out of the list.
    fn lift(&mut self, call: usize) {
        let (invocation, ret) = self.of_call[call];
        self.unlink(invocation);
        self.unlink(ret);
    }

    fn unlift(&mut self, call: usize) {
        let (invocation, ret) = self.of_call[call];
        self.relink(ret);
        self.relink(invocation);
    }
}

/// A bitset of the calls placed.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Placed(Vec<u64>);

impl Placed {
    fn flip(&mut self, call: usize) {
        self.0[call / 64] ^= 1 << (call % 64);
    }
}

/// A placed call: where the search was, the state before it, and the
/// other states it may still lead to.
struct Frame<M> {
    call: usize,
    before: M,
    untried: Vec<M>,
}

/// Decides whether `history` is linearizable from `initial`, within
/// `budget` model steps.
pub fn check<M: Model>(
    initial: &M,
    history: &[Call<M::Op, M::Answer>],
    budget: usize,
) -> (Verdict, Stats) {
    let mut events = Events::new(history);
    let mut stats = Stats::default();
    let mut placed = Placed(vec![0; history.len().div_ceil(64)]);
    let mut seen: HashSet<(Placed, M)> = HashSet::new();
    let mut stack: Vec<Frame<M>> = Vec::new();
    let mut state = initial.clone();
    // Where the search got furthest: the calls placed, those stuck there.
    let mut deepest: Option<(Vec<usize>, Vec<usize>)> = None;
    let mut at = events.list[HEAD].next;
    loop {
        if at == events.tail() {
            return (Verdict::Linearizable, stats);
        }
        let event = events.list[at];
        if !event.is_return {
            stats.steps += 1;
            if stats.steps > budget {
                return (Verdict::GaveUp, stats);
            }
            let call = &history[event.call];
            let mut next = match &call.returned {
                Some((_, answer)) => state.step(&call.op, answer),
                None => {
                    let mut any = state.step_any(&call.op);
                    any.push(state.clone());
                    any
                }
            };
            if let Some(placed_state) =
                take_unseen(&mut next, &placed, event.call, &mut seen, &mut stats)
            {
                placed.flip(event.call);
                let before = std::mem::replace(&mut state, placed_state);
                stack.push(Frame {
                    call: event.call,
                    before,
                    untried: next,
                });
                events.lift(event.call);
                at = events.list[HEAD].next;
            } else {
                at = event.next;
            }
            continue;
        }
        // A return whose call could not be placed: undo the last placement.
        if deepest
            .as_ref()
            .is_none_or(|(calls, _)| stack.len() > calls.len())
        {
            let calls = stack.iter().map(|f| f.call).collect();
            deepest = Some((calls, window(&events, history)));
        }
        let Some(mut frame) = stack.pop() else {
            let (placed, stuck) = deepest.unwrap_or_default();
            return (Verdict::NotLinearizable { placed, stuck }, stats);
        };
        placed.flip(frame.call);
        let other = take_unseen(
            &mut frame.untried,
            &placed,
            frame.call,
            &mut seen,
            &mut stats,
        );
        if let Some(other) = other {
            // The same call, with another state it may lead to.
            placed.flip(frame.call);
            state = other;
            stack.push(frame);
            at = events.list[HEAD].next;
        } else {
            events.unlift(frame.call);
            state = frame.before;
            at = events.list[events.of_call[frame.call].0].next;
        }
    }
}

/// The first of `states` not seen with `call` placed beside `placed`.
fn take_unseen<M: Model>(
    states: &mut Vec<M>,
    placed: &Placed,
    call: usize,
    seen: &mut HashSet<(Placed, M)>,
    stats: &mut Stats,
) -> Option<M> {
    let mut with = placed.clone();
    with.flip(call);
    while let Some(state) = states.pop() {
        if seen.insert((with.clone(), state.clone())) {
            return Some(state);
        }
        stats.cache_hits += 1;
    }
    None
}

/// The completed calls that could be placed next: those invoked before the
/// first return still in the list.
fn window<O, A>(events: &Events, history: &[Call<O, A>]) -> Vec<usize> {
    let mut calls = Vec::new();
    let mut at = events.list[HEAD].next;
    while at != events.tail() && !events.list[at].is_return {
        let call = events.list[at].call;
        if history[call].returned.is_some() {
            calls.push(call);
        }
        at = events.list[at].next;
    }
    calls
}

/// A model's history.
pub type History<M> = Vec<Call<<M as Model>::Op, <M as Model>::Answer>>;

/// Checks each part (a key, its initial state, its history) on its own,
/// on as many threads as the machine has cores.
pub fn check_partitions<K, M>(
    parts: Vec<(K, M, History<M>)>,
    budget: usize,
) -> Vec<(K, Verdict, Stats)>
where
    K: Send,
    M: Model + Send,
    M::Op: Send,
    M::Answer: Send,
{
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let queue = std::sync::Mutex::new(parts.into_iter().enumerate().collect::<Vec<_>>());
    let results = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let Some((i, (key, initial, history))) = queue.lock().unwrap().pop() else {
                        return;
                    };
                    let (verdict, stats) = check(&initial, &history, budget);
                    results.lock().unwrap().push((i, key, verdict, stats));
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort_by_key(|(i, ..)| *i);
    results.into_iter().map(|(_, k, v, s)| (k, v, s)).collect()
}

#[cfg(test)]
mod tests;
