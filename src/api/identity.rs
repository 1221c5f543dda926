//! Who the caller is. The invitee is always the caller, and the caller comes
//! from API Gateway's IAM authorization context, never from the body.

use lambda_http::request::RequestContext;
use lambda_http::{Request, RequestExt};

use crate::domain::AccountId;

/// How a request without an IAM context is attributed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthMode {
    /// Deployed: no IAM context means no caller.
    Iam,
    /// Local runs only (`LOCAL_AUTH=access-key`): `cargo lambda watch` sends
    /// no authorizer, so the SigV4 access key ID stands for the account (the
    /// LocalStack convention), else the fallback account. Signatures are not
    /// verified, which is why this is never on unless asked for.
    LocalAccessKey { fallback: Option<AccountId> },
}

impl AuthMode {
    /// Reads `LOCAL_AUTH` and `LOCAL_ACCOUNT_ID`. Anything but an exact
    /// `LOCAL_AUTH=access-key` is refused, so a typo cannot weaken a deployment.
    pub fn from_env_vars(
        local_auth: Option<&str>,
        local_account: Option<&str>,
    ) -> Result<Self, String> {
        match local_auth {
            None | Some("") => Ok(AuthMode::Iam),
            Some("access-key") => {
                let fallback = local_account
                    .filter(|s| !s.is_empty())
                    .map(|s| {
                        AccountId::parse(s).map_err(|_| {
                            format!("LOCAL_ACCOUNT_ID {s:?} is not a 12-digit account ID")
                        })
                    })
                    .transpose()?;
                Ok(AuthMode::LocalAccessKey { fallback })
            }
            Some(other) => Err(format!(
                "LOCAL_AUTH={other:?} is not supported; the only local mode is LOCAL_AUTH=access-key"
            )),
        }
    }

    pub fn from_env() -> Result<Self, String> {
        Self::from_env_vars(
            std::env::var("LOCAL_AUTH").ok().as_deref(),
            std::env::var("LOCAL_ACCOUNT_ID").ok().as_deref(),
        )
    }

    /// The calling account, or `None` when the request carries no identity.
    pub fn caller(&self, request: &Request) -> Option<AccountId> {
        if let Some(account) = iam_account(request) {
            // An IAM context always wins, and a malformed one is no identity.
            return AccountId::parse(account).ok();
        }
        match self {
            AuthMode::Iam => None,
            AuthMode::LocalAccessKey { fallback } => {
                sigv4_access_key(request).or_else(|| fallback.clone())
            }
        }
    }
}

/// The caller's account from API Gateway's IAM authorizer. The top-level
/// `requestContext.accountId` is the API owner's and is deliberately unused.
fn iam_account(request: &Request) -> Option<&str> {
    match request.request_context_ref()? {
        RequestContext::ApiGatewayV1(ctx) => ctx.identity.account_id.as_deref(),
        RequestContext::ApiGatewayV2(ctx) => {
            ctx.authorizer.as_ref()?.iam.as_ref()?.account_id.as_deref()
        }
        _ => None,
    }
    .filter(|account| !account.is_empty())
}

/// The access key ID of a SigV4 `Authorization` header, when it is an account ID:
/// `AWS4-HMAC-SHA256 Credential=111122223333/20260101/us-east-1/guardduty/aws4_request, ...`
fn sigv4_access_key(request: &Request) -> Option<AccountId> {
    let header = request.headers().get("authorization")?.to_str().ok()?;
    let credential = header.split_once("Credential=")?.1;
    let access_key = credential.split('/').next()?;
    AccountId::parse(access_key).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_auth_is_off_unless_exactly_access_key() {
        assert_eq!(
            AuthMode::from_env_vars(None, Some("111122223333")),
            Ok(AuthMode::Iam)
        );
        assert_eq!(AuthMode::from_env_vars(Some(""), None), Ok(AuthMode::Iam));
        assert!(AuthMode::from_env_vars(Some("true"), None).is_err());
        assert!(AuthMode::from_env_vars(Some("ACCESS-KEY"), None).is_err());
        assert_eq!(
            AuthMode::from_env_vars(Some("access-key"), None),
            Ok(AuthMode::LocalAccessKey { fallback: None })
        );
        assert_eq!(
            AuthMode::from_env_vars(Some("access-key"), Some("111122223333")),
            Ok(AuthMode::LocalAccessKey {
                fallback: Some(AccountId::parse("111122223333").unwrap())
            })
        );
        assert!(AuthMode::from_env_vars(Some("access-key"), Some("1111")).is_err());
    }
}
