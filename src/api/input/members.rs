//! CreateMembers' `accountDetails` and InviteMembers' body.

use serde::Deserialize;
use serde_json::Value;

use super::{account_id, account_ids, boolean, kind, list, read_body, text};
use crate::api::error::InputError;
use crate::domain::{AccountId, Email, EmailError};

#[derive(Default, Deserialize)]
struct CreateBody {
    #[serde(rename = "accountDetails", default)]
    account_details: Option<Value>,
}

#[derive(Default, Deserialize)]
struct InviteBody {
    #[serde(rename = "accountIds", default)]
    account_ids: Option<Value>,
    #[serde(rename = "disableEmailNotification", default)]
    disable_email_notification: Option<Value>,
    #[serde(default)]
    message: Option<Value>,
}

/// What InviteMembers was asked. No e-mail is sent: the two options are
/// checked, then not used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invite {
    pub accounts: Vec<AccountId>,
    pub disable_email_notification: bool,
    pub message: Option<String>,
}

/// CreateMembers' accounts and their e-mail addresses, in request order,
/// each account once (the first of its details counts).
pub fn parse_account_details(body: &[u8]) -> Result<Vec<(AccountId, Email)>, InputError> {
    let body: CreateBody = read_body(body, "a JSON object with an accountDetails member")?;
    let elements = list("accountDetails", body.account_details, "account details")?;
    let mut details: Vec<(AccountId, Email)> = Vec::with_capacity(elements.len());
    for (index, element) in elements.iter().enumerate() {
        let param = format!("accountDetails[{index}]");
        let Value::Object(detail) = element else {
            let detail = format!(
                "must be an object with an accountId and an email, not {}",
                kind(element)
            );
            return Err(InputError::invalid(param, detail));
        };
        let text = |name: &str| {
            let param = format!("{param}.{name}");
            match detail.get(name) {
                None | Some(Value::Null) => Err(InputError::missing(param)),
                Some(Value::String(s)) => Ok((param, s.as_str())),
                Some(other) => {
                    let detail = format!("must be a string, not {}", kind(other));
                    Err(InputError::invalid(param, detail))
                }
            }
        };
        let (account_param, account) = text("accountId")?;
        let account = account_id(account_param, account)?;
        let (email_param, email) = text("email")?;
        let email = Email::parse(email).map_err(|e| match e {
            EmailError::Length(_) => InputError::out_of_range(email_param, e.to_string()),
            EmailError::Invalid(_) => InputError::invalid(email_param, e.to_string()),
        })?;
        if !details.iter().any(|(known, _)| *known == account) {
            details.push((account, email));
        }
    }
    Ok(details)
}

pub fn parse_invite(body: &[u8]) -> Result<Invite, InputError> {
    let body: InviteBody = read_body(body, "a JSON object with an accountIds member")?;
    let accounts = account_ids(body.account_ids)?;
    let disabled = boolean("disableEmailNotification", body.disable_email_notification)?;
    Ok(Invite {
        accounts,
        disable_email_notification: disabled.unwrap_or(false),
        message: text("message", body.message)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::error::InputErrorKind::{self, *};

    fn err(body: &str) -> (InputErrorKind, String) {
        let e = parse_account_details(body.as_bytes()).unwrap_err();
        (e.kind, e.message())
    }

    #[test]
    fn account_details_in_order_each_account_once() {
        let body = r#"{"accountDetails":[
            {"accountId":"111111111111","email":"a@example.com"},
            {"accountId":"222222222222","email":"b@example.com","extra":1},
            {"accountId":"111111111111","email":"c@example.com"}]}"#;
        let details = parse_account_details(body.as_bytes()).unwrap();
        let pairs: Vec<(&str, &str)> = details
            .iter()
            .map(|(a, e)| (a.as_str(), e.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("111111111111", "a@example.com"),
                ("222222222222", "b@example.com")
            ]
        );
    }

    #[test]
    fn every_bad_account_detail_names_its_parameter() {
        let ok = r#"{"accountId":"111111111111","email":"a@example.com"}"#;
        let cases = [
            (
                "{}",
                Missing,
                "accountDetails: required parameter is not specified",
            ),
            (
                r#"{"accountDetails":[]}"#,
                OutOfRange,
                "accountDetails: must hold 1 to 50 account details, not 0",
            ),
            (
                r#"{"accountDetails":{}}"#,
                Invalid,
                "accountDetails: must be a list of account details, not an object",
            ),
            (
                r#"{"accountDetails":["111111111111"]}"#,
                Invalid,
                "accountDetails[0]: must be an object with an accountId and an email, not a string",
            ),
            (
                r#"{"accountDetails":[{"email":"a@example.com"}]}"#,
                Missing,
                "accountDetails[0].accountId: required parameter is not specified",
            ),
            (
                r#"{"accountDetails":[{"accountId":"111111111111"}]}"#,
                Missing,
                "accountDetails[0].email: required parameter is not specified",
            ),
            (
                r#"{"accountDetails":[{"accountId":"111111111111","email":7}]}"#,
                Invalid,
                "accountDetails[0].email: must be a string, not a number",
            ),
            (
                r#"{"accountDetails":[{"accountId":"1111","email":"a@example.com"}]}"#,
                OutOfRange,
                "accountDetails[0].accountId: account ID must be exactly 12 characters, not 4",
            ),
        ];
        for (body, kind, message) in cases {
            assert_eq!(err(body), (kind, message.to_owned()), "{body}");
        }
        let third = format!(
            r#"{{"accountDetails":[{ok},{ok},{{"accountId":"333333333333","email":"a@b"}}]}}"#
        );
        assert_eq!(
            err(&third),
            (
                OutOfRange,
                "accountDetails[2].email: must be 6 to 64 characters, not 3".into()
            )
        );
        let fourth = format!(
            r#"{{"accountDetails":[{ok},{ok},{ok},{{"accountId":"444444444444","email":"nobody@localhost"}}]}}"#
        );
        assert_eq!(
            err(&fourth).1,
            "accountDetails[3].email: must have a domain after the @ of letters, digits, hyphens and dots, with a dot, such as example.com"
        );
    }

    #[test]
    fn invite_options_are_checked() {
        let invite = parse_invite(
            br#"{"accountIds":["111111111111"],"disableEmailNotification":true,"message":""}"#,
        )
        .unwrap();
        assert!(invite.disable_email_notification);
        assert_eq!(invite.message.as_deref(), Some(""));
        let bad = parse_invite(br#"{"accountIds":["111111111111"],"message":1}"#).unwrap_err();
        assert_eq!(bad.message(), "message: must be a string, not a number");
        let bad =
            parse_invite(br#"{"accountIds":["111111111111"],"disableEmailNotification":"yes"}"#)
                .unwrap_err();
        assert_eq!(
            bad.message(),
            "disableEmailNotification: must be a boolean, not a string"
        );
        assert_eq!(
            parse_invite(b"{}").unwrap_err().message(),
            "accountIds: required parameter is not specified"
        );
    }
}
