//! The batches not measured elsewhere: the administrator's
//! StopMonitoringMembers, StartMonitoringMembers, DisassociateMembers and
//! DeleteMembers of 50, and the member's DeleteInvitations. The requests of
//! one call of each, through the handler in this process, from a known
//! state: 50 Enabled members, stopped, started again, disassociated, then
//! deleted, each call starting where the one before left them; and a
//! member with declined invitations from administrators whose records of
//! it are still Invited.

use std::collections::HashMap;

use guardduty_invitations::domain::{AccountId, Action, Outcome};
use guardduty_invitations::inviter;

use crate::baseline::PAGE;
use crate::call::{InProcess, counted_answer};
use crate::events;
use crate::members::create;
use crate::rows::{self, Row};

/// The administrator of the 50 members, and the first of them.
const ADMINISTRATOR: &str = "270000000001";
const MEMBERS_FROM: u64 = 700_000_000_000;
/// The member that deletes its declined invitations, and the first of
/// the administrators that sent them.
const INVITEE: &str = "280000000001";
const INVITERS_FROM: u64 = 281_000_000_000;
/// How many invitations it deletes at once.
const DECLINED: usize = 10;
/// DynamoDB's bound on the items of one transaction, of which the store
/// keeps 3 for the summary and the administrator's checks
/// (`store::changes::chunks`).
const ROOM: usize = 100 - 3;

pub async fn rows(bench: InProcess<'_>) -> Vec<Row> {
    let administrator = testkit::account(ADMINISTRATOR);
    let members = testkit::seed::accounts(MEMBERS_FROM, PAGE);
    associate(bench, &administrator, &members).await;

    let batch = async |rest: &str| {
        let event = events::change_members(&administrator, rest, &members);
        counted_processed(bench, &event).await
    };
    let stop = batch("/member/stop").await;
    let start = batch("/member/start").await;
    let disassociate = batch("/member/disassociate").await;
    let delete = batch("/member/delete").await;
    let delete_invitations = delete_invitations(bench).await;

    let monitored = [("BatchGetItem", 1), ("UpdateItem", PAGE)];
    let monitoring = "51 (the records and the detector read, then one UpdateItem per account, \
                      all at once)";
    // Each moves the summary: the accounts go together, in as few
    // transactions as hold their items (3 an associated account's, the
    // record, the membership item and the invitation; 2 a removed one's),
    // one after another.
    let (ending, deleting) = (PAGE.div_ceil(ROOM / 3), PAGE.div_ceil(ROOM / 2));
    let together = |transactions: usize, each: usize| {
        format!(
            "{} (the records and the detector read, then {transactions} transactions of up to \
             {} accounts, {each} items each, and the summary's change)",
            1 + transactions,
            ROOM / each
        )
    };
    let exactly = |expected: &[(&str, usize)]| {
        let each: Vec<String> = expected.iter().map(|(op, n)| format!("{n} {op}")).collect();
        format!("{}, 0 other", each.join(" + "))
    };
    let row = |figure: String, counts: &HashMap<String, usize>, expected: &[_], floor: &str| {
        rows::requests(figure, counts, expected, floor, &exactly(expected))
    };
    let of = |operation: &str, what: &str| format!("DynamoDB requests for {operation} of {what}");
    let ended = [("BatchGetItem", 1), ("TransactWriteItems", ending)];
    let deleted = [("BatchGetItem", 1), ("TransactWriteItems", deleting)];
    let forgotten = [("TransactWriteItems", DECLINED)];
    vec![
        row(
            of("StopMonitoringMembers", "50 Enabled members"),
            &stop,
            &monitored,
            monitoring,
        ),
        row(
            of("StartMonitoringMembers", "50 Disabled members"),
            &start,
            &monitored,
            monitoring,
        ),
        row(
            of("DisassociateMembers", "50 Enabled members"),
            &disassociate,
            &ended,
            &together(ending, 3),
        ),
        row(
            of("DeleteMembers", "50 Removed members"),
            &delete,
            &deleted,
            &together(deleting, 2),
        ),
        row(
            of(
                "DeleteInvitations",
                &format!("{DECLINED} declined invitations"),
            ),
            &delete_invitations,
            &forgotten,
            &format!(
                "{DECLINED} (one transaction per invitation: it and the administrator's \
                 Invited record go together, all at once)"
            ),
        ),
    ]
}

/// `administrator` creates and invites `members` through the store, and
/// each accepts, on a detector of its own: all Enabled. Untimed.
async fn associate(bench: InProcess<'_>, administrator: &AccountId, members: &[AccountId]) {
    create(bench.table, administrator, members).await;
    let (store, detector) = (
        bench.table.store(),
        bench.table.detector(administrator.as_str()).await,
    );
    let invited = store
        .invite_members(administrator, &detector, members)
        .await;
    let processed = |result: &Result<Outcome, _>| matches!(result, Ok(Outcome::Processed));
    assert!(invited.expect("the invitations").iter().all(processed));
    for member in members {
        bench.table.detector(member.as_str()).await;
        let accepted = inviter::accept(&store, member, administrator).await;
        accepted.expect("the member accepts");
    }
}

/// The requests of one DeleteInvitations of the invitee's declined
/// invitations, each from an administrator that still has it Invited.
async fn delete_invitations(bench: InProcess<'_>) -> HashMap<String, usize> {
    let (store, invitee) = (bench.table.store(), testkit::account(INVITEE));
    let inviters = testkit::seed::accounts(INVITERS_FROM, DECLINED);
    for inviter in &inviters {
        let invited = inviter::invite(&store, inviter, &invitee).await;
        invited.expect("the administrator invites");
        let declined = inviter::answer(&store, Action::Decline, &invitee, inviter).await;
        declined.expect("the member declines");
    }
    let counts = counted_processed(bench, &events::delete_invitations(&invitee, &inviters)).await;
    for inviter in &inviters {
        let gone = store.invitation(&invitee, inviter).await;
        assert!(gone.expect("the read").is_none(), "the invitation deleted");
    }
    counts
}

/// The requests of one batch call whose every account was processed.
async fn counted_processed(bench: InProcess<'_>, event: &str) -> HashMap<String, usize> {
    let (counts, body) = counted_answer(bench.proxy, bench.app, event).await;
    assert!(body.contains(r#""unprocessedAccounts":[]"#), "{body}");
    counts
}
