//! The soak's clients: each acts as one account through aws-sdk-guardduty,
//! picks operations from a weighted mix and records every call, split
//! into one call per member account it concerns, with when it was invoked
//! and what it answered for that account. A "retry" answer, a 5xx or a
//! timeout leaves the outcome unknown.

use std::time::Instant;

use aws_sdk_guardduty::Client;
use guardduty_invitations::domain::MemberAction;
use guardduty_invitations::domain::organization::AutoEnable;
use guardduty_invitations::store::Store;
use guardduty_invitations::store::mirror::Snapshot;
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
    /// A later step of a call recorded before it (a Disable's ending):
    /// checked, not counted as a call.
    pub step: bool,
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
    /// The member's detector ID as it last saw it.
    pub detector: Option<String>,
    /// The store and the organization the scheduled sync mirrors: the
    /// management account runs the sync, the delegated administrator
    /// counts the accounts.
    pub organization: Option<std::sync::Arc<(Store, Snapshot)>>,
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
    /// The member's calls on its detector.
    CreateDetector,
    ListDetectors,
    GetDetector,
    UpdateDetector,
    DeleteDetector,
    Tag,
    Untag,
    ListTags,
    /// The management account's calls, and the scheduled sync.
    Enable,
    Disable,
    ListAdmins,
    Sync,
    /// The delegated administrator's.
    Describe,
    Configure(AutoEnable),
    Statistics,
}

/// A member's calls on its detector or its tags.
const DETECTOR_CALLS: [Choice; 8] = [
    Choice::CreateDetector,
    Choice::ListDetectors,
    Choice::GetDetector,
    Choice::UpdateDetector,
    Choice::DeleteDetector,
    Choice::Tag,
    Choice::Untag,
    Choice::ListTags,
];

impl Choice {
    fn on_detector(&self) -> bool {
        let kind = std::mem::discriminant(self);
        DETECTOR_CALLS
            .iter()
            .any(|c| std::mem::discriminant(c) == kind)
    }
}

impl Actor {
    pub fn new(
        role: Role,
        accounts: std::sync::Arc<Accounts>,
        instances: Vec<Client>,
        seed: u64,
        started: Instant,
    ) -> Self {
        let detector = match role {
            Role::Member(m) => Some(crate::support::calls::detector(&accounts.members[m])),
            _ => None,
        };
        Actor {
            role,
            accounts,
            instances,
            rng: Rng::new(seed),
            started,
            seen_ids: Default::default(),
            detector,
            organization: None,
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
        const MEMBER: [(u8, usize); 8] = [
            (0, 3),
            (1, 4),
            (2, 2),
            (3, 2),
            (4, 1),
            (5, 1),
            (6, 1),
            (7, 4),
        ];
        let admin = self.rng.below(ADMINS);
        match self.role {
            Role::Admin(a) => {
                // 1 to 3 members, duplicates and all.
                let members = (0..1 + self.rng.below(3))
                    .map(|_| self.rng.below(MEMBERS))
                    .collect();
                // The delegated administrator also configures and counts.
                let calls = if a == ORG_ADMIN { 12 } else { 10 };
                let call = match self.rng.below(calls) {
                    0 => return Choice::GetMembers(members),
                    1 => return Choice::ListMembers,
                    10 if self.rng.chance(0.5) => return Choice::Describe,
                    // ALL half the time: its locks and the sync's enrollment.
                    10 => {
                        const SET: [AutoEnable; 4] = [
                            AutoEnable::New,
                            AutoEnable::All,
                            AutoEnable::All,
                            AutoEnable::None,
                        ];
                        return Choice::Configure(SET[self.rng.below(SET.len())]);
                    }
                    11 => return Choice::Statistics,
                    2 if self.rng.chance(0.5) => Batched::UpdateDetectors,
                    2 => Batched::GetDetectors,
                    _ => Batched::Change(self.rng.weighted(&ADMIN)),
                };
                Choice::Members(call, members)
            }
            // The sync runs as often as the management account calls.
            Role::Management => match self.rng.below(6) {
                0 => Choice::Enable,
                1 => Choice::Disable,
                2 => Choice::ListAdmins,
                _ => Choice::Sync,
            },
            Role::Member(_) => match self.rng.weighted(&MEMBER) {
                0 => Choice::ListInvitations,
                1 => Choice::Accept(admin),
                2 => Choice::Decline(admin),
                3 => Choice::Delete(admin),
                4 => Choice::Leave,
                5 => Choice::GetAdministrator,
                6 => Choice::CountInvitations,
                _ => DETECTOR_CALLS[self.rng.below(DETECTOR_CALLS.len())].clone(),
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
            (Role::Admin(ORG_ADMIN), choice) => self.configuration_call(choice).await,
            (Role::Member(member), choice) if choice.on_detector() => {
                self.detector_call(member, choice).await
            }
            (Role::Member(member), choice) => self.member_call(member, choice).await,
            (Role::Management, choice) => self.management_call(choice).await,
            (role, choice) => panic!("{role:?} does not make {choice:?}"),
        }
    }
}
