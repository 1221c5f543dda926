//! Every error the API can answer, and the one place that turns each into
//! its status, `x-amzn-ErrorType` header and `{"message","__type","type"}` body.

use lambda_http::http::StatusCode;

use super::identity::NoCaller;
use crate::domain::organization::OrgRefusal;
use crate::domain::{AcceptRefusal, Reason};
use crate::store::StoreError;

/// Which of GuardDuty's three `InvalidInputException` messages applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputErrorKind {
    /// "The required query or path parameters are not specified."
    Missing,
    /// "An invalid or out-of-range value is specified as an input parameter."
    OutOfRange,
    /// "One or more input parameters have invalid values."
    Invalid,
}

/// A rejected request body: which parameter is wrong, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError {
    pub kind: InputErrorKind,
    pub param: String,
    pub detail: String,
}

impl InputError {
    pub fn missing(param: impl Into<String>) -> Self {
        Self::new(
            InputErrorKind::Missing,
            param,
            "required parameter is not specified",
        )
    }

    pub fn out_of_range(param: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::new(InputErrorKind::OutOfRange, param, detail)
    }

    pub fn invalid(param: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::new(InputErrorKind::Invalid, param, detail)
    }

    fn new(kind: InputErrorKind, param: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            kind,
            param: param.into(),
            detail: detail.into(),
        }
    }

    pub fn message(&self) -> String {
        format!("{}: {}", self.param, self.detail)
    }
}

#[derive(Debug)]
pub enum ApiError {
    Input(InputError),
    /// An accept that the invitation's state refuses; nothing changed.
    Refused(AcceptRefusal),
    /// An organization operation the mirror's organization refuses.
    Organization(OrgRefusal),
    /// An organization member's own disassociation while its
    /// administrator's auto-enable is `ALL`.
    LeaveLocked,
    /// A `detectorId` that is not the caller's.
    DetectorNotOwned,
    /// CreateDetector when the caller has a detector.
    DetectorExists,
    /// DeleteDetector while the caller has created, invited or associated
    /// members.
    DetectorHasMembers,
    /// DeleteDetector while the caller is an associated member.
    DetectorOfMember,
    Unauthenticated,
    /// Local scope check: signed for another service than `execute-api`.
    WrongScope,
    /// No route has the path; holds every route, for the message.
    NotFound(String),
    /// A known path with another method; holds the allowed methods.
    MethodNotAllowed(String),
    /// The store could not be used at all. The cause is logged, never sent.
    Internal,
    /// The store was throttled or timed out, after the SDK's retries. The
    /// operations that answer it (reads, accept, disassociate) are safe to
    /// repeat: accepting or leaving again after an applied one is a 200.
    Retry,
}

/// What goes on the wire for an error.
pub struct WireError {
    pub status: StatusCode,
    /// `x-amzn-ErrorType` (the modeled exception), `Allow` for a 405.
    pub headers: Vec<(&'static str, String)>,
    /// `__type` and `type` in the body.
    pub type_name: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn to_wire(&self) -> WireError {
        // No x-amzn-ErrorType for 404 and 405: they are not modeled errors.
        const BAD_REQUEST: (StatusCode, &str) = (StatusCode::BAD_REQUEST, "BadRequestException");
        const DENIED: (StatusCode, &str) = (StatusCode::FORBIDDEN, "AccessDeniedException");
        const INTERNAL: (StatusCode, &str) = (
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalServerErrorException",
        );
        // (status and x-amzn-ErrorType, `__type`/`type`, message)
        let ((status, error_type), type_name, message) = match self {
            ApiError::Input(e) => (BAD_REQUEST, "InvalidInputException", e.message()),
            ApiError::Refused(refusal) => (BAD_REQUEST, "InvalidInputException", refusal.message()),
            ApiError::LeaveLocked => (
                BAD_REQUEST,
                "InvalidInputException",
                "The request is rejected because the current account is a member through AWS \
                 Organizations and its administrator enrolls every account of the organization \
                 (auto-enable ALL); it cannot disassociate itself."
                    .into(),
            ),
            ApiError::Organization(refusal) => {
                (BAD_REQUEST, "InvalidInputException", refusal.message())
            }
            // GuardDuty's own words.
            ApiError::DetectorNotOwned => (
                BAD_REQUEST,
                "InvalidInputException",
                Reason::DetectorNotOwned.message(),
            ),
            ApiError::DetectorExists => (
                BAD_REQUEST,
                "InvalidInputException",
                "The request is rejected because a detector already exists for the current \
                 account."
                    .into(),
            ),
            ApiError::DetectorHasMembers => (
                BAD_REQUEST,
                "InvalidInputException",
                "The request is rejected because the current account cannot delete detector \
                 while it has invited or associated members."
                    .into(),
            ),
            ApiError::DetectorOfMember => (
                BAD_REQUEST,
                "InvalidInputException",
                "The request is rejected because the current account cannot delete its \
                 detector while it is an associated member; disassociate from the \
                 administrator account first."
                    .into(),
            ),
            ApiError::Unauthenticated => (
                DENIED,
                "AccessDeniedException",
                "The request has no caller identity: sign it with AWS Signature Version 4 \
                 through an API that uses AWS_IAM authorization."
                    .into(),
            ),
            // API Gateway's own words, in the shape template.yaml gives them.
            ApiError::WrongScope => (
                DENIED,
                "AccessDeniedException",
                "Credential should be scoped to correct service: 'execute-api'. ".into(),
            ),
            ApiError::NotFound(routes) => (
                (StatusCode::NOT_FOUND, ""),
                "NotFound",
                format!("No such resource: the API serves {routes}."),
            ),
            ApiError::MethodNotAllowed(allow) => (
                (StatusCode::METHOD_NOT_ALLOWED, ""),
                "MethodNotAllowed",
                format!("Method not allowed: this resource only accepts {allow}."),
            ),
            ApiError::Internal => (
                INTERNAL,
                "InternalException",
                "Internal server error.".into(),
            ),
            ApiError::Retry => (
                INTERNAL,
                "InternalException",
                "The service was busy or did not answer in time; retry the request, which is \
                 safe to repeat."
                    .into(),
            ),
        };
        let mut headers = Vec::new();
        if !error_type.is_empty() {
            headers.push(("x-amzn-errortype", error_type.to_owned()));
        }
        if let ApiError::MethodNotAllowed(allow) = self {
            headers.push(("allow", allow.clone()));
        }
        WireError {
            status,
            headers,
            type_name,
            message,
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        if !matches!(error, StoreError::DetectorNotOwned) {
            tracing::warn!(?error, "store request failed");
        }
        match error {
            StoreError::Transient(_) | StoreError::Cancelled(_) | StoreError::OutOfTime => {
                ApiError::Retry
            }
            StoreError::Other(_) => ApiError::Internal,
            StoreError::DetectorNotOwned => ApiError::DetectorNotOwned,
        }
    }
}

impl From<NoCaller> for ApiError {
    fn from(no_caller: NoCaller) -> Self {
        match no_caller {
            NoCaller::Unauthenticated => ApiError::Unauthenticated,
            NoCaller::WrongScope => ApiError::WrongScope,
        }
    }
}

impl From<OrgRefusal> for ApiError {
    fn from(refusal: OrgRefusal) -> Self {
        ApiError::Organization(refusal)
    }
}

impl From<InputError> for ApiError {
    fn from(e: InputError) -> Self {
        ApiError::Input(e)
    }
}
