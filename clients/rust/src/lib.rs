//! An aws-sdk-guardduty client signs its requests for the service
//! `guardduty`; API Gateway's IAM authorization accepts only signatures for
//! `execute-api`. [`sign_for_execute_api`] makes the client sign for
//! `execute-api`, so the unchanged GuardDuty client can call this API:
//!
//! ```no_run
//! # async fn example(api_url: &str) -> Result<(), aws_sdk_guardduty::Error> {
//! let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
//! let config = aws_sdk_guardduty::config::Builder::from(&sdk);
//! let config = gd_execute_api::sign_for_execute_api(config).endpoint_url(api_url).build();
//! let client = aws_sdk_guardduty::Client::from_conf(config);
//! client.decline_invitations().account_ids("111122223333").send().await?;
//! # Ok(())
//! # }
//! ```

use aws_sdk_guardduty::config::interceptors::BeforeTransmitInterceptorContextMut;
use aws_sdk_guardduty::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_types::SigningName;

/// The service API Gateway's IAM authorization wants signatures scoped to.
pub const EXECUTE_API: &str = "execute-api";

/// Adds to `builder` the interceptor that signs every request for
/// `execute-api` instead of `guardduty`. Everything else (region,
/// credentials, `endpoint_url`) stays as the builder has it.
pub fn sign_for_execute_api(
    builder: aws_sdk_guardduty::config::Builder,
) -> aws_sdk_guardduty::config::Builder {
    builder.interceptor(SignForExecuteApi)
}

/// Before signing, overrides the client's signing name (`guardduty`) with
/// `execute-api` for this request.
#[derive(Debug, Clone, Copy, Default)]
pub struct SignForExecuteApi;

impl Intercept for SignForExecuteApi {
    fn name(&self) -> &'static str {
        "SignForExecuteApi"
    }

    fn modify_before_signing(
        &self,
        _context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        cfg.interceptor_state()
            .store_put(SigningName::from_static(EXECUTE_API));
        Ok(())
    }
}
