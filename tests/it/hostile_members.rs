//! Hostile bodies for the administrator's operations, as property tests
//! through the whole request path: never a 5xx, a 200 that keeps the
//! invariants or a precise 400 that reads and writes nothing.

use guardduty_invitations::api::App;
use guardduty_invitations::api::identity::AuthMode;
use lambda_http::{Body, Response};
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::support::TestTable;
use crate::support::calls::{self, detector};
use crate::support::events::Gateway;
use crate::support::invariants::broken_invariants;

const ADMIN: &str = "800000000101";

const SUFFIXES: [&str; 7] = [
    "",
    "/invite",
    "/get",
    "/disassociate",
    "/delete",
    "/start",
    "/stop",
];

/// An answer keeps the contract (`hostile::check`), and a 200 keeps the
/// invariants.
async fn check(table: &TestTable, response: &Response<Body>) -> Result<(), TestCaseError> {
    crate::hostile::check(table, response)?;
    if response.status() == 200 {
        let broken = broken_invariants(&table.snapshot().await);
        prop_assert!(broken.is_empty(), "{:?}", broken);
    }
    Ok(())
}

fn anything() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        "[0-9]{11,13}".prop_map(Value::from),
        "[a-z@.]{0,70}".prop_map(Value::from),
        any::<String>().prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
            prop::collection::hash_map(
                "accountDetails|accountIds|accountId|email|message|disableEmailNotification",
                inner,
                0..4
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// CreateMembers bodies that are nearly right.
fn near_valid_details() -> impl Strategy<Value = String> {
    let account = prop_oneof![
        6 => "8100000000[0-9]{2}".prop_map(Value::from),
        1 => Just(Value::from(ADMIN)),
        1 => "[0-9]{11,13}".prop_map(Value::from),
        1 => anything(),
    ];
    let email = prop_oneof![
        6 => "[a-z]{1,8}@[a-z]{1,8}\\.(com|org)".prop_map(Value::from),
        2 => "[ -~]{0,70}".prop_map(Value::from),
        1 => anything(),
    ];
    let detail = (account, email, any::<bool>()).prop_map(|(account, email, both)| {
        if both {
            json!({"accountId": account, "email": email})
        } else {
            json!({"accountId": account})
        }
    });
    prop::collection::vec(detail, 0..55).prop_map(|d| json!({ "accountDetails": d }).to_string())
}

/// InviteMembers bodies that are nearly right.
fn near_valid_invite() -> impl Strategy<Value = String> {
    let id = prop_oneof![
        6 => "8100000000[0-9]{2}".prop_map(Value::from),
        1 => Just(Value::from(ADMIN)),
        1 => anything(),
    ];
    (prop::collection::vec(id, 0..55), anything(), anything()).prop_map(|(ids, notify, message)| {
        json!({"accountIds": ids, "disableEmailNotification": notify, "message": message})
            .to_string()
    })
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// A fresh table and app, then `body` to the route `suffix`.
fn run(suffix: &str, body: &str, gateway: Gateway) -> Result<(), TestCaseError> {
    let runtime = runtime();
    runtime.block_on(async {
        let table = TestTable::new().await;
        table.detector(ADMIN).await;
        let app: App = table.app(AuthMode::Iam).await;
        let response =
            calls::members_body(&app, gateway, ADMIN, &detector(ADMIN), suffix, body).await;
        check(&table, &response).await
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn near_valid_account_details_are_answered_or_rejected_cleanly(body in near_valid_details(), v1 in any::<bool>()) {
        run("", &body, if v1 { Gateway::RestV1 } else { Gateway::HttpV2 })?;
    }

    #[test]
    fn near_valid_invitations_are_answered_or_rejected_cleanly(body in near_valid_invite()) {
        run("/invite", &body, Gateway::HttpV2)?;
    }

    #[test]
    fn arbitrary_json_at_any_members_route_never_breaks_it(value in anything(), route in 0..SUFFIXES.len()) {
        run(SUFFIXES[route], &value.to_string(), Gateway::RestV1)?;
    }
}
