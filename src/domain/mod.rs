//! The vocabulary of both views of a relationship: account IDs, the
//! invitation's states and state machine (`transitions`), the member
//! record's (`members`), detectors and their settings (`detector`), and
//! the answers with their texts (`reason`). Nothing here knows about HTTP
//! or DynamoDB.

use std::fmt;

pub mod detector;
mod members;
pub mod organization;
mod reason;
mod transitions;

pub use detector::DetectorId;
pub use members::{Email, EmailError, MEMBER_TRANSITIONS, MemberAction, MemberStatus};
pub use reason::{AcceptRefusal, Outcome, Reason};
pub use transitions::{Action, Named, TRANSITIONS, Transition};

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

/// `relationshipStatus` of an invitation item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
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

impl Named for Status {
    fn as_str(self) -> &'static str {
        Status::as_str(self)
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
}
