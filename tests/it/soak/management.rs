//! The management account's calls on the delegated administrator, each
//! recorded once for every member of the round: a designation is the
//! whole organization's, and Disable ends each member's enrollment.

use std::time::Duration;

use super::answers::{Ended, record, whole};
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
                let answer = whole(Ended::of(sent).map(|_| Answer::Done));
                ("EnableOrganizationAdminAccount", Op::Enable, answer)
            }
            Choice::Disable => {
                let sent = client.disable_organization_admin_account();
                let sent = sent.admin_account_id(DELEGATED_ADMIN).send().await;
                let answer = whole(Ended::of(sent).map(|_| Answer::Done));
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
            choice => panic!("the management account does not make {choice:?}"),
        };
        let returned = self.now();
        (0..self.accounts.members.len())
            .map(|member| {
                record(
                    member,
                    name,
                    op.clone(),
                    (invoked, returned),
                    answer.clone(),
                )
            })
            .collect()
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
