//! CreateDetector's and UpdateDetector's bodies, each member checked
//! against the model's shapes and bounds, with the path of a bad one in
//! the error (`dataSources.s3Logs.enable`, `features[1].status`, `tags`).

use serde::Deserialize;
use serde_json::{Map, Value};

use super::{boolean, kind, object, read_body, text};
use crate::api::error::InputError;
use crate::domain::detector::{
    ADDITIONAL_CONFIGURATIONS, FEATURES, FREQUENCIES, Feature, MAX_CLIENT_TOKEN, MAX_TAG_VALUE,
    MAX_TAGS, NewDetector, Settings, tag_key_problem,
};

#[derive(Default, Deserialize)]
struct Body {
    #[serde(default)]
    enable: Option<Value>,
    #[serde(rename = "clientToken", default)]
    client_token: Option<Value>,
    #[serde(rename = "findingPublishingFrequency", default)]
    finding_publishing_frequency: Option<Value>,
    #[serde(rename = "dataSources", default)]
    data_sources: Option<Value>,
    #[serde(default)]
    features: Option<Value>,
    #[serde(default)]
    tags: Option<Value>,
}

/// CreateDetector: `enable` is required.
pub fn parse_new_detector(body: &[u8]) -> Result<NewDetector, InputError> {
    let body: Body = read_body(body, "a JSON object with an enable member")?;
    if matches!(body.enable, None | Some(Value::Null)) {
        return Err(InputError::missing("enable"));
    }
    let client_token = match text("clientToken", body.client_token.clone())? {
        Some(token) if token.chars().count() > MAX_CLIENT_TOKEN => {
            let detail = format!("must be at most {MAX_CLIENT_TOKEN} characters");
            return Err(InputError::out_of_range("clientToken", detail));
        }
        token => token,
    };
    let tags = tags(body.tags.clone())?;
    Ok(NewDetector {
        settings: settings(body)?,
        client_token,
        tags,
    })
}

/// UpdateDetector: every member optional; `clientToken` and `tags` are not
/// its members and are ignored, as unknown members are.
pub fn parse_settings(body: &[u8]) -> Result<Settings, InputError> {
    let mut body: Body = read_body(body, "a JSON object")?;
    body.client_token = None;
    body.tags = None;
    settings(body)
}

fn settings(body: Body) -> Result<Settings, InputError> {
    let frequency = text(
        "findingPublishingFrequency",
        body.finding_publishing_frequency,
    )?;
    if let Some(frequency) = &frequency {
        one_of("findingPublishingFrequency", frequency, &FREQUENCIES)?;
    }
    let mut settings = Settings {
        enable: boolean("enable", body.enable)?,
        frequency,
        features: features(body.features)?,
        ..Settings::default()
    };
    if let Some(sources) = object("dataSources", body.data_sources)? {
        let enable = |path: &str, source: Option<Map<String, Value>>| match source {
            None => Ok(None),
            Some(source) => {
                let param = format!("{path}.enable");
                match boolean(&param, source.get("enable").cloned())? {
                    None => Err(InputError::missing(param)),
                    enabled => Ok(enabled),
                }
            }
        };
        let member = |source: &Map<String, Value>, path: &str, name: &str| {
            object(&format!("{path}.{name}"), source.get(name).cloned())
        };
        settings.s3_logs = enable(
            "dataSources.s3Logs",
            member(&sources, "dataSources", "s3Logs")?,
        )?;
        if let Some(kubernetes) = member(&sources, "dataSources", "kubernetes")? {
            let path = "dataSources.kubernetes";
            match member(&kubernetes, path, "auditLogs")? {
                None => return Err(InputError::missing(format!("{path}.auditLogs"))),
                audit => {
                    settings.kubernetes_audit_logs =
                        enable("dataSources.kubernetes.auditLogs", audit)?
                }
            }
        }
        if let Some(malware) = member(&sources, "dataSources", "malwareProtection")? {
            let path = "dataSources.malwareProtection.scanEc2InstanceWithFindings";
            if let Some(scan) = object(path, malware.get("scanEc2InstanceWithFindings").cloned())? {
                let param = format!("{path}.ebsVolumes");
                settings.ebs_volumes = boolean(&param, scan.get("ebsVolumes").cloned())?;
            }
        }
    }
    Ok(settings)
}

fn features(given: Option<Value>) -> Result<Vec<Feature>, InputError> {
    let statuses = ["ENABLED", "DISABLED"];
    let names = (&FEATURES[..], &ADDITIONAL_CONFIGURATIONS[..]);
    let listed = named_features(given, ("status", &statuses), names)?;
    Ok(listed
        .into_iter()
        .map(|(name, status, additional)| Feature {
            name,
            enabled: status == "ENABLED",
            additional: additional
                .into_iter()
                .map(|(name, status)| (name, status == "ENABLED"))
                .collect(),
        })
        .collect())
}

/// A feature as a request names it: its name, its value, and its
/// additional configurations' names and values.
pub(super) type Named = (String, String, Vec<(String, String)>);

/// A `features` list: each `{"name", <member>, "additionalConfiguration"}`
/// with `member` (`status`, or `autoEnable` in an organization
/// configuration) one of its allowed values, names from `names` (features,
/// additional configurations), each given once, and not both runtime
/// monitorings.
pub(super) fn named_features(
    given: Option<Value>,
    member: (&str, &[&str]),
    names: (&[&str], &[&str]),
) -> Result<Vec<Named>, InputError> {
    let elements = match given {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(elements)) => elements,
        Some(other) => {
            let detail = format!("must be a list of features, not {}", kind(&other));
            return Err(InputError::invalid("features", detail));
        }
    };
    let mut features: Vec<Named> = Vec::new();
    for (i, element) in elements.into_iter().enumerate() {
        let path = format!("features[{i}]");
        let (name, value, extra) = named_value(&path, element, names.0, member)?;
        if features.iter().any(|f| f.0 == name) {
            return Err(InputError::invalid(
                format!("{path}.name"),
                "names a feature given twice",
            ));
        }
        let mut additional: Vec<(String, String)> = Vec::new();
        let configurations = match extra.get("additionalConfiguration").cloned() {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(list)) => list,
            Some(other) => {
                let detail = format!("must be a list, not {}", kind(&other));
                return Err(InputError::invalid(
                    format!("{path}.additionalConfiguration"),
                    detail,
                ));
            }
        };
        for (j, configuration) in configurations.into_iter().enumerate() {
            let path = format!("{path}.additionalConfiguration[{j}]");
            let (name, value, _) = named_value(&path, configuration, names.1, member)?;
            if additional.iter().any(|(known, _)| *known == name) {
                let detail = "names an additional configuration given twice";
                return Err(InputError::invalid(format!("{path}.name"), detail));
            }
            additional.push((name, value));
        }
        features.push((name, value, additional));
    }
    let both = ["EKS_RUNTIME_MONITORING", "RUNTIME_MONITORING"];
    if both
        .iter()
        .all(|name| features.iter().any(|f| f.0 == *name))
    {
        return Err(InputError::invalid(
            "features",
            "must not name both EKS_RUNTIME_MONITORING and RUNTIME_MONITORING",
        ));
    }
    Ok(features)
}

/// A `{"name", <member>}` object: its name (one of `names`), its member's
/// value (one of the allowed), and the object for its other members.
fn named_value(
    path: &str,
    element: Value,
    names: &[&str],
    (member, allowed): (&str, &[&str]),
) -> Result<(String, String, Map<String, Value>), InputError> {
    let Some(object) = object(path, Some(element))? else {
        return Err(InputError::invalid(path, "must be an object, not null"));
    };
    let required =
        |member: &str| match text(&format!("{path}.{member}"), object.get(member).cloned()) {
            Ok(None) => Err(InputError::missing(format!("{path}.{member}"))),
            Ok(Some(value)) => Ok(value),
            Err(e) => Err(e),
        };
    let name = required("name")?;
    one_of(&format!("{path}.name"), &name, names)?;
    let value = required(member)?;
    one_of(&format!("{path}.{member}"), &value, allowed)?;
    Ok((name, value, object))
}

pub(super) fn tags(given: Option<Value>) -> Result<Vec<(String, String)>, InputError> {
    let Some(tags) = object("tags", given)? else {
        return Ok(Vec::new());
    };
    if !(1..=MAX_TAGS).contains(&tags.len()) {
        let detail = format!("must hold 1 to {MAX_TAGS} tags, not {}", tags.len());
        return Err(InputError::out_of_range("tags", detail));
    }
    let mut pairs = Vec::with_capacity(tags.len());
    for (key, value) in tags {
        if let Some(problem) = tag_key_problem(&key) {
            return Err(InputError::invalid("tags", problem));
        }
        let param = format!("tags.{key}");
        let Value::String(value) = value else {
            let detail = format!("must be a string, not {}", kind(&value));
            return Err(InputError::invalid(param, detail));
        };
        if value.chars().count() > MAX_TAG_VALUE {
            let detail = format!("must be at most {MAX_TAG_VALUE} characters");
            return Err(InputError::out_of_range(param, detail));
        }
        pairs.push((key, value));
    }
    Ok(pairs)
}

fn one_of(param: &str, value: &str, allowed: &[&str]) -> Result<(), InputError> {
    if allowed.contains(&value) {
        return Ok(());
    }
    let shown: String = value.chars().take(64).collect();
    let detail = format!("must be one of {}, not {shown:?}", allowed.join(", "));
    Err(InputError::invalid(param, detail))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(body: &str) -> String {
        parse_new_detector(body.as_bytes()).unwrap_err().message()
    }

    #[test]
    fn a_full_create_reads_every_member() {
        let body = r#"{"enable":true,"clientToken":"t-1","findingPublishingFrequency":"ONE_HOUR",
            "dataSources":{"s3Logs":{"enable":false},"kubernetes":{"auditLogs":{"enable":true}},
            "malwareProtection":{"scanEc2InstanceWithFindings":{"ebsVolumes":false}}},
            "features":[{"name":"RUNTIME_MONITORING","status":"ENABLED",
            "additionalConfiguration":[{"name":"EKS_ADDON_MANAGEMENT","status":"DISABLED"}]}],
            "tags":{"team":"security"}}"#;
        let new = parse_new_detector(body.as_bytes()).unwrap();
        assert_eq!(new.client_token.as_deref(), Some("t-1"));
        assert_eq!(new.tags, [("team".to_owned(), "security".to_owned())]);
        let s = new.settings;
        assert_eq!(
            (
                s.enable,
                s.frequency.as_deref(),
                s.s3_logs,
                s.kubernetes_audit_logs,
                s.ebs_volumes
            ),
            (
                Some(true),
                Some("ONE_HOUR"),
                Some(false),
                Some(true),
                Some(false)
            )
        );
        assert_eq!(
            s.features[0].additional,
            [("EKS_ADDON_MANAGEMENT".to_owned(), false)]
        );
    }

    #[test]
    fn every_bad_member_is_named() {
        let many: Vec<String> = (0..201).map(|i| format!("\"k{i}\":\"v\"")).collect();
        let many = format!(r#"{{"enable":true,"tags":{{{}}}}}"#, many.join(","));
        let long = format!(r#"{{"enable":true,"tags":{{"k":"{}"}}}}"#, "v".repeat(257));
        let cases = [
            ("{}", "enable: required parameter is not specified"),
            (
                r#"{"enable":"yes"}"#,
                "enable: must be a boolean, not a string",
            ),
            (
                r#"{"enable":true,"findingPublishingFrequency":"HOURLY"}"#,
                "findingPublishingFrequency: must be one of FIFTEEN_MINUTES, ONE_HOUR, SIX_HOURS, not \"HOURLY\"",
            ),
            (
                r#"{"enable":true,"clientToken":7}"#,
                "clientToken: must be a string, not a number",
            ),
            (
                r#"{"enable":true,"dataSources":{"s3Logs":{}}}"#,
                "dataSources.s3Logs.enable: required parameter is not specified",
            ),
            (
                r#"{"enable":true,"dataSources":{"kubernetes":{}}}"#,
                "dataSources.kubernetes.auditLogs: required parameter is not specified",
            ),
            (
                r#"{"enable":true,"dataSources":{"malwareProtection":{"scanEc2InstanceWithFindings":{"ebsVolumes":1}}}}"#,
                "dataSources.malwareProtection.scanEc2InstanceWithFindings.ebsVolumes: must be a boolean, not a number",
            ),
            (
                r#"{"enable":true,"features":[{"name":"S3_DATA_EVENTS"}]}"#,
                "features[0].status: required parameter is not specified",
            ),
            (
                r#"{"enable":true,"features":[{"name":"FLOW_LOGS","status":"ENABLED"}]}"#,
                "features[0].name: must be one of S3_DATA_EVENTS, EKS_AUDIT_LOGS, EBS_MALWARE_PROTECTION, RDS_LOGIN_EVENTS, LAMBDA_NETWORK_LOGS, EKS_RUNTIME_MONITORING, RUNTIME_MONITORING, AI_PROTECTION, AI_ANALYST, not \"FLOW_LOGS\"",
            ),
            (
                r#"{"enable":true,"features":[{"name":"EKS_RUNTIME_MONITORING","status":"ENABLED"},{"name":"RUNTIME_MONITORING","status":"DISABLED"}]}"#,
                "features: must not name both EKS_RUNTIME_MONITORING and RUNTIME_MONITORING",
            ),
            (
                r#"{"enable":true,"features":[{"name":"RUNTIME_MONITORING","status":"ENABLED","additionalConfiguration":[{"name":"EKS_ADDON_MANAGEMENT","status":"ENABLED"},{"name":"EKS_ADDON_MANAGEMENT","status":"DISABLED"}]}]}"#,
                "features[0].additionalConfiguration[1].name: names an additional configuration given twice",
            ),
            (
                r#"{"enable":true,"tags":{}}"#,
                "tags: must hold 1 to 200 tags, not 0",
            ),
            (&many, "tags: must hold 1 to 200 tags, not 201"),
            (
                r#"{"enable":true,"tags":{"aws:x":"v"}}"#,
                "tags: key \"aws:x\" must not begin with aws:, which AWS keeps for itself",
            ),
            (&long, "tags.k: must be at most 256 characters"),
        ];
        for (body, message) in cases {
            assert_eq!(err(body), message, "{body}");
        }
        assert_eq!(parse_settings(b"{}").unwrap(), Settings::default());
    }
}
