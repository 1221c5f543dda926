//! The inviter side's writes, in the table's documented layout: invite, and
//! remove a member (which ends its membership in the same transaction as a
//! member's disassociate). Accepting on a member's behalf runs the member's
//! own accept. This service never serves these; they are the reference for
//! other writers and how the admin tool and the tests set up states.

use aws_sdk_dynamodb::types::AttributeValue;

use crate::domain::{AcceptRefusal, AccountId, Action};
use crate::store::membership::Ended;
use crate::store::{Store, StoreError, Written};
use crate::table;

#[derive(Debug)]
pub enum ChangeError {
    /// The invitation was not in a state `action` starts from
    /// (`None`: there was no invitation).
    Refused {
        action: Action,
        current: Option<String>,
    },
    /// The member's accept was refused.
    Accept(AcceptRefusal),
    /// The account is not a member of that administrator.
    NotMember,
    Store(StoreError),
}

impl std::fmt::Display for ChangeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChangeError::Refused { current: None, .. } => {
                f.write_str("there is no such invitation")
            }
            ChangeError::Refused {
                action,
                current: Some(s),
            } => write!(
                f,
                "the invitation is {s}, which {action:?} does not start from"
            ),
            ChangeError::Accept(refusal) => f.write_str(&refusal.message()),
            ChangeError::NotMember => f.write_str("the account is not this administrator's member"),
            ChangeError::Store(StoreError::Transient(e) | StoreError::Other(e)) => f.write_str(e),
        }
    }
}

impl std::error::Error for ChangeError {}

/// Applies `action`: accept and disassociate as the member's own
/// transactions, the others with one conditional write. A new invitation
/// (also one after a decline or a disassociation) gets a new ID and
/// `invitedAt`.
pub async fn apply(
    store: &Store,
    action: Action,
    invitee: &AccountId,
    inviter: &AccountId,
) -> Result<(), ChangeError> {
    match action {
        Action::Accept => return accept(store, invitee, inviter).await,
        Action::Disassociate => return remove_member(store, invitee, inviter).await,
        _ => {}
    }
    let extend = |write: crate::store::Write| match action {
        Action::Invite => write
            .set(
                table::INVITATION_ID,
                AttributeValue::S(invitation_id(invitee, inviter)),
            )
            .set(table::INVITED_AT, AttributeValue::S(table::now())),
        _ => write,
    };
    match store.write(action, invitee, inviter, extend, None).await {
        Ok(Written::Applied) => Ok(()),
        Ok(Written::Refused(current)) => Err(ChangeError::Refused { action, current }),
        Err(e) => Err(ChangeError::Store(e)),
    }
}

/// The member accepts the invitation it has from `inviter`, whatever its ID.
async fn accept(store: &Store, member: &AccountId, inviter: &AccountId) -> Result<(), ChangeError> {
    let Some(invitation) = store
        .invitation(member, inviter)
        .await
        .map_err(ChangeError::Store)?
    else {
        return Err(ChangeError::Accept(AcceptRefusal::NoInvitation));
    };
    store
        .accept(member, inviter, &invitation.invitation_id)
        .await
        .map_err(ChangeError::Store)?
        .map_err(ChangeError::Accept)
}

/// The administrator `inviter` removes `member`: the membership ends and
/// the invitation becomes Removed, both or neither.
async fn remove_member(
    store: &Store,
    member: &AccountId,
    inviter: &AccountId,
) -> Result<(), ChangeError> {
    match store.end_membership(member, inviter).await {
        Ok(Ended::Ended) => Ok(()),
        Ok(Ended::NotMember) => Err(ChangeError::NotMember),
        Err(e) => Err(ChangeError::Store(e)),
    }
}

/// Opaque and unique per invitation: both accounts and the time it was sent.
fn invitation_id(invitee: &AccountId, inviter: &AccountId) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    format!("{inviter}-{invitee}-{nanos:x}")
}
