//! A member's calls, each recorded for that member.

use aws_sdk_guardduty::types::Invitation;
use guardduty_invitations::domain::{Action, Status};

use super::answers::{Ended, account_answer, done, record, unprocessed, whole};
use super::clients::{Actor, Choice, Recorded};
use super::model::{Answer, Op, Own};

impl Actor {
    /// A member's call, a quarter of them by GuardDuty's deprecated names
    /// (AcceptInvitation, GetMasterAccount, DisassociateFromMasterAccount).
    #[allow(deprecated)]
    pub(super) async fn member_call(&mut self, member: usize, choice: Choice) -> Vec<Recorded> {
        let client = self.client();
        let accounts = self.accounts.clone();
        let admin = match choice {
            Choice::Accept(a) | Choice::Decline(a) | Choice::Delete(a) => a,
            _ => 0,
        };
        let inviter_id = accounts.admins[admin].as_str();
        let inviter = vec![inviter_id.to_owned()];
        let detector = self.detector_id();
        let deprecated = self.rng.chance(0.25);
        let invoked = self.now();
        let (name, op, answer) = match choice {
            Choice::ListInvitations => {
                let sent = Ended::of(client.list_invitations().send().await);
                let listed = sent.map(|o| self.listed(o.invitations()));
                ("ListInvitations", Op::ListInvitations, whole(listed))
            }
            Choice::Accept(_) => {
                // The ID last listed, maybe stale by now.
                let id = self.seen_ids[admin]
                    .clone()
                    .unwrap_or_else(|| "unlisted".into());
                let (name, sent) = if deprecated {
                    let sent = client
                        .accept_invitation()
                        .detector_id(&detector)
                        .master_id(inviter_id)
                        .invitation_id(&id)
                        .send()
                        .await;
                    ("AcceptInvitation", done(Ended::of(sent)))
                } else {
                    let sent = client
                        .accept_administrator_invitation()
                        .detector_id(&detector)
                        .administrator_id(inviter_id)
                        .invitation_id(&id)
                        .send()
                        .await;
                    ("AcceptAdministratorInvitation", done(Ended::of(sent)))
                };
                (name, Op::Own(detector, Own::Accept(admin, id)), sent)
            }
            Choice::Decline(_) => {
                let sent = client.decline_invitations().set_account_ids(Some(inviter));
                let sent = unprocessed(sent.send().await, |o| o.unprocessed_accounts());
                let answer = account_answer(&sent, inviter_id);
                (
                    "DeclineInvitations",
                    Op::Invitation(admin, Action::Decline),
                    answer,
                )
            }
            Choice::Delete(_) => {
                let sent = client.delete_invitations().set_account_ids(Some(inviter));
                let sent = unprocessed(sent.send().await, |o| o.unprocessed_accounts());
                let answer = account_answer(&sent, inviter_id);
                (
                    "DeleteInvitations",
                    Op::Invitation(admin, Action::Delete),
                    answer,
                )
            }
            Choice::Leave => {
                let (name, answer) = if deprecated {
                    let sent = client.disassociate_from_master_account();
                    let sent = sent.detector_id(&detector).send().await;
                    ("DisassociateFromMasterAccount", done(Ended::of(sent)))
                } else {
                    let sent = client.disassociate_from_administrator_account();
                    let sent = sent.detector_id(&detector).send().await;
                    (
                        "DisassociateFromAdministratorAccount",
                        done(Ended::of(sent)),
                    )
                };
                (name, Op::Own(detector, Own::Leave), answer)
            }
            Choice::CountInvitations => {
                let sent = Ended::of(client.get_invitations_count().send().await);
                let count = sent.map(|o| Answer::Count(o.invitations_count().unwrap_or(-1)));
                ("GetInvitationsCount", Op::CountInvitations, whole(count))
            }
            Choice::GetAdministrator => {
                let administrator =
                    |id: Option<&str>| Answer::Administrator(id.and_then(|id| accounts.admin(id)));
                let (name, answer) = if deprecated {
                    let sent = client.get_master_account().detector_id(&detector);
                    let sent = Ended::of(sent.send().await);
                    let answer =
                        sent.map(|o| administrator(o.master().and_then(|m| m.account_id())));
                    ("GetMasterAccount", answer)
                } else {
                    let sent = client.get_administrator_account().detector_id(&detector);
                    let sent = Ended::of(sent.send().await);
                    let answer =
                        sent.map(|o| administrator(o.administrator().and_then(|a| a.account_id())));
                    ("GetAdministratorAccount", answer)
                };
                let op = Op::Own(detector, Own::GetAdministrator);
                (name, op, whole(answer))
            }
            choice => panic!("a member does not make {choice:?} here"),
        };
        let returned = self.now();
        vec![record(member, name, op, (invoked, returned), answer)]
    }

    /// ListInvitations' answer, its IDs kept for later accepts.
    fn listed(&mut self, invitations: &[Invitation]) -> Answer {
        let mut listed = Vec::new();
        for invitation in invitations {
            let inviter = invitation.account_id().unwrap_or_default();
            let Some(admin) = self.accounts.admin(inviter) else {
                continue;
            };
            let id = invitation.invitation_id().unwrap_or_default().to_owned();
            self.seen_ids[admin] = Some(id.clone());
            let raw = invitation.relationship_status().unwrap_or_default();
            let Some(status) = Status::parse(raw) else {
                // Never what the model expects of a read.
                return Answer::Unexpected(format!("invitation status {raw:?}"));
            };
            listed.push((admin, id, status));
        }
        Answer::Invitations(listed)
    }
}
