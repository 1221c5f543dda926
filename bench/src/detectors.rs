//! Detectors as resources, measured in this process like the other handler
//! figures: ListDetectors and GetDetector of an account with a detector,
//! each beside the consistent `GetItem` of that detector sent directly;
//! and the requests of one call of each detector operation, on an account
//! of its own that goes from no detector (CreateDetector) through
//! GetDetector and UpdateDetector to none again (DeleteDetector).

use std::collections::HashMap;

use serde_json::Value;

use crate::call::{InProcess, LIMIT, answer, counted, counted_answer};
use crate::events;
use crate::measure::interleaved;
use crate::rows::{self, Row};

/// Has a detector throughout: ListDetectors' and GetDetector's samples.
const READER: &str = "260000000001";
/// Creates, reads, updates and deletes its detector, once each.
const OWNER: &str = "260000000002";

pub async fn rows(bench: InProcess<'_>) -> Vec<Row> {
    let reader = testkit::account(READER);
    let detector = bench.table.detector(READER).await;
    let (list, get) = (
        events::list_detectors(&reader),
        events::on_own_detector(&reader, "GET", &detector),
    );
    let listed = format!(r#"{{"detectorIds":["{detector}"]}}"#);
    let (mut list_handler, mut list_floor) = interleaved(
        bench.plan.samples,
        async || assert_eq!(answer(bench.app, &list).await, listed),
        async || assert_eq!(bench.direct.detector(&reader).await, detector),
    )
    .await;
    let (mut get_handler, mut get_floor) = interleaved(
        bench.plan.samples,
        async || assert!(answer(bench.app, &get).await.contains("\"ENABLED\"")),
        async || assert_eq!(bench.direct.detector(&reader).await, detector),
    )
    .await;
    let list_requests = counted(bench.proxy, bench.app, &list).await;

    // One call of each, in the order a detector lives.
    let owner = testkit::account(OWNER);
    let (create_requests, created) =
        counted_answer(bench.proxy, bench.app, &events::create_detector(&owner)).await;
    let created: Value = serde_json::from_str(&created).unwrap();
    let id = created["detectorId"]
        .as_str()
        .expect("the new detector's ID");
    let on_own = async |method: &str| {
        let event = events::on_own_detector(&owner, method, id);
        counted(bench.proxy, bench.app, &event).await
    };
    let (get_requests, update_requests, delete_requests) = (
        on_own("GET").await,
        on_own("POST").await,
        on_own("DELETE").await,
    );
    let none = answer(bench.app, &events::list_detectors(&owner)).await;
    assert_eq!(none, r#"{"detectorIds":[]}"#, "the detector deleted");

    let get_item = "direct aws-sdk-dynamodb GetItem";
    let one = |figure: &str, counts: &HashMap<String, usize>, operation: &str, floor: &str| {
        rows::requests(
            format!("DynamoDB requests for {figure}"),
            counts,
            &[(operation, 1)],
            floor,
            &format!("exactly 1 {operation}, 0 other"),
        )
    };
    vec![
        rows::latency(
            "handler, ListDetectors (p50 / p99)".into(),
            &mut list_handler,
            &mut list_floor,
            get_item,
            Some(LIMIT),
        ),
        rows::latency(
            "handler, GetDetector (p50 / p99)".into(),
            &mut get_handler,
            &mut get_floor,
            get_item,
            Some(LIMIT),
        ),
        one(
            "ListDetectors",
            &list_requests,
            "GetItem",
            "1 (one GetItem of the caller's detector)",
        ),
        one(
            "CreateDetector",
            &create_requests,
            "PutItem",
            "1 (one PutItem, conditioned on the account having none)",
        ),
        one(
            "GetDetector",
            &get_requests,
            "GetItem",
            "1 (one GetItem; the ID compared with the path's)",
        ),
        one(
            "UpdateDetector",
            &update_requests,
            "UpdateItem",
            "1 (one UpdateItem, conditioned on the detector's ID)",
        ),
        one(
            "DeleteDetector",
            &delete_requests,
            "TransactWriteItems",
            "1 (the delete, conditioned on the ID, with the checks of no active members and no membership)",
        ),
    ]
}
