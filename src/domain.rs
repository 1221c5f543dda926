//! The invitation vocabulary: account IDs, relationship states, and why an
//! account could not be processed. Nothing here knows about HTTP or DynamoDB.

use std::fmt;

/// A 12-digit AWS account ID. The only way to get one is [`AccountId::parse`],
/// so every `AccountId` in the program is valid.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountId(String);

/// Why a string is not an account ID. The two cases map to different
/// GuardDuty error messages (out-of-range length vs. invalid characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountIdError {
    /// Not exactly 12 characters; holds the number of characters seen.
    Length(usize),
    /// 12 characters, but not all of them ASCII digits.
    NotDigits,
}

impl AccountId {
    pub const LEN: usize = 12;

    pub fn parse(s: &str) -> Result<Self, AccountIdError> {
        let chars = s.chars().count();
        if chars != Self::LEN {
            return Err(AccountIdError::Length(chars));
        }
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(AccountIdError::NotDigits);
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The one detector every account has here. This service keeps no
/// detectors: the ID is derived from the account ID (32 lowercase hex
/// characters, like GuardDuty's), stable, and nothing is stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DetectorId(String);

impl DetectorId {
    /// GuardDuty's bounds on a detector ID parameter.
    pub const MAX_LEN: usize = 300;

    /// FNV-1a (128-bit) of the account ID: unique in practice, and no
    /// cryptography is needed since the ID is no secret.
    pub fn of(account: &AccountId) -> Self {
        const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
        const PRIME: u128 = 0x0000000001000000000000000000013b;
        let hash = account.as_str().bytes().fold(OFFSET, |hash, byte| {
            (hash ^ u128::from(byte)).wrapping_mul(PRIME)
        });
        Self(format!("{hash:032x}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

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

/// `relationshipStatus` of an invitation item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Invited,
    Declined,
    /// Accepted: the inviter is this account's administrator.
    Enabled,
    /// Disassociated after having been accepted.
    Removed,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Invited,
        Status::Declined,
        Status::Enabled,
        Status::Removed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Invited => "Invited",
            Status::Declined => "Declined",
            Status::Enabled => "Enabled",
            Status::Removed => "Removed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == s)
    }
}

/// What happened to one account of a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Processed,
    Unprocessed(Reason),
}

/// Why an account was left unprocessed. Each reason has its own text, so a
/// caller can tell them apart without guessing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    OwnAccount,
    NoInvitation,
    /// Still associated: refused by decline and delete, whose texts differ.
    StillAssociated(Action),
    NotDeclined(Status),
    /// The item holds a `relationshipStatus` this service does not know;
    /// it is left as it is rather than guessed at.
    UnknownStatus(String),
    /// Throttled or timed out after the SDK's retries: a timed-out attempt
    /// may still have been applied.
    Transient,
    /// A delete whose first attempt timed out found nothing on its retry:
    /// that first attempt may have deleted it.
    GoneAfterRetry,
    /// Any other store failure for this account: nothing was written.
    StoreFailure,
}

impl Reason {
    pub fn message(&self) -> String {
        match self {
            Reason::OwnAccount => {
                "This is the caller's own account ID; an account cannot invite itself.".into()
            }
            Reason::NoInvitation => "There is no invitation from this account.".into(),
            Reason::StillAssociated(Action::Decline) => {
                "The invitation was accepted and this account is still associated with it \
                 as its administrator; disassociate first."
                    .into()
            }
            Reason::StillAssociated(_) => {
                "The invitation was accepted and this account is still associated with it \
                 as its administrator; disassociate and decline it before deleting it."
                    .into()
            }
            Reason::NotDeclined(status) => format!(
                "The invitation has not been declined yet (status {}); decline it before deleting it.",
                status.as_str()
            ),
            Reason::UnknownStatus(status) => {
                // Another writer's value: echo no more than a sane length.
                let status: String = status.chars().take(64).collect();
                format!(
                    "The invitation has an unrecognized status {status:?} and was left unchanged."
                )
            }
            Reason::Transient => {
                "The request for this account was throttled or timed out and may not have been \
                 applied; retry this account."
                    .into()
            }
            Reason::GoneAfterRetry => {
                "The invitation no longer exists; an earlier attempt of this request that timed \
                 out may have deleted it."
                    .into()
            }
            Reason::StoreFailure => {
                "The invitation could not be updated because of an internal error and was left \
                 unchanged."
                    .into()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_id_accepts_exactly_twelve_ascii_digits() {
        assert_eq!(
            AccountId::parse("123456789012").unwrap().as_str(),
            "123456789012"
        );
        assert_eq!(
            AccountId::parse("12345678901"),
            Err(AccountIdError::Length(11))
        );
        assert_eq!(
            AccountId::parse("1234567890123"),
            Err(AccountIdError::Length(13))
        );
        assert_eq!(AccountId::parse(""), Err(AccountIdError::Length(0)));
        assert_eq!(
            AccountId::parse(" 23456789012"),
            Err(AccountIdError::NotDigits)
        );
        assert_eq!(
            AccountId::parse("12345678901a"),
            Err(AccountIdError::NotDigits)
        );
        // Arabic-Indic digits are digits to Unicode but not account IDs.
        assert_eq!(
            AccountId::parse("١٢٣٤٥٦٧٨٩٠١٢"),
            Err(AccountIdError::NotDigits)
        );
    }

    #[test]
    fn status_round_trips_through_its_name() {
        for status in Status::ALL {
            assert_eq!(Status::parse(status.as_str()), Some(status));
        }
        assert_eq!(Status::parse("invited"), None);
    }

    #[test]
    fn a_detector_id_is_32_hex_characters_stable_and_per_account() {
        let one = DetectorId::of(&AccountId::parse("111122223333").unwrap());
        let other = DetectorId::of(&AccountId::parse("111122223334").unwrap());
        assert_eq!(one.as_str().len(), 32);
        assert!(
            one.as_str()
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        assert_eq!(
            one,
            DetectorId::of(&AccountId::parse("111122223333").unwrap())
        );
        assert_ne!(one, other);
    }

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

    #[test]
    fn every_reason_has_its_own_text() {
        let reasons = [
            Reason::OwnAccount,
            Reason::NoInvitation,
            Reason::StillAssociated(Action::Decline),
            Reason::StillAssociated(Action::Delete),
            Reason::NotDeclined(Status::Invited),
            Reason::NotDeclined(Status::Removed),
            Reason::UnknownStatus("Bogus".into()),
            Reason::Transient,
            Reason::GoneAfterRetry,
            Reason::StoreFailure,
        ];
        let texts: std::collections::HashSet<String> =
            reasons.iter().map(Reason::message).collect();
        assert_eq!(texts.len(), reasons.len());
    }
}
