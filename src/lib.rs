//! The invitee side of Amazon GuardDuty's invitation API
//! (`DeclineInvitations`, `DeleteInvitations`) over invitations in DynamoDB.
//!
//! `api` is the HTTP edge, `domain` the vocabulary and state machine,
//! `store` the invitee's conditional writes, `table` the shared layout and
//! `inviter` the other side's writes (used by the admin tool), `sdk` the AWS
//! SDK configuration, `logging` the JSON log lines.

pub mod api;
pub mod domain;
pub mod inviter;
pub mod logging;
pub mod sdk;
pub mod store;
pub mod table;
