//! The inviter side's writes, in the table's documented layout: create an
//! invitation, accept it, disassociate it. This service never serves these;
//! they are the reference for other writers and how the admin tool and the
//! tests set up states.

use std::collections::HashMap;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValuesOnConditionCheckFailure};

use crate::domain::{AccountId, Status};
use crate::store::{WriteError, condition, refusal, status_value};
use crate::table;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// New invitation (or a new one after a decline or a disassociation): Invited.
    Invite,
    /// The invitee accepted: Enabled.
    Accept,
    /// The administrator relationship ended: Removed.
    Disassociate,
}

impl Change {
    fn from(self) -> &'static [Status] {
        match self {
            Change::Invite => &[Status::Declined, Status::Removed],
            Change::Accept => &[Status::Invited],
            Change::Disassociate => &[Status::Enabled],
        }
    }

    fn to(self) -> Status {
        match self {
            Change::Invite => Status::Invited,
            Change::Accept => Status::Enabled,
            Change::Disassociate => Status::Removed,
        }
    }
}

#[derive(Debug)]
pub enum ChangeError {
    /// The invitation was not in a state this change starts from
    /// (`None`: there was no invitation).
    Refused {
        current: Option<String>,
    },
    Store(String),
}

impl std::fmt::Display for ChangeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChangeError::Refused { current: None } => f.write_str("there is no such invitation"),
            ChangeError::Refused { current: Some(s) } => {
                write!(
                    f,
                    "the invitation is {s}, which this change does not start from"
                )
            }
            ChangeError::Store(e) => f.write_str(e),
        }
    }
}

impl std::error::Error for ChangeError {}

/// Applies `change` with one conditional write.
pub async fn apply(
    client: &Client,
    table: &str,
    change: Change,
    invitee: &AccountId,
    inviter: &AccountId,
) -> Result<(), ChangeError> {
    let (mut condition, mut values) = condition(change.from());
    let mut update = format!("SET #status = :to, {} = :now", table::UPDATED_AT);
    let now = AttributeValue::S(table::now());
    values.insert(":to".into(), status_value(change.to()));
    values.insert(":now".into(), now.clone());
    if change == Change::Invite {
        condition = format!("attribute_not_exists(#status) OR {condition}");
        update.push_str(&format!(
            ", {} = :id, {} = :now",
            table::INVITATION_ID,
            table::INVITED_AT
        ));
        values.insert(
            ":id".into(),
            AttributeValue::S(invitation_id(invitee, inviter)),
        );
    }
    let result = client
        .update_item()
        .table_name(table)
        .set_key(Some(HashMap::from(table::key(invitee, inviter))))
        .update_expression(update)
        .condition_expression(condition)
        .expression_attribute_names("#status", table::STATUS)
        .set_expression_attribute_values(Some(values))
        .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
        .send()
        .await;
    match result {
        Ok(_) => Ok(()),
        Err(e) => Err(
            match refusal(e, |e| match e {
                UpdateItemError::ConditionalCheckFailedException(c) => Some(c.item()),
                _ => None,
            }) {
                Ok(current) => ChangeError::Refused { current },
                Err(WriteError::Transient(e) | WriteError::Other(e)) => ChangeError::Store(e),
            },
        ),
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
