//! What callers are told: per account of a batch (`Outcome`, `Reason`),
//! the member's and the administrator's, and why an accept was refused
//! (`AcceptRefusal`). Each has its own text; the administrator's are
//! GuardDuty's own words.

use super::organization::OrgRefusal;
use super::{AccountId, Action, Status};

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
    /// The request ran out of time before this account's write was sent.
    OutOfTime,
    /// The caller's detector was deleted while the request ran.
    DetectorNotOwned,
    /// CreateMembers: a record for the account exists already.
    AlreadyMember,
    /// CreateMembers of the caller's own account.
    CannotBeOwnMember,
    /// InviteMembers of the caller's own account.
    CannotInviteSelf,
    /// InviteMembers of a member already invited or associated.
    AlreadyInvited,
    /// InviteMembers of an account never created as a member.
    EmailMissing,
    /// Get, disassociate, delete, start and stop of an account that is not
    /// a member (or, for disassociate, start and stop, not associated).
    NotMember,
    /// DeleteMembers of an associated member.
    StillAssociatedMember,
    /// CreateMembers past `MEMBER_LIMIT`.
    MemberLimit,
    /// Create and invite by a caller that is an associated member itself.
    CallerIsMember,
    /// CreateMembers by the delegated administrator of the organization's
    /// management account, which has no detector.
    ManagementWithoutDetector,
    /// CreateMembers by the delegated administrator of an account that
    /// another administrator holds.
    HeldByOther,
    /// CreateMembers by the delegated administrator of an account that is
    /// an administrator of created, invited or associated members itself.
    MemberHasMembers,
    /// CreateMembers by the delegated administrator of an account the
    /// organization lists as suspended or closing.
    NotActiveInOrganization,
    /// InviteMembers of an account that was an organization member.
    OrganizationMember,
    /// An enrollment by an account that was no longer the organization's
    /// delegated administrator when it was written.
    NotOrgAdmin,
    /// Disassociate, delete or stop of an account of the organization
    /// while the delegated administrator's auto-enable is `ALL`.
    LockedByAll,
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
            Reason::OutOfTime => {
                "The request ran out of time before this account was changed; nothing was \
                 changed for it. Retry this account."
                    .into()
            }
            Reason::DetectorNotOwned => {
                rejected("the input detectorId is not owned by the current account")
            }
            Reason::AlreadyMember => rejected(
                "the given account ID is already a member or associated member of the current \
                 account",
            ),
            Reason::CannotBeOwnMember => rejected("an account cannot become a member of itself"),
            Reason::CannotInviteSelf => rejected("the current account cannot invite itself"),
            Reason::AlreadyInvited => rejected(
                "the current account has already invited or is already the GuardDuty master of \
                 the given member account ID",
            ),
            Reason::EmailMissing => rejected("member account's email address is missing"),
            Reason::NotMember => rejected(
                "the given account ID is not an associated member of account the current account",
            ),
            Reason::StillAssociatedMember => rejected(
                "the current account cannot delete the given member account ID since it is still \
                 associated to it",
            ),
            Reason::MemberLimit => rejected(
                "the current account cannot create anymore members since it cannot exceed the \
                 maximum number of allowed members",
            ),
            Reason::CallerIsMember => rejected(
                "the current account cannot create members since it is already an associated \
                 member of another master account",
            ),
            Reason::ManagementWithoutDetector => "Operation failed because your organization \
                master must first enable GuardDuty to be added as a member"
                .into(),
            Reason::HeldByOther => rejected(
                "the given account ID is already an associated member of another administrator \
                 account; it must disassociate from it first",
            ),
            Reason::MemberHasMembers => rejected(
                "the given account ID still has created, invited or associated members of its own",
            ),
            Reason::NotActiveInOrganization => rejected(
                "the given account ID is not an active account of the organization (suspended or \
                 closing)",
            ),
            Reason::NotOrgAdmin => OrgRefusal::NotOrgAdmin.message(),
            Reason::LockedByAll => rejected(
                "the given account ID is an account of the organization, whose auto-enable is ALL; \
                 set autoEnableOrganizationMembers to NEW or NONE first",
            ),
            Reason::OrganizationMember => rejected(
                "the given account ID was a member through AWS Organizations; only CreateMembers \
                 associates it again",
            ),
        }
    }
}

/// GuardDuty's form of a per-account refusal.
fn rejected(why: &str) -> String {
    format!("The request is rejected because {why}.")
}

/// Why accepting an administrator's invitation was refused. Nothing was
/// changed; each case has its own text, which says what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AcceptRefusal {
    OwnAccount,
    NoInvitation,
    InvitationIdMismatch,
    Declined,
    Removed,
    /// The caller already has another administrator.
    AssociatedWithOther(AccountId),
    UnknownStatus(String),
    /// The administrator's record of the caller is no longer Invited: the
    /// administrator disassociated or deleted it meanwhile.
    Withdrawn,
    /// The caller has created, invited or associated members of its own.
    HasMembers,
}

impl AcceptRefusal {
    pub fn message(&self) -> String {
        match self {
            AcceptRefusal::OwnAccount => {
                "This is the caller's own account ID; an account cannot be its own administrator."
                    .into()
            }
            AcceptRefusal::NoInvitation => {
                "There is no invitation from this account to accept.".into()
            }
            AcceptRefusal::InvitationIdMismatch => {
                "The invitation ID does not match the invitation from this account; list the \
                 invitations for its current ID."
                    .into()
            }
            AcceptRefusal::Declined => {
                "The invitation from this account was declined; accepting needs a new invitation."
                    .into()
            }
            AcceptRefusal::Removed => {
                "This account was disassociated from this administrator; accepting needs a new \
                 invitation."
                    .into()
            }
            AcceptRefusal::AssociatedWithOther(administrator) => format!(
                "This account is already associated with the administrator account \
                 {administrator}; disassociate from it first."
            ),
            AcceptRefusal::UnknownStatus(status) => {
                let status: String = status.chars().take(64).collect();
                format!(
                    "The invitation has an unrecognized status {status:?}; nothing was changed."
                )
            }
            AcceptRefusal::Withdrawn => {
                "The administrator no longer invites this account (it disassociated or deleted \
                 it as a member); accepting needs a new invitation."
                    .into()
            }
            AcceptRefusal::HasMembers => rejected(
                "the current account cannot accept invitations since it still has created, \
                 invited or associated members",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            Reason::OutOfTime,
            Reason::DetectorNotOwned,
            Reason::AlreadyMember,
            Reason::CannotBeOwnMember,
            Reason::CannotInviteSelf,
            Reason::AlreadyInvited,
            Reason::EmailMissing,
            Reason::NotMember,
            Reason::StillAssociatedMember,
            Reason::MemberLimit,
            Reason::CallerIsMember,
            Reason::ManagementWithoutDetector,
            Reason::HeldByOther,
            Reason::MemberHasMembers,
            Reason::NotActiveInOrganization,
            Reason::OrganizationMember,
            Reason::NotOrgAdmin,
            Reason::LockedByAll,
        ];
        let refusals = [
            AcceptRefusal::OwnAccount,
            AcceptRefusal::NoInvitation,
            AcceptRefusal::InvitationIdMismatch,
            AcceptRefusal::Declined,
            AcceptRefusal::Removed,
            AcceptRefusal::AssociatedWithOther(AccountId::parse("111122223333").unwrap()),
            AcceptRefusal::UnknownStatus("Bogus".into()),
            AcceptRefusal::Withdrawn,
            AcceptRefusal::HasMembers,
        ];
        let texts: std::collections::HashSet<String> = reasons
            .iter()
            .map(Reason::message)
            .chain(refusals.iter().map(AcceptRefusal::message))
            .collect();
        assert_eq!(texts.len(), reasons.len() + refusals.len());
    }
}
