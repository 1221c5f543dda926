//! Detectors as resources: create (one per account, `clientToken`
//! idempotent), list, get, update, delete.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::json;

use super::error::ApiError;
use super::response::{Json, Reply};
use super::{Call, input, query, token};
use crate::domain::detector::status_name;
use crate::domain::{AccountId, DetectorId};
use crate::store::StoreError;
use crate::store::detector::{Created, Deleted, Detector};

pub async fn create(call: Call<'_>) -> Reply {
    let new = input::parse_new_detector(call.request.body())?;
    let id = DetectorId::generate(&call.caller);
    let detector_id = match call.store.create_detector(&call.caller, &id, &new).await? {
        Created::New(id) => id.as_str().to_owned(),
        Created::Again(id) => id,
        Created::Exists => return Err(ApiError::DetectorExists),
    };
    Ok(Json::of(&json!({ "detectorId": detector_id })))
}

pub async fn list(call: Call<'_>) -> Reply {
    // Validated like any list; one detector always fits one page, so no
    // token is ever issued for it.
    query::max_results(call.request)?;
    if query::next_token(call.request)?.is_some() {
        return Err(token::not_issued().into());
    }
    let detector = call.store.detector(&call.caller).await?;
    let ids: Vec<String> = detector.into_iter().map(|d| d.id).collect();
    Ok(Json::of(&json!({ "detectorIds": ids })))
}

pub async fn get(call: Call<'_>) -> Reply {
    let given = call.detector()?;
    match call.store.detector(&call.caller).await? {
        Some(detector) if detector.id == given => Ok(Json::of(&shown(&call, &detector))),
        _ => Err(ApiError::DetectorNotOwned),
    }
}

pub async fn update(call: Call<'_>) -> Reply {
    let given = call.detector()?;
    let settings = input::parse_settings(call.request.body())?;
    call.store
        .update_detector(&call.caller, given, &settings)
        .await?;
    Ok(Json::of(&json!({})))
}

pub async fn delete(call: Call<'_>) -> Reply {
    let given = call.detector()?;
    match call.store.delete_detector(&call.caller, given).await? {
        Deleted::Deleted => Ok(Json::of(&json!({}))),
        Deleted::NotOwned => Err(StoreError::DetectorNotOwned.into()),
        Deleted::HasMembers => Err(ApiError::DetectorHasMembers),
        Deleted::IsMember => Err(ApiError::DetectorOfMember),
    }
}

/// GetDetector's answer, GuardDuty's shape, echoing what was stored.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Shown<'a> {
    created_at: &'a str,
    updated_at: &'a str,
    finding_publishing_frequency: &'a str,
    service_role: String,
    status: &'static str,
    data_sources: DataSources,
    features: Vec<ShownFeature<'a>>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    tags: BTreeMap<&'a str, &'a str>,
}

#[derive(Serialize)]
struct Status {
    status: &'static str,
}

fn status(enabled: bool) -> Status {
    Status {
        status: status_name(enabled),
    }
}

/// The deprecated `dataSources`: the foundational sources always on.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct DataSources {
    cloud_trail: Status,
    dns_logs: Status,
    flow_logs: Status,
    s3_logs: Status,
    kubernetes: Kubernetes,
    malware_protection: MalwareProtection,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Kubernetes {
    audit_logs: Status,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MalwareProtection {
    scan_ec2_instance_with_findings: Scan,
    service_role: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Scan {
    ebs_volumes: Status,
}

/// A feature, or one of its additional configurations; `updatedAt` in
/// epoch seconds, as the model's timestamps are.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ShownFeature<'a> {
    name: &'a str,
    status: &'static str,
    updated_at: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    additional_configuration: Option<Vec<ShownFeature<'a>>>,
}

/// The service-linked role `name` of `account`, under `path`.
fn role(account: &AccountId, path: &str, name: &str) -> String {
    format!("arn:aws:iam::{account}:role/aws-service-role/{path}/{name}")
}

/// A detector's deprecated `dataSources`, as GetDetector and
/// GetMemberDetectors answer them; `account` owns the detector.
pub(super) fn data_sources(account: &AccountId, detector: &Detector) -> DataSources {
    DataSources {
        cloud_trail: status(true),
        dns_logs: status(true),
        flow_logs: status(true),
        s3_logs: status(detector.s3_logs),
        kubernetes: Kubernetes {
            audit_logs: status(detector.kubernetes_audit_logs),
        },
        malware_protection: MalwareProtection {
            scan_ec2_instance_with_findings: Scan {
                ebs_volumes: status(detector.ebs_volumes),
            },
            service_role: role(
                account,
                "malware-protection.guardduty.amazonaws.com",
                "AWSServiceRoleForAmazonGuardDutyMalwareProtection",
            ),
        },
    }
}

/// A detector's features, each with its additional configurations.
pub(super) fn features(detector: &Detector) -> Vec<ShownFeature<'_>> {
    detector
        .features
        .iter()
        .map(|feature| ShownFeature {
            name: &feature.name,
            status: status_name(feature.enabled),
            updated_at: feature.updated_at,
            additional_configuration: Some(
                feature
                    .additional
                    .iter()
                    .map(|(name, enabled, at)| ShownFeature {
                        name,
                        status: status_name(*enabled),
                        updated_at: *at,
                        additional_configuration: None,
                    })
                    .collect(),
            ),
        })
        .collect()
}

fn shown<'a>(call: &Call<'_>, detector: &'a Detector) -> Shown<'a> {
    Shown {
        created_at: &detector.created_at,
        updated_at: &detector.updated_at,
        finding_publishing_frequency: &detector.frequency,
        service_role: role(
            &call.caller,
            "guardduty.amazonaws.com",
            "AWSServiceRoleForAmazonGuardDuty",
        ),
        status: status_name(detector.enabled),
        data_sources: data_sources(&call.caller, detector),
        features: features(detector),
        tags: detector
            .tags
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect(),
    }
}
