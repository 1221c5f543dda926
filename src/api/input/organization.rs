//! The organization operations' bodies: the delegated administrator's
//! account ID, and UpdateOrganizationConfiguration's settings, each member
//! checked against the model with its path in the error
//! (`features[0].autoEnable`, `dataSources.s3Logs.autoEnable`).

use serde::Deserialize;
use serde_json::{Map, Value};

use super::detector::named_features;
use super::{account_id, boolean, object, read_body, text};
use crate::api::error::InputError;
use crate::domain::AccountId;
use crate::domain::organization::{
    AutoEnable, ORG_ADDITIONAL_CONFIGURATIONS, ORG_FEATURES, OrgConfigUpdate, OrgFeature,
};

#[derive(Default, Deserialize)]
struct AdminBody {
    #[serde(rename = "adminAccountId", default)]
    admin_account_id: Option<Value>,
}

/// Enable's and Disable's `adminAccountId`.
pub fn parse_admin_account(body: &[u8]) -> Result<AccountId, InputError> {
    let body: AdminBody = read_body(body, "a JSON object with an adminAccountId member")?;
    match text("adminAccountId", body.admin_account_id)? {
        None => Err(InputError::missing("adminAccountId")),
        Some(id) => account_id("adminAccountId".into(), &id),
    }
}

#[derive(Default, Deserialize)]
struct ConfigBody {
    #[serde(rename = "autoEnable", default)]
    auto_enable: Option<Value>,
    #[serde(rename = "autoEnableOrganizationMembers", default)]
    auto_enable_organization_members: Option<Value>,
    #[serde(rename = "dataSources", default)]
    data_sources: Option<Value>,
    #[serde(default)]
    features: Option<Value>,
}

/// UpdateOrganizationConfiguration: exactly one of `autoEnable` (the
/// deprecated boolean) and `autoEnableOrganizationMembers`.
pub fn parse_org_config(body: &[u8]) -> Result<OrgConfigUpdate, InputError> {
    let body: ConfigBody = read_body(body, "a JSON object")?;
    let flag = boolean("autoEnable", body.auto_enable)?;
    let members = text(
        "autoEnableOrganizationMembers",
        body.auto_enable_organization_members,
    )?;
    let auto_enable = match (flag, members) {
        (Some(_), Some(_)) => {
            return Err(InputError::invalid(
                "autoEnableOrganizationMembers",
                "must not be given with autoEnable; give one of them",
            ));
        }
        (None, None) => return Err(InputError::missing("autoEnableOrganizationMembers")),
        (Some(flag), None) => AutoEnable::from_flag(flag),
        (None, Some(value)) => auto_enable("autoEnableOrganizationMembers", &value)?,
    };
    let values: Vec<&str> = AutoEnable::ALL_VALUES.iter().map(|v| v.as_str()).collect();
    let names = (&ORG_FEATURES[..], &ORG_ADDITIONAL_CONFIGURATIONS[..]);
    let features = named_features(body.features, ("autoEnable", &values), names)?
        .into_iter()
        .map(|(name, value, additional)| OrgFeature {
            name,
            auto_enable: AutoEnable::parse(&value),
            additional: additional
                .into_iter()
                .filter_map(|(name, value)| Some((name, AutoEnable::parse(&value)?)))
                .collect(),
        })
        .collect();
    Ok(OrgConfigUpdate {
        auto_enable: Some(auto_enable),
        data_sources: data_sources(body.data_sources)?,
        features,
    })
}

fn auto_enable(param: &str, value: &str) -> Result<AutoEnable, InputError> {
    AutoEnable::parse(value).ok_or_else(|| {
        let shown: String = value.chars().take(64).collect();
        InputError::invalid(
            param,
            format!("must be one of NEW, ALL, NONE, not {shown:?}"),
        )
    })
}

/// The deprecated `dataSources`, each `{"autoEnable": bool}` (required
/// where the model requires it).
fn data_sources(given: Option<Value>) -> Result<Vec<(&'static str, bool)>, InputError> {
    let Some(sources) = object("dataSources", given)? else {
        return Ok(Vec::new());
    };
    let member = |from: &Map<String, Value>, path: &str, name: &str| {
        object(&format!("{path}.{name}"), from.get(name).cloned())
    };
    let flag = |source: Map<String, Value>, path: &str, required: bool| {
        let param = format!("{path}.autoEnable");
        match boolean(&param, source.get("autoEnable").cloned())? {
            None if required => Err(InputError::missing(param)),
            flag => Ok(flag),
        }
    };
    let mut set = Vec::new();
    if let Some(s3) = member(&sources, "dataSources", "s3Logs")? {
        set.extend(flag(s3, "dataSources.s3Logs", true)?.map(|f| ("s3Logs", f)));
    }
    if let Some(kubernetes) = member(&sources, "dataSources", "kubernetes")? {
        let path = "dataSources.kubernetes.auditLogs";
        let Some(audit) = member(&kubernetes, "dataSources.kubernetes", "auditLogs")? else {
            return Err(InputError::missing(path));
        };
        set.extend(flag(audit, path, true)?.map(|f| ("kubernetesAuditLogs", f)));
    }
    if let Some(malware) = member(&sources, "dataSources", "malwareProtection")? {
        let path = "dataSources.malwareProtection.scanEc2InstanceWithFindings";
        let scan = member(
            &malware,
            "dataSources.malwareProtection",
            "scanEc2InstanceWithFindings",
        )?;
        if let Some(ebs) = scan
            .map(|scan| member(&scan, path, "ebsVolumes"))
            .transpose()?
            .flatten()
        {
            let path = format!("{path}.ebsVolumes");
            set.extend(flag(ebs, &path, false)?.map(|f| ("ebsVolumes", f)));
        }
    }
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(body: &str) -> String {
        parse_org_config(body.as_bytes()).unwrap_err().message()
    }

    #[test]
    fn exactly_one_auto_enable_and_the_deprecated_flag_maps() {
        let update = parse_org_config(br#"{"autoEnable": true}"#).unwrap();
        assert_eq!(update.auto_enable, Some(AutoEnable::New));
        let update = parse_org_config(br#"{"autoEnableOrganizationMembers": "ALL"}"#).unwrap();
        assert_eq!(update.auto_enable, Some(AutoEnable::All));
        assert_eq!(
            err(r#"{"autoEnable": false, "autoEnableOrganizationMembers": "NONE"}"#),
            "autoEnableOrganizationMembers: must not be given with autoEnable; give one of them"
        );
        assert_eq!(
            err("{}"),
            "autoEnableOrganizationMembers: required parameter is not specified"
        );
        assert_eq!(
            err(r#"{"autoEnableOrganizationMembers": "SOME"}"#),
            "autoEnableOrganizationMembers: must be one of NEW, ALL, NONE, not \"SOME\""
        );
    }

    #[test]
    fn features_and_data_sources_name_the_bad_member() {
        let body = r#"{"autoEnableOrganizationMembers": "NEW", "features": [{"name": "S3_DATA_EVENTS", "autoEnable": "ENABLED"}]}"#;
        assert_eq!(
            err(body),
            "features[0].autoEnable: must be one of NEW, ALL, NONE, not \"ENABLED\""
        );
        let body = r#"{"autoEnableOrganizationMembers": "NEW", "dataSources": {"s3Logs": {}}}"#;
        assert_eq!(
            err(body),
            "dataSources.s3Logs.autoEnable: required parameter is not specified"
        );
        let body = r#"{"autoEnable": true, "dataSources": {"s3Logs": {"autoEnable": true}, "kubernetes": {"auditLogs": {"autoEnable": false}}}, "features": [{"name": "EKS_RUNTIME_MONITORING", "autoEnable": "ALL", "additionalConfiguration": [{"name": "EKS_ADDON_MANAGEMENT", "autoEnable": "NEW"}]}]}"#;
        let update = parse_org_config(body.as_bytes()).unwrap();
        assert_eq!(
            update.data_sources,
            [("s3Logs", true), ("kubernetesAuditLogs", false)]
        );
        assert_eq!(
            update.features,
            [OrgFeature {
                name: "EKS_RUNTIME_MONITORING".into(),
                auto_enable: Some(AutoEnable::All),
                additional: vec![("EKS_ADDON_MANAGEMENT".into(), AutoEnable::New)],
            }]
        );
    }

    #[test]
    fn the_admin_account_is_an_account_id() {
        assert_eq!(
            parse_admin_account(br#"{"adminAccountId": "111122223333"}"#)
                .unwrap()
                .as_str(),
            "111122223333"
        );
        let e = parse_admin_account(b"{}").unwrap_err();
        assert_eq!(
            e.message(),
            "adminAccountId: required parameter is not specified"
        );
        let e = parse_admin_account(br#"{"adminAccountId": "1111"}"#).unwrap_err();
        assert_eq!(
            e.message(),
            "adminAccountId: account ID must be exactly 12 characters, not 4"
        );
    }
}
