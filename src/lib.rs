//! Amazon GuardDuty's multi-account API over DynamoDB: both sides of an
//! invitation, detectors, and the organization path (a delegated
//! administrator enrolling an AWS organization's accounts).
//!
//! `api` is the HTTP edge (routes, handlers, errors), `domain` the
//! vocabulary and the state machine, `store` DynamoDB (conditional writes,
//! queries, the membership transactions), `table` the shared layout,
//! `inviter` the other side's writes (used by the admin tool),
//! `organizations` the sync's reading of AWS Organizations, `sdk` the AWS
//! SDK configuration, `logging` the JSON log lines.

pub mod api;
pub mod domain;
pub mod inviter;
pub mod logging;
pub mod organizations;
pub mod sdk;
pub mod store;
pub mod table;
