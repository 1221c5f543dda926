//! The invitee side of Amazon GuardDuty's invitation API over invitations
//! in DynamoDB: list, count, decline and delete invitations; accept, show
//! and leave an administrator.
//!
//! `api` is the HTTP edge (routes, handlers, errors), `domain` the
//! vocabulary and the state machine, `store` DynamoDB (conditional writes,
//! queries, the membership transactions), `table` the shared layout,
//! `inviter` the other side's writes (used by the admin tool), `sdk` the AWS
//! SDK configuration, `logging` the JSON log lines.

pub mod api;
pub mod domain;
pub mod inviter;
pub mod logging;
pub mod sdk;
pub mod store;
pub mod table;
