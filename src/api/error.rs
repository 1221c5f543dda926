//! Every error the API can answer, and the one place that turns each into
//! its status, `x-amzn-ErrorType` header and `{"message","__type","type"}` body.

use lambda_http::http::StatusCode;

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
    Unauthenticated,
    NotFound,
    MethodNotAllowed,
    /// The store could not be used at all. The cause is logged, never sent.
    Internal,
}

/// What goes on the wire for an error.
pub struct WireError {
    pub status: StatusCode,
    /// The `x-amzn-ErrorType` header: the modeled exception.
    pub error_type: Option<&'static str>,
    /// `__type` and `type` in the body.
    pub type_name: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn to_wire(&self) -> WireError {
        match self {
            ApiError::Input(e) => WireError {
                status: StatusCode::BAD_REQUEST,
                error_type: Some("BadRequestException"),
                type_name: "InvalidInputException",
                message: e.message(),
            },
            ApiError::Unauthenticated => WireError {
                status: StatusCode::FORBIDDEN,
                error_type: Some("AccessDeniedException"),
                type_name: "AccessDeniedException",
                message:
                    "The request has no caller identity: sign it with AWS Signature Version 4 \
                          through an API that uses AWS_IAM authorization."
                        .into(),
            },
            ApiError::NotFound => WireError {
                status: StatusCode::NOT_FOUND,
                error_type: None,
                type_name: "NotFound",
                message: "No such resource: the API serves POST /invitation/decline and \
                          POST /invitation/delete."
                    .into(),
            },
            ApiError::MethodNotAllowed => WireError {
                status: StatusCode::METHOD_NOT_ALLOWED,
                error_type: None,
                type_name: "MethodNotAllowed",
                message: "Method not allowed: this resource only accepts POST.".into(),
            },
            ApiError::Internal => WireError {
                status: StatusCode::INTERNAL_SERVER_ERROR,
                error_type: Some("InternalServerErrorException"),
                type_name: "InternalException",
                message: "Internal server error.".into(),
            },
        }
    }
}

impl From<InputError> for ApiError {
    fn from(e: InputError) -> Self {
        ApiError::Input(e)
    }
}
