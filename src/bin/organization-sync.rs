//! The scheduled sync, deployed as a second function: each invocation
//! mirrors the AWS organization into the table and applies auto-enable
//! (the same code as `invitations-admin sync-organization`). A failure is
//! the invocation's error; the next run finishes what it left.

use guardduty_invitations::store::Store;
use guardduty_invitations::{logging, organizations, sdk, store, table};
use lambda_http::lambda_runtime::{self, LambdaEvent, service_fn};
use serde_json::{Value, json};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    logging::init(std::io::stdout);
    let sdk_config = sdk::load().await;
    let store = Store::new(
        aws_sdk_dynamodb::Client::from_conf(store::config(&sdk_config).build()),
        table::name_from_env(),
    )
    .with_member_limit(store::member_limit_from_env()?);
    let client = organizations::client(&sdk_config).await;
    lambda_runtime::run(service_fn(|_: LambdaEvent<Value>| async {
        let synced = organizations::sync(&store, &client)
            .await
            .map_err(|e| lambda_runtime::Error::from(e.to_string()))?;
        tracing::info!(?synced, "organization synced");
        Ok::<_, lambda_runtime::Error>(json!({
            "accountsPut": synced.accounts_put,
            "accountsDeleted": synced.accounts_deleted,
            "enrolled": synced.enrolled,
            "refused": synced.refused.len(),
            "unfinished": synced.unfinished,
            "disableUnfinished": synced.disable_unfinished,
        }))
    }))
    .await
}
