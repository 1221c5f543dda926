//! ListInvitations, GetInvitationsCount and ListDetectors through the
//! handler over DynamoDB Local, with the DynamoDB requests counted.

use std::collections::HashMap;

use guardduty_invitations::api::identity::AuthMode;
use guardduty_invitations::api::token;
use serde_json::json;

use crate::batch::writes_only;
use crate::support::calls::{self, all_pages};
use crate::support::events::{BOTH, Gateway, body_json, encode_query_value, header};
use crate::support::{TestTable, account};

const STATES: [&str; 4] = ["Invited", "Declined", "Enabled", "Removed"];

/// `n` invitations to `caller` from inviters 3000000000NN, in every state
/// in turn, plus a membership item, which is never listed or counted.
async fn seed(table: &TestTable, caller: &str, n: usize) -> Vec<(String, String)> {
    let mut expected = Vec::new();
    for i in 0..n {
        let (inviter, state) = (format!("3{i:011}"), STATES[i % STATES.len()]);
        table.put(caller, &inviter, state).await;
        expected.push((inviter, state.to_owned()));
    }
    table.put(caller, "ADMINISTRATOR", "Enabled").await;
    expected
}

/// Pages of 1, 3, 50 and the default over 0, 1, 50, 51 and 53 invitations:
/// every invitation once, in inviter order, every page full but the last,
/// a token exactly when more remain, and one Query per page.
#[tokio::test]
async fn pages_cover_every_invitation_once_in_order() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    for (i, n) in [0, 1, 50, 51, 53].into_iter().enumerate() {
        let caller = format!("10000000010{i}");
        let expected = seed(&table, &caller, n).await;
        table.counter.take();
        for size in [1, 3, 50] {
            let gateway = BOTH[size % 2];
            let pages = all_pages(&app, gateway, &caller, size).await;
            let expected_pages = n.div_ceil(size).max(1);
            assert_eq!(
                pages.len(),
                expected_pages,
                "{n} invitations, pages of {size}"
            );
            for page in &pages[..pages.len() - 1] {
                assert_eq!(page.len(), size, "only the last page may be short");
            }
            assert!(
                n == 0 || !pages.last().unwrap().is_empty(),
                "no empty last page"
            );
            assert_eq!(pages.concat(), expected, "{n} invitations, pages of {size}");
            writes_only(&table.counter.take(), "Query", expected_pages);
        }
        let response = calls::list_invitations(&app, Gateway::RestV1, &caller, "").await;
        let listed = body_json(&response)["invitations"]
            .as_array()
            .unwrap()
            .len();
        assert_eq!(listed, n.min(50), "50 by default");
    }
}

#[tokio::test]
async fn every_field_is_read_back_and_only_the_callers_own() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    let (caller, other) = ("100000000201", "100000000202");
    seed(&table, caller, 4).await;
    seed(&table, other, 6).await;
    for gateway in BOTH {
        let response = calls::list_invitations(&app, gateway, caller, "maxResults=10").await;
        assert_eq!(header(&response, "content-type"), Some("application/json"));
        let body = body_json(&response);
        let expected: Vec<_> = (0..4)
            .map(|i| {
                let inviter = format!("3{i:011}");
                json!({
                    "accountId": inviter,
                    "invitationId": format!("inv-{inviter}-{caller}"),
                    "relationshipStatus": STATES[i],
                    "invitedAt": "2026-01-01T00:00:00Z",
                })
            })
            .collect();
        assert_eq!(body, json!({ "invitations": expected }));
    }
}

#[tokio::test]
async fn a_decline_then_a_list_shows_the_change() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    let caller = "100000000203";
    table.put(caller, "300000000001", "Invited").await;
    let declined = calls::decline(&app, Gateway::HttpV2, caller, &["300000000001"]).await;
    assert_eq!(calls::unprocessed(&declined), []);
    let pages = all_pages(&app, Gateway::HttpV2, caller, 50).await;
    assert_eq!(
        pages,
        [[("300000000001".to_owned(), "Declined".to_owned())]]
    );
}

/// Forged, truncated, cross-account and out-of-range inputs: a 400 naming
/// the parameter, and nothing read.
#[tokio::test]
async fn bad_paging_parameters_are_precise_400s_that_read_nothing() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    let (caller, other) = ("100000000204", "100000000205");
    seed(&table, caller, 3).await;
    let theirs = token::encode(
        token::Listing::Invitations,
        &account(other),
        &account("300000000000"),
    );
    let mine = token::encode(
        token::Listing::Invitations,
        &account(caller),
        &account("300000000000"),
    );
    let encoded = |token: &str| encode_query_value(token.as_bytes());
    let range = "maxResults: must be an integer from 1 to 50";
    let not_issued = "nextToken: is not a token this service issued";
    let cases = [
        ("maxResults=0".to_owned(), format!("{range}, not 0")),
        ("maxResults=51".into(), format!("{range}, not 51")),
        ("maxResults=-1".into(), format!("{range}, not -1")),
        ("maxResults=99999999999".into(), range.into()),
        ("maxResults=ten".into(), range.into()),
        ("maxResults=".into(), range.into()),
        ("maxResults=1.5".into(), range.into()),
        ("maxResults=%2010".into(), range.into()),
        (
            "maxResults=1&maxResults=2".into(),
            "maxResults: must be given at most once".into(),
        ),
        (
            format!("nextToken={}", encoded(&theirs)),
            "nextToken: was issued to another account".into(),
        ),
        (
            format!("nextToken={}", encoded(&mine[..mine.len() - 2])),
            not_issued.into(),
        ),
        ("nextToken=Zm9yZ2Vk".into(), not_issued.into()),
        ("nextToken=".into(), not_issued.into()),
        ("nextToken=%FF%FE".into(), not_issued.into()),
        (
            format!("nextToken={}&nextToken={}", encoded(&mine), encoded(&mine)),
            "nextToken: must be given at most once".into(),
        ),
    ];
    for gateway in BOTH {
        for (query, message) in &cases {
            let response = calls::list_invitations(&app, gateway, caller, query).await;
            assert_eq!(response.status(), 400, "{query}");
            assert_eq!(
                header(&response, "x-amzn-ErrorType"),
                Some("BadRequestException")
            );
            let body = body_json(&response);
            assert_eq!(body["__type"], "InvalidInputException");
            assert_eq!(body["message"], message.as_str(), "{query}");
        }
    }
    writes_only(&table.counter.take(), "", 0);
}

#[tokio::test]
async fn the_count_leaves_out_the_accepted_invitation() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    let (caller, other) = ("100000000206", "100000000207");
    seed(&table, caller, 9).await; // 3 Invited, 2 Declined, 2 Enabled, 2 Removed
    seed(&table, other, 5).await;
    for gateway in BOTH {
        let response = calls::invitations_count(&app, gateway, caller).await;
        assert_eq!(body_json(&response), json!({ "invitationsCount": 7 }));
    }
    writes_only(&table.counter.take(), "Query", 2);
    let nobody = calls::invitations_count(&app, Gateway::RestV1, "100000000208").await;
    assert_eq!(body_json(&nobody), json!({ "invitationsCount": 0 }));
}

#[tokio::test]
async fn list_detectors_answers_the_callers_own_detector_with_one_read() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    let caller = "100000000209";
    let none = calls::list_detectors(&app, Gateway::RestV1, caller, "").await;
    assert_eq!(body_json(&none), json!({ "detectorIds": [] }), "none yet");
    let detector = table.detector(caller).await;
    table.counter.take();
    for gateway in BOTH {
        for query in ["", "maxResults=1", "maxResults=50"] {
            let response = calls::list_detectors(&app, gateway, caller, query).await;
            assert_eq!(
                body_json(&response),
                json!({ "detectorIds": [detector.as_str()] })
            );
        }
        assert_eq!(table.counter.take(), HashMap::from([("GetItem".into(), 3)]));
        for (query, parameter) in [
            ("maxResults=0", "maxResults"),
            ("nextToken=abc", "nextToken"),
        ] {
            let response = calls::list_detectors(&app, gateway, caller, query).await;
            assert_eq!(response.status(), 400, "{query}");
            assert!(
                body_json(&response)["message"]
                    .as_str()
                    .unwrap()
                    .starts_with(parameter)
            );
        }
    }
    let counts: HashMap<String, usize> = table.counter.take();
    assert!(counts.is_empty(), "bad parameters read nothing: {counts:?}");
}
