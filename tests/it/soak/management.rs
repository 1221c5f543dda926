//! The management account's calls on the delegated administrator, and
//! the scheduled sync, each recorded once for every member of the round: a
//! designation is the whole organization's, Disable ends each member's
//! enrollment, and the sync finishes a Disable or enrolls every member.

use std::time::Duration;

use super::answers::{Ended, done, everyone, whole};
use super::clients::{Actor, Choice, DELEGATED_ADMIN, Recorded};
use super::model::{Answer, Designation, Op};

impl Actor {
    pub(super) async fn management_call(&mut self, choice: Choice) -> Vec<Recorded> {
        // A few calls a round: each changes what every other client sees.
        let pause = 300 + self.rng.below(1200) as u64;
        tokio::time::sleep(Duration::from_millis(pause)).await;
        let client = self.client();
        let invoked = self.now();
        let (name, op, answer) = match choice {
            Choice::Enable => {
                let sent = client.enable_organization_admin_account();
                let sent = sent.admin_account_id(DELEGATED_ADMIN).send().await;
                let answer = done(Ended::of(sent));
                ("EnableOrganizationAdminAccount", Op::Enable, answer)
            }
            Choice::Disable => {
                let sent = client.disable_organization_admin_account();
                let sent = sent.admin_account_id(DELEGATED_ADMIN).send().await;
                let answer = done(Ended::of(sent));
                ("DisableOrganizationAdminAccount", Op::Disable, answer)
            }
            Choice::ListAdmins => {
                let sent = client.list_organization_admin_accounts().send().await;
                let answer = Ended::of(sent).map(|o| {
                    let listed = o.admin_accounts().iter().find_map(|a| {
                        (a.admin_account_id() == Some(DELEGATED_ADMIN))
                            .then(|| designation(a.admin_status().map(|s| s.as_str())))
                    });
                    Answer::Designation(listed)
                });
                (
                    "ListOrganizationAdminAccounts",
                    Op::ListAdmins,
                    whole(answer),
                )
            }
            Choice::Sync => {
                let organization = self.organization.clone().expect("the organization");
                let (store, snapshot) = &*organization;
                let answer = match store.sync(snapshot).await {
                    Ok(s) if s.unfinished == 0 && !s.disable_unfinished => Ok(Answer::Done),
                    Ok(_) => Err("unfinished"),
                    Err(e) if e.is_transient() => Err("busy"),
                    Err(_) => Err("5xx"),
                };
                ("sync-organization", Op::Sync, answer)
            }
            choice => panic!("the management account does not make {choice:?}"),
        };
        let times = (invoked, self.now());
        // A Disable (and a sync, which goes on with one) ends the
        // memberships and then the designation in later transactions:
        // steps of their own, each somewhere within the call.
        let ending = [Op::Finish, Op::Finish];
        let steps: &[Op] = match (&op, &answer) {
            (Op::Disable, Ok(Answer::Refused(_))) => &[],
            (Op::Disable | Op::Sync, _) => &ending,
            _ => &[],
        };
        everyone(
            self.accounts.members.len(),
            (name, op),
            steps,
            times,
            answer,
        )
    }
}

/// A listed status; one the model does not know never matches.
fn designation(status: Option<&str>) -> Designation {
    match status {
        Some("ENABLED") => Designation::Enabled,
        Some("DISABLE_IN_PROGRESS") => Designation::DisableInProgress,
        _ => Designation::Disabled,
    }
}
