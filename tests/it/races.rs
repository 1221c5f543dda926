//! Races across several function processes (`cargo lambda watch` each,
//! over one table), through the real aws-sdk-guardduty client: DynamoDB
//! alone keeps one administrator at a time. After every race the membership
//! item exists exactly when one invitation is Enabled, and names it.

use aws_sdk_guardduty::Client;

use crate::membership::assert_one_administrator_at_most;
use crate::support::calls::detector;
use crate::support::watch::{Watch, guardduty};
use crate::support::{TestTable, account};
use guardduty_invitations::domain::Action;
use guardduty_invitations::inviter;

const PROCESSES: usize = 3;
const ROUNDS: usize = 5;
const ACCEPTS: usize = 8;

async fn accept(client: &Client, member: &str, admin: &str) -> Result<(), String> {
    client
        .accept_administrator_invitation()
        .detector_id(detector(member))
        .administrator_id(admin)
        .invitation_id(format!("inv-{admin}-{member}"))
        .send()
        .await
        .map(drop)
        .map_err(|e| format!("{:?}", e.into_service_error()))
}

async fn disassociate(client: &Client, member: &str) {
    client
        .disassociate_from_administrator_account()
        .detector_id(detector(member))
        .send()
        .await
        .expect("disassociate always succeeds");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_processes_keep_one_administrator_at_a_time() {
    let table = TestTable::new().await;
    let name = table.name.clone();
    let watches: Vec<Watch> = tokio::task::spawn_blocking(move || {
        let handles: Vec<_> = (0..PROCESSES)
            .map(|_| {
                let name = name.clone();
                std::thread::spawn(move || Watch::start(&name))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
    .await
    .unwrap();
    let store = table.store();

    for round in 0..ROUNDS {
        let member = format!("40000000050{round}");
        let clients: Vec<Client> = watches.iter().map(|w| guardduty(w, &member)).collect();
        let [a, b, c, d] = [1, 2, 3, 4].map(|i| format!("5000000005{round}{i}"));
        for inviter in [&a, &b, &c, &d] {
            table.put(&member, inviter, "Invited").await;
        }

        // Many concurrent accepts of two invitations: exactly one wins.
        let mut accepts = tokio::task::JoinSet::new();
        for i in 0..ACCEPTS {
            let client = clients[i % PROCESSES].clone();
            let (member, admin) = (
                member.clone(),
                if i % 2 == 0 { a.clone() } else { b.clone() },
            );
            accepts.spawn(async move { (admin.clone(), accept(&client, &member, &admin).await) });
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
        let loser = if winners.contains(&a) { &b } else { &a };
        assert_eq!(
            table.status(&member, loser).await.as_deref(),
            Some("Invited")
        );
        let untouched = table.item(&member, loser).await.unwrap();
        assert_eq!(
            untouched["updatedAt"].as_s().unwrap(),
            "2026-01-01T00:00:00Z"
        );
        assert_one_administrator_at_most(&table, &member).await;

        // Accept racing disassociate.
        let (accepted, ()) = tokio::join!(
            accept(&clients[0], &member, &c),
            disassociate(&clients[1], &member)
        );
        if let Err(error) = &accepted {
            assert!(error.contains("already associated"), "{error}");
        }
        assert_one_administrator_at_most(&table, &member).await;
        disassociate(&clients[2], &member).await;
        assert_one_administrator_at_most(&table, &member).await;

        // Accept racing decline of the same invitation.
        let decline = clients[1].decline_invitations().account_ids(&d).send();
        let (accepted, declined) = tokio::join!(accept(&clients[0], &member, &d), decline);
        let left = declined
            .expect("decline answers")
            .unprocessed_accounts()
            .to_vec();
        match &accepted {
            Ok(()) => assert_eq!(left.len(), 1, "the decline found it accepted"),
            Err(error) => {
                assert!(left.is_empty() && error.contains("declined"), "{error}")
            }
        }
        assert_one_administrator_at_most(&table, &member).await;

        // The administrator removes its member while the member disassociates.
        disassociate(&clients[1], &member).await;
        let e = format!("5000000005{round}5");
        table.put(&member, &e, "Invited").await;
        accept(&clients[2], &member, &e).await.expect("accept");
        let (member_id, admin_id) = (account(&member), account(&e));
        let (removed, ()) = tokio::join!(
            inviter::apply(&store, Action::Disassociate, &member_id, &admin_id),
            disassociate(&clients[0], &member)
        );
        if let Err(error) = removed {
            assert!(matches!(error, inviter::ChangeError::NotMember), "{error}");
        }
        assert_eq!(table.status(&member, &e).await.as_deref(), Some("Removed"));
        assert_one_administrator_at_most(&table, &member).await;
    }
}
