//! Detectors as resources: create (one per account, `clientToken`
//! idempotent), list, get, update, delete.

use serde::Serialize;
use serde_json::{Map, Value, json};

use super::error::ApiError;
use super::response::{Json, Reply};
use super::{Call, input, query, token};
use crate::domain::DetectorId;
use crate::domain::detector::status_name;
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
        Some(detector) if detector.id == given => Ok(Json::of(&shown(&call, detector))),
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
struct Shown {
    created_at: String,
    updated_at: String,
    finding_publishing_frequency: String,
    service_role: String,
    status: &'static str,
    data_sources: Value,
    features: Vec<Value>,
    #[serde(skip_serializing_if = "Map::is_empty")]
    tags: Map<String, Value>,
}

fn shown(call: &Call<'_>, detector: Detector) -> Shown {
    let role = |path: &str, name: &str| {
        format!(
            "arn:aws:iam::{}:role/aws-service-role/{path}/{name}",
            call.caller
        )
    };
    let status = |enabled: bool| json!({ "status": status_name(enabled) });
    let data_sources = json!({
        "cloudTrail": status(true),
        "dnsLogs": status(true),
        "flowLogs": status(true),
        "s3Logs": status(detector.s3_logs),
        "kubernetes": { "auditLogs": status(detector.kubernetes_audit_logs) },
        "malwareProtection": {
            "scanEc2InstanceWithFindings": { "ebsVolumes": status(detector.ebs_volumes) },
            "serviceRole": role(
                "malware-protection.guardduty.amazonaws.com",
                "AWSServiceRoleForAmazonGuardDutyMalwareProtection",
            ),
        },
    });
    let features = detector
        .features
        .iter()
        .map(|feature| {
            let additional: Vec<Value> = feature
                .additional
                .iter()
                .map(|(name, enabled, at)| {
                    json!({ "name": name, "status": status_name(*enabled), "updatedAt": at })
                })
                .collect();
            json!({
                "name": feature.name,
                "status": status_name(feature.enabled),
                "updatedAt": feature.updated_at,
                "additionalConfiguration": additional,
            })
        })
        .collect();
    Shown {
        created_at: detector.created_at,
        updated_at: detector.updated_at,
        finding_publishing_frequency: detector.frequency,
        service_role: role(
            "guardduty.amazonaws.com",
            "AWSServiceRoleForAmazonGuardDuty",
        ),
        status: status_name(detector.enabled),
        data_sources,
        features,
        tags: detector
            .tags
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect(),
    }
}
