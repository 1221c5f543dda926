//! The API as one member account sees it, sequentially: each
//! administrator's record of it, its invitation from each, and its
//! membership. The histories are checked per member account (every call
//! the soak makes touches one member's relationships, or is split into one
//! call per member when it names several, as the API answers each account
//! on its own), so the model is that of one member. Which moves are
//! allowed comes from the tables the code uses, `MEMBER_TRANSITIONS` for
//! the record and `TRANSITIONS` for the invitation; what ties them (one
//! administrator per member, accepting needs the record Invited, the
//! organization's enrollment and its end by Disable) is written out here.

use guardduty_invitations::domain::{Action, MemberAction, MemberStatus, Status};
use testkit::linearizable::Model;

/// The soak's administrators, by index.
pub const ADMINS: usize = 3;
/// The one the management account designates as the organization's
/// delegated administrator: while it is, its CreateMembers enrolls (every
/// member is an account of the organization, auto-enable `NONE`); while
/// it is not, it is an administrator like the others.
pub const ORG_ADMIN: usize = 2;

/// The delegated administrator's designation, as each member's history
/// sees it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Designation {
    #[default]
    Enabled,
    /// Disabled, with organization memberships still to end: only a
    /// Disable ends them.
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
    /// The member's AcceptAdministratorInvitation with this invitation ID.
    Accept(usize, String),
    /// The member's DeclineInvitations / DeleteInvitations of one inviter.
    Invitation(usize, Action),
    /// DisassociateFromAdministratorAccount.
    Leave,
    /// The management account's Enable, Disable and
    /// ListOrganizationAdminAccounts of `ORG_ADMIN`.
    Enable,
    Disable,
    ListAdmins,
    ListInvitations,
    GetAdministrator,
    CountInvitations,
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
}

/// An invitation as far as the calls have shown it: its ID is learnt from
/// the first ListInvitations or Accept that shows it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Invitation {
    pub status: Status,
    pub id: Option<String>,
}

/// One member account's relationships.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Member {
    pub records: [Option<MemberStatus>; ADMINS],
    pub invitations: [Option<Invitation>; ADMINS],
    pub administrator: Option<usize>,
    pub designation: Designation,
    /// `ORG_ADMIN`'s record came from an enrollment: only CreateMembers
    /// associates it again, and a Disable ends it.
    pub through_organization: bool,
}

/// A possible outcome: the answer it gives (`None`: any refusal) and the
/// state after it.
type Outcome = (Answer, Member);

impl Member {
    fn record_moves(&self, admin: usize, action: MemberAction) -> Option<Option<MemberStatus>> {
        let transition = action.transition();
        let allowed = match self.records[admin] {
            None => transition.from_nothing,
            Some(from) => transition.from.contains(&from),
        };
        allowed.then_some(transition.to)
    }

    /// The invitation after `action`, when its table allows it (`None`:
    /// refused); a transition to nothing deletes it.
    fn invitation_moves(&self, admin: usize, action: Action) -> Option<Option<Invitation>> {
        let transition = action.transition();
        let allowed = match &self.invitations[admin] {
            None => transition.from_nothing,
            Some(invitation) => transition.from.contains(&invitation.status),
        };
        let id = self.invitations[admin].as_ref().and_then(|i| i.id.clone());
        allowed.then(|| transition.to.map(|status| Invitation { status, id }))
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
        let refused = || (Answer::Refused(String::new()), self.clone());
        let done = |after: Member| (Answer::Done, after);
        match op {
            Op::Admin(admin, action) => match self.admin_change(*admin, *action) {
                Some(after) => vec![done(after)],
                // Start and Stop of a member already there change nothing.
                None if matches!(action, MemberAction::Start | MemberAction::Stop)
                    && self.records[*admin] == action.transition().to =>
                {
                    vec![done(self.clone())]
                }
                None => vec![refused()],
            },
            Op::GetMember(admin) => vec![(Answer::Member(self.records[*admin]), self.clone())],
            Op::MemberDetector(admin) => match self.records[*admin] {
                Some(status) if status.is_associated() => vec![done(self.clone())],
                _ => vec![refused()],
            },
            Op::Accept(admin, id) => self.accept(*admin, id),
            Op::Invitation(admin, action) => self.invitee_change(*admin, *action),
            Op::Leave => vec![done(self.leave())],
            Op::ListInvitations => vec![self.listed()],
            Op::Enable => match self.designation {
                Designation::Disabled => {
                    let mut after = self.clone();
                    after.designation = Designation::Enabled;
                    vec![done(after)]
                }
                _ => vec![refused()],
            },
            Op::Disable => match self.designation {
                Designation::Disabled => vec![refused()],
                _ => self.disabled().into_iter().map(done).collect(),
            },
            Op::ListAdmins => {
                let listed =
                    (self.designation != Designation::Disabled).then_some(self.designation);
                vec![(Answer::Designation(listed), self.clone())]
            }
            Op::GetAdministrator => vec![(Answer::Administrator(self.administrator), self.clone())],
            Op::CountInvitations => vec![(Answer::Count(self.counted()), self.clone())],
        }
    }

    /// An administrator's change: the record by `MEMBER_TRANSITIONS`, the
    /// member's side with it.
    fn admin_change(&self, admin: usize, action: MemberAction) -> Option<Member> {
        let designated = self.designation == Designation::Enabled;
        if admin == ORG_ADMIN && action == MemberAction::Create && designated {
            return self.enroll();
        }
        if admin == ORG_ADMIN && action == MemberAction::Invite && self.through_organization {
            return None;
        }
        let to = self.record_moves(admin, action)?;
        let mut after = self.clone();
        after.records[admin] = to;
        let associated = self.records[admin].is_some_and(MemberStatus::is_associated);
        match action {
            MemberAction::Invite => {
                // A new invitation, with an ID not seen yet.
                after.invitations[admin] = Some(Invitation {
                    status: Status::Invited,
                    id: None,
                });
            }
            MemberAction::Disassociate if associated => {
                after.administrator = None;
                after.invitations[admin] = self
                    .invitation_moves(admin, Action::Disassociate)
                    .unwrap_or_else(|| self.invitations[admin].clone());
            }
            // An invited member's invitation is revoked; a declined one
            // stays as it is.
            MemberAction::Disassociate => {
                if let Some(revoked) = self.invitation_moves(admin, Action::Revoke) {
                    after.invitations[admin] = revoked;
                }
            }
            MemberAction::Delete => {
                after.invitations[admin] = self.invitation_moves(admin, Action::Withdraw)?;
            }
            _ => {}
        }
        Some(after)
    }

    /// The delegated administrator's CreateMembers: the record `Enabled`
    /// from any status but associated, the membership with it, when the
    /// member has no administrator; an invitation from it goes.
    fn enroll(&self) -> Option<Member> {
        let associated = self.records[ORG_ADMIN].is_some_and(MemberStatus::is_associated);
        if associated || self.administrator.is_some() {
            return None;
        }
        let mut after = self.clone();
        after.records[ORG_ADMIN] = Some(MemberStatus::Enabled);
        after.administrator = Some(ORG_ADMIN);
        after.invitations[ORG_ADMIN] = None;
        after.through_organization = true;
        Some(after)
    }

    /// A Disable's outcomes: the membership through the organization
    /// ended (the record `Removed`) and the designation gone, or still in
    /// progress, with the membership ended or not yet.
    fn disabled(&self) -> Vec<Member> {
        let mut ended = self.clone();
        if self.through_organization && self.administrator == Some(ORG_ADMIN) {
            ended.records[ORG_ADMIN] = Some(MemberStatus::Removed);
            ended.administrator = None;
        }
        let mut pending = self.clone();
        pending.designation = Designation::DisableInProgress;
        let mut ending = ended.clone();
        ending.designation = Designation::DisableInProgress;
        ended.designation = Designation::Disabled;
        vec![ended, ending, pending]
    }

    fn accept(&self, admin: usize, id: &str) -> Vec<Outcome> {
        let refused = (Answer::Refused(String::new()), self.clone());
        let Some(invitation) = &self.invitations[admin] else {
            return vec![refused];
        };
        // The ID may be the invitation's (learnt now) or not, while unknown.
        let matches: &[bool] = match &invitation.id {
            Some(known) => &[known == id],
            None => &[true, false],
        };
        let mut outcomes = Vec::new();
        for &matching in matches {
            let mut after = self.clone();
            if matching {
                after.invitations[admin].as_mut().expect("read above").id = Some(id.to_owned());
            }
            let accepted = matching
                && invitation.status == Status::Enabled
                && self.administrator == Some(admin);
            let accepting = matching
                && invitation.status == Status::Invited
                && self.administrator.is_none()
                && self.records[admin] == Some(MemberStatus::Invited);
            if accepted {
                outcomes.push((Answer::Done, after));
            } else if accepting {
                let invitation = after.invitation_moves(admin, Action::Accept);
                after.invitations[admin] = invitation.expect("Invited accepts");
                after.records[admin] = after.record_moves(admin, MemberAction::Accept).flatten();
                after.administrator = Some(admin);
                outcomes.push((Answer::Done, after));
            } else {
                outcomes.push((Answer::Refused(String::new()), after));
            }
        }
        outcomes
    }

    /// Decline or delete of the invitation from `admin`.
    fn invitee_change(&self, admin: usize, action: Action) -> Vec<Outcome> {
        let status = self.invitations[admin].as_ref().map(|i| i.status);
        let Some(moved) = self
            .invitation_moves(admin, action)
            .filter(|_| status.is_some())
        else {
            // Declining twice is no error: the invitation is declined.
            if action == Action::Decline && status == Some(Status::Declined) {
                return vec![(Answer::Done, self.clone())];
            }
            return vec![(Answer::Refused(String::new()), self.clone())];
        };
        let mut after = self.clone();
        after.invitations[admin] = moved;
        // Deleting a declined invitation forgets a record still Invited.
        if action == Action::Delete
            && let Some(to) = self.record_moves(admin, MemberAction::Forget)
        {
            after.records[admin] = to;
        }
        vec![(Answer::Done, after)]
    }

    fn leave(&self) -> Member {
        let mut after = self.clone();
        if let Some(admin) = self.administrator {
            after.administrator = None;
            if let Some(to) = self.record_moves(admin, MemberAction::Resign) {
                after.records[admin] = to;
            }
            if let Some(moved) = self.invitation_moves(admin, Action::Disassociate) {
                after.invitations[admin] = moved;
            }
        }
        after
    }

    /// GetInvitationsCount: every invitation but the accepted one.
    fn counted(&self) -> i32 {
        let pending = self.invitations.iter().flatten();
        pending.filter(|i| i.status != Status::Enabled).count() as i32
    }

    /// ListInvitations: every invitation, in every status.
    fn listed(&self) -> Outcome {
        let listed = (0..ADMINS)
            .filter_map(|admin| {
                let invitation = self.invitations[admin].as_ref()?;
                let id = invitation.id.clone().unwrap_or_default();
                Some((admin, id, invitation.status))
            })
            .collect();
        (Answer::Invitations(listed), self.clone())
    }
}

/// Whether `seen` is what `expected` says, learning the invitation IDs a
/// list shows for the first time into `after`.
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
