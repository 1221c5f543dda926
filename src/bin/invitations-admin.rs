//! Admin tool: writes invitations in the table's documented layout, as the
//! inviter side would. Usage: see `invitations-admin help`.

use std::process::ExitCode;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::DisplayErrorContext;
use guardduty_invitations::domain::{AccountId, Operation};
use guardduty_invitations::inviter::{self, Change, ChangeError};
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

The table is TABLE_NAME (default Invitations); the endpoint comes from the
standard AWS settings, e.g. AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:8000.";

/// The inviters `seed` invites the demo account from, and the steps that
/// then bring each invitation to its state; documented in the README.
const SEED: [(&str, &[Step]); 5] = [
    ("210000000001", &[]),
    ("210000000002", &[Step::Decline]),
    ("210000000003", &[Step::Inviter(Change::Accept)]),
    (
        "210000000004",
        &[
            Step::Inviter(Change::Accept),
            Step::Inviter(Change::Disassociate),
        ],
    ),
    ("210000000005", &[]),
];

enum Step {
    Inviter(Change),
    /// The invitee's own decline, through the service's store.
    Decline,
}

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
    let change = async |change, invitee: &str, inviter: &str| {
        let (invitee, inviter) = (account(invitee)?, account(inviter)?);
        inviter::apply(&client, &table, change, &invitee, &inviter)
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
        ["invite", invitee, inviter] => change(Change::Invite, invitee, inviter).await,
        ["accept", invitee, inviter] => change(Change::Accept, invitee, inviter).await,
        ["disassociate", invitee, inviter] => change(Change::Disassociate, invitee, inviter).await,
        ["seed", invitee] => seed(client, &table, &account(invitee)?).await,
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(format!("unrecognized arguments\n\n{USAGE}")),
    }
}

/// Idempotent: an invitation that is already there is left as it is.
async fn seed(client: Client, table: &str, invitee: &AccountId) -> Result<(), String> {
    let store = Store::new(client.clone(), table);
    for (inviter, steps) in SEED {
        let inviter = account(inviter)?;
        match inviter::apply(&client, table, Change::Invite, invitee, &inviter).await {
            Ok(()) => {}
            Err(ChangeError::Refused { .. }) => continue,
            Err(e) => return Err(e.to_string()),
        }
        for step in steps {
            match step {
                Step::Inviter(change) => inviter::apply(&client, table, *change, invitee, &inviter)
                    .await
                    .map_err(|e| e.to_string())?,
                Step::Decline => {
                    store
                        .apply(Operation::Decline, invitee, &inviter)
                        .await
                        .map_err(|e| format!("{e:?}"))?;
                }
            }
        }
    }
    println!("seeded the sample invitations for {invitee} (see the README)");
    Ok(())
}

fn account(s: &str) -> Result<AccountId, String> {
    AccountId::parse(s).map_err(|_| format!("{s:?} is not a 12-digit account ID"))
}
