//! The relationship's moves: the administrator's record by
//! `MEMBER_TRANSITIONS`, the member's invitation by `TRANSITIONS`, and what
//! ties them (one administrator per member; accepting needs the record
//! Invited; the organization's enrollment).

use guardduty_invitations::domain::{Action, MemberAction, MemberStatus, Status};

use super::{
    ADMINS, Answer, Designation, Detector, Invitation, Member, ORG_ADMIN, Outcome, Tags, could_be,
};

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

    /// An administrator's change of its record of the member. Under the
    /// `ALL` locks, the delegated administrator's Disassociate, Delete and
    /// Stop are refused, whatever the record.
    pub(super) fn admin_change(&self, admin: usize, action: MemberAction) -> Vec<Outcome> {
        use MemberAction::{Delete, Disassociate, Start, Stop};
        if admin == ORG_ADMIN && self.locks() && matches!(action, Disassociate | Delete | Stop) {
            return vec![self.refused()];
        }
        match self.change(admin, action) {
            Some(after) => vec![(Answer::Done, after)],
            // Start and Stop of a member already there change nothing.
            None if matches!(action, Start | Stop)
                && self.records[admin] == action.transition().to =>
            {
                vec![(Answer::Done, self.clone())]
            }
            None => vec![self.refused()],
        }
    }

    /// The record by `MEMBER_TRANSITIONS`, the member's side with it.
    fn change(&self, admin: usize, action: MemberAction) -> Option<Member> {
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

    /// The delegated administrator's enrollment (its CreateMembers, the
    /// sync's auto-enable): the record `Enabled` from any status but
    /// associated, the membership with it, when the member has no
    /// administrator; an invitation from it goes; a member without a
    /// detector gets one, whose ID it learns later.
    pub(super) fn enroll(&self) -> Option<Member> {
        let associated = self.records[ORG_ADMIN].is_some_and(MemberStatus::is_associated);
        if associated || self.administrator.is_some() {
            return None;
        }
        let mut after = self.clone();
        after.records[ORG_ADMIN] = Some(MemberStatus::Enabled);
        after.administrator = Some(ORG_ADMIN);
        after.invitations[ORG_ADMIN] = None;
        after.through_organization = true;
        after.detector.get_or_insert(Detector {
            id: None,
            enabled: true,
            tags: Tags::new(),
        });
        Some(after)
    }

    /// Accept, the detector's ID already checked.
    pub(super) fn accept(&self, admin: usize, id: &str) -> Vec<Outcome> {
        let Some(invitation) = &self.invitations[admin] else {
            return vec![self.refused()];
        };
        let mut outcomes = Vec::new();
        for &matching in could_be(invitation.id.as_deref(), id) {
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
    pub(super) fn invitee_change(&self, admin: usize, action: Action) -> Vec<Outcome> {
        let status = self.invitations[admin].as_ref().map(|i| i.status);
        let Some(moved) = self
            .invitation_moves(admin, action)
            .filter(|_| status.is_some())
        else {
            // Declining twice is no error: the invitation is declined.
            if action == Action::Decline && status == Some(Status::Declined) {
                return vec![(Answer::Done, self.clone())];
            }
            return vec![self.refused()];
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

    /// The member leaves its administrator, if it has one.
    pub(super) fn leave(&self) -> Member {
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
    pub(super) fn counted(&self) -> i32 {
        let pending = self.invitations.iter().flatten();
        pending.filter(|i| i.status != Status::Enabled).count() as i32
    }

    /// ListInvitations: every invitation, in every status.
    pub(super) fn listed(&self) -> Outcome {
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
