//! The HTTP edge: a request is routed (`routes`), its caller identified
//! (`identity`), then handed to its operation's handler; every answer,
//! success or error, is a restJson1 response (`response`).

pub mod batch;
pub mod detector;
pub mod error;
pub mod identity;
pub mod input;
pub mod list;
pub mod member_detectors;
pub mod members;
pub mod membership;
pub mod organization;
pub mod query;
pub mod response;
pub mod routes;
pub mod tags;
pub mod token;

use std::time::Instant;

use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt, Response};
use tracing::Instrument;
use tracing::field::Empty;

use crate::domain::{AccountId, DetectorId};
use crate::store::Store;
use error::{ApiError, InputError};
use identity::AuthMode;
use response::Reply;
use routes::Params;

pub struct App {
    store: Store,
    auth: AuthMode,
}

/// What a handler gets: the request, its identified caller, the route's
/// path parameters and the store.
pub struct Call<'a> {
    pub request: &'a Request,
    pub caller: AccountId,
    pub params: Params<'a>,
    pub store: &'a Store,
}

impl App {
    pub fn new(store: Store, auth: AuthMode) -> Self {
        Self { store, auth }
    }

    /// Answers one API Gateway request. Never fails: every error is a
    /// response. Handlers add their figures to the request's span, whose
    /// fields the one log line per request carries.
    pub async fn handle(&self, request: Request) -> Response<Body> {
        let started = Instant::now();
        let request_id = request_id(&request);
        let span = tracing::info_span!(
            "request",
            request_id = request_id.as_str(),
            operation = Empty,
            caller = Empty,
            processed = Empty,
            unprocessed = Empty,
        );
        async {
            let response = match self.serve(&request).await {
                Ok(body) => response::ok(body),
                Err(error) => response::error(&error),
            };
            tracing::info!(
                status = response.status().as_u16(),
                duration_ms = started.elapsed().as_secs_f64() * 1000.0,
                "request"
            );
            response::with_request_id(response, &request_id)
        }
        .instrument(span)
        .await
    }

    async fn serve(&self, request: &Request) -> Reply {
        let (route, params) = routes::find(request.method(), path(request))?;
        let span = tracing::Span::current();
        span.record("operation", route.operation);
        let caller = self.auth.caller(request)?;
        span.record("caller", caller.as_str());
        let call = Call {
            request,
            caller,
            params,
            store: &self.store,
        };
        (route.handler)(call).await
    }
}

impl Call<'_> {
    /// The route's `detectorId`, within GuardDuty's bounds. Whether it is
    /// the caller's detector, the store checks in the read (or the
    /// transaction) the operation makes anyway.
    pub fn detector(&self) -> Result<&str, ApiError> {
        let given = self.params.get("detectorId").unwrap_or_default();
        let length = given.chars().count();
        if !(1..=DetectorId::MAX_LEN).contains(&length) {
            let detail = format!(
                "must be 1 to {} characters, not {length}",
                DetectorId::MAX_LEN
            );
            return Err(InputError::out_of_range("detectorId", detail).into());
        }
        Ok(given)
    }
}

/// The request's path without the REST API stage (`/Prod/...`), whether or
/// not lambda_http already dropped it.
fn path(request: &Request) -> &str {
    let path = request.uri().path();
    stage(request)
        .and_then(|stage| path.strip_prefix('/')?.strip_prefix(stage))
        .filter(|rest| rest.starts_with('/'))
        .unwrap_or(path)
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
