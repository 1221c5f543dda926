//! The sync's reading of AWS Organizations (`DescribeOrganization`,
//! `ListAccounts`), through a role in the management account when
//! `ORGANIZATIONS_ROLE_ARN` names one. Only the sync (the admin tool's
//! `sync-organization` and the scheduled function) links this: the API
//! never calls AWS Organizations on a request's path.

use aws_config::SdkConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_sdk_dynamodb::error::DisplayErrorContext;
use aws_sdk_organizations::Client;

use crate::domain::AccountId;
use crate::domain::organization::OrgAccount;
use crate::store::mirror::{Snapshot, Synced};
use crate::store::{Store, StoreError};

/// Why a sync failed; nothing it reported as done is undone, and the next
/// sync finishes the rest.
#[derive(Debug)]
pub enum SyncError {
    Organizations(String),
    Store(StoreError),
}

impl std::fmt::Display for SyncError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SyncError::Organizations(e) => write!(f, "AWS Organizations: {e}"),
            SyncError::Store(
                StoreError::Transient(e) | StoreError::Cancelled(e) | StoreError::Other(e),
            ) => write!(f, "DynamoDB: {e}"),
            SyncError::Store(e) => write!(f, "DynamoDB: {e:?}"),
        }
    }
}

impl std::error::Error for SyncError {}

impl From<StoreError> for SyncError {
    fn from(error: StoreError) -> Self {
        SyncError::Store(error)
    }
}

/// The Organizations client: the environment's credentials, or a role in
/// the management account (`ORGANIZATIONS_ROLE_ARN`) assumed with them.
/// The endpoint comes from the standard settings
/// (`AWS_ENDPOINT_URL_ORGANIZATIONS` locally).
pub async fn client(sdk_config: &SdkConfig) -> Client {
    let role = std::env::var("ORGANIZATIONS_ROLE_ARN")
        .ok()
        .filter(|r| !r.is_empty());
    let Some(role) = role else {
        return Client::new(sdk_config);
    };
    let provider = AssumeRoleProvider::builder(role)
        .session_name("guardduty-invitations-sync")
        .configure(sdk_config)
        .build()
        .await;
    let config = aws_sdk_organizations::config::Builder::from(sdk_config)
        .credentials_provider(provider)
        .build();
    Client::from_conf(config)
}

/// The organization as AWS Organizations lists it now.
pub async fn snapshot(client: &Client) -> Result<Snapshot, SyncError> {
    let described = client
        .describe_organization()
        .send()
        .await
        .map_err(|e| SyncError::Organizations(DisplayErrorContext(e).to_string()))?;
    let org = described.organization.ok_or_else(|| {
        SyncError::Organizations("DescribeOrganization named no organization".into())
    })?;
    let management = org.master_account_id.as_deref().unwrap_or_default();
    let management = AccountId::parse(management).map_err(|_| {
        SyncError::Organizations(format!(
            "management account {management:?} is not an account ID"
        ))
    })?;
    let pages = client
        .list_accounts()
        .into_paginator()
        .send()
        .try_collect()
        .await
        .map_err(|e| SyncError::Organizations(DisplayErrorContext(e).to_string()))?;
    let listed: Vec<_> = pages
        .into_iter()
        .flat_map(|page| page.accounts.unwrap_or_default())
        .collect();
    let mut accounts = Vec::with_capacity(listed.len());
    for account in listed {
        let id = account.id.as_deref().unwrap_or_default();
        let Ok(id) = AccountId::parse(id) else {
            let message = format!("ListAccounts gave {id:?}, not an account ID");
            return Err(SyncError::Organizations(message));
        };
        accounts.push(OrgAccount {
            id,
            email: account.email.unwrap_or_default(),
            status: account
                .status
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default(),
        });
    }
    Ok(Snapshot {
        id: org.id.unwrap_or_default(),
        management,
        accounts,
    })
}

/// One sync: reads the organization, then mirrors it and applies
/// auto-enable. An Organizations failure writes nothing.
pub async fn sync(store: &Store, client: &Client) -> Result<Synced, SyncError> {
    let snapshot = snapshot(client).await?;
    Ok(store.sync(&snapshot).await?)
}
