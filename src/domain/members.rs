//! The administrator's view of a relationship: a member record per
//! administrator and member, its statuses, the record's state machine as
//! data, and the member's e-mail address.

use super::transitions::{Named, Transition};

/// `relationshipStatus` of a member record, as GuardDuty names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MemberStatus {
    /// Created by the administrator, not invited yet.
    Created,
    Invited,
    /// The member accepted: associated.
    Enabled,
    /// Associated, monitoring stopped by the administrator.
    Disabled,
    /// The administrator disassociated the member.
    Removed,
    /// The member disassociated itself.
    Resigned,
}

impl MemberStatus {
    pub const ALL: [MemberStatus; 6] = [
        MemberStatus::Created,
        MemberStatus::Invited,
        MemberStatus::Enabled,
        MemberStatus::Disabled,
        MemberStatus::Removed,
        MemberStatus::Resigned,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MemberStatus::Created => "Created",
            MemberStatus::Invited => "Invited",
            MemberStatus::Enabled => "Enabled",
            MemberStatus::Disabled => "Disabled",
            MemberStatus::Removed => "Removed",
            MemberStatus::Resigned => "Resigned",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == s)
    }

    /// Created, invited or associated: such a member keeps its
    /// administrator from becoming a member itself and from deleting its
    /// detector. The administrator's summary counts them.
    pub fn is_active(self) -> bool {
        !matches!(self, MemberStatus::Removed | MemberStatus::Resigned)
    }

    /// Associated: what ListMembers shows by default.
    pub fn is_associated(self) -> bool {
        matches!(self, MemberStatus::Enabled | MemberStatus::Disabled)
    }
}

impl Named for MemberStatus {
    fn as_str(self) -> &'static str {
        MemberStatus::as_str(self)
    }
}

/// Everything that happens to a member record: the administrator creates,
/// invites, disassociates, deletes, stops and starts; the member accepts,
/// resigns (leaves) and forgets (deletes its declined invitation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemberAction {
    Create,
    Invite,
    Accept,
    Resign,
    Forget,
    Disassociate,
    Delete,
    Stop,
    Start,
}

/// The member record's state machine, as data; the invitation's side of
/// each event is in `TRANSITIONS`. DynamoDB enforces `from` as the
/// condition of every write.
pub const MEMBER_TRANSITIONS: [Transition<MemberAction, MemberStatus>; 9] = {
    use MemberAction as A;
    use MemberStatus::*;
    [
        Transition::new(A::Create, &[], true, Some(Created)),
        Transition::new(
            A::Invite,
            &[Created, Removed, Resigned],
            false,
            Some(Invited),
        ),
        Transition::new(A::Accept, &[Invited], false, Some(Enabled)),
        Transition::new(A::Resign, &[Enabled, Disabled], false, Some(Resigned)),
        Transition::new(A::Forget, &[Invited], false, None),
        Transition::new(
            A::Disassociate,
            &[Invited, Enabled, Disabled],
            false,
            Some(Removed),
        ),
        Transition::new(
            A::Delete,
            &[Created, Invited, Removed, Resigned],
            false,
            None,
        ),
        Transition::new(A::Stop, &[Enabled], false, Some(Disabled)),
        Transition::new(A::Start, &[Disabled], false, Some(Enabled)),
    ]
};

impl MemberAction {
    pub const ALL: [MemberAction; 9] = {
        use MemberAction::*;
        [
            Create,
            Invite,
            Accept,
            Resign,
            Forget,
            Disassociate,
            Delete,
            Stop,
            Start,
        ]
    };

    pub fn transition(self) -> &'static Transition<MemberAction, MemberStatus> {
        MEMBER_TRANSITIONS
            .iter()
            .find(|t| t.action == self)
            .expect("every member action has a row")
    }

    /// How the administrator's count of active members changes when this
    /// action moves a record out of `from`.
    pub fn active_delta(self, from: MemberStatus) -> i64 {
        let after = self.transition().to.is_some_and(MemberStatus::is_active);
        i64::from(after) - i64::from(from.is_active())
    }
}

/// A member's e-mail address, by the rules GuardDuty documents for
/// `AccountDetail`: 6 to 64 7-bit ASCII characters, exactly one `@`; a
/// local name without spaces or any of `"'()<>[]:,\|%&` that does not
/// begin with a dot; a domain of letters, digits, hyphens and dots, with
/// at least one dot, that neither begins nor ends with a dot or hyphen.
/// The only way to get one is [`Email::parse`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email(String);

/// Why a string is not an e-mail address; `Display` says it in words for a
/// 400's detail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EmailError {
    /// Not 6 to 64 characters; holds the number seen.
    Length(usize),
    Invalid(&'static str),
}

impl std::fmt::Display for EmailError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EmailError::Length(n) => write!(
                f,
                "must be {} to {} characters, not {n}",
                Email::MIN_LEN,
                Email::MAX_LEN
            ),
            EmailError::Invalid(why) => f.write_str(why),
        }
    }
}

impl Email {
    pub const MIN_LEN: usize = 6;
    pub const MAX_LEN: usize = 64;

    pub fn parse(s: &str) -> Result<Self, EmailError> {
        let length = s.chars().count();
        if !(Self::MIN_LEN..=Self::MAX_LEN).contains(&length) {
            return Err(EmailError::Length(length));
        }
        if !s.is_ascii() {
            return Err(EmailError::Invalid("must be 7-bit ASCII"));
        }
        let (local, domain) = match s.split_once('@') {
            Some((local, domain)) if !domain.contains('@') => (local, domain),
            _ => return Err(EmailError::Invalid("must hold exactly one @")),
        };
        let forbidden = |c: char| {
            c.is_ascii_whitespace() || c.is_ascii_control() || "\"'()<>[]:,\\|%&".contains(c)
        };
        if local.is_empty() || local.starts_with('.') || local.contains(forbidden) {
            return Err(EmailError::Invalid(
                "must have a name before the @ that does not begin with a dot and holds no \
                 space or any of \"'()<>[]:,\\|%&",
            ));
        }
        let domain_char = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '.';
        let ends = |c: char| c == '.' || c == '-';
        if !domain.contains('.')
            || !domain.chars().all(domain_char)
            || domain.starts_with(ends)
            || domain.ends_with(ends)
        {
            return Err(EmailError::Invalid(
                "must have a domain after the @ of letters, digits, hyphens and dots, with a dot, \
                 such as example.com",
            ));
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_member_action_has_one_row_and_statuses_round_trip() {
        for action in MemberAction::ALL {
            let rows = MEMBER_TRANSITIONS
                .iter()
                .filter(|t| t.action == action)
                .count();
            assert_eq!(rows, 1, "{action:?}");
        }
        for status in MemberStatus::ALL {
            assert_eq!(MemberStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(MemberStatus::parse("enabled"), None);
    }

    #[test]
    fn the_active_count_follows_the_records() {
        use MemberStatus::*;
        assert_eq!(MemberAction::Invite.active_delta(Created), 0);
        assert_eq!(MemberAction::Invite.active_delta(Resigned), 1);
        assert_eq!(MemberAction::Disassociate.active_delta(Enabled), -1);
        assert_eq!(MemberAction::Delete.active_delta(Created), -1);
        assert_eq!(MemberAction::Delete.active_delta(Removed), 0);
        assert_eq!(MemberAction::Stop.active_delta(Enabled), 0);
    }

    #[test]
    fn emails_follow_the_documented_rules() {
        for good in ["a@b.co", "first.last+tag@mail.example-1.com"] {
            assert_eq!(Email::parse(good).unwrap().as_str(), good);
        }
        let (name, domain) = (
            "must have a name before the @ that does not begin with a dot and holds no space or \
             any of \"'()<>[]:,\\|%&",
            "must have a domain after the @ of letters, digits, hyphens and dots, with a dot, \
             such as example.com",
        );
        let cases = [
            ("a@b.c", "must be 6 to 64 characters, not 5"),
            ("alicé@example.com", "must be 7-bit ASCII"),
            ("alice@@example.com", "must hold exactly one @"),
            ("alice.example.com", "must hold exactly one @"),
            ("@example.com", name),
            (".alice@example.com", name),
            ("al ce@example.com", name),
            ("a(b)@example.com", name),
            ("alice@example", domain),
            ("alice@example.", domain),
            ("alice@-example.com", domain),
            ("alice@exa_mple.com", domain),
        ];
        for (bad, why) in cases {
            assert_eq!(Email::parse(bad).unwrap_err().to_string(), why, "{bad}");
        }
        assert!(Email::parse(&format!("{}@example.com", "a".repeat(53))).is_err());
    }
}
