//! The invitee's writes to DynamoDB. Each account costs exactly one
//! conditional write and no read: the condition expression is the state
//! machine, and `ReturnValuesOnConditionCheckFailure=ALL_OLD` tells why a
//! write was refused.

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
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValuesOnConditionCheckFailure};

use crate::domain::{AccountId, Operation, Outcome, Reason, Status};
use crate::table;

/// SDK attempts per write, the first included.
pub const MAX_ATTEMPTS: u32 = 3;
pub const CONNECT_TIMEOUT: Duration = Duration::from_millis(1000);
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_millis(1500);
/// Bounds one write, retries included, so that the function answers well
/// inside API Gateway's 29 s even when DynamoDB does not answer at all.
pub const OPERATION_TIMEOUT: Duration = Duration::from_secs(4);

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

/// Why a write did not happen, beyond a failed condition. The text is for
/// logs only: it may name the table and must never reach a caller.
#[derive(Debug)]
pub enum WriteError {
    /// Throttled, timed out or unreachable after the SDK's retries.
    Transient(String),
    /// Anything else: missing table, access denied, ...
    Other(String),
}

impl WriteError {
    /// What the caller is told about the account.
    pub fn reason(&self) -> Reason {
        match self {
            WriteError::Transient(_) => Reason::Transient,
            WriteError::Other(_) => Reason::StoreFailure,
        }
    }
}

#[derive(Clone)]
pub struct Store {
    client: Client,
    table: String,
}

impl Store {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    /// Applies `operation` to the invitation `inviter` sent to `invitee`.
    pub async fn apply(
        &self,
        operation: Operation,
        invitee: &AccountId,
        inviter: &AccountId,
    ) -> Result<Outcome, WriteError> {
        let (condition, mut values) = condition(operation.writable_from());
        let names = HashMap::from([("#status".to_owned(), table::STATUS.to_owned())]);
        let key = HashMap::from(table::key(invitee, inviter));
        let attempts = Attempts::default();
        let refused = match operation {
            Operation::Decline => {
                values.insert(":declined".into(), status_value(Status::Declined));
                values.insert(":now".into(), AttributeValue::S(table::now()));
                let result = self
                    .client
                    .update_item()
                    .table_name(&self.table)
                    .set_key(Some(key))
                    .update_expression(format!(
                        "SET #status = :declined, {} = :now",
                        table::UPDATED_AT
                    ))
                    .condition_expression(condition)
                    .set_expression_attribute_names(Some(names))
                    .set_expression_attribute_values(Some(values))
                    .return_values_on_condition_check_failure(
                        ReturnValuesOnConditionCheckFailure::AllOld,
                    )
                    .send()
                    .await;
                match result {
                    Ok(_) => return Ok(Outcome::Processed),
                    Err(e) => refusal(e, |e| match e {
                        UpdateItemError::ConditionalCheckFailedException(c) => Some(c.item()),
                        _ => None,
                    })?,
                }
            }
            Operation::Delete => {
                let result = self
                    .client
                    .delete_item()
                    .table_name(&self.table)
                    .set_key(Some(key))
                    .condition_expression(condition)
                    .set_expression_attribute_names(Some(names))
                    .set_expression_attribute_values(Some(values))
                    .return_values_on_condition_check_failure(
                        ReturnValuesOnConditionCheckFailure::AllOld,
                    )
                    // Only a delete needs to know it was retried (see below).
                    .customize()
                    .interceptor(attempts.clone())
                    .send()
                    .await;
                match result {
                    Ok(_) => return Ok(Outcome::Processed),
                    Err(e) => refusal(e, |e| match e {
                        DeleteItemError::ConditionalCheckFailedException(c) => Some(c.item()),
                        _ => None,
                    })?,
                }
            }
        };
        Ok(match refused {
            // A retried delete that finds nothing may be finding its own
            // first attempt's work: say so rather than "no invitation".
            None if operation == Operation::Delete && attempts.retried() => {
                Outcome::Unprocessed(Reason::GoneAfterRetry)
            }
            None => Outcome::Unprocessed(Reason::NoInvitation),
            Some(status) => operation.refused(&status),
        })
    }
}

impl Store {
    /// Opens the connection to DynamoDB (TCP and, in AWS, TLS) with a write
    /// that changes nothing: the key of no invitation (account 000000000000
    /// both ways), conditioned on an item being there. It needs no permission
    /// beyond the function's own `UpdateItem`.
    pub async fn warm(&self) -> Result<(), WriteError> {
        let nobody = AccountId::parse("000000000000").expect("a valid account ID");
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(HashMap::from(table::key(&nobody, &nobody))))
            .update_expression("SET #status = #status")
            .condition_expression("attribute_exists(#status)")
            .expression_attribute_names("#status", table::STATUS)
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) => refusal(e, |e| match e {
                UpdateItemError::ConditionalCheckFailedException(c) => Some(c.item()),
                _ => None,
            })
            .map(|_| ()),
        }
    }
}

/// Counts the attempts of one write (the SDK retries on its own).
#[derive(Clone, Debug, Default)]
struct Attempts(Arc<AtomicU32>);

impl Attempts {
    fn retried(&self) -> bool {
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

/// `#status IN (...)` over the states a write may start from, with its
/// values. A missing item has no status, so it fails the condition too.
pub(crate) fn condition(from: &[Status]) -> (String, HashMap<String, AttributeValue>) {
    let placeholders: Vec<String> = (0..from.len()).map(|i| format!(":from{i}")).collect();
    let values = placeholders
        .iter()
        .cloned()
        .zip(from.iter().map(|status| status_value(*status)))
        .collect();
    (format!("#status IN ({})", placeholders.join(", ")), values)
}

pub(crate) fn status_value(status: Status) -> AttributeValue {
    AttributeValue::S(status.as_str().to_owned())
}

type Item = HashMap<String, AttributeValue>;

/// For a failed condition, the status the item had (`None`: no item);
/// every other failure becomes a [`WriteError`].
pub(crate) fn refusal<E>(
    error: SdkError<E>,
    condition_failed: impl FnOnce(&E) -> Option<Option<&Item>>,
) -> Result<Option<String>, WriteError>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    if let Some(old_item) = error.as_service_error().and_then(condition_failed) {
        return Ok(old_item.map(table::status_of));
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
                    | "TransactionConflictException"
            )
        ),
        _ => false,
    };
    let text = DisplayErrorContext(&error).to_string();
    Err(if transient {
        WriteError::Transient(text)
    } else {
        WriteError::Other(text)
    })
}
