//! Admin tool: writes invitations in the table's documented layout, as the
//! inviter side would. Usage: see `invitations-admin help`.

use std::process::ExitCode;

use aws_sdk_dynamodb::error::DisplayErrorContext;
use guardduty_invitations::domain::{AccountId, Action};
use guardduty_invitations::inviter::{self, ChangeError};
use guardduty_invitations::store::Store;
use guardduty_invitations::table;

const USAGE: &str = "\
usage: invitations-admin <command> [args]

  ping                              check that DynamoDB answers
  create-table                      create the table (TABLE_NAME) if missing
  invite       INVITEE INVITER      INVITER invites INVITEE: status Invited
  accept       INVITEE INVITER      INVITEE accepts: status Enabled
  disassociate INVITEE INVITER      the relationship ends: status Removed
  seed         INVITEE              one invitation in every state for INVITEE
  seed-many    INVITEE COUNT        COUNT invitations (Invited) for INVITEE, for paging

The table is TABLE_NAME (default Invitations); the endpoint comes from the
standard AWS settings, e.g. AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:8000.";

/// The inviters `seed` invites the demo account from, and the actions that
/// then bring each invitation to its state; documented in the README.
const SEED: [(&str, &[Action]); 5] = [
    ("210000000001", &[]),
    ("210000000002", &[Action::Decline]),
    // One administrator at a time: 4's membership ends before 3's begins.
    ("210000000004", &[Action::Accept, Action::Disassociate]),
    ("210000000003", &[Action::Accept]),
    ("210000000005", &[]),
];

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match run(&args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("invitations-admin: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: &[&str]) -> Result<(), String> {
    let sdk_config = guardduty_invitations::sdk::load().await;
    let client = aws_sdk_dynamodb::Client::new(&sdk_config);
    let table = table::name_from_env();
    let store = Store::new(client.clone(), &table);
    let change = async |action, invitee: &str, inviter: &str| {
        let (invitee, inviter) = (account(invitee)?, account(inviter)?);
        inviter::apply(&store, action, &invitee, &inviter)
            .await
            .map_err(|e| format!("{invitee} <- {inviter}: {e}"))
    };
    match args {
        ["ping"] => {
            client
                .list_tables()
                .limit(1)
                .send()
                .await
                .map_err(|e| DisplayErrorContext(e).to_string())?;
            Ok(())
        }
        ["create-table"] => {
            let created = table::create(&client, &table)
                .await
                .map_err(|e| DisplayErrorContext(e).to_string())?;
            println!(
                "{table}: {}",
                if created { "created" } else { "already exists" }
            );
            Ok(())
        }
        ["invite", invitee, inviter] => change(Action::Invite, invitee, inviter).await,
        ["accept", invitee, inviter] => change(Action::Accept, invitee, inviter).await,
        ["disassociate", invitee, inviter] => change(Action::Disassociate, invitee, inviter).await,
        ["seed", invitee] => seed(&store, &account(invitee)?).await,
        ["seed-many", invitee, count] => {
            let count: u32 = count
                .parse()
                .ok()
                .filter(|n| *n <= 9999)
                .ok_or("COUNT must be a number up to 9999")?;
            seed_many(&store, &account(invitee)?, count).await
        }
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(format!("unrecognized arguments\n\n{USAGE}")),
    }
}

/// Idempotent: an invitation that is already there is left as it is.
async fn seed(store: &Store, invitee: &AccountId) -> Result<(), String> {
    for (inviter, actions) in SEED {
        let inviter = account(inviter)?;
        match inviter::apply(store, Action::Invite, invitee, &inviter).await {
            Ok(()) => {}
            Err(ChangeError::Refused { .. }) => continue,
            Err(e) => return Err(e.to_string()),
        }
        for action in actions {
            inviter::apply(store, *action, invitee, &inviter)
                .await
                .map_err(|e| e.to_string())?;
        }
    }
    println!("seeded the sample invitations for {invitee} (see the README)");
    Ok(())
}

/// Invitations from inviters 22000000NNNN; idempotent like `seed`.
async fn seed_many(store: &Store, invitee: &AccountId, count: u32) -> Result<(), String> {
    for i in 0..count {
        let inviter = account(&format!("2200000{i:05}"))?;
        match inviter::apply(store, Action::Invite, invitee, &inviter).await {
            Ok(()) | Err(ChangeError::Refused { .. }) => {}
            Err(e) => return Err(e.to_string()),
        }
    }
    println!("seeded {count} invitations for {invitee}");
    Ok(())
}

fn account(s: &str) -> Result<AccountId, String> {
    AccountId::parse(s).map_err(|_| format!("{s:?} is not a 12-digit account ID"))
}
