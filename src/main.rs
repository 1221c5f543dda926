use guardduty_invitations::api::App;
use guardduty_invitations::api::identity::AuthMode;
use guardduty_invitations::{sdk, store, table};
use lambda_http::{Error, run, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_target(false)
        .with_current_span(false)
        .with_span_list(false)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();

    let auth = AuthMode::from_env()?;
    if auth != AuthMode::Iam {
        tracing::warn!(
            "LOCAL_AUTH=access-key: requests without an IAM context act as the account in their \
             unverified SigV4 access key; never use this outside a local run"
        );
    }
    let sdk_config = sdk::load().await;
    let app = App::new(
        store::Store::new(
            aws_sdk_dynamodb::Client::from_conf(store::config(&sdk_config).build()),
            table::name_from_env(),
        ),
        auth,
    );
    run(service_fn(|request| async {
        Ok::<_, std::convert::Infallible>(app.handle(request).await)
    }))
    .await
}
