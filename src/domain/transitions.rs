//! The state machine, as data: every action, the states it starts from
//! and where it leads.

use super::{Outcome, Reason, Status};

/// Everything that can happen to an invitation. The invitee (the caller of
/// this API) declines, deletes, accepts and disassociates; the inviter side
/// invites and, removing a member, disassociates too.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Invite,
    Accept,
    Decline,
    Delete,
    Disassociate,
}

/// One row of the state machine: the states an action starts from and
/// where it leads. DynamoDB enforces `from` as the write's condition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Transition {
    pub action: Action,
    pub from: &'static [Status],
    /// Whether the action may also start from no invitation at all.
    pub from_nothing: bool,
    /// `None`: the invitation is deleted.
    pub to: Option<Status>,
}

/// The state machine, as data.
pub const TRANSITIONS: [Transition; 5] = [
    Transition {
        action: Action::Invite,
        from: &[Status::Declined, Status::Removed],
        from_nothing: true,
        to: Some(Status::Invited),
    },
    Transition {
        action: Action::Accept,
        from: &[Status::Invited],
        from_nothing: false,
        to: Some(Status::Enabled),
    },
    Transition {
        action: Action::Decline,
        from: &[Status::Invited, Status::Removed],
        from_nothing: false,
        to: Some(Status::Declined),
    },
    Transition {
        action: Action::Delete,
        from: &[Status::Declined],
        from_nothing: false,
        to: None,
    },
    Transition {
        action: Action::Disassociate,
        from: &[Status::Enabled],
        from_nothing: false,
        to: Some(Status::Removed),
    },
];

impl Action {
    pub fn transition(self) -> &'static Transition {
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
        for action in [
            Action::Invite,
            Action::Accept,
            Action::Decline,
            Action::Delete,
            Action::Disassociate,
        ] {
            let rows = TRANSITIONS.iter().filter(|t| t.action == action).count();
            assert_eq!(rows, 1, "{action:?}");
            assert_eq!(action.transition().action, action);
        }
    }
}
