//! The organization path's clients, replayed with aws-sdk-guardduty through
//! `cargo lambda watch` over a table of its own (one organization a
//! table): Terraform's `aws_guardduty_organization_admin_account` (create
//! and its wait for ENABLED, read, destroy and its wait for the entry to
//! go, "already been disabled" as done), `_organization_configuration`,
//! `_organization_configuration_feature` (one feature a call, all kept) and
//! `aws_guardduty_member_detector_feature`; AWS's Security Reference
//! Architecture rollout and teardown, and Landing Zone Accelerator's
//! admin-account check; the sync enrolling an account that joins; tags
//! and statistics.
#![allow(deprecated)]

use aws_sdk_guardduty::Client;
use aws_sdk_guardduty::error::ProvideErrorMetadata;
use aws_sdk_guardduty::types::{
    AccountDetail, AdminStatus, AutoEnableMembers, FeatureStatus, MemberAdditionalConfiguration,
    MemberFeaturesConfiguration, OrgFeature, OrgFeatureAdditionalConfiguration, OrgFeatureStatus,
    OrganizationDataSourceConfigurations, OrganizationFeatureConfiguration,
    OrganizationS3LogsConfiguration,
};

use crate::support::TestTable;
use crate::support::invariants::assert_invariants;
use crate::support::org::{ADMIN, MANAGEMENT, active, snapshot, sync};
use crate::support::watch::{Watch, guardduty};

const MEMBERS: [&str; 3] = ["500000000201", "500000000202", "500000000203"];
const JOINER: &str = "500000000204";

/// Terraform's read: every page of ListOrganizationAdminAccounts, the
/// entries for `admin`.
async fn admin_entries(management: &Client, admin: &str) -> Vec<Option<AdminStatus>> {
    let entries: Vec<_> = management
        .list_organization_admin_accounts()
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .expect("ListOrganizationAdminAccounts");
    entries
        .into_iter()
        .filter(|entry| entry.admin_account_id() == Some(admin))
        .map(|entry| entry.admin_status().cloned())
        .collect()
}

/// Terraform's `_organization_configuration_feature` Put: Describe, then
/// Update with the auto-enable just read and this one feature.
async fn put_feature(admin: &Client, detector: &str, feature: OrgFeature) {
    let read = admin
        .describe_organization_configuration()
        .detector_id(detector)
        .send()
        .await
        .expect("DescribeOrganizationConfiguration");
    admin
        .update_organization_configuration()
        .detector_id(detector)
        .set_auto_enable_organization_members(read.auto_enable_organization_members().cloned())
        .features(
            OrganizationFeatureConfiguration::builder()
                .name(feature)
                .auto_enable(OrgFeatureStatus::All)
                .build(),
        )
        .send()
        .await
        .expect("UpdateOrganizationConfiguration");
}

#[tokio::test]
async fn terraform_sra_and_lza_run_the_organization_path() {
    let table = TestTable::new().await;
    let mut accounts: Vec<_> = MEMBERS.iter().map(|m| active(m)).collect();
    sync(&table, &snapshot(&accounts)).await;
    let name = table.name.clone();
    let watch = tokio::task::spawn_blocking(move || Watch::start(&name))
        .await
        .unwrap();
    let management = guardduty(&watch, MANAGEMENT);
    let admin = guardduty(&watch, ADMIN);

    // LZA's check, then Terraform's create and its wait for ENABLED.
    assert_eq!(admin_entries(&management, ADMIN).await, []);
    management
        .enable_organization_admin_account()
        .admin_account_id(ADMIN)
        .send()
        .await
        .expect("EnableOrganizationAdminAccount");
    assert_eq!(
        admin_entries(&management, ADMIN).await,
        [Some(AdminStatus::Enabled)]
    );
    // An IR tool's rerun tolerates the "already enabled" text.
    let again = management
        .enable_organization_admin_account()
        .admin_account_id(ADMIN)
        .send()
        .await
        .expect_err("already enabled");
    assert!(again.message().unwrap().contains(
        "the account is already enabled as the GuardDuty delegated administrator for the organization"
    ));

    // SRA: the delegated administrator's detector appears.
    let detectors = admin.list_detectors().send().await.expect("ListDetectors");
    let detector = detectors.detector_ids()[0].clone();

    // Terraform's organization_configuration, then three features.
    admin
        .update_organization_configuration()
        .detector_id(&detector)
        .auto_enable_organization_members(AutoEnableMembers::All)
        .data_sources(
            OrganizationDataSourceConfigurations::builder()
                .s3_logs(
                    OrganizationS3LogsConfiguration::builder()
                        .auto_enable(true)
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .expect("UpdateOrganizationConfiguration");
    for feature in [
        OrgFeature::EbsMalwareProtection,
        OrgFeature::LambdaNetworkLogs,
        OrgFeature::S3DataEvents,
    ] {
        put_feature(&admin, &detector, feature).await;
    }
    let read = admin
        .describe_organization_configuration()
        .detector_id(&detector)
        .send()
        .await
        .expect("DescribeOrganizationConfiguration");
    assert_eq!(read.auto_enable(), Some(true));
    assert_eq!(
        read.auto_enable_organization_members(),
        Some(&AutoEnableMembers::All)
    );
    assert_eq!(read.member_account_limit_reached(), Some(false));
    let s3 = read.data_sources().and_then(|d| d.s3_logs());
    assert_eq!(s3.and_then(|s| s.auto_enable()), Some(true));
    let names: Vec<_> = read.features().iter().filter_map(|f| f.name()).collect();
    assert_eq!(
        names,
        [
            &OrgFeature::EbsMalwareProtection,
            &OrgFeature::LambdaNetworkLogs,
            &OrgFeature::S3DataEvents
        ]
    );

    // SRA: CreateMembers of every active account but the administrator
    // (the management account included), then ListMembers until all show.
    let mut details: Vec<AccountDetail> = MEMBERS
        .iter()
        .map(|m| {
            AccountDetail::builder()
                .account_id(*m)
                .email(format!("owner-{m}@example.com"))
                .build()
        })
        .collect();
    details.push(
        AccountDetail::builder()
            .account_id(MANAGEMENT)
            .email("management@example.com")
            .build(),
    );
    let created = admin
        .create_members()
        .detector_id(&detector)
        .set_account_details(Some(details))
        .send()
        .await
        .expect("CreateMembers");
    let unprocessed: Vec<_> = created
        .unprocessed_accounts()
        .iter()
        .map(|u| (u.account_id().unwrap(), u.result().unwrap()))
        .collect();
    assert_eq!(
        unprocessed,
        [(
            MANAGEMENT,
            "Operation failed because your organization master must first enable GuardDuty to be added as a member"
        )]
    );
    let listed = admin
        .list_members()
        .detector_id(&detector)
        .send()
        .await
        .expect("ListMembers");
    let enabled: Vec<_> = listed
        .members()
        .iter()
        .map(|m| (m.account_id().unwrap(), m.relationship_status().unwrap()))
        .collect();
    assert_eq!(
        enabled,
        MEMBERS.map(|m| (m, "Enabled")).to_vec(),
        "every organization account Enabled at once"
    );

    // aws_guardduty_member_detector_feature: one account, one feature.
    let feature = MemberFeaturesConfiguration::builder()
        .name(OrgFeature::RuntimeMonitoring)
        .status(FeatureStatus::Enabled)
        .additional_configuration(
            MemberAdditionalConfiguration::builder()
                .name(OrgFeatureAdditionalConfiguration::EksAddonManagement)
                .status(FeatureStatus::Enabled)
                .build(),
        )
        .build();
    let updated = admin
        .update_member_detectors()
        .detector_id(&detector)
        .account_ids(MEMBERS[0])
        .features(feature)
        .send()
        .await
        .expect("UpdateMemberDetectors");
    assert!(updated.unprocessed_accounts().is_empty());
    let read = admin
        .get_member_detectors()
        .detector_id(&detector)
        .account_ids(MEMBERS[0])
        .send()
        .await
        .expect("GetMemberDetectors");
    assert!(read.unprocessed_accounts().is_empty());
    let features = read.member_data_source_configurations()[0].features();
    let runtime = features
        .iter()
        .find(|f| f.name() == Some(&OrgFeature::RuntimeMonitoring))
        .expect("the feature");
    assert_eq!(runtime.status(), Some(&FeatureStatus::Enabled));
    assert_eq!(runtime.additional_configuration().len(), 1);

    // An account joins the organization: the sync enrolls it under ALL,
    // and it sees its administrator.
    accounts.push(active(JOINER));
    let synced = sync(&table, &snapshot(&accounts)).await;
    assert_eq!(synced.enrolled, 1, "{synced:?}");
    let joiner = guardduty(&watch, JOINER);
    let own = joiner.list_detectors().send().await.unwrap().detector_ids()[0].clone();
    let shown = joiner
        .get_administrator_account()
        .detector_id(&own)
        .send()
        .await
        .expect("GetAdministratorAccount");
    let administrator = shown.administrator().expect("an administrator");
    assert_eq!(administrator.account_id(), Some(ADMIN));
    assert_eq!(administrator.relationship_status(), Some("Enabled"));
    let invitations = joiner.list_invitations().send().await.unwrap();
    assert!(invitations.invitations().is_empty());

    // Tags on the administrator's detector, and the statistics.
    let arn = format!("arn:aws:guardduty:us-east-1:{ADMIN}:detector/{detector}");
    admin
        .tag_resource()
        .resource_arn(&arn)
        .tags("team", "security")
        .send()
        .await
        .expect("TagResource");
    let tags = admin
        .list_tags_for_resource()
        .resource_arn(&arn)
        .send()
        .await
        .expect("ListTagsForResource");
    assert_eq!(
        tags.tags().and_then(|t| t.get("team")).map(String::as_str),
        Some("security")
    );
    admin
        .untag_resource()
        .resource_arn(&arn)
        .tag_keys("team")
        .send()
        .await
        .expect("UntagResource");
    let statistics = admin
        .get_organization_statistics()
        .send()
        .await
        .expect("GetOrganizationStatistics");
    let counted = statistics
        .organization_details()
        .and_then(|d| d.organization_statistics())
        .expect("statistics");
    assert_eq!(counted.total_accounts_count(), Some(6));
    assert_eq!(counted.member_accounts_count(), Some(4));
    assert_invariants(&table).await;

    // SRA's and LZA's teardown: NONE, then every member disassociated and
    // deleted, the detector deleted.
    admin
        .update_organization_configuration()
        .detector_id(&detector)
        .auto_enable_organization_members(AutoEnableMembers::None)
        .send()
        .await
        .expect("UpdateOrganizationConfiguration");
    let all = admin
        .list_members()
        .detector_id(&detector)
        .only_associated("false")
        .max_results(20)
        .send()
        .await
        .expect("ListMembers");
    let ids: Vec<String> = all
        .members()
        .iter()
        .map(|m| m.account_id().unwrap().to_owned())
        .collect();
    for operation in ["disassociate", "delete"] {
        let unprocessed = match operation {
            "disassociate" => admin
                .disassociate_members()
                .detector_id(&detector)
                .set_account_ids(Some(ids.clone()))
                .send()
                .await
                .expect("DisassociateMembers")
                .unprocessed_accounts()
                .len(),
            _ => admin
                .delete_members()
                .detector_id(&detector)
                .set_account_ids(Some(ids.clone()))
                .send()
                .await
                .expect("DeleteMembers")
                .unprocessed_accounts()
                .len(),
        };
        assert_eq!(unprocessed, 0, "{operation}");
    }
    // Terraform's destroy: disable, wait for the entry to go; a second
    // disable's text counts as done.
    management
        .disable_organization_admin_account()
        .admin_account_id(ADMIN)
        .send()
        .await
        .expect("DisableOrganizationAdminAccount");
    assert_eq!(admin_entries(&management, ADMIN).await, []);
    let again = management
        .disable_organization_admin_account()
        .admin_account_id(ADMIN)
        .send()
        .await
        .expect_err("already disabled");
    assert_eq!(again.code(), Some("BadRequestException"));
    assert_eq!(
        again.message(),
        Some(
            "The request failed because the delegated administrator account has already been disabled and/or GuardDuty protection has been disabled."
        )
    );
    admin
        .delete_detector()
        .detector_id(&detector)
        .send()
        .await
        .expect("DeleteDetector");
    assert_invariants(&table).await;
}
