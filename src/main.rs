use guardduty_invitations::api::App;
use guardduty_invitations::api::identity::AuthMode;
use guardduty_invitations::{logging, sdk, store, table};
use lambda_http::{Error, run, service_fn};

// One thread: a 128 MB Lambda has a fraction of one vCPU, and the writes of
// a request overlap on I/O, not on cores.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    logging::init(std::io::stdout);

    let auth = AuthMode::from_env()?;
    if let AuthMode::LocalAccessKey { scope_check, .. } = auth {
        tracing::warn!(
            "LOCAL_AUTH=access-key: requests without an IAM context act as the account in their \
             unverified SigV4 access key; never use this outside a local run"
        );
        if scope_check {
            tracing::info!(
                "LOCAL_SCOPE_CHECK=execute-api: signatures for other services are refused"
            );
        }
    }
    let sdk_config = sdk::load().await;
    let store = store::Store::new(
        aws_sdk_dynamodb::Client::from_conf(store::config(&sdk_config).build()),
        table::name_from_env(),
    )
    .with_member_limit(store::member_limit_from_env()?);
    // Optional: pay for the first connection to DynamoDB during init rather
    // than in the first request (see bench/README.md for the trade-off).
    if std::env::var("WARM_DYNAMODB_CONNECTION").as_deref() == Ok("true")
        && let Err(error) = store.warm().await
    {
        tracing::warn!(?error, "warming the DynamoDB connection failed");
    }
    let app = App::new(store, auth);
    run(service_fn(|request| async {
        Ok::<_, std::convert::Infallible>(app.handle(request).await)
    }))
    .await
}
