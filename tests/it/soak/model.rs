//! The API as one member account sees it, sequentially: each
//! administrator's record of it, its invitation from each, its membership,
//! its own detector, and the organization's designation and auto-enable.
//! The histories are checked per member account (every call the soak makes
//! touches one member's relationships, or is split into one call per
//! member when it names several, as the API answers each account on its
//! own; an organization-wide call is one call in every member's history),
//! so the model is that of one member. Which moves are allowed comes from
//! the tables the code uses, `MEMBER_TRANSITIONS` for the record and
//! `TRANSITIONS` for the invitation; what ties them (one administrator per
//! member, accepting needs the record Invited and the member's detector,
//! the organization's enrollment, its end by Disable and the `ALL` locks)
//! is written out in `relationship.rs`, `organization.rs` and
//! `detector.rs`.

mod detector;
mod organization;
mod relationship;
mod tests;

use std::collections::BTreeMap;

use guardduty_invitations::domain::organization::AutoEnable;
use guardduty_invitations::domain::{Action, MemberAction, MemberStatus, Status};
use testkit::linearizable::Model;

/// The soak's administrators, by index.
pub const ADMINS: usize = 3;
/// The one the management account designates as the organization's
/// delegated administrator: while it is, its CreateMembers enrolls (every
/// member is an account of the organization); while it is not, it is an
/// administrator like the others.
pub const ORG_ADMIN: usize = 2;

/// The delegated administrator's designation, as each member's history
/// sees it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Designation {
    #[default]
    Enabled,
    /// Disabled, with organization memberships still to end: the
    /// Disable ends them in later transactions, or the next Disable or
    /// sync does.
    DisableInProgress,
    Disabled,
}

/// One call's effect on one member, as the soak records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    /// An administrator's change of its record of the member.
    Admin(usize, MemberAction),
    /// An administrator's GetMembers or ListMembers of the member.
    GetMember(usize),
    /// An administrator's GetMemberDetectors or UpdateMemberDetectors of
    /// the member: done only while it is associated.
    MemberDetector(usize),
    /// The member's DeclineInvitations / DeleteInvitations of one inviter.
    Invitation(usize, Action),
    ListInvitations,
    CountInvitations,
    /// A call of the member's on its detector with this ID.
    Own(String, Own),
    /// CreateDetector, enabled or not.
    CreateDetector(bool),
    ListDetectors,
    /// The management account's Enable, Disable and
    /// ListOrganizationAdminAccounts of `ORG_ADMIN`.
    Enable,
    Disable,
    ListAdmins,
    /// A step of a Disable, or of a sync, after its start: the Disable in
    /// progress, if one is, goes on (memberships ended, then the
    /// designation gone), or not yet.
    Finish,
    /// `ORG_ADMIN`'s Describe and UpdateOrganizationConfiguration and
    /// GetOrganizationStatistics.
    Describe,
    Configure(AutoEnable),
    Statistics,
    /// The scheduled sync, over an organization that does not change.
    Sync,
}

/// The member's calls that name its detector: any other ID is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Own {
    /// AcceptAdministratorInvitation from this administrator with this
    /// invitation ID.
    Accept(usize, String),
    /// DisassociateFromAdministratorAccount.
    Leave,
    GetAdministrator,
    GetDetector,
    UpdateDetector(bool),
    DeleteDetector,
    Tag(String, String),
    Untag(String),
    ListTags,
}

/// What a call answered for the member.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    Done,
    Refused(String),
    Member(Option<MemberStatus>),
    /// The invitations listed: inviter, invitation ID, status.
    Invitations(Vec<(usize, String, Status)>),
    Administrator(Option<usize>),
    Count(i32),
    /// ListOrganizationAdminAccounts: `ORG_ADMIN`'s status, if listed.
    Designation(Option<Designation>),
    /// DescribeOrganizationConfiguration's `autoEnableOrganizationMembers`.
    AutoEnable(AutoEnable),
    /// CreateDetector's new ID, or ListDetectors' (empty: not known yet).
    Created(String),
    Detectors(Option<String>),
    /// GetDetector: enabled or not, and its tags; ListTagsForResource.
    Detector(bool, Tags),
    Tags(Tags),
    /// An answer no call should give (a status the domain does not know,
    /// statistics out of range): never what the model expects.
    Unexpected(String),
}

pub type Tags = BTreeMap<String, String>;

/// An invitation as far as the calls have shown it: its ID is learnt from
/// the first ListInvitations or Accept that shows it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Invitation {
    pub status: Status,
    pub id: Option<String>,
}

/// The member's detector; its ID is learnt as an invitation's is, when an
/// enrollment created it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Detector {
    pub id: Option<String>,
    pub enabled: bool,
    pub tags: Tags,
}

/// One member account's relationships.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Member {
    pub records: [Option<MemberStatus>; ADMINS],
    pub invitations: [Option<Invitation>; ADMINS],
    pub administrator: Option<usize>,
    pub detector: Option<Detector>,
    pub designation: Designation,
    pub auto_enable: AutoEnable,
    /// `ORG_ADMIN`'s record came from an enrollment: only CreateMembers
    /// associates it again, and a Disable ends it.
    pub through_organization: bool,
}

/// A possible outcome: the answer it gives and the state after it.
type Outcome = (Answer, Member);

impl Member {
    /// A member with an enabled detector `id`, as each round starts.
    pub fn with_detector(id: &str) -> Self {
        Member {
            detector: Some(Detector {
                id: Some(id.to_owned()),
                enabled: true,
                tags: Tags::new(),
            }),
            ..Member::default()
        }
    }

    fn refused(&self) -> Outcome {
        (Answer::Refused(String::new()), self.clone())
    }

    /// Every way `op` can go from here. A record that is gone takes its
    /// enrollment's mark with it.
    fn outcomes(&self, op: &Op) -> Vec<Outcome> {
        let mut outcomes = self.moves(op);
        for (_, after) in &mut outcomes {
            after.through_organization &= after.records[ORG_ADMIN].is_some();
        }
        outcomes
    }

    fn moves(&self, op: &Op) -> Vec<Outcome> {
        let done = |after: Member| (Answer::Done, after);
        match op {
            Op::Admin(admin, action) => self.admin_change(*admin, *action),
            Op::GetMember(admin) => vec![(Answer::Member(self.records[*admin]), self.clone())],
            Op::MemberDetector(admin) => match self.records[*admin] {
                Some(status) if status.is_associated() => vec![done(self.clone())],
                _ => vec![self.refused()],
            },
            Op::Invitation(admin, action) => self.invitee_change(*admin, *action),
            Op::ListInvitations => vec![self.listed()],
            Op::CountInvitations => vec![(Answer::Count(self.counted()), self.clone())],
            Op::Own(id, own) => self.own(id, own),
            Op::CreateDetector(enabled) => self.create_detector(*enabled),
            Op::ListDetectors => vec![self.list_detectors()],
            Op::Enable | Op::Disable | Op::ListAdmins | Op::Finish => self.designating(op),
            Op::Describe | Op::Configure(_) | Op::Statistics | Op::Sync => self.configuring(op),
        }
    }

    /// A call on the detector `id` once it is the member's: the
    /// relationship's or the detector's own.
    fn owned(&self, own: &Own) -> Vec<Outcome> {
        match own {
            Own::Accept(admin, id) => self.accept(*admin, id),
            Own::Leave if self.leave_locked() => vec![self.refused()],
            Own::Leave => vec![(Answer::Done, self.leave())],
            Own::GetAdministrator => {
                vec![(Answer::Administrator(self.administrator), self.clone())]
            }
            own => self.detector_call(own),
        }
    }
}

/// Whether a call's `id` is that of an invitation or detector whose ID is
/// `known`: while it is not known, either (it is learnt when it is).
fn could_be(known: Option<&str>, id: &str) -> &'static [bool] {
    match known {
        Some(known) if known == id => &[true],
        Some(_) => &[false],
        None => &[true, false],
    }
}

/// Whether `seen` is what `expected` says, learning the IDs an answer
/// shows for the first time into `after`.
fn agrees(expected: &Answer, seen: &Answer, after: &mut Member) -> bool {
    match (expected, seen) {
        (Answer::Refused(_), Answer::Refused(_)) => true,
        (Answer::Invitations(expected), Answer::Invitations(seen)) => {
            expected.len() == seen.len()
                && expected.iter().zip(seen).all(|(e, s)| {
                    let fits = e.0 == s.0 && e.2 == s.2 && (e.1.is_empty() || e.1 == s.1);
                    if fits && let Some(invitation) = after.invitations[s.0].as_mut() {
                        invitation.id = Some(s.1.clone());
                    }
                    fits
                })
        }
        (Answer::Created(expected), Answer::Created(seen))
        | (Answer::Detectors(Some(expected)), Answer::Detectors(Some(seen))) => {
            let fits = expected.is_empty() || expected == seen;
            if fits && let Some(detector) = after.detector.as_mut() {
                detector.id = Some(seen.clone());
            }
            fits
        }
        _ => expected == seen,
    }
}

impl Model for Member {
    type Op = Op;
    type Answer = Answer;

    fn step(&self, op: &Op, answer: &Answer) -> Vec<Member> {
        self.outcomes(op)
            .into_iter()
            .filter_map(|(expected, mut after)| {
                agrees(&expected, answer, &mut after).then_some(after)
            })
            .collect()
    }

    fn step_any(&self, op: &Op) -> Vec<Member> {
        self.outcomes(op)
            .into_iter()
            .map(|(_, after)| after)
            .collect()
    }
}
