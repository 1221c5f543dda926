//! The administrator's reads and what every operation costs: ListMembers
//! paged over more than 100 members, filtered to associated ones, its
//! tokens bound to their administrator; GetMembers; the DynamoDB requests
//! of each operation, counted.

use std::collections::HashMap;

use guardduty_invitations::api::identity::AuthMode;
use serde_json::json;

use crate::members::{State, set_up};
use crate::support::TestTable;
use crate::support::calls::{self, Members};
use crate::support::events::{BOTH, Gateway, body_json, encode_query_value};

fn requests(counts: &[(&str, usize)]) -> HashMap<String, usize> {
    counts.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
}

/// Every page of ListMembers: the members' `(accountId, status)` per page,
/// checking that a token comes exactly when another page follows.
async fn pages(
    app: &guardduty_invitations::api::App,
    gateway: Gateway,
    admin: &str,
    query: &str,
) -> Vec<Vec<(String, String)>> {
    let mut pages = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut full = query.to_owned();
        if let Some(token) = &token {
            full.push_str(&format!(
                "&nextToken={}",
                encode_query_value(token.as_bytes())
            ));
        }
        let response = calls::list_members(app, gateway, admin, &full).await;
        assert_eq!(response.status(), 200, "{:?}", body_json(&response));
        let body = body_json(&response);
        pages.push(
            body["members"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| {
                    assert_eq!(m["masterId"], admin);
                    (
                        m["accountId"].as_str().unwrap().to_owned(),
                        m["relationshipStatus"].as_str().unwrap().to_owned(),
                    )
                })
                .collect(),
        );
        match body.get("nextToken") {
            Some(next) => token = Some(next.as_str().unwrap().to_owned()),
            None => return pages,
        }
        assert!(pages.len() <= 200, "paging does not end");
    }
}

#[tokio::test]
async fn list_members_pages_filters_and_binds_its_tokens() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    let (admin, other) = ("540000000001", "540000000002");
    // 120 records: every fourth associated (Enabled), the rest Created.
    let members: Vec<String> = (0..120).map(|i| format!("5500000{i:05}")).collect();
    for (i, member) in members.iter().enumerate() {
        let state = if i % 4 == 0 {
            State::Enabled
        } else {
            State::Created
        };
        set_up(&table, admin, member, state).await;
    }
    set_up(&table, other, "559999999999", State::Enabled).await;
    for gateway in BOTH {
        table.counter.take();
        let all = pages(&app, gateway, admin, "onlyAssociated=FALSE&maxResults=50").await;
        assert_eq!(all.iter().map(Vec::len).collect::<Vec<_>>(), [50, 50, 20]);
        let listed: Vec<String> = all.iter().flatten().map(|(a, _)| a.clone()).collect();
        assert_eq!(listed, members, "every member once, in account order");
        assert_eq!(
            table.counter.take(),
            requests(&[("Query", 3), ("GetItem", 3)]),
            "one Query per page, and beside it the detector's GetItem"
        );

        let associated = pages(&app, gateway, admin, "maxResults=7").await;
        let listed: Vec<&(String, String)> = associated.iter().flatten().collect();
        assert_eq!(listed.len(), 30);
        assert!(listed.iter().all(|(_, status)| status == "Enabled"));
        assert!(
            associated.iter().all(|page| !page.is_empty()),
            "no empty page"
        );
        let explicit = pages(&app, gateway, admin, "maxResults=7&onlyAssociated=true").await;
        assert_eq!(explicit, associated, "onlyAssociated is true by default");
        let default = pages(&app, gateway, admin, "").await;
        assert_eq!(default.len(), 1, "50 per page by default");
    }

    // A token continues only its own administrator's listing.
    let first = body_json(&calls::list_members(&app, Gateway::HttpV2, admin, "maxResults=1").await);
    let token = encode_query_value(first["nextToken"].as_str().unwrap().as_bytes());
    let theirs =
        calls::list_members(&app, Gateway::HttpV2, other, &format!("nextToken={token}")).await;
    assert_eq!(theirs.status(), 400);
    assert_eq!(
        body_json(&theirs)["message"],
        "nextToken: was issued to another account"
    );
    // Nor does it continue the invitations, or they the members.
    let invitations =
        calls::list_invitations(&app, Gateway::HttpV2, admin, &format!("nextToken={token}")).await;
    assert_eq!(
        body_json(&invitations)["message"],
        "nextToken: is not a token this service issued"
    );

    for (query, message) in [
        (
            "onlyAssociated=yes",
            "onlyAssociated: must be true or false",
        ),
        (
            "onlyAssociated=true&onlyAssociated=false",
            "onlyAssociated: must be given at most once",
        ),
        (
            "maxResults=0",
            "maxResults: must be an integer from 1 to 50, not 0",
        ),
        (
            "maxResults=51",
            "maxResults: must be an integer from 1 to 50, not 51",
        ),
        (
            "nextToken=abc",
            "nextToken: is not a token this service issued",
        ),
    ] {
        table.counter.take();
        let response = calls::list_members(&app, Gateway::RestV1, admin, query).await;
        assert_eq!(
            (
                response.status().as_u16(),
                body_json(&response)["message"].clone()
            ),
            (400, json!(message)),
            "{query}"
        );
        assert!(table.counter.take().is_empty(), "{query}: nothing read");
    }
}

/// The DynamoDB requests of each operation, as docs/api.md's cost table
/// say: GetMembers one BatchGetItem, CreateMembers of 50 two requests,
/// inviting one read plus a transaction per account, stopping and starting
/// one read plus an UpdateItem each, disassociating and deleting one read
/// plus as few transactions as fit.
#[tokio::test]
async fn every_operation_makes_the_requests_it_should() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    let admin = "560000000001";
    table.detector(admin).await;
    let members: Vec<String> = (0..50).map(|i| format!("5700000000{i:02}")).collect();
    let ids: Vec<&str> = members.iter().map(String::as_str).collect();
    let details: Vec<(&str, &str)> = ids.iter().map(|a| (*a, "m@example.com")).collect();
    let gateway = Gateway::HttpV2;

    table.counter.take();
    let created = calls::create_members(&app, gateway, admin, &details).await;
    assert_eq!(calls::unprocessed(&created), []);
    assert_eq!(
        table.counter.take(),
        requests(&[("BatchGetItem", 1), ("TransactWriteItems", 1)])
    );

    let invited = calls::members(&app, gateway, Members::Invite, admin, &ids).await;
    assert_eq!(calls::unprocessed(&invited), []);
    assert_eq!(
        table.counter.take(),
        requests(&[("BatchGetItem", 1), ("TransactWriteItems", 50)])
    );

    let got = calls::members(&app, gateway, Members::Get, admin, &ids).await;
    let got = body_json(&got);
    assert_eq!(got["members"].as_array().unwrap().len(), 50);
    assert!(
        got["members"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["relationshipStatus"] == "Invited")
    );
    assert_eq!(table.counter.take(), requests(&[("BatchGetItem", 1)]));

    let page = calls::list_members(&app, gateway, admin, "onlyAssociated=false").await;
    assert_eq!(body_json(&page)["members"].as_array().unwrap().len(), 50);
    assert_eq!(
        table.counter.take(),
        requests(&[("Query", 1), ("GetItem", 1)])
    );

    for member in &ids[..2] {
        set_up_accept(&table, admin, member).await;
    }
    table.counter.take();
    let stopped = calls::members(&app, gateway, Members::Stop, admin, &ids[..2]).await;
    assert_eq!(calls::unprocessed(&stopped), []);
    assert_eq!(
        table.counter.take(),
        requests(&[("BatchGetItem", 1), ("UpdateItem", 2)])
    );
    let started = calls::members(&app, gateway, Members::Start, admin, &ids[..3]).await;
    assert_eq!(
        calls::unprocessed(&started).len(),
        1,
        "the third is only invited"
    );
    assert_eq!(
        table.counter.take(),
        requests(&[("BatchGetItem", 1), ("UpdateItem", 2)])
    );

    // Changes that move the summary go together: as few transactions as
    // their items fit (100 items each).
    let removed = calls::members(&app, gateway, Members::Disassociate, admin, &ids[..10]).await;
    assert_eq!(calls::unprocessed(&removed), []);
    assert_eq!(
        table.counter.take(),
        requests(&[("BatchGetItem", 1), ("TransactWriteItems", 1)])
    );
    let deleted = calls::members(&app, gateway, Members::Delete, admin, &ids).await;
    assert_eq!(calls::unprocessed(&deleted), []);
    assert_eq!(
        table.counter.take(),
        requests(&[("BatchGetItem", 1), ("TransactWriteItems", 2)])
    );
    crate::support::invariants::assert_invariants(&table).await;
}

async fn set_up_accept(table: &TestTable, admin: &str, member: &str) {
    let store = table.store();
    let (a, m) = (
        crate::support::account(admin),
        crate::support::account(member),
    );
    guardduty_invitations::inviter::accept(&store, &m, &a)
        .await
        .unwrap();
}
