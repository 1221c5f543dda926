//! The organization path: the management account designates, lists and
//! lets go the delegated administrator (`/admin...`); the delegated
//! administrator describes and updates its configuration
//! (`/detector/{detectorId}/admin`). Who may is the mirror's to say.

use serde::Serialize;
use serde_json::json;

use super::response::{Json, Reply};
use super::{Call, input, query, token};
use crate::domain::organization::{AutoEnable, OrgConfig};

pub async fn enable(call: Call<'_>) -> Reply {
    let admin = input::parse_admin_account(call.request.body())?;
    call.store.enable_admin(&call.caller, &admin).await??;
    Ok(Json::of(&json!({})))
}

pub async fn disable(call: Call<'_>) -> Reply {
    let admin = input::parse_admin_account(call.request.body())?;
    call.store.disable_admin(&call.caller, &admin).await??;
    Ok(Json::of(&json!({})))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AdminAccount {
    admin_account_id: String,
    admin_status: &'static str,
}

pub async fn list_admins(call: Call<'_>) -> Reply {
    // At most one administrator: one page, and no token is ever issued.
    query::max_results(call.request)?;
    if query::next_token(call.request)?.is_some() {
        return Err(token::not_issued().into());
    }
    let admin = call.store.admin_of(&call.caller).await??;
    let admins: Vec<AdminAccount> = admin
        .into_iter()
        .map(|(id, status)| AdminAccount {
            admin_account_id: id.to_string(),
            admin_status: status.as_str(),
        })
        .collect();
    Ok(Json::of(&json!({ "adminAccounts": admins })))
}

pub async fn describe_config(call: Call<'_>) -> Reply {
    let detector = call.detector()?;
    // Accepted as the model has them; the configuration is one page.
    query::max_results(call.request)?;
    if query::next_token(call.request)?.is_some() {
        return Err(token::not_issued().into());
    }
    let (config, limit_reached) = call.store.org_config(&call.caller, detector).await??;
    Ok(Json::of(&Described::of(&config, limit_reached)))
}

pub async fn update_config(call: Call<'_>) -> Reply {
    let detector = call.detector()?;
    let update = input::parse_org_config(call.request.body())?;
    call.store
        .update_org_config(&call.caller, detector, &update)
        .await??;
    Ok(Json::of(&json!({})))
}

/// DescribeOrganizationConfiguration's answer: both forms of auto-enable,
/// the data sources (off until set) and the features ever set.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Described<'a> {
    member_account_limit_reached: bool,
    auto_enable: bool,
    auto_enable_organization_members: &'static str,
    data_sources: DataSources,
    features: Vec<Feature<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Flag {
    auto_enable: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DataSources {
    s3_logs: Flag,
    kubernetes: Kubernetes,
    malware_protection: Malware,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Kubernetes {
    audit_logs: Flag,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Malware {
    scan_ec2_instance_with_findings: Scan,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Scan {
    ebs_volumes: Flag,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Feature<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    auto_enable: Option<&'static str>,
    additional_configuration: Vec<Additional<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Additional<'a> {
    name: &'a str,
    auto_enable: &'static str,
}

impl<'a> Described<'a> {
    fn of(config: &'a OrgConfig, limit_reached: bool) -> Self {
        let flag = |name: &str| Flag {
            auto_enable: config
                .data_sources
                .iter()
                .any(|(source, on)| source == name && *on),
        };
        Described {
            member_account_limit_reached: limit_reached,
            auto_enable: config.auto_enable.flag(),
            auto_enable_organization_members: config.auto_enable.as_str(),
            data_sources: DataSources {
                s3_logs: flag("s3Logs"),
                kubernetes: Kubernetes {
                    audit_logs: flag("kubernetesAuditLogs"),
                },
                malware_protection: Malware {
                    scan_ec2_instance_with_findings: Scan {
                        ebs_volumes: flag("ebsVolumes"),
                    },
                },
            },
            features: config
                .features
                .iter()
                .map(|feature| Feature {
                    name: &feature.name,
                    auto_enable: feature.auto_enable.map(AutoEnable::as_str),
                    additional_configuration: feature
                        .additional
                        .iter()
                        .map(|(name, auto)| Additional {
                            name,
                            auto_enable: auto.as_str(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// GetOrganizationStatistics: for the delegated administrator only.
pub async fn statistics(call: Call<'_>) -> Reply {
    let counted = call.store.org_statistics(&call.caller).await??;
    let by_feature: Vec<_> = counted
        .by_feature
        .iter()
        .map(|(name, (enabled, additional))| {
            let additional: Vec<_> = additional
                .iter()
                .map(|(name, n)| json!({"name": name, "enabledAccountsCount": n}))
                .collect();
            json!({
                "name": name,
                "enabledAccountsCount": enabled,
                "additionalConfiguration": additional,
            })
        })
        .collect();
    let updated_at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    Ok(Json::of(&json!({
        "organizationDetails": {
            "updatedAt": updated_at,
            "organizationStatistics": {
                "totalAccountsCount": counted.total,
                "memberAccountsCount": counted.members,
                "activeAccountsCount": counted.active,
                "enabledAccountsCount": counted.enabled,
                "countByFeature": by_feature,
            },
        },
    })))
}
