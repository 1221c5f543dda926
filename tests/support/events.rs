//! API Gateway events shaped like the ones AWS sends, turned into requests
//! by lambda_http exactly as the Lambda runtime does.

use lambda_http::{Body, Request, Response};
use serde_json::{Value, json};

/// The API owner's account: present in every context, never the caller.
pub const API_OWNER: &str = "999988887777";

#[derive(Clone, Copy, Debug)]
pub enum Gateway {
    /// REST API (payload 1.0), stage `Prod` in the path.
    RestV1,
    /// HTTP API (payload 2.0), `$default` stage.
    HttpV2,
}

pub const BOTH: [Gateway; 2] = [Gateway::RestV1, Gateway::HttpV2];

/// An event whose caller (IAM authorizer) is `caller`, or that has no IAM
/// identity when `caller` is `None`.
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
    json!({
        "resource": path,
        "path": path,
        "httpMethod": method,
        "headers": {"Content-Type": "application/x-amz-json-1.1", "Host": "abc123.execute-api.us-east-1.amazonaws.com"},
        "multiValueHeaders": {"Content-Type": ["application/x-amz-json-1.1"], "Host": ["abc123.execute-api.us-east-1.amazonaws.com"]},
        "queryStringParameters": null,
        "multiValueQueryStringParameters": null,
        "pathParameters": null,
        "stageVariables": null,
        "requestContext": {
            "resourceId": "r1a2b3",
            "resourcePath": path,
            "httpMethod": method,
            "extendedRequestId": "Yx1AbCdEfGhIjKl=",
            "requestTime": "22/Nov/2026:05:00:00 +0000",
            "path": format!("/Prod{path}"),
            "accountId": API_OWNER,
            "protocol": "HTTP/1.1",
            "stage": "Prod",
            "domainPrefix": "abc123",
            "requestTimeEpoch": 1795323600000_i64,
            "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            "identity": {
                "cognitoIdentityPoolId": null,
                "accountId": caller,
                "cognitoIdentityId": null,
                "caller": caller.map(|_| "AIDAEXAMPLEUSERID"),
                "sourceIp": "203.0.113.7",
                "principalOrgId": null,
                "accessKey": caller.map(|_| "AKIAEXAMPLEACCESSKEY"),
                "cognitoAuthenticationType": null,
                "cognitoAuthenticationProvider": null,
                "userArn": caller.map(|c| format!("arn:aws:iam::{c}:user/alice")),
                "userAgent": "aws-sdk-rust/1.0",
                "user": caller.map(|_| "AIDAEXAMPLEUSERID")
            },
            "domainName": "abc123.execute-api.us-east-1.amazonaws.com",
            "apiId": "abc123"
        },
        "body": body,
        "isBase64Encoded": false
    })
}

pub fn http_v2(method: &str, path: &str, caller: Option<&str>, body: &str) -> Value {
    let authorizer = caller.map(|c| {
        json!({"iam": {
            "accessKey": "AKIAEXAMPLEACCESSKEY",
            "accountId": c,
            "callerId": "AIDAEXAMPLEUSERID",
            "cognitoIdentity": null,
            "principalOrgId": null,
            "userArn": format!("arn:aws:iam::{c}:user/alice"),
            "userId": "AIDAEXAMPLEUSERID"
        }})
    });
    let mut context = json!({
        "accountId": API_OWNER,
        "apiId": "abc123",
        "domainName": "abc123.execute-api.us-east-1.amazonaws.com",
        "domainPrefix": "abc123",
        "http": {
            "method": method,
            "path": path,
            "protocol": "HTTP/1.1",
            "sourceIp": "203.0.113.7",
            "userAgent": "aws-sdk-rust/1.0"
        },
        "requestId": "JKJaXmPLvHcESHA=",
        "routeKey": format!("{method} {path}"),
        "stage": "$default",
        "time": "22/Nov/2026:05:00:00 +0000",
        "timeEpoch": 1795323600000_i64
    });
    if let Some(authorizer) = authorizer {
        context["authorizer"] = authorizer;
    }
    json!({
        "version": "2.0",
        "routeKey": format!("{method} {path}"),
        "rawPath": path,
        "rawQueryString": "",
        "headers": {"content-type": "application/x-amz-json-1.1", "host": "abc123.execute-api.us-east-1.amazonaws.com"},
        "requestContext": context,
        "body": body,
        "isBase64Encoded": false
    })
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
