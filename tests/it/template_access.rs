//! template.yaml's resource policy lets in the named organization and
//! accounts, and only them; a deployment naming neither is refused.

use serde_yaml_ng::Value;

use crate::template::{resource, template};

const ORG: &str = "o-abc123def4";
const ACCOUNTS: &str = "111122223333,444455556666";

fn api_properties(template: &Value) -> &Value {
    &resource(template, "InvitationsApi")["Properties"]
}

fn stage_name(template: &Value) -> &str {
    api_properties(template)["StageName"].as_str().unwrap()
}

/// The value of a parameter: `given` if it names it, else its default. Every
/// name must be a parameter of the template.
fn parameter(template: &Value, given: &[(&str, &str)], name: &str) -> String {
    let declared = &template["Parameters"][name];
    assert!(declared.is_mapping(), "no parameter {name}");
    match given.iter().find(|(n, _)| *n == name) {
        Some((_, value)) => value.to_string(),
        None => declared["Default"].as_str().expect("a default").to_string(),
    }
}

fn condition(template: &Value, given: &[(&str, &str)], name: &str) -> bool {
    let declared = &template["Conditions"][name];
    assert!(!declared.is_null(), "no condition {name}");
    truth(resolve(template, given, declared))
}

fn truth(value: Option<Value>) -> bool {
    value.and_then(|v| v.as_bool()).expect("a condition")
}

/// `value` with the intrinsic functions it uses evaluated for the parameter
/// values `given` (others take their defaults); `None` is `AWS::NoValue`.
/// Functions the policy and the rules do not use fail the test.
fn resolve(template: &Value, given: &[(&str, &str)], value: &Value) -> Option<Value> {
    let args = |v: &Value, n: usize| -> Vec<Value> {
        let list = v.as_sequence().expect("a list of arguments");
        assert_eq!(list.len(), n, "{v:?}");
        list.clone()
    };
    match value {
        Value::Tagged(function) if function.tag == "Ref" => {
            let name = function.value.as_str().unwrap();
            (name != "AWS::NoValue").then(|| Value::String(parameter(template, given, name)))
        }
        Value::Tagged(function) if function.tag == "If" => {
            let [name, then, otherwise] = args(&function.value, 3).try_into().unwrap();
            let chosen = if condition(template, given, name.as_str().unwrap()) {
                then
            } else {
                otherwise
            };
            resolve(template, given, &chosen)
        }
        Value::Tagged(function) if function.tag == "Split" => {
            let [separator, text] = args(&function.value, 2).try_into().unwrap();
            let text = resolve(template, given, &text).unwrap();
            let parts = text.as_str().unwrap().split(separator.as_str().unwrap());
            Some(Value::Sequence(parts.map(Value::from).collect()))
        }
        Value::Tagged(function) if function.tag == "Equals" => {
            let [a, b] = args(&function.value, 2).try_into().unwrap();
            Some(Value::Bool(
                resolve(template, given, &a) == resolve(template, given, &b),
            ))
        }
        Value::Tagged(function) if function.tag == "Not" => {
            let [a] = args(&function.value, 1).try_into().unwrap();
            Some(Value::Bool(!truth(resolve(template, given, &a))))
        }
        Value::Tagged(function) if function.tag == "Or" => {
            let list = function.value.as_sequence().unwrap();
            Some(Value::Bool(
                list.iter().any(|a| truth(resolve(template, given, a))),
            ))
        }
        Value::Tagged(function) => panic!("resolve does not know {:?}", function.tag),
        Value::Sequence(items) => Some(Value::Sequence(
            items
                .iter()
                .filter_map(|i| resolve(template, given, i))
                .collect(),
        )),
        Value::Mapping(entries) => Some(Value::Mapping(
            entries
                .iter()
                .filter_map(|(k, v)| Some((k.clone(), resolve(template, given, v)?)))
                .collect(),
        )),
        other => Some(other.clone()),
    }
}

/// The statements of the API's resource policy a deployment with these
/// parameter values gets.
fn statements(template: &Value, given: &[(&str, &str)]) -> Vec<Value> {
    let policy = resolve(template, given, &api_properties(template)["Policy"]).unwrap();
    assert_eq!(policy["Version"], "2012-10-17");
    policy["Statement"]
        .as_sequence()
        .expect("statements")
        .clone()
}

fn yaml(text: &str) -> Value {
    serde_yaml_ng::from_str(text).unwrap()
}

#[test]
fn the_api_has_a_resource_policy_allowing_only_invoke_on_its_stage() {
    let template = template();
    assert_eq!(stage_name(&template), "Prod");
    let cases: [&[(&str, &str)]; 3] = [
        &[("OrganizationId", ORG)],
        &[("AllowedAccountIds", ACCOUNTS)],
        &[("OrganizationId", ORG), ("AllowedAccountIds", ACCOUNTS)],
    ];
    for given in cases {
        let statements = statements(&template, given);
        assert!(!statements.is_empty(), "{given:?}");
        for statement in statements {
            assert_eq!(statement["Effect"], "Allow", "{statement:?}");
            assert_eq!(statement["Action"], "execute-api:Invoke", "{statement:?}");
            assert_eq!(
                statement["Resource"], "execute-api:/Prod/*",
                "{statement:?}"
            );
            assert!(statement.get("NotAction").is_none() && statement.get("NotResource").is_none());
            assert!(statement.get("NotPrincipal").is_none());
        }
    }
}

#[test]
fn the_organization_condition_and_the_account_list_come_from_the_parameters() {
    let template = template();
    let organization = yaml(
        "Sid: OrganizationAccounts
Effect: Allow
Principal: '*'
Action: execute-api:Invoke
Resource: execute-api:/Prod/*
Condition: {StringEquals: {aws:PrincipalOrgID: o-abc123def4}}",
    );
    let accounts = yaml(
        "Sid: ListedAccounts
Effect: Allow
Principal: {AWS: ['111122223333', '444455556666']}
Action: execute-api:Invoke
Resource: execute-api:/Prod/*",
    );
    assert_eq!(
        statements(&template, &[("OrganizationId", ORG)]),
        std::slice::from_ref(&organization)
    );
    assert_eq!(
        statements(&template, &[("AllowedAccountIds", ACCOUNTS)]),
        std::slice::from_ref(&accounts)
    );
    assert_eq!(
        statements(
            &template,
            &[("OrganizationId", ORG), ("AllowedAccountIds", ACCOUNTS)]
        ),
        [organization, accounts]
    );
    // Other values reach the policy as given: nothing is fixed to the above.
    let other = statements(
        &template,
        &[
            ("OrganizationId", "o-0123456789abcdef"),
            ("AllowedAccountIds", "999988887777"),
        ],
    );
    assert_eq!(
        other[0]["Condition"]["StringEquals"]["aws:PrincipalOrgID"],
        "o-0123456789abcdef"
    );
    assert_eq!(other[1]["Principal"], yaml("{AWS: ['999988887777']}"));
}

/// Every mapping with a `Principal` key anywhere in `value`, both branches of
/// every `!If` included.
fn principal_statements<'a>(value: &'a Value, found: &mut Vec<&'a Value>) {
    match value {
        Value::Mapping(entries) => {
            if value.get("Principal").is_some() {
                found.push(value);
            }
            for v in entries.values() {
                principal_statements(v, found);
            }
        }
        Value::Sequence(items) => items.iter().for_each(|i| principal_statements(i, found)),
        Value::Tagged(function) => principal_statements(&function.value, found),
        _ => {}
    }
}

fn is_anyone(principal: &Value) -> bool {
    let star = |v: &Value| v == "*";
    star(principal)
        || principal.get("AWS").is_some_and(|aws| {
            star(aws) || aws.as_sequence().is_some_and(|list| list.iter().any(star))
        })
}

#[test]
fn no_statement_allows_everyone_without_a_condition() {
    let template = template();
    let mut found = Vec::new();
    principal_statements(&template, &mut found);
    assert_eq!(found.len(), 2, "the two statements of the resource policy");
    let mut anyone = 0;
    for statement in found {
        if statement["Effect"] == "Allow" && is_anyone(&statement["Principal"]) {
            anyone += 1;
            let condition = statement["Condition"].as_mapping();
            assert!(
                condition.is_some_and(|c| !c.is_empty()),
                "a wildcard principal without a condition: {statement:?}"
            );
        }
    }
    assert_eq!(anyone, 1, "only the organization's statement names '*'");
    // And as deployed: the wildcard always comes with the organization.
    for given in [
        &[("OrganizationId", ORG)][..],
        &[("AllowedAccountIds", ACCOUNTS)],
        &[("OrganizationId", ORG), ("AllowedAccountIds", ACCOUNTS)],
    ] {
        for statement in statements(&template, given) {
            if is_anyone(&statement["Principal"]) {
                assert_eq!(
                    statement["Condition"]["StringEquals"]["aws:PrincipalOrgID"], ORG,
                    "{given:?}"
                );
            }
        }
    }
}

#[test]
fn deploying_with_neither_organization_nor_accounts_is_refused() {
    let template = template();
    let rules = template["Rules"].as_mapping().expect("a Rules section");
    let assertions: Vec<&Value> = rules
        .values()
        .flat_map(|rule| {
            assert!(
                rule.get("RuleCondition").is_none(),
                "the rule always applies"
            );
            rule["Assertions"].as_sequence().unwrap()
        })
        .collect();
    assert_eq!(assertions.len(), 1);
    let assertion = assertions[0];
    let holds = |given: &[(&str, &str)]| truth(resolve(&template, given, &assertion["Assert"]));
    assert!(!holds(&[]), "neither set: refused");
    assert!(!holds(&[("OrganizationId", ""), ("AllowedAccountIds", "")]));
    assert!(holds(&[("OrganizationId", ORG)]));
    assert!(holds(&[("AllowedAccountIds", ACCOUNTS)]));
    assert!(holds(&[
        ("OrganizationId", ORG),
        ("AllowedAccountIds", ACCOUNTS)
    ]));
    let description = assertion["AssertDescription"].as_str().unwrap();
    for name in ["OrganizationId", "AllowedAccountIds"] {
        assert!(description.contains(name), "{description}");
    }
}

#[test]
fn the_caller_parameters_are_validated() {
    let template = template();
    for (name, pattern) in [
        ("OrganizationId", "^(o-[a-z0-9]{10,32})?$"),
        ("AllowedAccountIds", "^([0-9]{12}(,[0-9]{12})*)?$"),
    ] {
        let declared = &template["Parameters"][name];
        assert_eq!(declared["Type"], "String", "{name}");
        assert_eq!(declared["AllowedPattern"], pattern, "{name}");
        assert_eq!(declared["Default"], "", "{name}: empty means not set");
        assert!(declared["ConstraintDescription"].is_string(), "{name}");
    }
}

#[test]
fn the_outputs_give_callers_the_arn_to_allow() {
    let template = template();
    let sub = |output: &str| {
        let Value::Tagged(value) = &template["Outputs"][output]["Value"] else {
            panic!("{output} is !Sub");
        };
        assert_eq!(value.tag, "Sub");
        value.value.as_str().unwrap().to_string()
    };
    let stage = stage_name(&template);
    assert_eq!(
        sub("ApiInvokeArn"),
        format!(
            "arn:${{AWS::Partition}}:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:${{InvitationsApi}}/{stage}/*"
        )
    );
    assert_eq!(
        sub("ApiUrl"),
        format!(
            "https://${{InvitationsApi}}.execute-api.${{AWS::Region}}.${{AWS::URLSuffix}}/{stage}/"
        )
    );
}

#[test]
fn a_changed_policy_reaches_the_stage() {
    // API Gateway applies a resource policy only to a new deployment, and SAM
    // makes one only when the routes change unless told to always deploy.
    assert_eq!(api_properties(&template())["AlwaysDeploy"], true);
}
