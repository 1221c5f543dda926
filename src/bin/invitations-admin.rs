//! Admin tool: sets up relationships locally, either side's operations
//! one account at a time. Usage: see `invitations-admin help`.

use std::process::ExitCode;

use aws_sdk_dynamodb::error::DisplayErrorContext;
use guardduty_invitations::domain::{AccountId, Action, MemberAction, Reason};
use guardduty_invitations::inviter::{self, ChangeError};
use guardduty_invitations::organizations;
use guardduty_invitations::store::Store;
use guardduty_invitations::table;

const USAGE: &str = "\
usage: invitations-admin <command> [args]

  ping                              check that DynamoDB answers
  create-table                      create the table (TABLE_NAME) if missing
  detector     ACCOUNT              ACCOUNT's detector ID, created if it has none
  invite       MEMBER ADMIN         ADMIN creates (if needed) and invites MEMBER: Invited
  accept       MEMBER ADMIN         MEMBER accepts: Enabled on both sides
  decline      MEMBER ADMIN         MEMBER declines: Declined
  disassociate MEMBER ADMIN         ADMIN disassociates MEMBER: Removed on both sides
  resign       MEMBER               MEMBER leaves its administrator: Resigned, Removed
  stop         MEMBER ADMIN         ADMIN stops monitoring MEMBER: Disabled
  seed         MEMBER               one invitation in every state for MEMBER
  seed-admin   ADMIN                members in every status for ADMIN
  seed-many    MEMBER COUNT         COUNT invitations (Invited) for MEMBER, for paging
  sync-organization                 mirror the AWS organization and apply auto-enable

Every command goes through the same store calls as the API; an account
that needs a detector for it gets one first. The table is
TABLE_NAME (default Invitations); the endpoints come from the standard AWS
settings, e.g. AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:8000 and
AWS_ENDPOINT_URL_ORGANIZATIONS; sync-organization reads AWS Organizations
through the role ORGANIZATIONS_ROLE_ARN when it is set.";

/// What happens to a relationship after the invitation, in order.
#[derive(Clone, Copy)]
enum Then {
    Accept,
    Decline,
    Disassociate,
    Resign,
    Stop,
}

/// The administrators `seed` invites the demo member from, and what then
/// happens to each invitation; documented in docs/development.md.
const SEED: [(&str, &[Then]); 5] = [
    ("210000000001", &[]),
    ("210000000002", &[Then::Decline]),
    // One administrator at a time: 4's membership ends before 3's begins.
    ("210000000004", &[Then::Accept, Then::Disassociate]),
    ("210000000003", &[Then::Accept]),
    ("210000000005", &[]),
];

/// The members `seed-admin` gives an administrator, one in every status
/// but Enabled (the demo member is that one); documented in docs/development.md.
const SEED_ADMIN: [(&str, Option<&[Then]>); 5] = [
    ("310000000001", None),
    ("310000000002", Some(&[])),
    ("310000000003", Some(&[Then::Accept, Then::Stop])),
    ("310000000004", Some(&[Then::Accept, Then::Disassociate])),
    ("310000000005", Some(&[Then::Accept, Then::Resign])),
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
    let pair = |member: &str, admin: &str| Ok::<_, String>((account(member)?, account(admin)?));
    let relationship = async |then: Option<Then>, member: &str, admin: &str| {
        let (member, admin) = pair(member, admin)?;
        let done = match then {
            None => inviter::invite(&store, &admin, &member).await,
            Some(then) => happen(&store, then, &member, &admin).await,
        };
        done.map_err(|e| format!("{member} <- {admin}: {e}"))
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
        ["detector", owner] => {
            let id = inviter::detector(&store, &account(owner)?)
                .await
                .map_err(|e| format!("{owner}: {e}"))?;
            println!("{id}");
            Ok(())
        }
        ["invite", member, admin] => relationship(None, member, admin).await,
        ["accept", member, admin] => relationship(Some(Then::Accept), member, admin).await,
        ["decline", member, admin] => relationship(Some(Then::Decline), member, admin).await,
        ["disassociate", member, admin] => {
            relationship(Some(Then::Disassociate), member, admin).await
        }
        ["stop", member, admin] => relationship(Some(Then::Stop), member, admin).await,
        ["resign", member] => inviter::resign(&store, &account(member)?)
            .await
            .map_err(|e| format!("{member}: {e}")),
        ["seed", member] => seed(&store, &account(member)?).await,
        ["seed-admin", admin] => seed_admin(&store, &account(admin)?).await,
        ["seed-many", member, count] => {
            let count: u32 = count
                .parse()
                .ok()
                .filter(|n| *n <= 9999)
                .ok_or("COUNT must be a number up to 9999")?;
            seed_many(&store, &account(member)?, count).await
        }
        ["sync-organization"] => sync_organization(&store, &sdk_config).await,
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(format!("unrecognized arguments\n\n{USAGE}")),
    }
}

async fn happen(
    store: &Store,
    then: Then,
    member: &AccountId,
    admin: &AccountId,
) -> Result<(), ChangeError> {
    match then {
        Then::Accept => inviter::accept(store, member, admin).await,
        Then::Decline => inviter::answer(store, Action::Decline, member, admin).await,
        Then::Disassociate => {
            inviter::change(store, MemberAction::Disassociate, admin, member).await
        }
        Then::Resign => inviter::resign(store, member).await,
        Then::Stop => inviter::change(store, MemberAction::Stop, admin, member).await,
    }
}

/// Invites `member` from `admin`, then lets `then` happen. Idempotent: a
/// relationship that already exists is left as it is.
async fn relate(
    store: &Store,
    member: &AccountId,
    admin: &AccountId,
    then: &[Then],
) -> Result<(), String> {
    match inviter::invite(store, admin, member).await {
        Ok(()) => {}
        Err(ChangeError::Refused(Reason::AlreadyInvited)) => return Ok(()),
        Err(e) => return Err(format!("{member} <- {admin}: {e}")),
    }
    for step in then {
        happen(store, *step, member, admin)
            .await
            .map_err(|e| format!("{member} <- {admin}: {e}"))?;
    }
    Ok(())
}

async fn seed(store: &Store, member: &AccountId) -> Result<(), String> {
    for (admin, then) in SEED {
        relate(store, member, &account(admin)?, then).await?;
    }
    println!("seeded the sample invitations for {member} (see docs/development.md)");
    Ok(())
}

async fn seed_admin(store: &Store, admin: &AccountId) -> Result<(), String> {
    for (member, then) in SEED_ADMIN {
        let member = account(member)?;
        match then {
            None => {
                match inviter::create(store, admin, &member, &inviter::demo_email(&member)).await {
                    Ok(()) | Err(ChangeError::Refused(Reason::AlreadyMember)) => {}
                    Err(e) => return Err(format!("{member} <- {admin}: {e}")),
                }
            }
            Some(then) => relate(store, &member, admin, then).await?,
        }
    }
    println!("seeded the sample members of {admin} (see docs/development.md)");
    Ok(())
}

/// Invitations from administrators 22000000NNNN; idempotent like `seed`.
async fn seed_many(store: &Store, member: &AccountId, count: u32) -> Result<(), String> {
    for i in 0..count {
        relate(store, member, &account(&format!("2200000{i:05}"))?, &[]).await?;
    }
    println!("seeded {count} invitations for {member}");
    Ok(())
}

/// One sync; accounts it had to leave (throttled, out of time) make it
/// fail, so that a script runs it again.
async fn sync_organization(
    store: &Store,
    sdk_config: &aws_config::SdkConfig,
) -> Result<(), String> {
    let client = organizations::client(sdk_config).await;
    let synced = organizations::sync(store, &client)
        .await
        .map_err(|e| format!("sync-organization: {e}"))?;
    println!(
        "organization synced: {} accounts written, {} removed, {} enrolled, {} refused",
        synced.accounts_put,
        synced.accounts_deleted,
        synced.enrolled,
        synced.refused.len()
    );
    for (account, why) in &synced.refused {
        println!("  {account}: {why}");
    }
    if synced.disable_unfinished {
        return Err(
            "a Disable in progress was left for the next sync (out of time); run it again".into(),
        );
    }
    match synced.unfinished {
        0 => Ok(()),
        n => Err(format!(
            "{n} accounts were left for the next sync (throttled or out of time); run it again"
        )),
    }
}

fn account(s: &str) -> Result<AccountId, String> {
    AccountId::parse(s).map_err(|_| format!("{s:?} is not a 12-digit account ID"))
}
