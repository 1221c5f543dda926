//! The tagging operations' input: the detector ARN in the path, TagResource's
//! `tags`, UntagResource's `tagKeys`.

use serde::Deserialize;
use serde_json::Value;

use super::detector::tags;
use super::read_body;
use crate::api::error::InputError;
use crate::domain::AccountId;
use crate::domain::detector::{MAX_TAGS, tag_key_problem};

/// A detector's ARN, `arn:<partition>:guardduty:<region>:<account>:detector/<id>`,
/// as its account and detector ID. The path may carry it percent-encoded.
pub fn parse_detector_arn(given: &str) -> Result<(AccountId, String), InputError> {
    let arn = percent_decoded(given);
    let bad = || {
        let shown: String = arn.chars().take(128).collect();
        InputError::invalid(
            "resourceArn",
            format!(
                "must be a detector ARN, arn:aws:guardduty:<region>:<account>:detector/<detectorId>, not {shown:?}"
            ),
        )
    };
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [prefix, partition, service, region, account, resource] = parts[..] else {
        return Err(bad());
    };
    if prefix != "arn" || partition.is_empty() || service != "guardduty" || region.is_empty() {
        return Err(bad());
    }
    let account = AccountId::parse(account).map_err(|_| bad())?;
    match resource.strip_prefix("detector/") {
        Some(id) if !id.is_empty() && !id.contains('/') => Ok((account, id.to_owned())),
        _ => Err(bad()),
    }
}

#[derive(Default, Deserialize)]
struct TagBody {
    #[serde(default)]
    tags: Option<Value>,
}

/// TagResource's `tags`: 1 to 200, each key and value within the model's rules.
pub fn parse_tags(body: &[u8]) -> Result<Vec<(String, String)>, InputError> {
    let body: TagBody = read_body(body, "a JSON object with a tags member")?;
    if matches!(body.tags, None | Some(Value::Null)) {
        return Err(InputError::missing("tags"));
    }
    tags(body.tags)
}

/// UntagResource's `tagKeys`: 1 to 200 keys, each within the model's rules.
pub fn parse_tag_keys(keys: Vec<String>) -> Result<Vec<String>, InputError> {
    if keys.is_empty() {
        return Err(InputError::missing("tagKeys"));
    }
    if keys.len() > MAX_TAGS {
        let detail = format!("must hold 1 to {MAX_TAGS} keys, not {}", keys.len());
        return Err(InputError::out_of_range("tagKeys", detail));
    }
    for key in &keys {
        if let Some(problem) = tag_key_problem(key) {
            return Err(InputError::invalid("tagKeys", problem));
        }
    }
    Ok(keys)
}

/// `%XX` sequences decoded (cargo lambda hands the raw path on; API
/// Gateway may have decoded it already, and an ARN holds no `%`).
fn percent_decoded(given: &str) -> String {
    let bytes = given.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detector_arns_raw_or_encoded() {
        let id = "0123456789abcdef0123456789abcdef";
        let arn = format!("arn:aws:guardduty:us-east-1:111122223333:detector/{id}");
        let encoded = arn.replace(':', "%3A").replace('/', "%2F");
        for given in [arn.as_str(), encoded.as_str()] {
            let (account, detector) = parse_detector_arn(given).unwrap();
            assert_eq!((account.as_str(), detector.as_str()), ("111122223333", id));
        }
        for bad in [
            "arn:aws:guardduty:us-east-1:111122223333:filter/x",
            "arn:aws:s3:::bucket",
            "arn:aws:guardduty:us-east-1:1111:detector/x",
            "detector/x",
        ] {
            let e = parse_detector_arn(bad).unwrap_err();
            assert!(
                e.message()
                    .starts_with("resourceArn: must be a detector ARN"),
                "{bad}"
            );
        }
    }

    #[test]
    fn tag_keys_are_checked() {
        assert_eq!(parse_tag_keys(vec!["team".into()]).unwrap(), ["team"]);
        assert_eq!(
            parse_tag_keys(vec![]).unwrap_err().message(),
            "tagKeys: required parameter is not specified"
        );
        assert!(parse_tag_keys(vec!["aws:x".into()]).is_err());
        assert_eq!(
            parse_tags(b"{}").unwrap_err().message(),
            "tags: required parameter is not specified"
        );
    }
}
