//! Hostile query strings: arbitrary bytes as `nextToken` and `maxResults`
//! through the whole request path. Always a 200 or a 400 naming the
//! parameter, never a panic, and never another account's invitations.

use std::sync::OnceLock;

use guardduty_invitations::api::identity::AuthMode;
use proptest::prelude::*;

use crate::support::calls;
use crate::support::events::{Gateway, body_json, encode_query_value};
use crate::support::{DynamoDbLocal, TestTable};

const CALLER: &str = "800000000101";
const OTHER: &str = "800000000102";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// One table for every case: the caller's invitations come from
/// 81000000000N, another account's from 82000000000N.
fn table_name() -> &'static str {
    static NAME: OnceLock<String> = OnceLock::new();
    NAME.get_or_init(|| {
        std::thread::spawn(|| {
            runtime().block_on(async {
                let table = TestTable::new().await;
                for i in 0..3 {
                    table
                        .put(CALLER, &format!("81000000000{i}"), "Invited")
                        .await;
                    table
                        .put(OTHER, &format!("82000000000{i}"), "Invited")
                        .await;
                }
                table.name
            })
        })
        .join()
        .unwrap()
    })
}

fn check(query: &str, v1: bool) -> Result<(), TestCaseError> {
    let runtime = runtime();
    let response = runtime.block_on(async {
        let table = TestTable::existing(&DynamoDbLocal::shared().endpoint, table_name()).await;
        let app = table.app(AuthMode::Iam).await;
        let gateway = if v1 { Gateway::RestV1 } else { Gateway::HttpV2 };
        calls::list_invitations(&app, gateway, CALLER, query).await
    });
    let body = body_json(&response);
    match response.status().as_u16() {
        200 => {
            for invitation in body["invitations"].as_array().unwrap() {
                let inviter = invitation["accountId"].as_str().unwrap();
                prop_assert!(inviter.starts_with("81"), "{inviter} is not the caller's");
            }
        }
        400 => {
            let message = body["message"].as_str().unwrap();
            prop_assert!(
                message.starts_with("nextToken: ") || message.starts_with("maxResults: "),
                "{message}"
            );
        }
        status => prop_assert!(false, "status {status}: {body}"),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_tokens_are_refused_or_stay_in_the_callers_partition(
        token in prop::collection::vec(any::<u8>(), 0..64),
        v1 in any::<bool>(),
    ) {
        check(&format!("nextToken={}", encode_query_value(&token)), v1)?;
    }

    #[test]
    fn arbitrary_page_sizes_are_answered_or_refused_by_name(
        size in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..16),
            "-?[0-9]{1,12}".prop_map(String::into_bytes),
        ],
        v1 in any::<bool>(),
    ) {
        check(&format!("maxResults={}", encode_query_value(&size)), v1)?;
    }
}
