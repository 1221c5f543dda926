//! The benchmark: builds the release `bootstrap` and a bare lambda_runtime
//! echo function, runs both against a stub Runtime API and DynamoDB Local
//! (behind a counting, delaying proxy), runs the handler itself in this
//! process beside the same requests sent directly, and prints every figure
//! beside its floor, measured in the same run. bench/README.md says how
//! each floor is taken.
//!
//! `cargo run --release -p bench` for the full run (writes bench/RESULTS.md);
//! `-- --quick` for the short run CI does.
//!
//! Here: the plan and the order of the run. Elsewhere: the builds
//! (`artifacts`), the functions as processes (`function`), the requests
//! sent directly (`baseline`), sampling (`measure`), one request through
//! the handler (`call`), the figures (`starts`, `handler`, `membership`,
//! `members`, `detectors`, `batches`, `onboarding`, `organization`,
//! `invocations`), rows
//! and the report (`rows`, `report`).

mod artifacts;
mod baseline;
mod batches;
mod call;
mod detectors;
mod events;
mod function;
mod handler;
mod invocations;
mod measure;
mod members;
mod membership;
mod onboarding;
mod organization;
mod proxy;
mod report;
mod rows;
mod runtime_api;
mod starts;

use std::fs::File;
use std::sync::Arc;
use std::time::Duration;

use guardduty_invitations::api::identity::AuthMode;
use guardduty_invitations::domain::AccountId;
use guardduty_invitations::{logging, store};
use testkit::{DynamoDbLocal, TestTable};

use baseline::Direct;
use proxy::Proxy;

/// The caller of every decline: 50 invitations, all already declined, so
/// that each write is refused and the table never changes.
const CALLER: &str = "111122223333";
/// The caller of the reads: 60 invitations, more than a page holds.
const READER: &str = "111122224444";
/// How many invitations the reader has.
const READER_INVITATIONS: usize = 60;
/// How many members the lister has, every one of whose pages is listed
/// (in the quick run too: seeding them takes seconds).
const LISTED: usize = 5000;
/// How many members the full run onboards.
const ONBOARDED: usize = 1000;

pub struct Plan {
    pub quick: bool,
    pub starts: usize,
    pub samples: usize,
    pub overlap_samples: usize,
    pub throughput_for: Duration,
    /// The members of the onboarding.
    pub onboarded: usize,
}

impl Plan {
    fn new(quick: bool) -> Self {
        Plan {
            quick,
            starts: if quick { 11 } else { 101 },
            samples: if quick { 20 } else { 400 },
            overlap_samples: if quick { 3 } else { 11 },
            throughput_for: Duration::from_secs(if quick { 2 } else { 10 }),
            onboarded: if quick { 100 } else { ONBOARDED },
        }
    }

    /// What a figure of the quick run says when it used `n` of the full
    /// run's `full`.
    pub fn fewer(&self, n: usize, full: usize) -> String {
        if self.quick && n != full {
            format!(" (quick run: {n}, the full run {full})")
        } else {
            String::new()
        }
    }
}

/// Who calls, and the invitations they have.
pub struct Accounts {
    pub caller: AccountId,
    /// The caller's inviters, in order.
    pub inviters: Vec<AccountId>,
    pub reader: AccountId,
    /// The members of an administrator, one per membership figure.
    pub members: membership::Members,
    /// The administrator whose members are read and listed.
    pub lister: members::Lister,
}

// One thread, like the function: the stub, the proxy and the direct
// requests share it, so no figure pays for cross-thread wake-ups the other
// does not.
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let plan = Plan::new(std::env::args().any(|a| a == "--quick"));
    let root = testkit::repo_root();
    let machine = report::machine();
    println!("{machine}");

    let built = artifacts::build_all(&root);

    let dynamodb = DynamoDbLocal::start(None);
    let proxy = Proxy::start(([127, 0, 0, 1], dynamodb.port).into()).await;
    // Every request, seeding included, goes through the proxy.
    let table = TestTable::on(&proxy.url).await;
    let accounts = Accounts {
        caller: testkit::account(CALLER),
        inviters: testkit::seed::accounts(300_000_000_000, 50),
        reader: testkit::account(READER),
        members: membership::Members::seed(&table).await,
        lister: members::Lister::seed(&table, LISTED).await,
    };
    table
        .put_all(&accounts.caller, &accounts.inviters, "Declined")
        .await;
    let readers_inviters = testkit::seed::accounts(400_000_000_000, READER_INVITATIONS);
    table
        .put_all(&accounts.reader, &readers_inviters, "Invited")
        .await;
    let direct = Direct::new(&table);
    direct.warm_up(&accounts).await;

    // The handler measured in this process, as the function runs it: its
    // client configuration (without the testkit's request counter: the
    // proxy counts), its IAM caller mode, its log lines (to /dev/null,
    // where the bootstraps' standard output goes too).
    logging::init(Arc::new(File::create("/dev/null").unwrap()));
    let store_config = store::config(&testkit::sdk_config(&proxy.url).await);
    let app = Arc::new(table.app_from(store_config, AuthMode::Iam));

    // Measured in this order, shown in another: the bootstrap's warm figures
    // first, whose seconds of load finish DynamoDB Local's warm-up (a
    // backend still speeding up would pull the handler's ratios towards 1),
    // then the handler's, then the starts, the most easily disturbed.
    let functions = function::Functions {
        proxy: &proxy,
        table: &table.name,
    };
    let invocations = invocations::rows(&plan, &built.ours, &functions, &direct, &accounts).await;
    let in_process = call::InProcess {
        plan: &plan,
        app: &app,
        proxy: &proxy,
        direct: &direct,
        table: &table,
    };
    let mut handler = handler::rows(in_process, &accounts).await;
    handler.extend(members::rows(in_process, &accounts.lister).await);
    handler.extend(detectors::rows(in_process).await);
    handler.extend(batches::rows(in_process).await);
    handler.extend(onboarding::rows(in_process).await);
    handler.extend(organization::rows(in_process).await);
    let mut rows = starts::rows(&plan, &built, &functions, &accounts).await;
    rows.extend(handler);
    rows.extend(invocations);
    rows.push(rows::size(&built));
    dynamodb.stop();

    report::publish(&root, &machine, &plan, &rows);
}
