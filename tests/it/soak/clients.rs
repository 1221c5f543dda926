//! The soak's clients: each acts as one account through aws-sdk-guardduty,
//! picks operations from a weighted mix and records every call, split
//! into one call per member account it concerns, with when it was invoked
//! and what it answered for that account. A "retry" answer, a 5xx or a
//! timeout leaves the outcome unknown.

use std::time::Instant;

use aws_sdk_guardduty::Client;
use aws_sdk_guardduty::types::AccountDetail;
use guardduty_invitations::domain::{Action, MemberAction, Status};
use testkit::linearizable::Call;
use testkit::rng::Rng;

use super::answers::{
    Batch, Ended, account_answer, distinct, found_member, record, unprocessed, whole,
};
use super::model::{ADMINS, Answer, ORG_ADMIN, Op};
use crate::support::calls::detector;

/// Members per round.
pub const MEMBERS: usize = 4;
/// The organization's management account and delegated administrator; its
/// ID sorts after the other administrators', as its index does.
pub const MANAGEMENT: &str = "918888888888";
pub const DELEGATED_ADMIN: &str = "919999999999";

/// A round's accounts: administrators (in the order their IDs sort, as
/// ListInvitations lists inviters), then members.
#[derive(Clone, Debug)]
pub struct Accounts {
    pub admins: [String; ADMINS],
    pub members: [String; MEMBERS],
}

impl Accounts {
    /// The organization's delegated administrator is the same in every
    /// round; the others are new.
    pub fn of_round(round: usize) -> Self {
        Accounts {
            admins: std::array::from_fn(|i| match i {
                ORG_ADMIN => DELEGATED_ADMIN.to_owned(),
                i => format!("91{round:05}{:05}", i + 1),
            }),
            members: std::array::from_fn(|i| format!("92{round:05}{:05}", i + 1)),
        }
    }

    fn admin(&self, id: &str) -> Option<usize> {
        self.admins.iter().position(|a| a == id)
    }
}

/// One recorded call on one member's relationships.
pub struct Recorded {
    pub member: usize,
    pub operation: &'static str,
    pub call: Call<Op, Answer>,
    /// Why its outcome is unknown, if it is: "retry", "5xx", "timeout".
    pub unknown: Option<&'static str>,
    /// How long the whole call took, in nanoseconds.
    pub took: u64,
}

/// Who a client acts as.
#[derive(Clone, Copy, Debug)]
pub enum Role {
    Admin(usize),
    Member(usize),
}

/// One client: its account, a GuardDuty client per function instance
/// (its calls go round them), its choices and what it has seen.
pub struct Actor {
    pub role: Role,
    pub accounts: std::sync::Arc<Accounts>,
    pub instances: Vec<Client>,
    pub rng: Rng,
    pub started: Instant,
    /// The invitation IDs the member last listed, by administrator.
    pub seen_ids: [Option<String>; ADMINS],
    calls: usize,
}

/// One operation of the mix.
#[derive(Clone, Debug)]
pub enum Choice {
    /// An administrator's batch change of these members.
    Members(MemberAction, Vec<usize>),
    GetMembers(Vec<usize>),
    /// The member's calls, with the administrator they concern.
    ListInvitations,
    Accept(usize),
    Decline(usize),
    Delete(usize),
    Leave,
    GetAdministrator,
}

impl Actor {
    pub fn new(
        role: Role,
        accounts: std::sync::Arc<Accounts>,
        instances: Vec<Client>,
        seed: u64,
        started: Instant,
    ) -> Self {
        Actor {
            role,
            accounts,
            instances,
            rng: Rng::new(seed),
            started,
            seen_ids: Default::default(),
            calls: 0,
        }
    }

    fn now(&self) -> u64 {
        self.started.elapsed().as_nanos() as u64
    }

    fn client(&mut self) -> Client {
        self.calls += 1;
        self.instances[self.calls % self.instances.len()].clone()
    }

    /// One operation from the mix, recorded per member.
    pub async fn step(&mut self) -> Vec<Recorded> {
        let choice = self.choose();
        self.perform(choice).await
    }

    /// The next operation of this client's mix.
    fn choose(&mut self) -> Choice {
        const ADMIN: [(MemberAction, usize); 6] = [
            (MemberAction::Create, 3),
            (MemberAction::Invite, 4),
            (MemberAction::Disassociate, 2),
            (MemberAction::Delete, 2),
            (MemberAction::Stop, 1),
            (MemberAction::Start, 1),
        ];
        const MEMBER: [(u8, usize); 6] = [(0, 3), (1, 4), (2, 2), (3, 2), (4, 1), (5, 2)];
        let admin = self.rng.below(ADMINS);
        match self.role {
            Role::Admin(_) => {
                // 1 to 3 members, duplicates and all.
                let members = (0..1 + self.rng.below(3))
                    .map(|_| self.rng.below(MEMBERS))
                    .collect();
                match self.rng.below(5) {
                    0 => Choice::GetMembers(members),
                    _ => Choice::Members(self.rng.weighted(&ADMIN), members),
                }
            }
            Role::Member(_) => match self.rng.weighted(&MEMBER) {
                0 => Choice::ListInvitations,
                1 => Choice::Accept(admin),
                2 => Choice::Decline(admin),
                3 => Choice::Delete(admin),
                4 => Choice::Leave,
                _ => Choice::GetAdministrator,
            },
        }
    }

    /// Makes `choice`'s call, recorded per member.
    pub async fn perform(&mut self, choice: Choice) -> Vec<Recorded> {
        match (self.role, choice) {
            (Role::Admin(admin), Choice::GetMembers(members)) => {
                self.get_members(admin, &members).await
            }
            (Role::Admin(admin), Choice::Members(action, members)) => {
                self.change_members(admin, action, &members).await
            }
            (Role::Member(member), choice) => self.member_call(member, choice).await,
            (role, choice) => panic!("{role:?} does not make {choice:?}"),
        }
    }

    async fn get_members(&mut self, admin: usize, members: &[usize]) -> Vec<Recorded> {
        let accounts = self.accounts.clone();
        let ids: Vec<String> = members
            .iter()
            .map(|m| accounts.members[*m].clone())
            .collect();
        let client = self.client();
        let invoked = self.now();
        let sent = client
            .get_members()
            .detector_id(detector(&accounts.admins[admin]))
            .set_account_ids(Some(ids))
            .send()
            .await;
        let returned = self.now();
        let found = Ended::of(sent).map(|o| o.members().to_vec());
        distinct(members)
            .into_iter()
            .map(|member| {
                let answer = found_member(&found, &accounts.members[member]);
                let op = Op::GetMember(admin);
                record(member, "GetMembers", op, (invoked, returned), answer)
            })
            .collect()
    }

    async fn change_members(
        &mut self,
        admin: usize,
        action: MemberAction,
        members: &[usize],
    ) -> Vec<Recorded> {
        let accounts = self.accounts.clone();
        let ids: Vec<String> = members
            .iter()
            .map(|m| accounts.members[*m].clone())
            .collect();
        let detector_id = detector(&accounts.admins[admin]);
        let client = self.client();
        let invoked = self.now();
        let (name, sent): (_, Batch) = match action {
            MemberAction::Create => {
                let details = ids.iter().map(|m| {
                    let email = format!("{m}@example.com");
                    AccountDetail::builder().account_id(m).email(email).build()
                });
                let details = details.collect();
                let sent = client
                    .create_members()
                    .detector_id(&detector_id)
                    .set_account_details(Some(details))
                    .send()
                    .await;
                (
                    "CreateMembers",
                    unprocessed(sent, |o| o.unprocessed_accounts()),
                )
            }
            MemberAction::Invite => {
                let sent = client.invite_members().detector_id(&detector_id);
                let sent = sent.set_account_ids(Some(ids)).send().await;
                (
                    "InviteMembers",
                    unprocessed(sent, |o| o.unprocessed_accounts()),
                )
            }
            MemberAction::Disassociate => {
                let sent = client.disassociate_members().detector_id(&detector_id);
                let sent = sent.set_account_ids(Some(ids)).send().await;
                (
                    "DisassociateMembers",
                    unprocessed(sent, |o| o.unprocessed_accounts()),
                )
            }
            MemberAction::Delete => {
                let sent = client.delete_members().detector_id(&detector_id);
                let sent = sent.set_account_ids(Some(ids)).send().await;
                (
                    "DeleteMembers",
                    unprocessed(sent, |o| o.unprocessed_accounts()),
                )
            }
            MemberAction::Stop => {
                let sent = client.stop_monitoring_members().detector_id(&detector_id);
                let sent = sent.set_account_ids(Some(ids)).send().await;
                (
                    "StopMonitoringMembers",
                    unprocessed(sent, |o| o.unprocessed_accounts()),
                )
            }
            _ => {
                let sent = client.start_monitoring_members().detector_id(&detector_id);
                let sent = sent.set_account_ids(Some(ids)).send().await;
                (
                    "StartMonitoringMembers",
                    unprocessed(sent, |o| o.unprocessed_accounts()),
                )
            }
        };
        let returned = self.now();
        distinct(members)
            .into_iter()
            .map(|member| {
                let answer = account_answer(&sent, &accounts.members[member]);
                let op = Op::Admin(admin, action);
                record(member, name, op, (invoked, returned), answer)
            })
            .collect()
    }

    async fn member_call(&mut self, member: usize, choice: Choice) -> Vec<Recorded> {
        let client = self.client();
        let accounts = self.accounts.clone();
        let me = accounts.members[member].as_str();
        let admin = match choice {
            Choice::Accept(a) | Choice::Decline(a) | Choice::Delete(a) => a,
            _ => 0,
        };
        let inviter_id = accounts.admins[admin].as_str();
        let inviter = vec![inviter_id.to_owned()];
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
                let sent = client
                    .accept_administrator_invitation()
                    .detector_id(detector(me))
                    .administrator_id(inviter_id)
                    .invitation_id(&id)
                    .send()
                    .await;
                let answer = whole(Ended::of(sent).map(|_| Answer::Done));
                (
                    "AcceptAdministratorInvitation",
                    Op::Accept(admin, id),
                    answer,
                )
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
                let sent = client.disassociate_from_administrator_account();
                let sent = sent.detector_id(detector(me)).send().await;
                let answer = whole(Ended::of(sent).map(|_| Answer::Done));
                ("DisassociateFromAdministratorAccount", Op::Leave, answer)
            }
            Choice::GetAdministrator => {
                let sent = client.get_administrator_account();
                let sent = sent.detector_id(detector(me)).send().await;
                let answer = Ended::of(sent).map(|o| {
                    let id = o.administrator().and_then(|a| a.account_id());
                    Answer::Administrator(id.and_then(|id| accounts.admin(id)))
                });
                (
                    "GetAdministratorAccount",
                    Op::GetAdministrator,
                    whole(answer),
                )
            }
            choice => panic!("a member does not make {choice:?}"),
        };
        let returned = self.now();
        vec![record(member, name, op, (invoked, returned), answer)]
    }

    /// ListInvitations' answer, its IDs kept for later accepts.
    fn listed(&mut self, invitations: &[aws_sdk_guardduty::types::Invitation]) -> Answer {
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
                return Answer::Refused(format!("unknown invitation status {raw:?}"));
            };
            listed.push((admin, id, status));
        }
        Answer::Invitations(listed)
    }
}
