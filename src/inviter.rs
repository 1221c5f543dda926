//! The inviter side's writes, in the table's documented layout: invite,
//! accept, disassociate. This service never serves these; they are the
//! reference for other writers and how the admin tool and the tests set up
//! states. They go through the same transitions as the invitee's writes.

use aws_sdk_dynamodb::types::AttributeValue;

use crate::domain::{AccountId, Action};
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
            ChangeError::Store(StoreError::Transient(e) | StoreError::Other(e)) => f.write_str(e),
        }
    }
}

impl std::error::Error for ChangeError {}

/// Applies `action` with one conditional write. A new invitation (also one
/// after a decline or a disassociation) gets a new ID and `invitedAt`.
pub async fn apply(
    store: &Store,
    action: Action,
    invitee: &AccountId,
    inviter: &AccountId,
) -> Result<(), ChangeError> {
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

/// Opaque and unique per invitation: both accounts and the time it was sent.
fn invitation_id(invitee: &AccountId, inviter: &AccountId) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    format!("{inviter}-{invitee}-{nanos:x}")
}
