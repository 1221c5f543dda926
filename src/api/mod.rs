//! The HTTP edge: routing, caller identity, body parsing, running the writes
//! of one request concurrently, and the restJson1 responses.

pub mod error;
pub mod identity;
pub mod input;

use std::collections::HashMap;
use std::time::Instant;

use lambda_http::http::{Method, StatusCode};
use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt, Response};
use serde::Serialize;
use tokio::task::JoinSet;

use crate::domain::{AccountId, Operation, Outcome, Reason};
use crate::store::Store;
use error::ApiError;
use identity::AuthMode;

pub struct App {
    store: Store,
    auth: AuthMode,
}

/// What the per-request log line says beyond status and timing.
#[derive(Default)]
struct Summary {
    operation: Option<Operation>,
    caller: Option<AccountId>,
    processed: usize,
    unprocessed: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UnprocessedAccount {
    account_id: String,
    result: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Success {
    unprocessed_accounts: Vec<UnprocessedAccount>,
}

impl App {
    pub fn new(store: Store, auth: AuthMode) -> Self {
        Self { store, auth }
    }

    /// Answers one API Gateway request. Never fails: every error is a response.
    pub async fn handle(&self, request: Request) -> Response<Body> {
        let started = Instant::now();
        let request_id = request_id(&request);
        let mut summary = Summary::default();
        let response = match self.serve(&request, &mut summary).await {
            Ok(success) => json_response(StatusCode::OK, &success),
            Err(error) => error_response(&error),
        };
        tracing::info!(
            request_id,
            operation = summary.operation.map(Operation::name),
            caller = summary.caller.as_ref().map(AccountId::as_str),
            status = response.status().as_u16(),
            processed = summary.processed,
            unprocessed = summary.unprocessed,
            duration_ms = started.elapsed().as_secs_f64() * 1000.0,
            "request"
        );
        with_request_id(response, &request_id)
    }

    async fn serve(&self, request: &Request, summary: &mut Summary) -> Result<Success, ApiError> {
        let operation = route(request)?;
        summary.operation = Some(operation);
        let caller = self.auth.caller(request).ok_or(ApiError::Unauthenticated)?;
        summary.caller = Some(caller.clone());
        let accounts = input::parse_account_ids(request.body())?;
        let outcomes = self.apply_all(operation, &caller, &accounts).await?;
        let unprocessed: Vec<UnprocessedAccount> = accounts
            .iter()
            .zip(outcomes)
            .filter_map(|(account, outcome)| match outcome {
                Outcome::Processed => None,
                Outcome::Unprocessed(reason) => Some(UnprocessedAccount {
                    account_id: account.to_string(),
                    result: reason.message(),
                }),
            })
            .collect();
        summary.unprocessed = unprocessed.len();
        summary.processed = accounts.len() - unprocessed.len();
        Ok(Success {
            unprocessed_accounts: unprocessed,
        })
    }

    /// One write per account, all in flight at once; outcomes in `accounts`
    /// order. When the store failed every write it was asked for, the request
    /// fails as a whole, since nothing in it could be processed.
    async fn apply_all(
        &self,
        operation: Operation,
        caller: &AccountId,
        accounts: &[AccountId],
    ) -> Result<Vec<Outcome>, ApiError> {
        let mut writes = JoinSet::new();
        let mut index_of = HashMap::new();
        for (index, account) in accounts.iter().enumerate() {
            if account != caller {
                let (store, caller, account) =
                    (self.store.clone(), caller.clone(), account.clone());
                let task =
                    writes.spawn(async move { store.apply(operation, &caller, &account).await });
                index_of.insert(task.id(), index);
            }
        }
        let mut outcomes = vec![Outcome::Unprocessed(Reason::OwnAccount); accounts.len()];
        let mut failed = 0;
        while let Some(joined) = writes.join_next_with_id().await {
            // A write task that panicked is that account's failure alone; the
            // others' outcomes stand. Account IDs stay out of the logs.
            let (index, outcome) = match joined {
                Ok((id, Ok(outcome))) => (index_of[&id], outcome),
                Ok((id, Err(error))) => {
                    failed += 1;
                    tracing::warn!(index = index_of[&id], ?error, "write failed");
                    (index_of[&id], Outcome::Unprocessed(error.reason()))
                }
                Err(error) => {
                    failed += 1;
                    tracing::error!(index = index_of[&error.id()], %error, "write task failed");
                    (
                        index_of[&error.id()],
                        Outcome::Unprocessed(Reason::StoreFailure),
                    )
                }
            };
            outcomes[index] = outcome;
        }
        if !index_of.is_empty() && failed == index_of.len() {
            return Err(ApiError::Internal);
        }
        Ok(outcomes)
    }
}

/// The operation a request asks for. The REST API stage (`/Prod/...`) is
/// dropped whether or not lambda_http already dropped it.
fn route(request: &Request) -> Result<Operation, ApiError> {
    let path = request.uri().path();
    let path = stage(request)
        .and_then(|stage| path.strip_prefix('/')?.strip_prefix(stage))
        .filter(|rest| rest.starts_with('/'))
        .unwrap_or(path);
    let operation = match path.trim_end_matches('/') {
        "/invitation/decline" => Operation::Decline,
        "/invitation/delete" => Operation::Delete,
        _ => return Err(ApiError::NotFound),
    };
    if request.method() != Method::POST {
        return Err(ApiError::MethodNotAllowed);
    }
    Ok(operation)
}

fn stage(request: &Request) -> Option<&str> {
    match request.request_context_ref()? {
        RequestContext::ApiGatewayV1(ctx) => ctx.stage.as_deref(),
        RequestContext::ApiGatewayV2(ctx) => ctx.stage.as_deref(),
        _ => None,
    }
}

/// The Lambda request id; API Gateway's when the request did not come
/// through the Lambda runtime (handler tests).
fn request_id(request: &Request) -> String {
    let from_gateway = || match request.request_context_ref()? {
        RequestContext::ApiGatewayV1(ctx) => ctx.request_id.clone(),
        RequestContext::ApiGatewayV2(ctx) => ctx.request_id.clone(),
        _ => None,
    };
    request
        .lambda_context_ref()
        .map(|ctx| ctx.request_id.clone())
        .or_else(from_gateway)
        .unwrap_or_default()
}

fn json_response(status: StatusCode, body: &impl Serialize) -> Response<Body> {
    let body = serde_json::to_string(body).expect("response bodies serialize");
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Body::Text(body))
        .expect("static headers are valid")
}

fn error_response(error: &ApiError) -> Response<Body> {
    if let ApiError::Internal = error {
        tracing::error!("answering 500: the store could not be used");
    }
    let wire = error.to_wire();
    let body = serde_json::json!({
        "message": wire.message,
        "__type": wire.type_name,
        "type": wire.type_name,
    });
    let mut response = json_response(wire.status, &body);
    if let Some(error_type) = wire.error_type {
        response.headers_mut().insert(
            "x-amzn-errortype",
            error_type.parse().expect("valid header"),
        );
    }
    if let ApiError::MethodNotAllowed = error {
        response
            .headers_mut()
            .insert("allow", "POST".parse().expect("valid header"));
    }
    response
}

fn with_request_id(mut response: Response<Body>, request_id: &str) -> Response<Body> {
    if let Ok(value) = request_id.parse() {
        response.headers_mut().insert("x-amzn-requestid", value);
    }
    response
}
