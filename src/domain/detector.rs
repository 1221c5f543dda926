//! Detectors: one per account at most, created and deleted by it. Their
//! IDs and the settings CreateDetector and UpdateDetector take, each
//! already checked (`api::input::detector` builds them from bodies).

use std::hash::{BuildHasher, Hasher};

/// A detector's ID: 32 lowercase hex characters, like GuardDuty's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DetectorId(String);

impl DetectorId {
    /// GuardDuty's bounds on a detector ID parameter.
    pub const MAX_LEN: usize = 300;

    /// A new ID: 128 bits from the standard library's randomly keyed
    /// hasher (seeded from the operating system once per thread, its keys
    /// moving on with every use), mixed with the account and the time. No
    /// secret: unique is all an ID must be.
    pub fn generate(account: &super::AccountId) -> Self {
        let half = || {
            let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
            hasher.write(account.as_str().as_bytes());
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default()
                .as_nanos();
            hasher.write_u128(nanos);
            hasher.finish()
        };
        Self(format!("{:016x}{:016x}", half(), half()))
    }

    /// An ID as stored or as a writer chose it: 32 lowercase hex characters.
    pub fn parse(s: &str) -> Option<Self> {
        let hex = s.len() == 32 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        hex.then(|| Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `ENABLED` or `DISABLED`, as detectors, data sources and features say it.
pub fn status_name(enabled: bool) -> &'static str {
    if enabled { "ENABLED" } else { "DISABLED" }
}

/// How often findings are published.
pub const FREQUENCIES: [&str; 3] = ["FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"];
/// GuardDuty's default frequency.
pub const DEFAULT_FREQUENCY: &str = "SIX_HOURS";
/// The features a request may name (`DetectorFeature`).
pub const FEATURES: [&str; 9] = [
    "S3_DATA_EVENTS",
    "EKS_AUDIT_LOGS",
    "EBS_MALWARE_PROTECTION",
    "RDS_LOGIN_EVENTS",
    "LAMBDA_NETWORK_LOGS",
    "EKS_RUNTIME_MONITORING",
    "RUNTIME_MONITORING",
    "AI_PROTECTION",
    "AI_ANALYST",
];
/// A feature's additional configurations (`FeatureAdditionalConfiguration`).
pub const ADDITIONAL_CONFIGURATIONS: [&str; 4] = [
    "EKS_ADDON_MANAGEMENT",
    "ECS_FARGATE_AGENT_MANAGEMENT",
    "EC2_AGENT_MANAGEMENT",
    "RDS_DATA_RISK",
];
/// Tags a detector may have, and their bounds.
pub const MAX_TAGS: usize = 200;
pub const MAX_TAG_KEY: usize = 128;
pub const MAX_TAG_VALUE: usize = 256;
/// `clientToken`'s longest.
pub const MAX_CLIENT_TOKEN: usize = 64;

/// A feature as a request sets it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Feature {
    pub name: String,
    pub enabled: bool,
    /// Additional configurations by name, enabled or not.
    pub additional: Vec<(String, bool)>,
}

/// What CreateDetector or UpdateDetector sets; `None`: left as it is (on
/// create: the default).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    pub enable: Option<bool>,
    pub frequency: Option<String>,
    /// The deprecated `dataSources`: S3 logs, Kubernetes audit logs, EBS
    /// volumes scanned for malware.
    pub s3_logs: Option<bool>,
    pub kubernetes_audit_logs: Option<bool>,
    pub ebs_volumes: Option<bool>,
    pub features: Vec<Feature>,
}

/// CreateDetector's request: the settings, and what only creation takes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewDetector {
    pub settings: Settings,
    pub client_token: Option<String>,
    pub tags: Vec<(String, String)>,
}

/// Why a tag key is not one: `TagKey`'s rules, in words for a 400.
pub fn tag_key_problem(key: &str) -> Option<String> {
    let length = key.chars().count();
    let whole = key;
    // Echo no more than a sane length of it.
    let key: String = whole.chars().take(64).collect();
    if !(1..=MAX_TAG_KEY).contains(&length) {
        return Some(format!(
            "key {key:?} must be 1 to {MAX_TAG_KEY} characters, not {length}"
        ));
    }
    if whole.starts_with("aws:") {
        return Some(format!(
            "key {key:?} must not begin with aws:, which AWS keeps for itself"
        ));
    }
    // The model's class [a-zA-Z+-=._:/]: its `+-=` is the range from `+`
    // to `=`, which holds the digits.
    let allowed =
        |c: char| c.is_ascii_alphabetic() || ('+'..='=').contains(&c) || "._:/".contains(c);
    if !whole.chars().all(allowed) {
        return Some(format!(
            "key {key:?} may hold only letters, digits and + , - . / : ; < = _"
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::AccountId;

    #[test]
    fn generated_ids_are_32_hex_characters_and_never_repeat() {
        let account = AccountId::parse("111122223333").unwrap();
        let ids: std::collections::HashSet<String> = (0..1000)
            .map(|_| DetectorId::generate(&account).as_str().to_owned())
            .collect();
        assert_eq!(ids.len(), 1000);
        assert!(ids.iter().all(|id| DetectorId::parse(id).is_some()));
        assert!(DetectorId::parse("16F9DD52322F505E280EFA71CD264495").is_none());
        assert!(DetectorId::parse("abc").is_none());
    }

    #[test]
    fn tag_keys_follow_the_model() {
        for good in ["Name", "team:security/owner", "cost-center_2", "a+b=c"] {
            assert_eq!(tag_key_problem(good), None, "{good}");
        }
        for bad in ["", "aws:created", "has space", "ünïcode", &"k".repeat(129)] {
            assert!(tag_key_problem(bad).is_some(), "{bad}");
        }
    }
}
