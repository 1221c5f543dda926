//! The soak's clients: each acts as one account through aws-sdk-guardduty,
//! picks operations from a weighted mix and records every call, split
//! into one call per member account it concerns, with when it was invoked
//! and what it answered for that account. A "retry" answer, a 5xx or a
//! timeout leaves the outcome unknown.

use std::time::Instant;

use aws_sdk_guardduty::Client;
use guardduty_invitations::domain::MemberAction;
use testkit::linearizable::Call;
use testkit::rng::Rng;

use super::admin::Batched;
use super::model::{ADMINS, Answer, ORG_ADMIN, Op};

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

    pub(super) fn admin(&self, id: &str) -> Option<usize> {
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
    /// The organization's management account.
    Management,
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
    /// An administrator's batch call of these members.
    Members(Batched, Vec<usize>),
    GetMembers(Vec<usize>),
    ListMembers,
    /// The member's calls, with the administrator they concern.
    ListInvitations,
    Accept(usize),
    Decline(usize),
    Delete(usize),
    Leave,
    GetAdministrator,
    CountInvitations,
    /// The management account's calls.
    Enable,
    Disable,
    ListAdmins,
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

    pub(super) fn now(&self) -> u64 {
        self.started.elapsed().as_nanos() as u64
    }

    pub(super) fn client(&mut self) -> Client {
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
        const MEMBER: [(u8, usize); 7] = [(0, 3), (1, 4), (2, 2), (3, 2), (4, 1), (5, 1), (6, 1)];
        let admin = self.rng.below(ADMINS);
        match self.role {
            Role::Admin(_) => {
                // 1 to 3 members, duplicates and all.
                let members = (0..1 + self.rng.below(3))
                    .map(|_| self.rng.below(MEMBERS))
                    .collect();
                let call = match self.rng.below(10) {
                    0 => return Choice::GetMembers(members),
                    1 => return Choice::ListMembers,
                    2 if self.rng.chance(0.5) => Batched::UpdateDetectors,
                    2 => Batched::GetDetectors,
                    _ => Batched::Change(self.rng.weighted(&ADMIN)),
                };
                Choice::Members(call, members)
            }
            Role::Management => match self.rng.below(3) {
                0 => Choice::Enable,
                1 => Choice::Disable,
                _ => Choice::ListAdmins,
            },
            Role::Member(_) => match self.rng.weighted(&MEMBER) {
                0 => Choice::ListInvitations,
                1 => Choice::Accept(admin),
                2 => Choice::Decline(admin),
                3 => Choice::Delete(admin),
                4 => Choice::Leave,
                5 => Choice::GetAdministrator,
                _ => Choice::CountInvitations,
            },
        }
    }

    /// Makes `choice`'s call, recorded per member.
    pub async fn perform(&mut self, choice: Choice) -> Vec<Recorded> {
        match (self.role, choice) {
            (Role::Admin(admin), Choice::GetMembers(members)) => {
                self.get_members(admin, &members).await
            }
            (Role::Admin(admin), Choice::ListMembers) => self.list_members(admin).await,
            (Role::Admin(admin), Choice::Members(call, members)) => {
                self.batch_call(admin, call, &members).await
            }
            (Role::Member(member), choice) => self.member_call(member, choice).await,
            (Role::Management, choice) => self.management_call(choice).await,
            (role, choice) => panic!("{role:?} does not make {choice:?}"),
        }
    }
}
