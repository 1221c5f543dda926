//! The delegated administrator's lifecycle and its configuration, through
//! the handler over DynamoDB Local, on both gateways: only the mirror's
//! management account designates, lists and lets go one administrator;
//! only that administrator describes and updates the configuration, whose
//! features merge by name. Members: `organization_members`; the sync:
//! `organization_sync`.

use guardduty_invitations::api::identity::AuthMode;
use serde_json::{Value, json};

use crate::detectors::{NOT_OWNED, listed};
use crate::support::TestTable;
use crate::support::events::BOTH;
use crate::support::invariants::assert_invariants;
use crate::support::org::{
    ADMIN, ALREADY_DISABLED, MANAGEMENT, NOT_MANAGEMENT, NOT_ORG_ADMIN, active, describe, disable,
    enable, list_admins, refused, snapshot, sync, update,
};

#[tokio::test]
async fn only_the_management_account_designates_one_administrator() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    let other = "500000000003";
    for gateway in BOTH {
        // No organization mirrored yet: nobody is its management account.
        assert_eq!(
            refused(list_admins(&app, gateway, MANAGEMENT).await),
            NOT_MANAGEMENT
        );
        assert_eq!(
            refused(enable(&app, gateway, MANAGEMENT, ADMIN).await),
            NOT_MANAGEMENT
        );
    }
    sync(&table, &snapshot(&[active(other)])).await;
    for gateway in BOTH {
        assert_eq!(
            refused(enable(&app, gateway, ADMIN, ADMIN).await),
            NOT_MANAGEMENT
        );
        assert_eq!(
            refused(list_admins(&app, gateway, other).await),
            NOT_MANAGEMENT
        );
        assert_eq!(
            list_admins(&app, gateway, MANAGEMENT).await,
            (200, json!({"adminAccounts": []}))
        );
    }
    assert_eq!(listed(&app, BOTH[0], ADMIN).await, json!([]));
    let (rest, http) = (BOTH[0], BOTH[1]);
    assert_eq!(
        enable(&app, rest, MANAGEMENT, ADMIN).await,
        (200, json!({}))
    );
    // Designated, it has a detector, as AWS's rollout scripts expect.
    assert_eq!(listed(&app, rest, ADMIN).await.as_array().unwrap().len(), 1);
    let entry = json!({"adminAccounts": [{"adminAccountId": ADMIN, "adminStatus": "ENABLED"}]});
    assert_eq!(list_admins(&app, http, MANAGEMENT).await, (200, entry));
    let again = refused(enable(&app, http, MANAGEMENT, ADMIN).await);
    assert!(
        again.contains(
            "the account is already enabled as the GuardDuty delegated administrator for the organization"
        ),
        "{again}"
    );
    assert_eq!(
        refused(enable(&app, rest, MANAGEMENT, other).await),
        format!(
            "The request failed because the organization already has a GuardDuty delegated administrator account, {ADMIN}; disable it first."
        )
    );
    assert_eq!(
        refused(disable(&app, rest, MANAGEMENT, other).await),
        ALREADY_DISABLED
    );
    assert_eq!(
        refused(disable(&app, rest, other, ADMIN).await),
        NOT_MANAGEMENT
    );
    assert_eq!(
        disable(&app, http, MANAGEMENT, ADMIN).await,
        (200, json!({}))
    );
    assert_eq!(
        list_admins(&app, rest, MANAGEMENT).await,
        (200, json!({"adminAccounts": []}))
    );
    // Terraform's destroy treats this text as done.
    assert_eq!(
        refused(disable(&app, rest, MANAGEMENT, ADMIN).await),
        ALREADY_DISABLED
    );
    // Only an active account of the organization can be designated.
    assert_eq!(
        refused(enable(&app, http, MANAGEMENT, "500000000099").await),
        "The request failed because adminAccountId is not an active account of the organization."
    );
    // The management account may designate itself, as Terraform's tests do.
    assert_eq!(
        enable(&app, http, MANAGEMENT, MANAGEMENT).await,
        (200, json!({}))
    );
    assert_invariants(&table).await;
}

#[tokio::test]
async fn bad_admin_bodies_are_named_and_change_nothing() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    sync(&table, &snapshot(&[])).await;
    let before = table.snapshot().await;
    for gateway in BOTH {
        for (body, message) in [
            (
                json!({}),
                "adminAccountId: required parameter is not specified",
            ),
            (
                json!({"adminAccountId": 5}),
                "adminAccountId: must be a string, not a number",
            ),
            (
                json!({"adminAccountId": "5000000000x2"}),
                "adminAccountId: account ID must be exactly 12 digits (0-9)",
            ),
        ] {
            for path in ["/admin/enable", "/admin/disable"] {
                let answer = crate::support::org::call(
                    &app,
                    gateway,
                    "POST",
                    path,
                    MANAGEMENT,
                    body.clone(),
                )
                .await;
                assert_eq!(refused(answer), message, "{path} {body}");
            }
        }
    }
    assert_eq!(table.snapshot().await, before, "nothing written");
}

/// Describe's answer before any update, with `auto` as auto-enable.
fn described(auto: &str, features: Value) -> Value {
    let off = json!({"autoEnable": false});
    json!({
        "memberAccountLimitReached": false,
        "autoEnable": auto != "NONE",
        "autoEnableOrganizationMembers": auto,
        "dataSources": {
            "s3Logs": off,
            "kubernetes": {"auditLogs": off},
            "malwareProtection": {"scanEc2InstanceWithFindings": {"ebsVolumes": off}},
        },
        "features": features,
    })
}

#[tokio::test]
async fn only_the_administrator_configures_and_features_merge_by_name() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    sync(&table, &snapshot(&[active("500000000003")])).await;
    let (rest, http) = (BOTH[0], BOTH[1]);
    // Not (yet) the administrator, even with a detector of its own.
    table.detector(ADMIN).await;
    assert_eq!(refused(describe(&app, rest, ADMIN).await), NOT_ORG_ADMIN);
    enable(&app, rest, MANAGEMENT, ADMIN).await;
    table.detector(MANAGEMENT).await;
    for gateway in BOTH {
        assert_eq!(
            describe(&app, gateway, ADMIN).await,
            (200, described("NONE", json!([])))
        );
        assert_eq!(
            refused(describe(&app, gateway, MANAGEMENT).await),
            NOT_ORG_ADMIN
        );
        let any = json!({"autoEnableOrganizationMembers": "ALL"});
        assert_eq!(
            refused(update(&app, gateway, MANAGEMENT, any).await),
            NOT_ORG_ADMIN
        );
    }
    // The deprecated flag: true is NEW.
    assert_eq!(
        update(&app, http, ADMIN, json!({"autoEnable": true})).await,
        (200, json!({}))
    );
    assert_eq!(
        describe(&app, rest, ADMIN).await.1,
        described("NEW", json!([]))
    );
    // Terraform's organization_configuration_feature: one feature a call,
    // with the auto-enable it just read; all of them stay.
    for name in [
        "EBS_MALWARE_PROTECTION",
        "LAMBDA_NETWORK_LOGS",
        "S3_DATA_EVENTS",
    ] {
        let body = json!({
            "autoEnableOrganizationMembers": "NEW",
            "features": [{"name": name, "autoEnable": "ALL"}],
        });
        assert_eq!(update(&app, rest, ADMIN, body).await, (200, json!({})));
    }
    let body = json!({
        "autoEnableOrganizationMembers": "ALL",
        "dataSources": {"s3Logs": {"autoEnable": true}},
        "features": [{"name": "EKS_RUNTIME_MONITORING", "autoEnable": "NEW",
            "additionalConfiguration": [{"name": "EKS_ADDON_MANAGEMENT", "autoEnable": "ALL"}]}],
    });
    assert_eq!(update(&app, http, ADMIN, body).await, (200, json!({})));
    let body = json!({"autoEnableOrganizationMembers": "ALL",
        "features": [{"name": "S3_DATA_EVENTS", "autoEnable": "NONE"}]});
    assert_eq!(update(&app, http, ADMIN, body).await, (200, json!({})));
    let feature = |name: &str, auto: &str| json!({"name": name, "autoEnable": auto, "additionalConfiguration": []});
    let mut expected = described(
        "ALL",
        json!([
            feature("EBS_MALWARE_PROTECTION", "ALL"),
            {"name": "EKS_RUNTIME_MONITORING", "autoEnable": "NEW",
             "additionalConfiguration": [{"name": "EKS_ADDON_MANAGEMENT", "autoEnable": "ALL"}]},
            feature("LAMBDA_NETWORK_LOGS", "ALL"),
            feature("S3_DATA_EVENTS", "NONE"),
        ]),
    );
    expected["dataSources"]["s3Logs"]["autoEnable"] = json!(true);
    assert_eq!(describe(&app, rest, ADMIN).await, (200, expected.clone()));
    // Another detector ID is not the administrator's.
    let path = "/detector/0123456789abcdef0123456789abcdef/admin";
    let answer = crate::support::org::call(&app, rest, "GET", path, ADMIN, Value::Null).await;
    assert_eq!(refused(answer), NOT_OWNED);
    // Bad bodies: named, and nothing changes.
    let before = table.snapshot().await;
    for (body, message) in [
        (
            json!({}),
            "autoEnableOrganizationMembers: required parameter is not specified",
        ),
        (
            json!({"autoEnable": true, "autoEnableOrganizationMembers": "NEW"}),
            "autoEnableOrganizationMembers: must not be given with autoEnable; give one of them",
        ),
        (
            json!({"autoEnableOrganizationMembers": "NEW", "features": [{"name": "RUNTIME_MONITORING", "autoEnable": "ALL"}, {"name": "EKS_RUNTIME_MONITORING", "autoEnable": "ALL"}]}),
            "features: must not name both EKS_RUNTIME_MONITORING and RUNTIME_MONITORING",
        ),
        (
            json!({"autoEnableOrganizationMembers": "NEW", "features": [{"name": "AI_ANALYST", "autoEnable": "ALL"}]}),
            "features[0].name: must be one of S3_DATA_EVENTS, EKS_AUDIT_LOGS, EBS_MALWARE_PROTECTION, RDS_LOGIN_EVENTS, LAMBDA_NETWORK_LOGS, EKS_RUNTIME_MONITORING, RUNTIME_MONITORING, AI_PROTECTION, not \"AI_ANALYST\"",
        ),
    ] {
        assert_eq!(
            refused(update(&app, http, ADMIN, body.clone()).await),
            message,
            "{body}"
        );
    }
    assert_eq!(table.snapshot().await, before, "nothing written");
    // A new administrator starts from NONE.
    disable(&app, rest, MANAGEMENT, ADMIN).await;
    enable(&app, rest, MANAGEMENT, ADMIN).await;
    assert_eq!(
        describe(&app, rest, ADMIN).await.1,
        described("NONE", json!([]))
    );
}
