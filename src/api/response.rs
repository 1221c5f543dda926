//! restJson1 responses: a JSON body, `Content-Type`, `x-amzn-RequestId`,
//! and for errors the body and headers of their wire form.

use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};
use serde::Serialize;

use super::error::ApiError;

/// What a handler answers: the 200 body, or the error.
pub type Reply = Result<Json, ApiError>;

/// An invitation, an administrator or a master on the wire: GuardDuty's
/// model gives the three the same shape.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Relationship {
    pub account_id: String,
    /// Empty, and so left out, for an organization member's administrator.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub invitation_id: String,
    pub relationship_status: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub invited_at: String,
}

/// A success body, serialized once from the handler's own types.
pub struct Json(String);

impl Json {
    pub fn of(body: &impl Serialize) -> Self {
        Self(serde_json::to_string(body).expect("response bodies serialize"))
    }

    /// No body at all: the model's 204 (TagResource, UntagResource).
    pub fn none() -> Self {
        Self(String::new())
    }
}

pub fn ok(body: Json) -> Response<Body> {
    if body.0.is_empty() {
        let mut response = text(StatusCode::NO_CONTENT, String::new());
        *response.body_mut() = Body::Empty;
        return response;
    }
    text(StatusCode::OK, body.0)
}

fn json(status: StatusCode, body: &impl Serialize) -> Response<Body> {
    text(
        status,
        serde_json::to_string(body).expect("error bodies serialize"),
    )
}

fn text(status: StatusCode, body: String) -> Response<Body> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Body::Text(body))
        .expect("static headers are valid")
}

pub fn error(error: &ApiError) -> Response<Body> {
    if let ApiError::Internal = error {
        tracing::error!("answering 500: the store could not be used");
    }
    let wire = error.to_wire();
    let body = serde_json::json!({
        "message": wire.message,
        "__type": wire.type_name,
        "type": wire.type_name,
    });
    let mut response = json(wire.status, &body);
    for (name, value) in wire.headers {
        if let Ok(value) = value.parse() {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

pub fn with_request_id(mut response: Response<Body>, request_id: &str) -> Response<Body> {
    if let Ok(value) = request_id.parse() {
        response.headers_mut().insert("x-amzn-requestid", value);
    }
    response
}
