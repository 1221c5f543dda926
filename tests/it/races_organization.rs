//! The organization path's races, across several function processes
//! (`cargo lambda watch` each, over one table) with aws-sdk-guardduty, and
//! the sync's own code beside them: two Enables at once (exactly one
//! wins), an enrollment against the account's accept of another
//! administrator's invitation (one wins, both views agree), a sync against
//! DisassociateMembers, and Disable against CreateMembers (no organization
//! member outlives the administrator). The invariants after every race.

use aws_sdk_guardduty::Client;
use aws_sdk_guardduty::error::ProvideErrorMetadata;
use aws_sdk_guardduty::types::{AccountDetail, AutoEnableMembers};
use guardduty_invitations::domain::organization::OrgAccount;

use crate::support::calls::detector;
use crate::support::invariants::assert_invariants;
use crate::support::org::{active, sync};
use crate::support::watch::{Watch, guardduty};
use crate::support::{TestTable, account};
use guardduty_invitations::store::mirror::Snapshot;

const PROCESSES: usize = 3;
const ROUNDS: u32 = 3;
const MANAGEMENT: &str = "790000000001";

fn organization(accounts: &[OrgAccount]) -> Snapshot {
    let mut all = vec![active(MANAGEMENT)];
    all.extend(accounts.iter().cloned());
    Snapshot {
        id: "o-races123456".into(),
        management: account(MANAGEMENT),
        accounts: all,
    }
}

async fn enable(client: &Client, admin: &str) -> Result<(), String> {
    client
        .enable_organization_admin_account()
        .admin_account_id(admin)
        .send()
        .await
        .map(drop)
        .map_err(|e| e.message().unwrap_or_default().to_owned())
}

async fn create(client: &Client, admin: &str, members: &[&str]) -> Vec<(String, String)> {
    let details = members
        .iter()
        .map(|m| {
            AccountDetail::builder()
                .account_id(*m)
                .email(format!("{m}@example.com"))
                .build()
        })
        .collect();
    let created = client
        .create_members()
        .detector_id(detector(admin))
        .set_account_details(Some(details))
        .send()
        .await
        .expect("CreateMembers");
    created
        .unprocessed_accounts()
        .iter()
        .map(|u| {
            (
                u.account_id().unwrap().to_owned(),
                u.result().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_processes_keep_the_organization_path_consistent() {
    let table = TestTable::new().await;
    let watches = Watch::several(&table.name, PROCESSES).await;
    let process = |i: usize, account: &str| guardduty(&watches[i % PROCESSES], account);
    let mut accounts: Vec<OrgAccount> = Vec::new();

    for round in 0..ROUNDS {
        let id = |i: u32| format!("70000000{round}{i:03}");
        let (a, b, member, enrolled, joiner) = (id(1), id(2), id(3), id(4), id(5));
        let (late1, late2) = (id(6), id(7));
        let outsider = format!("80000000{round}001");
        for one in [&a, &b, &member, &enrolled, &late1, &late2] {
            accounts.push(active(one));
        }
        sync(&table, &organization(&accounts)).await;
        for one in [&a, &b, &member, &outsider] {
            table.detector(one).await;
        }

        // Two Enables at once: exactly one wins.
        let (one, two) = (process(0, MANAGEMENT), process(1, MANAGEMENT));
        let (first, second) = tokio::join!(enable(&one, &a), enable(&two, &b));
        let winner = match (&first, &second) {
            (Ok(()), Err(e)) | (Err(e), Ok(())) => {
                assert!(
                    e.contains("already has a GuardDuty delegated administrator"),
                    "{e}"
                );
                if first.is_ok() { a.clone() } else { b.clone() }
            }
            _ => panic!("round {round}: {first:?} {second:?}"),
        };
        assert_invariants(&table).await;

        // An enrollment against the account's accept of another
        // administrator's invitation: one of them wins.
        guardduty_invitations::inviter::invite(
            &table.store(),
            &account(&outsider),
            &account(&member),
        )
        .await
        .unwrap();
        let invitation = table.invitation_id(&member, &outsider).await;
        let accepting = process(2, &member)
            .accept_administrator_invitation()
            .detector_id(detector(&member))
            .administrator_id(&outsider)
            .invitation_id(&invitation)
            .send();
        let enrolling = process(1, &winner);
        let one = [member.as_str()];
        let (created, accepted) = tokio::join!(create(&enrolling, &winner, &one), accepting);
        match (&created[..], &accepted) {
            ([], Err(e)) => {
                let message = e.message().unwrap_or_default();
                assert!(message.contains("already associated"), "{message}")
            }
            ([(_, held)], Ok(_)) => assert!(held.contains("another administrator"), "{held}"),
            _ => panic!("round {round}: create {created:?}, accept {accepted:?}"),
        }
        assert_invariants(&table).await;

        // A sync enrolling a new account under NEW against the
        // administrator's DisassociateMembers of it.
        process(0, &winner)
            .update_organization_configuration()
            .detector_id(detector(&winner))
            .auto_enable_organization_members(AutoEnableMembers::New)
            .send()
            .await
            .expect("UpdateOrganizationConfiguration");
        accounts.push(active(&joiner));
        let snapshot = organization(&accounts);
        let disassociating = process(1, &winner)
            .disassociate_members()
            .detector_id(detector(&winner))
            .account_ids(&joiner)
            .send();
        let store = table.store();
        let (synced, disassociated) = tokio::join!(store.sync(&snapshot), disassociating);
        assert_eq!(synced.expect("sync").enrolled, 1);
        let refused = disassociated
            .expect("DisassociateMembers")
            .unprocessed_accounts()
            .len();
        let status = table.record_status(&winner, &joiner).await;
        match refused {
            0 => assert_eq!(status.as_deref(), Some("Removed")),
            _ => assert_eq!(status.as_deref(), Some("Enabled")),
        }
        assert_invariants(&table).await;
        create(&process(2, &winner), &winner, &[&enrolled]).await;

        // Disable against CreateMembers: once Disable has answered, no
        // organization member of the administrator is left.
        let disabling = process(0, MANAGEMENT)
            .disable_organization_admin_account()
            .admin_account_id(&winner)
            .send();
        let late = [late1.as_str(), late2.as_str()];
        let (disabled, _) = tokio::join!(disabling, create(&enrolling, &winner, &late));
        disabled.expect("DisableOrganizationAdminAccount");
        for one in [&member, &enrolled, &joiner, &late1, &late2] {
            let status = table.record_status(&winner, one).await;
            assert!(
                !matches!(status.as_deref(), Some("Enabled" | "Disabled"))
                    || table.item(one, &winner).await.is_some(),
                "round {round}: {one} is {status:?} after Disable"
            );
        }
        let listed = process(2, MANAGEMENT)
            .list_organization_admin_accounts()
            .send()
            .await
            .unwrap();
        assert!(listed.admin_accounts().is_empty());
        assert_invariants(&table).await;
    }
}
