//! The client recipes of `clients/` against `cargo lambda watch` with
//! LOCAL_SCOPE_CHECK=execute-api, API Gateway's refusal of signatures for
//! another service: unchanged GuardDuty clients (aws-sdk-guardduty, boto3,
//! the AWS CLI v1) are refused, and the same clients with the recipe
//! (`gd-execute-api`, `gd_execute_api.use_execute_api`, the CLI plugin)
//! decline invitations, read back from the table.

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::OnceLock;

use aws_sdk_guardduty::error::ProvideErrorMetadata;
use serde_json::Value;

use crate::support::watch::{Watch, guardduty};
use crate::support::{TestTable, installed, path_with_tools, repo_root};

const REFUSAL: &str = "Credential should be scoped to correct service: 'execute-api'. ";

/// One watch with the scope check on, over a fresh table, for this module.
async fn scoped() -> &'static Watch {
    static WATCH: OnceLock<Watch> = OnceLock::new();
    tokio::task::spawn_blocking(|| {
        WATCH.get_or_init(|| {
            let table = std::thread::spawn(|| {
                let runtime = tokio::runtime::Runtime::new().unwrap();
                runtime.block_on(async { TestTable::new().await.name })
            })
            .join()
            .unwrap();
            Watch::start_with(&table, &[("LOCAL_SCOPE_CHECK", "execute-api")])
        })
    })
    .await
    .unwrap()
}

/// Runs one of the venv's programs as `account` (local auth: the access key
/// is the account), with clients/python importable and nothing from the
/// host's AWS settings.
async fn venv(program: &str, account: &str, config: Option<&str>, args: &[&str]) -> Output {
    let program = installed().bin.join(program);
    let scratch = std::env::temp_dir().join(format!(
        "gdi-clients-{}-{account}-{}",
        std::process::id(),
        config.is_some()
    ));
    std::fs::create_dir_all(&scratch).unwrap();
    let config_file = scratch.join("config");
    std::fs::write(&config_file, config.unwrap_or("")).unwrap();
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let account = account.to_owned();
    tokio::task::spawn_blocking(move || {
        let output = Command::new(&program)
            .args(&args)
            .env_clear()
            .env("PATH", path_with_tools())
            .env("HOME", &scratch)
            .env("PYTHONPATH", python_dir())
            // No __pycache__ left in clients/python.
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .env("AWS_CONFIG_FILE", &config_file)
            .env("AWS_SHARED_CREDENTIALS_FILE", scratch.join("credentials"))
            .env("AWS_ACCESS_KEY_ID", &account)
            .env("AWS_SECRET_ACCESS_KEY", "x")
            .env("AWS_DEFAULT_REGION", "us-east-1")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .output()
            .unwrap_or_else(|e| panic!("run {}: {e}", program.display()));
        let _ = std::fs::remove_dir_all(&scratch);
        output
    })
    .await
    .unwrap()
}

fn python_dir() -> PathBuf {
    repo_root().join("clients/python")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// boto3: one DeclineInvitations, through an unchanged client or one made
/// with `use_execute_api`; prints the outcome as JSON.
const BOTO3: &str = r#"
import json, sys
import boto3, botocore.exceptions
import gd_execute_api

endpoint, mode, inviter = sys.argv[1], sys.argv[2], sys.argv[3]
client = boto3.client("guardduty", endpoint_url=endpoint)
if mode == "execute-api":
    client = gd_execute_api.use_execute_api(client)
try:
    out = client.decline_invitations(AccountIds=[inviter])
    print(json.dumps({"unprocessed": out["UnprocessedAccounts"]}))
except botocore.exceptions.ClientError as e:
    print(json.dumps({
        "status": e.response["ResponseMetadata"]["HTTPStatusCode"],
        "code": e.response["Error"]["Code"],
        "message": e.response["Error"]["Message"],
    }))
"#;

async fn boto3(watch: &Watch, mode: &str, account: &str, inviter: &str) -> Value {
    let url = watch.url();
    let output = venv("python", account, None, &["-c", BOTO3, &url, mode, inviter]).await;
    assert!(
        output.status.success(),
        "python: {}{}",
        text(&output.stdout),
        text(&output.stderr)
    );
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", text(&output.stdout)))
}

/// `aws guardduty decline-invitations`, with `config` as its config file.
async fn aws_decline(watch: &Watch, config: &str, account: &str, inviter: &str) -> Output {
    let url = watch.url();
    venv(
        "aws",
        account,
        Some(config),
        &[
            "guardduty",
            "decline-invitations",
            "--endpoint-url",
            &url,
            "--region",
            "us-east-1",
            "--account-ids",
            inviter,
            "--output",
            "json",
        ],
    )
    .await
}

#[tokio::test]
async fn unchanged_sdk_client_is_refused_as_api_gateway_would() {
    let watch = scoped().await;
    let table = watch.table().await;
    let (me, inviter) = ("400000000301", "500000000301");
    table.put(me, inviter, "Invited").await;

    let error = guardduty(watch, me)
        .decline_invitations()
        .account_ids(inviter)
        .send()
        .await
        .expect_err("a signature for guardduty is refused");
    assert_eq!(
        error.raw_response().map(|r| r.status().as_u16()),
        Some(403),
        "{error:?}"
    );
    let error = error.into_service_error();
    assert_eq!(error.code(), Some("AccessDeniedException"), "{error:?}");
    assert_eq!(error.message(), Some(REFUSAL));
    assert_eq!(table.status(me, inviter).await.as_deref(), Some("Invited"));
}

#[tokio::test]
async fn rust_recipe_client_declines() {
    let watch = scoped().await;
    let table = watch.table().await;
    let (me, inviter) = ("400000000302", "500000000302");
    table.put(me, inviter, "Invited").await;

    // The unchanged client's settings, plus the recipe.
    let plain = guardduty(watch, me);
    let config = gd_execute_api::sign_for_execute_api(plain.config().to_builder()).build();
    let client = aws_sdk_guardduty::Client::from_conf(config);
    let declined = client
        .decline_invitations()
        .account_ids(inviter)
        .send()
        .await
        .expect("a signature for execute-api is accepted");
    assert!(declined.unprocessed_accounts().is_empty(), "{declined:?}");
    assert_eq!(table.status(me, inviter).await.as_deref(), Some("Declined"));

    // The recipe changed only the new client.
    let error = plain
        .decline_invitations()
        .account_ids(inviter)
        .send()
        .await
        .expect_err("still signed for guardduty");
    assert_eq!(error.code(), Some("AccessDeniedException"), "{error:?}");
}

#[tokio::test]
async fn boto3_declines_with_use_execute_api_only() {
    let watch = scoped().await;
    let table = watch.table().await;
    let (me, inviter) = ("400000000303", "500000000303");
    table.put(me, inviter, "Invited").await;

    let refused = boto3(watch, "plain", me, inviter).await;
    assert_eq!(
        refused,
        serde_json::json!({"status": 403, "code": "AccessDeniedException", "message": REFUSAL})
    );
    assert_eq!(table.status(me, inviter).await.as_deref(), Some("Invited"));

    let declined = boto3(watch, "execute-api", me, inviter).await;
    assert_eq!(declined, serde_json::json!({"unprocessed": []}));
    assert_eq!(table.status(me, inviter).await.as_deref(), Some("Declined"));
}

#[tokio::test]
async fn aws_cli_v1_declines_with_the_plugin_only() {
    let watch = scoped().await;
    let table = watch.table().await;
    let (me, inviter) = ("400000000304", "500000000304");
    table.put(me, inviter, "Invited").await;

    let refused = aws_decline(watch, "", me, inviter).await;
    assert!(!refused.status.success(), "{}", text(&refused.stdout));
    let stderr = text(&refused.stderr);
    assert!(
        stderr.contains(&format!(
            "An error occurred (AccessDeniedException) when calling the \
             DeclineInvitations operation: {REFUSAL}"
        )),
        "{stderr}"
    );
    assert_eq!(table.status(me, inviter).await.as_deref(), Some("Invited"));

    let config = "[plugins]\ngd_execute_api = gd_execute_api\n";
    let declined = aws_decline(watch, config, me, inviter).await;
    assert!(
        declined.status.success(),
        "{}{}",
        text(&declined.stdout),
        text(&declined.stderr)
    );
    let out: Value = serde_json::from_slice(&declined.stdout).unwrap();
    assert_eq!(out, serde_json::json!({"UnprocessedAccounts": []}));
    assert_eq!(table.status(me, inviter).await.as_deref(), Some("Declined"));
}
