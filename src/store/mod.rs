//! The invitations in DynamoDB: the client's retry and timeout policy, and
//! the single conditional writes (decline, delete, invite) whose condition
//! expression is the state machine, with
//! `ReturnValuesOnConditionCheckFailure=ALL_OLD` to tell why a write was
//! refused. Queries are in `query`, the membership transactions in
//! `membership`.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use aws_config::SdkConfig;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_dynamodb::config::retry::RetryConfig;
use aws_sdk_dynamodb::config::timeout::TimeoutConfig;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::error::BoxError;
use aws_sdk_dynamodb::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::delete_item::DeleteItemError;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::TransactWriteItem;

use crate::domain::{AccountId, Action, MemberAction, Outcome, Reason};
use crate::table;

pub mod changes;
pub mod checks;
pub mod create;
pub mod detector;
pub mod disable;
pub mod enroll;
pub mod expr;
pub mod fanout;
pub mod locks;
pub mod member_detectors;
pub mod members;
pub mod membership;
pub mod mirror;
pub mod organization;
pub mod query;
pub mod records;
pub mod statistics;
pub mod summary;
pub mod tags;
pub mod transact;

pub use expr::{Item, Write};
pub use transact::Transacted;

/// SDK attempts per write, the first included.
pub const MAX_ATTEMPTS: u32 = 3;
pub const CONNECT_TIMEOUT: Duration = Duration::from_millis(1000);
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_millis(1500);
/// Bounds one write, retries included, so that the function answers well
/// inside API Gateway's 29 s even when DynamoDB does not answer at all.
pub const OPERATION_TIMEOUT: Duration = Duration::from_secs(4);
/// Transactions of one request that go one after another (they share an
/// administrator's summary) start within this long of the first: a read,
/// this budget and a last transaction still end inside the function's 15 s.
pub const SERIAL_BUDGET: Duration = Duration::from_secs(3);

/// The DynamoDB client configuration with this service's explicit retry and
/// timeout policy. The endpoint comes from aws-config's standard settings
/// (`AWS_ENDPOINT_URL_DYNAMODB` locally).
pub fn config(sdk_config: &SdkConfig) -> aws_sdk_dynamodb::config::Builder {
    aws_sdk_dynamodb::config::Builder::from(sdk_config)
        .retry_config(RetryConfig::standard().with_max_attempts(MAX_ATTEMPTS))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(CONNECT_TIMEOUT)
                .operation_attempt_timeout(ATTEMPT_TIMEOUT)
                .operation_timeout(OPERATION_TIMEOUT)
                .build(),
        )
}

/// Why a request to DynamoDB failed, beyond a failed condition. The text is for
/// logs only: it may name the table and must never reach a caller.
#[derive(Clone, Debug)]
pub enum StoreError {
    /// Throttled, timed out or unreachable after the SDK's retries.
    Transient(String),
    /// A transaction cancelled because another one held one of its items,
    /// or throttled, or a single write refused because a transaction held
    /// its item: nothing of it was applied.
    Cancelled(String),
    /// Anything else: missing table, access denied, ...
    Other(String),
    /// Not sent: the request had run out of time for transactions one
    /// after another.
    OutOfTime,
    /// The request's `detectorId` is not the caller's current detector,
    /// as the read (or a transaction's check) found.
    DetectorNotOwned,
}

impl StoreError {
    /// Worth retrying later: the request is safe to repeat.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            StoreError::Transient(_) | StoreError::Cancelled(_) | StoreError::OutOfTime
        )
    }

    /// What the caller is told about the account.
    pub fn reason(&self) -> Reason {
        match self {
            StoreError::Transient(_) | StoreError::Cancelled(_) => Reason::Transient,
            StoreError::Other(_) => Reason::StoreFailure,
            StoreError::OutOfTime => Reason::OutOfTime,
            StoreError::DetectorNotOwned => Reason::DetectorNotOwned,
        }
    }
}

#[derive(Clone)]
pub struct Store {
    client: Client,
    table: String,
    /// How many member records an administrator may have.
    member_limit: i64,
}

/// `MEMBER_LIMIT` when not set: the current GuardDuty guide's limit.
pub const DEFAULT_MEMBER_LIMIT: i64 = 50_000;

/// `MEMBER_LIMIT` (a positive number), or the default.
pub fn member_limit_from_env() -> Result<i64, String> {
    match std::env::var("MEMBER_LIMIT") {
        Err(_) => Ok(DEFAULT_MEMBER_LIMIT),
        Ok(value) if value.is_empty() => Ok(DEFAULT_MEMBER_LIMIT),
        Ok(value) => value
            .parse()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| format!("MEMBER_LIMIT={value:?} is not a positive number")),
    }
}

/// What a conditional write found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Written {
    Applied,
    /// The condition failed: the status the item had (`None`: no item).
    Refused(Option<String>),
}

impl Store {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
            member_limit: DEFAULT_MEMBER_LIMIT,
        }
    }

    pub fn with_member_limit(self, member_limit: i64) -> Self {
        Self {
            member_limit,
            ..self
        }
    }

    /// Applies the invitee's `action` (decline or delete) to the invitation
    /// `inviter` sent to `invitee`, and says what the invitee is told.
    /// Deleting a declined invitation also removes the administrator's
    /// record when it is still Invited, in one transaction; when the record
    /// is not (it was disassociated or resigned), the invitation alone goes.
    pub async fn apply(
        &self,
        action: Action,
        invitee: &AccountId,
        inviter: &AccountId,
    ) -> Result<Outcome, StoreError> {
        transact::again_if_cancelled(|| self.apply_once(action, invitee, inviter)).await
    }

    async fn apply_once(
        &self,
        action: Action,
        invitee: &AccountId,
        inviter: &AccountId,
    ) -> Result<Outcome, StoreError> {
        if action == Action::Delete {
            let items = forget_items(&self.table, invitee, inviter, &table::now());
            match self.transact(items).await? {
                Transacted::Applied => return Ok(Outcome::Processed),
                refused => match refused.failed(0) {
                    None => {} // Only the record's condition failed.
                    Some(None) => return Ok(Outcome::Unprocessed(Reason::NoInvitation)),
                    Some(Some(item)) => return Ok(action.refused(&table::status_of(item))),
                },
            }
        }
        let attempts = Attempts::default();
        let written = self
            .write(action, invitee, inviter, |write| write, Some(&attempts))
            .await?;
        Ok(match written {
            Written::Applied => Outcome::Processed,
            // A retried delete that finds nothing may be finding its own
            // first attempt's work: say so rather than "no invitation".
            Written::Refused(None) if action == Action::Delete && attempts.retried() => {
                Outcome::Unprocessed(Reason::GoneAfterRetry)
            }
            Written::Refused(None) => Outcome::Unprocessed(Reason::NoInvitation),
            Written::Refused(Some(status)) => action.refused(&status),
        })
    }

    /// One conditional write of `action`'s transition; `extend` adds to its
    /// update (the inviter's invitation ID, say). `attempts` counts the
    /// attempts of a delete, the one write that needs to know.
    pub async fn write(
        &self,
        action: Action,
        invitee: &AccountId,
        inviter: &AccountId,
        extend: impl FnOnce(Write) -> Write,
        attempts: Option<&Attempts>,
    ) -> Result<Written, StoreError> {
        let write = extend(Write::of(action.transition(), &table::now()));
        let key = HashMap::from(table::key(invitee, inviter));
        let result = if write.update.is_some() {
            write
                .update_item(&self.client, &self.table, key)
                .send()
                .await
                .map(drop)
                .map_err(refusal)
        } else {
            let delete = write.delete_item(&self.client, &self.table, key);
            match attempts {
                Some(attempts) => {
                    delete
                        .customize()
                        .interceptor(attempts.clone())
                        .send()
                        .await
                }
                None => delete.send().await,
            }
            .map(drop)
            .map_err(refusal)
        };
        match result {
            Ok(()) => Ok(Written::Applied),
            Err(refused) => refused.map(Written::Refused),
        }
    }

    /// Opens the connection to DynamoDB (TCP and, in AWS, TLS) with a write
    /// that changes nothing: the key of no invitation (account 000000000000
    /// both ways), conditioned on an item being there. It needs no permission
    /// beyond the function's own `UpdateItem`.
    pub async fn warm(&self) -> Result<(), StoreError> {
        let nobody = AccountId::parse("000000000000").expect("a valid account ID");
        self.client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(HashMap::from(table::key(&nobody, &nobody))))
            .update_expression("SET #status = #status")
            .condition_expression("attribute_exists(#status)")
            .expression_attribute_names("#status", table::STATUS)
            .send()
            .await
            .map(drop)
            .or_else(|e| refusal(e).map(drop))
    }
}

/// The transaction of `invitee` deleting its declined invitation from
/// `inviter` while the inviter's record of it is still Invited: both go,
/// and the summary counts one member fewer.
pub fn forget_items(
    table: &str,
    invitee: &AccountId,
    inviter: &AccountId,
    now: &str,
) -> Vec<TransactWriteItem> {
    vec![
        expr::transact_delete(
            Write::of(Action::Delete.transition(), now),
            table,
            HashMap::from(table::key(invitee, inviter)),
        ),
        expr::transact_delete(
            Write::of(MemberAction::Forget.transition(), now),
            table,
            HashMap::from(table::record_key(inviter, invitee)),
        ),
        summary::change(table, inviter, -1, -1),
    ]
}

/// Counts the attempts of one write (the SDK retries on its own).
#[derive(Clone, Debug, Default)]
pub struct Attempts(Arc<AtomicU32>);

impl Attempts {
    pub fn retried(&self) -> bool {
        self.0.load(Ordering::Relaxed) > 1
    }
}

impl Intercept for Attempts {
    fn name(&self) -> &'static str {
        "Attempts"
    }

    fn read_before_attempt(
        &self,
        _: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.0.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

/// The service errors that carry the item a failed condition found.
pub trait ConditionFailed {
    /// `Some` when the condition failed, holding the old item if any.
    fn old_item(&self) -> Option<Option<&Item>>;
}

/// The single-item writes: each error enum has the same variant.
macro_rules! condition_failed {
    ($($error:ty),*) => {$(
        impl ConditionFailed for $error {
            fn old_item(&self) -> Option<Option<&Item>> {
                match self {
                    Self::ConditionalCheckFailedException(c) => Some(c.item()),
                    _ => None,
                }
            }
        }
    )*};
}

condition_failed!(UpdateItemError, PutItemError, DeleteItemError);

/// For a failed condition, the status the item had (`None`: no item);
/// every other failure becomes a [`StoreError`].
pub(super) fn refusal<E>(error: SdkError<E>) -> Result<Option<String>, StoreError>
where
    E: ConditionFailed + ProvideErrorMetadata + std::error::Error + 'static,
{
    if let Some(old_item) = error.as_service_error().and_then(E::old_item) {
        return Ok(old_item.map(table::status_of));
    }
    Err(classify(error))
}

/// Whether a failure was transient (worth retrying later) or not, with its
/// text for the logs.
fn classify<E>(error: SdkError<E>) -> StoreError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    if error.code() == Some("TransactionConflictException") {
        return StoreError::Cancelled(DisplayErrorContext(&error).to_string());
    }
    let transient = match &error {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => {
            true
        }
        SdkError::ServiceError(_) => matches!(
            error.code(),
            Some(
                "ProvisionedThroughputExceededException"
                    | "RequestLimitExceeded"
                    | "ThrottlingException"
                    | "InternalServerError"
                    | "ServiceUnavailable"
                    // A retry of a transaction whose first attempt still runs.
                    | "TransactionInProgressException"
            )
        ),
        _ => false,
    };
    let text = DisplayErrorContext(&error).to_string();
    if transient {
        StoreError::Transient(text)
    } else {
        StoreError::Other(text)
    }
}
