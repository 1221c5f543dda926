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
    LocalAccessKey {
        fallback: Option<AccountId>,
        /// `LOCAL_SCOPE_CHECK=execute-api`: refuse, as API Gateway's IAM
        /// authorization does, a signature not scoped to `execute-api`, and
        /// so also every unsigned request (the fallback is not used).
        scope_check: bool,
    },
}

/// Why a request has no caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoCaller {
    Unauthenticated,
    /// Signed for another service than `execute-api` (local scope check).
    WrongScope,
}

/// The only service API Gateway's IAM authorization accepts signatures for.
pub const EXECUTE_API: &str = "execute-api";

impl AuthMode {
    /// Reads `LOCAL_AUTH` and `LOCAL_ACCOUNT_ID`. Anything but an exact
    /// `LOCAL_AUTH=access-key` is refused, so a typo cannot weaken a deployment.
    pub fn from_env_vars(
        local_auth: Option<&str>,
        local_account: Option<&str>,
        scope_check: Option<&str>,
    ) -> Result<Self, String> {
        let scope_check = match (scope_check, local_auth) {
            (None | Some(""), _) => false,
            (Some(EXECUTE_API), Some("access-key")) => true,
            (Some(EXECUTE_API), _) => {
                return Err("LOCAL_SCOPE_CHECK needs LOCAL_AUTH=access-key".into());
            }
            (Some(other), _) => {
                return Err(format!(
                    "LOCAL_SCOPE_CHECK={other:?} is not supported; the only check is \
                     LOCAL_SCOPE_CHECK={EXECUTE_API}"
                ));
            }
        };
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
                Ok(AuthMode::LocalAccessKey {
                    fallback,
                    scope_check,
                })
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
            std::env::var("LOCAL_SCOPE_CHECK").ok().as_deref(),
        )
    }

    /// The calling account, or why there is none.
    pub fn caller(&self, request: &Request) -> Result<AccountId, NoCaller> {
        if let Some(account) = iam_account(request) {
            // An IAM context always wins, and a malformed one is no identity.
            return AccountId::parse(account).map_err(|_| NoCaller::Unauthenticated);
        }
        match self {
            AuthMode::Iam => Err(NoCaller::Unauthenticated),
            AuthMode::LocalAccessKey {
                scope_check: true, ..
            } => match credential(request) {
                Some((access_key, service)) if service == EXECUTE_API => {
                    AccountId::parse(access_key).map_err(|_| NoCaller::Unauthenticated)
                }
                Some(_) => Err(NoCaller::WrongScope),
                None => Err(NoCaller::Unauthenticated),
            },
            AuthMode::LocalAccessKey { fallback, .. } => credential(request)
                .and_then(|(access_key, _)| AccountId::parse(access_key).ok())
                .or_else(|| fallback.clone())
                .ok_or(NoCaller::Unauthenticated),
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

/// The access key ID and the scope's service of a SigV4 `Authorization` header:
/// `AWS4-HMAC-SHA256 Credential=111122223333/20260101/us-east-1/guardduty/aws4_request, ...`
fn credential(request: &Request) -> Option<(&str, &str)> {
    let header = request.headers().get("authorization")?.to_str().ok()?;
    let credential = header.split_once("Credential=")?.1;
    let credential = credential.split([',', ' ']).next()?;
    let mut parts = credential.split('/');
    let access_key = parts.next()?;
    let service = parts.nth(2).unwrap_or_default();
    Some((access_key, service))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_auth_is_off_unless_exactly_access_key() {
        assert_eq!(
            AuthMode::from_env_vars(None, Some("111122223333"), None),
            Ok(AuthMode::Iam)
        );
        assert_eq!(
            AuthMode::from_env_vars(Some(""), None, None),
            Ok(AuthMode::Iam)
        );
        assert!(AuthMode::from_env_vars(Some("true"), None, None).is_err());
        assert!(AuthMode::from_env_vars(Some("ACCESS-KEY"), None, None).is_err());
        assert_eq!(
            AuthMode::from_env_vars(Some("access-key"), None, None),
            Ok(AuthMode::LocalAccessKey {
                fallback: None,
                scope_check: false
            })
        );
        assert_eq!(
            AuthMode::from_env_vars(Some("access-key"), Some("111122223333"), None),
            Ok(AuthMode::LocalAccessKey {
                fallback: Some(AccountId::parse("111122223333").unwrap()),
                scope_check: false
            })
        );
        assert!(AuthMode::from_env_vars(Some("access-key"), Some("1111"), None).is_err());
    }

    #[test]
    fn the_scope_check_is_only_execute_api_and_only_in_local_mode() {
        assert_eq!(
            AuthMode::from_env_vars(Some("access-key"), None, Some("execute-api")),
            Ok(AuthMode::LocalAccessKey {
                fallback: None,
                scope_check: true
            })
        );
        assert!(AuthMode::from_env_vars(None, None, Some("execute-api")).is_err());
        assert!(AuthMode::from_env_vars(Some("access-key"), None, Some("guardduty")).is_err());
    }
}
