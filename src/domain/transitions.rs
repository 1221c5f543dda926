//! The invitation's state machine, as data: every action, the states it
//! starts from and where it leads. The member record's is in `members`.

use super::{Outcome, Reason, Status};

/// A status as its item holds it.
pub trait Named: Copy {
    fn as_str(self) -> &'static str;
}

/// Everything that can happen to an invitation. The invitee (the member)
/// declines, deletes, accepts and disassociates; the administrator
/// invites, revokes an invitation by disassociating an invited member,
/// ends an association (`Disassociate` too), and withdraws the invitation
/// when it deletes the member.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Invite,
    Accept,
    Decline,
    Delete,
    Disassociate,
    Revoke,
    Withdraw,
}

/// One row of a state machine: the states an action starts from and where
/// it leads. DynamoDB enforces `from` as the write's condition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Transition<A: 'static, S: 'static> {
    pub action: A,
    pub from: &'static [S],
    /// Whether the action may also start from no item at all.
    pub from_nothing: bool,
    /// `None`: the item is deleted.
    pub to: Option<S>,
}

impl<A, S> Transition<A, S> {
    pub const fn new(action: A, from: &'static [S], from_nothing: bool, to: Option<S>) -> Self {
        Self {
            action,
            from,
            from_nothing,
            to,
        }
    }
}

/// The invitation's state machine, as data.
pub const TRANSITIONS: [Transition<Action, Status>; 7] = {
    use Status::*;
    [
        Transition::new(Action::Invite, &[Declined, Removed], true, Some(Invited)),
        Transition::new(Action::Accept, &[Invited], false, Some(Enabled)),
        Transition::new(Action::Decline, &[Invited, Removed], false, Some(Declined)),
        Transition::new(Action::Delete, &[Declined], false, None),
        Transition::new(Action::Disassociate, &[Enabled], false, Some(Removed)),
        Transition::new(Action::Revoke, &[Invited], false, Some(Removed)),
        Transition::new(Action::Withdraw, &[Invited, Declined, Removed], true, None),
    ]
};

impl Action {
    pub const ALL: [Action; 7] = {
        use Action::*;
        [
            Invite,
            Accept,
            Decline,
            Delete,
            Disassociate,
            Revoke,
            Withdraw,
        ]
    };

    pub fn transition(self) -> &'static Transition<Action, Status> {
        TRANSITIONS
            .iter()
            .find(|t| t.action == self)
            .expect("every action has a row")
    }

    /// The answer to the invitee when the write was refused because the
    /// invitation was in `status` (the raw attribute, which another writer
    /// may have garbled).
    pub fn refused(self, status: &str) -> Outcome {
        match (self, Status::parse(status)) {
            // Declining twice is not an error: the invitation is declined.
            (Action::Decline, Some(Status::Declined)) => Outcome::Processed,
            (_, Some(Status::Enabled)) => Outcome::Unprocessed(Reason::StillAssociated(self)),
            (Action::Delete, Some(status @ (Status::Invited | Status::Removed))) => {
                Outcome::Unprocessed(Reason::NotDeclined(status))
            }
            _ => Outcome::Unprocessed(Reason::UnknownStatus(status.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_exactly_one_transition() {
        for action in Action::ALL {
            let rows = TRANSITIONS.iter().filter(|t| t.action == action).count();
            assert_eq!(rows, 1, "{action:?}");
            assert_eq!(action.transition().action, action);
        }
    }
}
