//! template.yaml keeps the promises the code relies on: the table layout of
//! `table.rs`, least privilege, IAM auth and no local auth (the resource
//! policy is in `template_access`).

use guardduty_invitations::api::routes::ROUTES;
use guardduty_invitations::table;
use serde_yaml_ng::Value;

pub fn template() -> Value {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/template.yaml")).unwrap();
    serde_yaml_ng::from_str(&text).unwrap()
}

pub fn resource<'a>(template: &'a Value, name: &str) -> &'a Value {
    &template["Resources"][name]
}

#[test]
fn the_function_has_exactly_the_item_actions_its_operations_need() {
    let template = template();
    let policies = resource(&template, "InvitationsFunction")["Properties"]["Policies"]
        .as_sequence()
        .expect("a policy list");
    assert_eq!(
        policies.len(),
        1,
        "one inline policy, no SAM policy templates"
    );
    let statements = policies[0]["Statement"].as_sequence().unwrap();
    assert_eq!(statements.len(), 1);
    let statement = &statements[0];
    assert_eq!(statement["Effect"], "Allow");
    let actions: Vec<&str> = statement["Action"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "dynamodb:GetItem",
            "dynamodb:BatchGetItem",
            "dynamodb:Query",
            "dynamodb:UpdateItem",
            "dynamodb:PutItem",
            "dynamodb:DeleteItem",
            "dynamodb:ConditionCheckItem",
        ]
    );
    let Value::Tagged(resource) = &statement["Resource"] else {
        panic!("Resource is !GetAtt: {:?}", statement["Resource"]);
    };
    assert_eq!(resource.tag, "GetAtt");
    assert_eq!(resource.value, "InvitationsTable.Arn");
}

#[test]
fn the_table_has_the_documented_keys_and_keeps_its_data() {
    let template = template();
    let table_resource = resource(&template, "InvitationsTable");
    assert_eq!(table_resource["Type"], "AWS::DynamoDB::Table");
    assert_eq!(table_resource["DeletionPolicy"], "Retain");
    assert_eq!(table_resource["UpdateReplacePolicy"], "Retain");
    let properties = &table_resource["Properties"];
    assert_eq!(properties["BillingMode"], "PAY_PER_REQUEST");
    assert_eq!(
        properties["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"],
        true
    );
    let keys: Vec<(&str, &str)> = properties["KeySchema"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|k| {
            (
                k["AttributeName"].as_str().unwrap(),
                k["KeyType"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(keys, [(table::INVITEE, "HASH"), (table::INVITER, "RANGE")]);
}

#[test]
fn the_api_requires_iam_and_local_auth_is_never_deployed() {
    let template = template();
    assert_eq!(
        resource(&template, "InvitationsApi")["Properties"]["Auth"]["DefaultAuthorizer"],
        "AWS_IAM"
    );
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/template.yaml")).unwrap();
    assert!(!text.contains("LOCAL_AUTH") && !text.contains("LOCAL_ACCOUNT_ID"));
    let events = resource(&template, "InvitationsFunction")["Properties"]["Events"]
        .as_mapping()
        .unwrap();
    let events_by_name: Vec<(&str, &str, &str)> = events
        .iter()
        .map(|(name, e)| {
            (
                name.as_str().unwrap(),
                e["Properties"]["Method"].as_str().unwrap(),
                e["Properties"]["Path"].as_str().unwrap(),
            )
        })
        .collect();
    // One event per operation of the function's route table, then the
    // catch-all that lets the function answer its own 404 and 405.
    let mut expected: Vec<(&str, &str, &str)> = ROUTES
        .iter()
        .map(|route| (route.operation, route.method.as_str(), route.path))
        .collect();
    expected.push(("Other", "ANY", "/{proxy+}"));
    assert_eq!(events_by_name, expected);
    for event in events.values() {
        // Without it SAM would make an implicit API, without IAM auth.
        let Value::Tagged(api) = &event["Properties"]["RestApiId"] else {
            panic!("RestApiId is !Ref: {event:?}");
        };
        assert_eq!(api.tag, "Ref");
        assert_eq!(api.value, "InvitationsApi");
    }
    let responses = &resource(&template, "InvitationsApi")["Properties"]["GatewayResponses"];
    for kind in [
        "MISSING_AUTHENTICATION_TOKEN",
        "INVALID_SIGNATURE",
        "ACCESS_DENIED",
        "EXPIRED_TOKEN",
    ] {
        let headers = &responses[kind]["ResponseParameters"]["Headers"];
        assert_eq!(
            headers["x-amzn-ErrorType"], "'AccessDeniedException'",
            "{kind}"
        );
        // API Gateway puts the message in with its quotes: the body must be
        // JSON once it has.
        let template = responses[kind]["ResponseTemplates"]["application/json"]
            .as_str()
            .unwrap();
        let body = template.replace(
            "$context.error.messageString",
            r#""Missing Authentication Token""#,
        );
        let body: serde_json::Value = serde_json::from_str(&body)
            .unwrap_or_else(|e| panic!("{kind}: {body} is not JSON: {e}"));
        assert_eq!(
            body,
            serde_json::json!({
                "message": "Missing Authentication Token",
                "__type": "AccessDeniedException",
                "type": "AccessDeniedException",
            }),
            "{kind}"
        );
    }
}

// The resource policy. The parameter values below go through `resolve`, which
// evaluates the template's intrinsic functions as CloudFormation would, so the
// tests check the policy a deployment gets, not only the template's text.
