//! Races across several function processes (`cargo lambda watch` each,
//! over one table), both sides through the real aws-sdk-guardduty client:
//! DynamoDB alone keeps the two views in agreement, one administrator per
//! member, and no administrator of active members an associated member.
//! The invariants are checked after every race.

use aws_sdk_guardduty::Client;
use aws_sdk_guardduty::types::AccountDetail;

use crate::support::TestTable;
use crate::support::calls::detector;
use crate::support::invariants::assert_invariants;
use crate::support::watch::{Watch, guardduty};

const PROCESSES: usize = 3;
const ROUNDS: usize = 4;
const ACCEPTS: usize = 8;

async fn create_and_invite(client: &Client, admin: &str, member: &str) {
    let detail = AccountDetail::builder()
        .account_id(member)
        .email(format!("m{member}@example.com"))
        .build();
    let created = client
        .create_members()
        .detector_id(detector(admin))
        .account_details(detail)
        .send()
        .await
        .expect("CreateMembers");
    assert_eq!(created.unprocessed_accounts(), [], "create {member}");
    let invited = client
        .invite_members()
        .detector_id(detector(admin))
        .account_ids(member)
        .send()
        .await
        .expect("InviteMembers");
    assert_eq!(invited.unprocessed_accounts(), [], "invite {member}");
}

async fn accept(client: &Client, member: &str, admin: &str, id: &str) -> Result<(), String> {
    client
        .accept_administrator_invitation()
        .detector_id(detector(member))
        .administrator_id(admin)
        .invitation_id(id)
        .send()
        .await
        .map(drop)
        .map_err(|e| format!("{:?}", e.into_service_error()))
}

async fn leave(client: &Client, member: &str) {
    client
        .disassociate_from_administrator_account()
        .detector_id(detector(member))
        .send()
        .await
        .expect("disassociate always succeeds");
}

/// The one account's result of an administrator's batch, if unprocessed.
fn result(accounts: &[aws_sdk_guardduty::types::UnprocessedAccount]) -> Option<String> {
    accounts.first().and_then(|a| a.result()).map(str::to_owned)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_processes_keep_both_views_in_agreement() {
    let table = TestTable::new().await;
    let watches = Watch::several(&table.name, PROCESSES).await;
    let process = |i: usize, account: &str| guardduty(&watches[i % PROCESSES], account);

    for round in 0..ROUNDS {
        let member = format!("40000000050{round}");
        let admins: Vec<String> = (1..=4).map(|i| format!("5000000005{round}{i}")).collect();
        for account in admins.iter().chain([&member]) {
            table.detector(account).await;
        }

        // Several administrators invite one member at once...
        let invites = admins
            .iter()
            .enumerate()
            .map(|(i, admin)| {
                let client = process(i, admin);
                let (admin, member) = (admin.clone(), member.clone());
                tokio::spawn(async move { create_and_invite(&client, &admin, &member).await })
            })
            .collect::<Vec<_>>();
        for invite in invites {
            invite.await.unwrap();
        }
        assert_invariants(&table).await;
        let mut ids = Vec::new();
        for admin in &admins {
            ids.push(table.invitation_id(&member, admin).await);
        }

        // ...and it accepts all of them at once: exactly one wins.
        let mut accepts = tokio::task::JoinSet::new();
        for i in 0..ACCEPTS {
            let (client, member) = (process(i, &member), member.clone());
            let (admin, id) = (admins[i % 4].clone(), ids[i % 4].clone());
            accepts
                .spawn(async move { (admin.clone(), accept(&client, &member, &admin, &id).await) });
        }
        let mut winners = std::collections::HashSet::new();
        while let Some(joined) = accepts.join_next().await {
            let (admin, result) = joined.unwrap();
            match result {
                Ok(()) => {
                    winners.insert(admin);
                }
                Err(error) => assert!(error.contains("already associated"), "{error}"),
            }
        }
        assert_eq!(winners.len(), 1, "round {round}: {winners:?}");
        let winner = winners.into_iter().next().unwrap();
        for admin in admins.iter().filter(|a| **a != winner) {
            assert_eq!(
                table.record_status(admin, &member).await.as_deref(),
                Some("Invited")
            );
        }
        assert_invariants(&table).await;

        // Disassociation from both sides at once.
        let by_admin = process(1, &winner)
            .disassociate_members()
            .detector_id(detector(&winner))
            .account_ids(&member)
            .send();
        let leaving = process(2, &member);
        let (by_admin, ()) = tokio::join!(by_admin, leave(&leaving, &member));
        let left = result(
            by_admin
                .expect("DisassociateMembers")
                .unprocessed_accounts(),
        );
        let record = table.record_status(&winner, &member).await;
        match left {
            None => assert_eq!(record.as_deref(), Some("Removed")),
            Some(left) => {
                assert!(left.contains("not an associated member"), "{left}");
                assert_eq!(record.as_deref(), Some("Resigned"));
            }
        }
        assert_eq!(
            table.status(&member, &winner).await.as_deref(),
            Some("Removed")
        );
        assert_invariants(&table).await;

        // The administrator deletes the member while it accepts.
        let deleter = admins.iter().find(|a| **a != winner).unwrap();
        let deleter_id = table.invitation_id(&member, deleter).await;
        let delete = process(0, deleter)
            .delete_members()
            .detector_id(detector(deleter))
            .account_ids(&member)
            .send();
        let accepting = process(1, &member);
        let (deleted, accepted) =
            tokio::join!(delete, accept(&accepting, &member, deleter, &deleter_id));
        let refused = result(deleted.expect("DeleteMembers").unprocessed_accounts());
        match (&accepted, &refused) {
            (Ok(()), Some(refused)) => assert!(refused.contains("still associated"), "{refused}"),
            (Err(error), None) => assert!(error.contains("no invitation"), "{error}"),
            _ => panic!("round {round}: accept {accepted:?}, delete {refused:?}"),
        }
        assert_invariants(&table).await;
        leave(&process(2, &member), &member).await;

        // The member accepts while it creates a member of its own.
        let other = admins
            .iter()
            .rev()
            .find(|a| **a != winner && *a != deleter)
            .unwrap();
        let other_id = table.invitation_id(&member, other).await;
        let own = format!("60000000050{round}");
        let create = process(0, &member)
            .create_members()
            .detector_id(detector(&member))
            .account_details(
                AccountDetail::builder()
                    .account_id(&own)
                    .email("own@example.com")
                    .build(),
            )
            .send();
        let (created, accepted) =
            tokio::join!(create, accept(&accepting, &member, other, &other_id));
        let refused = result(created.expect("CreateMembers").unprocessed_accounts());
        match (&accepted, &refused) {
            (Ok(()), Some(refused)) => {
                assert!(
                    refused.contains("already an associated member"),
                    "{refused}"
                )
            }
            (Err(error), None) => assert!(error.contains("still has created"), "{error}"),
            _ => panic!("round {round}: accept {accepted:?}, create {refused:?}"),
        }
        assert_invariants(&table).await;
    }
}
