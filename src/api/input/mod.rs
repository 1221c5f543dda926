//! Parsing request bodies: the account IDs of the batch operations, and the
//! administrator and invitation of an accept; CreateMembers' and
//! InviteMembers' own members are in `members`.
//!
//! GuardDuty's model is `{"accountIds": [...]}` with 1 to 50 elements of 12
//! characters. Each element may be a string or, as the API pages' syntax block
//! shows, `{"accountId": "..."}`. Unknown members are ignored, as AWS does.

mod detector;
mod members;
mod organization;
mod tags;

pub use detector::{parse_new_detector, parse_settings};
pub use members::{Invite, parse_account_details, parse_invite};
pub use organization::{parse_admin_account, parse_org_config};
pub use tags::{parse_detector_arn, parse_tag_keys, parse_tags};

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::error::InputError;
use crate::domain::{AccountId, AccountIdError};

pub const MIN_ACCOUNTS: usize = 1;
pub const MAX_ACCOUNTS: usize = 50;

/// Top levels are read with serde's derive (not into a `Value`) so that a
/// duplicated member is an error instead of last-one-wins.
#[derive(Default, Deserialize)]
struct Body {
    #[serde(rename = "accountIds", default)]
    account_ids: Option<Value>,
}

/// AcceptAdministratorInvitation's body, or AcceptInvitation's, whose
/// administrator is `masterId`.
#[derive(Default, Deserialize)]
struct AcceptBody {
    #[serde(rename = "administratorId", default)]
    administrator_id: Option<Value>,
    #[serde(rename = "masterId", default)]
    master_id: Option<Value>,
    #[serde(rename = "invitationId", default)]
    invitation_id: Option<Value>,
}

pub const MAX_INVITATION_ID: usize = 1024;

/// The administrator and the invitation ID of an accept; `administrator`
/// names the member holding the administrator (`administratorId` or
/// `masterId`).
pub fn parse_accept(body: &[u8], administrator: &str) -> Result<(AccountId, String), InputError> {
    let body: AcceptBody = read_body(body, "a JSON object")?;
    let given = if administrator == "masterId" {
        body.master_id
    } else {
        body.administrator_id
    };
    let administrator = match given {
        None | Some(Value::Null) => return Err(InputError::missing(administrator)),
        Some(Value::String(s)) => account_id(administrator.to_owned(), &s)?,
        Some(other) => {
            let detail = format!("must be an account ID string, not {}", kind(&other));
            return Err(InputError::invalid(administrator, detail));
        }
    };
    let invitation_id = match body.invitation_id {
        None | Some(Value::Null) => return Err(InputError::missing("invitationId")),
        Some(Value::String(s)) if (1..=MAX_INVITATION_ID).contains(&s.chars().count()) => s,
        Some(Value::String(s)) => {
            let detail = format!(
                "must be 1 to {MAX_INVITATION_ID} characters, not {}",
                s.chars().count()
            );
            return Err(InputError::out_of_range("invitationId", detail));
        }
        Some(other) => {
            let detail = format!("must be a string, not {}", kind(&other));
            return Err(InputError::invalid("invitationId", detail));
        }
    };
    Ok((administrator, invitation_id))
}

/// UpdateMemberDetectors: the account IDs, and the detector settings it
/// may change (`dataSources`, `features`; other members are ignored).
pub fn parse_member_detectors(
    body: &[u8],
) -> Result<(Vec<AccountId>, crate::domain::detector::Settings), InputError> {
    let accounts = parse_account_ids(body)?;
    let mut settings = parse_settings(body)?;
    settings.enable = None;
    settings.frequency = None;
    Ok((accounts, settings))
}

/// Parses a body into its account IDs, in request order, each once.
pub fn parse_account_ids(body: &[u8]) -> Result<Vec<AccountId>, InputError> {
    account_ids(read_body::<Body>(body, "a JSON object with an accountIds member")?.account_ids)
}

/// `accountIds` as given, in request order, each once.
fn account_ids(given: Option<Value>) -> Result<Vec<AccountId>, InputError> {
    let elements = list("accountIds", given, "account IDs")?;
    let mut ids: Vec<AccountId> = Vec::with_capacity(elements.len());
    for (index, element) in elements.iter().enumerate() {
        let id = parse_element(index, element)?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// A list member of 1 to 50 `what`.
fn list(param: &str, given: Option<Value>, what: &str) -> Result<Vec<Value>, InputError> {
    let elements = match given {
        None | Some(Value::Null) => return Err(InputError::missing(param)),
        Some(Value::Array(elements)) => elements,
        Some(other) => {
            return Err(InputError::invalid(
                param,
                format!("must be a list of {what}, not {}", kind(&other)),
            ));
        }
    };
    if !(MIN_ACCOUNTS..=MAX_ACCOUNTS).contains(&elements.len()) {
        return Err(InputError::out_of_range(
            param,
            format!(
                "must hold {MIN_ACCOUNTS} to {MAX_ACCOUNTS} {what}, not {}",
                elements.len()
            ),
        ));
    }
    Ok(elements)
}

/// `shape` says what the body must be, for the error.
fn read_body<T: DeserializeOwned + Default>(body: &[u8], shape: &str) -> Result<T, InputError> {
    // restJson1 treats an empty payload as an empty object.
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    if !body.trim_ascii_start().starts_with(b"{") {
        return Err(InputError::invalid("body", format!("must be {shape}")));
    }
    // serde's error texts give a position and a field name, never the input.
    let invalid =
        |e: serde_json::Error| InputError::invalid("body", format!("is not valid JSON ({e})"));
    // Reading into a `Value` first holds every member, ignored ones too, to
    // serde_json's nesting limit; the derive below would skip them unchecked.
    serde_json::from_slice::<Value>(body).map_err(invalid)?;
    serde_json::from_slice(body).map_err(invalid)
}

fn parse_element(index: usize, element: &Value) -> Result<AccountId, InputError> {
    let (param, value) = match element {
        Value::String(s) => (format!("accountIds[{index}]"), s),
        Value::Object(member) => {
            let param = format!("accountIds[{index}].accountId");
            match member.get("accountId") {
                None | Some(Value::Null) => return Err(InputError::missing(param)),
                Some(Value::String(s)) => (param, s),
                Some(other) => {
                    let detail = format!("must be a string, not {}", kind(other));
                    return Err(InputError::invalid(param, detail));
                }
            }
        }
        other => {
            let detail = format!(
                "must be an account ID string or an object with an accountId, not {}",
                kind(other)
            );
            return Err(InputError::invalid(format!("accountIds[{index}]"), detail));
        }
    };
    account_id(param, value)
}

fn account_id(param: String, value: &str) -> Result<AccountId, InputError> {
    AccountId::parse(value).map_err(|e| match e {
        AccountIdError::Length(n) => InputError::out_of_range(
            param,
            format!("account ID must be exactly 12 characters, not {n}"),
        ),
        AccountIdError::NotDigits => {
            InputError::invalid(param, "account ID must be exactly 12 digits (0-9)")
        }
    })
}

/// An optional boolean member.
pub(super) fn boolean(param: &str, value: Option<Value>) -> Result<Option<bool>, InputError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(b)),
        Some(other) => Err(InputError::invalid(
            param,
            format!("must be a boolean, not {}", kind(&other)),
        )),
    }
}

/// An optional string member.
pub(super) fn text(param: &str, value: Option<Value>) -> Result<Option<String>, InputError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(InputError::invalid(
            param,
            format!("must be a string, not {}", kind(&other)),
        )),
    }
}

/// An optional object member.
pub(super) fn object(
    param: &str,
    value: Option<Value>,
) -> Result<Option<Map<String, Value>>, InputError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(map)) => Ok(Some(map)),
        Some(other) => Err(InputError::invalid(
            param,
            format!("must be an object, not {}", kind(&other)),
        )),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::error::InputErrorKind::{self, *};

    fn ids(body: &str) -> Vec<String> {
        parse_account_ids(body.as_bytes())
            .unwrap()
            .iter()
            .map(|id| id.as_str().to_owned())
            .collect()
    }

    fn err(body: &[u8]) -> (InputErrorKind, String) {
        let e = parse_account_ids(body).unwrap_err();
        (e.kind, e.message())
    }

    #[test]
    fn both_element_forms_in_order_and_each_once() {
        let body = r#"{"accountIds":["111111111111",{"accountId":"222222222222"},"111111111111","333333333333"],"extra":1}"#;
        assert_eq!(ids(body), ["111111111111", "222222222222", "333333333333"]);
    }

    #[test]
    fn missing_parameters() {
        for body in [
            "",
            "  ",
            "{}",
            r#"{"accountIds":null}"#,
            r#"{"AccountIds":[]}"#,
        ] {
            assert_eq!(
                err(body.as_bytes()),
                (
                    Missing,
                    "accountIds: required parameter is not specified".into()
                ),
                "{body}"
            );
        }
        assert_eq!(
            err(br#"{"accountIds":[{"id":"1"}]}"#),
            (
                Missing,
                "accountIds[0].accountId: required parameter is not specified".into()
            )
        );
    }

    #[test]
    fn out_of_range_values() {
        let (kind, message) = err(br#"{"accountIds":[]}"#);
        assert_eq!(
            (kind, message.as_str()),
            (
                OutOfRange,
                "accountIds: must hold 1 to 50 account IDs, not 0"
            )
        );
        let many = format!(
            r#"{{"accountIds":[{}]}}"#,
            vec![r#""111111111111""#; 51].join(",")
        );
        assert_eq!(
            err(many.as_bytes()).1,
            "accountIds: must hold 1 to 50 account IDs, not 51"
        );
        assert_eq!(
            err(br#"{"accountIds":["111111111111","111111111111","11111111111"]}"#),
            (
                OutOfRange,
                "accountIds[2]: account ID must be exactly 12 characters, not 11".into()
            )
        );
        assert_eq!(
            err(br#"{"accountIds":[{"accountId":" 111111111111 "}]}"#).1,
            "accountIds[0].accountId: account ID must be exactly 12 characters, not 14"
        );
    }

    #[test]
    fn invalid_values() {
        let cases: [(&[u8], &str); 9] = [
            (
                b"not json",
                "body: must be a JSON object with an accountIds member",
            ),
            (
                b"[1]",
                "body: must be a JSON object with an accountIds member",
            ),
            (
                br#"{"accountIds":"111111111111"}"#,
                "accountIds: must be a list of account IDs, not a string",
            ),
            (
                br#"{"accountIds":[111111111111]}"#,
                "accountIds[0]: must be an account ID string or an object with an accountId, not a number",
            ),
            (
                br#"{"accountIds":["111111111111",true]}"#,
                "accountIds[1]: must be an account ID string or an object with an accountId, not a boolean",
            ),
            (
                br#"{"accountIds":[{"accountId":7}]}"#,
                "accountIds[0].accountId: must be a string, not a number",
            ),
            (
                br#"{"accountIds":["11111111111x"]}"#,
                "accountIds[0]: account ID must be exactly 12 digits (0-9)",
            ),
            (
                br#"{"accountIds":["111111111111"],"accountIds":["222222222222"]}"#,
                "body: is not valid JSON (duplicate field `accountIds` at line 1 column 43)",
            ),
            (
                b"{\"accountIds\":[\"\xff\"]}",
                "body: is not valid JSON (invalid unicode code point at line 1 column 17)",
            ),
        ];
        for (body, message) in cases {
            assert_eq!(
                err(body),
                (Invalid, message.into()),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }
}
