//! API Gateway events shaped like the ones AWS sends, turned into requests
//! by lambda_http exactly as the Lambda runtime does.

use lambda_http::{Body, Request, Response};
use serde_json::{Value, json};

#[derive(Clone, Copy, Debug)]
pub enum Gateway {
    /// REST API (payload 1.0), stage `Prod` in the path.
    RestV1,
    /// HTTP API (payload 2.0), `$default` stage.
    HttpV2,
}

pub const BOTH: [Gateway; 2] = [Gateway::RestV1, Gateway::HttpV2];

/// An event whose caller (IAM authorizer) is `caller`, or that has no IAM
/// identity when `caller` is `None`. Made from the samples in events/, so
/// the tests and the samples cannot drift apart. `path` may end in a
/// `?query`, percent-encoded as a client sends it.
pub fn event(
    gateway: Gateway,
    method: &str,
    path: &str,
    caller: Option<&str>,
    body: &str,
) -> Value {
    match gateway {
        Gateway::RestV1 => rest_v1(method, path, caller, body),
        Gateway::HttpV2 => http_v2(method, path, caller, body),
    }
}

pub fn rest_v1(method: &str, path: &str, caller: Option<&str>, body: &str) -> Value {
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let mut event = sample("decline.rest-v1.json");
    // API Gateway hands REST APIs the decoded values, each name's last one
    // in queryStringParameters and all of them in the multi-value map.
    let mut single = serde_json::Map::new();
    let mut multi = serde_json::Map::new();
    for (name, value) in decode_query(query) {
        single.insert(name.clone(), json!(value));
        let values = multi.entry(name).or_insert_with(|| json!([]));
        values.as_array_mut().unwrap().push(json!(value));
    }
    if !single.is_empty() {
        event["queryStringParameters"] = Value::Object(single);
        event["multiValueQueryStringParameters"] = Value::Object(multi);
    }
    event["resource"] = json!(path);
    event["path"] = json!(path);
    event["httpMethod"] = json!(method);
    event["body"] = json!(body);
    let context = &mut event["requestContext"];
    context["resourcePath"] = json!(path);
    context["httpMethod"] = json!(method);
    context["path"] = json!(format!("/Prod{path}"));
    let identity = &mut context["identity"];
    identity["accountId"] = json!(caller);
    identity["userArn"] = json!(caller.map(|c| format!("arn:aws:iam::{c}:user/alice")));
    if caller.is_none() {
        for field in ["caller", "accessKey", "user"] {
            identity[field] = Value::Null;
        }
    }
    event
}

pub fn http_v2(method: &str, path: &str, caller: Option<&str>, body: &str) -> Value {
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let mut event = sample("decline.http-v2.json");
    let route_key = json!(format!("{method} {path}"));
    event["routeKey"] = route_key.clone();
    event["rawPath"] = json!(path);
    // HTTP APIs send the raw query string (lambda_http parses it) and the
    // decoded values, repeated ones joined by commas.
    event["rawQueryString"] = json!(query);
    let mut joined: Vec<(String, String)> = Vec::new();
    for (name, value) in decode_query(query) {
        match joined.iter_mut().find(|(n, _)| *n == name) {
            Some((_, values)) => *values = format!("{values},{value}"),
            None => joined.push((name, value)),
        }
    }
    if !joined.is_empty() {
        event["queryStringParameters"] =
            Value::Object(joined.into_iter().map(|(n, v)| (n, json!(v))).collect());
    }
    event["body"] = json!(body);
    let context = &mut event["requestContext"];
    context["routeKey"] = route_key;
    context["http"]["method"] = json!(method);
    context["http"]["path"] = json!(path);
    match caller {
        Some(caller) => {
            let iam = &mut context["authorizer"]["iam"];
            iam["accountId"] = json!(caller);
            iam["userArn"] = json!(format!("arn:aws:iam::{caller}:user/alice"));
        }
        None => {
            context.as_object_mut().unwrap().remove("authorizer");
        }
    }
    event
}

/// `name=value` pairs of a query string, percent-decoded (invalid UTF-8
/// replaced, as API Gateway does).
fn decode_query(query: &str) -> Vec<(String, String)> {
    let decode = |s: &str| {
        let bytes = s.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok());
            match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
                (b'%', Some(byte)) => {
                    out.push(byte);
                    i += 3;
                }
                (b'+', _) => {
                    out.push(b' ');
                    i += 1;
                }
                (byte, _) => {
                    out.push(byte);
                    i += 1;
                }
            }
        }
        String::from_utf8_lossy(&out).into_owned()
    };
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(name), decode(value))
        })
        .collect()
}

/// Percent-encodes a query-string value: every byte but the unreserved ones.
pub fn encode_query_value(value: &[u8]) -> String {
    value
        .iter()
        .map(|&b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A file of events/, parsed.
pub fn sample(name: &str) -> Value {
    let path = super::repo_root().join("events").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The state the samples in events/ answer from: the invitation the
/// accept samples accept (and so the caller's detector), and the detectors
/// the detector samples read, update and delete.
pub async fn prepare_samples(table: &super::TestTable) {
    table
        .invite_as(
            "111122223333",
            "210000000001",
            "inv-210000000001-111122223333",
        )
        .await;
    for account in [
        "777700000001",
        "777700000002",
        "777700000003",
        "777700000004",
    ] {
        table.detector(account).await;
    }
}

/// The state the organization samples need, before each sample: the
/// organization of 111122223333 (its own management account and delegated
/// administrator) mirrored, with the administrator designated, except for
/// Enable's samples, which find none.
pub async fn prepare_for(table: &super::TestTable, name: &str) {
    use guardduty_invitations::domain::organization::OrgAccount;
    use guardduty_invitations::store::mirror::Snapshot;
    let me = super::account("111122223333");
    table.detector(me.as_str()).await;
    let accounts = [
        "111122223333",
        "777700000001",
        "777700000002",
        "777700000003",
        "777700000004",
    ];
    let snapshot = Snapshot {
        id: "o-samples1234".into(),
        management: me.clone(),
        accounts: accounts
            .iter()
            .map(|id| OrgAccount {
                id: super::account(id),
                email: format!("owner-{id}@example.com"),
                status: OrgAccount::ACTIVE.into(),
            })
            .collect(),
    };
    let store = table.store();
    store.sync(&snapshot).await.expect("sync");
    let designated = store.organization().await.unwrap().unwrap().admin.is_some();
    match (
        designated,
        name.starts_with("enable-organization-admin-account"),
    ) {
        (true, true) => drop(store.disable_admin(&me, &me).await.unwrap().unwrap()),
        (false, false) => store.enable_admin(&me, &me).await.unwrap().unwrap(),
        _ => {}
    }
}

/// What each sample in events/ must answer, by its name.
pub fn expected_status(name: &str) -> u16 {
    if name.starts_with("invalid-") {
        400
    } else if name.starts_with("tag-resource") || name.starts_with("untag-resource") {
        204
    } else if name.starts_with("no-identity") {
        403
    } else {
        200
    }
}

/// The request lambda_http makes of `event`.
pub fn request(event: &Value) -> Request {
    lambda_http::request::from_str(&event.to_string()).expect("lambda_http accepts the event")
}

/// The response's body as JSON.
pub fn body_json(response: &Response<Body>) -> Value {
    serde_json::from_slice(response.body().as_ref()).expect("a JSON body")
}

pub fn header<'a>(response: &'a Response<Body>, name: &str) -> Option<&'a str> {
    response.headers().get(name).and_then(|v| v.to_str().ok())
}
