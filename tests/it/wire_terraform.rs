//! The call sequences of Terraform's `aws_guardduty_detector`,
//! `aws_guardduty_member` and `aws_guardduty_invite_accepter`, replayed
//! with aws-sdk-guardduty through `cargo lambda watch`: create, read,
//! update, and the destroy order (the member leaves, the administrator
//! deletes the member, both delete their detectors), with the checks
//! Terraform makes after destroying. Terraform sends the deprecated
//! `dataSources` and calls the deprecated names, as these tests do.
#![allow(deprecated)]

use std::collections::HashMap;

use aws_sdk_guardduty::Client;
use aws_sdk_guardduty::error::ProvideErrorMetadata;
use aws_sdk_guardduty::types::{
    AccountDetail, DataSourceConfigurations, DataSourceStatus, DetectorStatus,
    FindingPublishingFrequency, KubernetesAuditLogsConfiguration, KubernetesConfiguration,
    S3LogsConfiguration,
};

use crate::support::watch::{Watch, guardduty};

const NOT_OWNED: &str =
    "The request is rejected because the input detectorId is not owned by the current account.";

/// Terraform's test for "gone": a BadRequestException with this message.
fn is_not_owned<E: ProvideErrorMetadata>(error: &E) -> bool {
    error.code() == Some("BadRequestException") && error.message() == Some(NOT_OWNED)
}

/// `aws_guardduty_detector`'s Create: Enable always (the SDK fills the
/// clientToken), the rest as configured.
async fn create_detector(client: &Client, frequency: FindingPublishingFrequency) -> String {
    let sources = DataSourceConfigurations::builder()
        .s3_logs(S3LogsConfiguration::builder().enable(true).build())
        .kubernetes(
            KubernetesConfiguration::builder()
                .audit_logs(
                    KubernetesAuditLogsConfiguration::builder()
                        .enable(false)
                        .build(),
                )
                .build(),
        )
        .build();
    let created = client
        .create_detector()
        .enable(true)
        .finding_publishing_frequency(frequency)
        .data_sources(sources)
        .tags("Name", "tf-acc-test")
        .send()
        .await
        .expect("CreateDetector");
    created.detector_id().expect("a detector ID").to_owned()
}

#[tokio::test]
async fn terraform_aws_guardduty_detector() {
    let watch = Watch::shared();
    let client = guardduty(watch, "400000000401");
    // PreCheck: no detector yet.
    let listed = client.list_detectors().send().await.expect("ListDetectors");
    assert_eq!(listed.detector_ids(), [] as [String; 0]);

    let id = create_detector(&client, FindingPublishingFrequency::OneHour).await;
    let read = client
        .get_detector()
        .detector_id(&id)
        .send()
        .await
        .expect("GetDetector");
    assert_eq!(read.status(), Some(&DetectorStatus::Enabled));
    assert_eq!(
        read.finding_publishing_frequency(),
        Some(&FindingPublishingFrequency::OneHour)
    );
    let sources = read.data_sources().expect("dataSources");
    assert_eq!(
        sources.s3_logs().and_then(|s| s.status()),
        Some(&DataSourceStatus::Enabled)
    );
    let audit = sources
        .kubernetes()
        .and_then(|k| k.audit_logs())
        .and_then(|a| a.status());
    assert_eq!(audit, Some(&DataSourceStatus::Disabled));
    assert_eq!(
        read.tags(),
        Some(&HashMap::from([("Name".into(), "tf-acc-test".into())]))
    );
    assert!(
        read.service_role()
            .is_some_and(|r| r.ends_with("AWSServiceRoleForAmazonGuardDuty"))
    );

    // Update: Enable and the frequency always.
    client
        .update_detector()
        .detector_id(&id)
        .enable(false)
        .finding_publishing_frequency(FindingPublishingFrequency::FifteenMinutes)
        .send()
        .await
        .expect("UpdateDetector");
    let read = client.get_detector().detector_id(&id).send().await.unwrap();
    assert_eq!(read.status(), Some(&DetectorStatus::Disabled));
    assert_eq!(
        read.finding_publishing_frequency(),
        Some(&FindingPublishingFrequency::FifteenMinutes)
    );

    // The data source reads ListDetectors, then GetDetector.
    let listed = client.list_detectors().send().await.unwrap();
    assert_eq!(listed.detector_ids(), std::slice::from_ref(&id));

    client
        .delete_detector()
        .detector_id(&id)
        .send()
        .await
        .expect("DeleteDetector");
    // CheckDestroy.
    let gone = client
        .get_detector()
        .detector_id(&id)
        .send()
        .await
        .expect_err("gone");
    assert!(is_not_owned(&gone.into_service_error()));
    assert_eq!(
        client.list_detectors().send().await.unwrap().detector_ids(),
        [] as [String; 0]
    );
}

#[tokio::test]
async fn terraform_aws_guardduty_member_and_invite_accepter() {
    let watch = Watch::shared();
    let (admin_id, member_id) = ("400000000411", "400000000412");
    let (admin, member) = (guardduty(watch, admin_id), guardduty(watch, member_id));
    let admin_detector = create_detector(&admin, FindingPublishingFrequency::SixHours).await;
    let member_detector = create_detector(&member, FindingPublishingFrequency::SixHours).await;

    // aws_guardduty_member: CreateMembers, InviteMembers, then GetMembers
    // until the member is invited.
    let detail = AccountDetail::builder()
        .account_id(member_id)
        .email("required@example.com")
        .build();
    let created = admin
        .create_members()
        .detector_id(&admin_detector)
        .account_details(detail)
        .send()
        .await
        .unwrap();
    assert_eq!(created.unprocessed_accounts(), []);
    let invited = admin
        .invite_members()
        .detector_id(&admin_detector)
        .account_ids(member_id)
        .disable_email_notification(true)
        .message("")
        .send()
        .await
        .unwrap();
    assert_eq!(invited.unprocessed_accounts(), []);
    let read = admin
        .get_members()
        .detector_id(&admin_detector)
        .account_ids(member_id)
        .send()
        .await
        .unwrap();
    let status = read.members()[0].relationship_status();
    assert!(
        matches!(status, Some("Invited" | "Enabled" | "Disabled")),
        "{status:?}"
    );

    // aws_guardduty_invite_accepter: ListInvitations for the one from the
    // master account, AcceptInvitation, GetMasterAccount.
    let invitations = member.list_invitations().send().await.unwrap();
    let from_master: Vec<_> = invitations
        .invitations()
        .iter()
        .filter(|i| i.account_id() == Some(admin_id))
        .collect();
    assert_eq!(from_master.len(), 1);
    member
        .accept_invitation()
        .detector_id(&member_detector)
        .master_id(admin_id)
        .invitation_id(from_master[0].invitation_id().unwrap())
        .send()
        .await
        .expect("AcceptInvitation");
    let master = member
        .get_master_account()
        .detector_id(&member_detector)
        .send()
        .await
        .unwrap();
    assert_eq!(master.master().and_then(|m| m.account_id()), Some(admin_id));
    let read = admin
        .get_members()
        .detector_id(&admin_detector)
        .account_ids(member_id)
        .send()
        .await
        .unwrap();
    assert_eq!(read.members()[0].relationship_status(), Some("Enabled"));

    // Destroy: the accepter, the member, then both detectors at once.
    member
        .disassociate_from_master_account()
        .detector_id(&member_detector)
        .send()
        .await
        .expect("DisassociateFromMasterAccount");
    let deleted = admin
        .delete_members()
        .detector_id(&admin_detector)
        .account_ids(member_id)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.unprocessed_accounts(), []);
    let (a, m) = tokio::join!(
        admin.delete_detector().detector_id(&admin_detector).send(),
        member
            .delete_detector()
            .detector_id(&member_detector)
            .send()
    );
    a.expect("the administrator's DeleteDetector");
    m.expect("the member's DeleteDetector");

    // CheckDestroy of each resource.
    let master = member
        .get_master_account()
        .detector_id(&member_detector)
        .send()
        .await;
    assert!(is_not_owned(
        &master.expect_err("gone").into_service_error()
    ));
    let members = admin
        .get_members()
        .detector_id(&admin_detector)
        .account_ids(member_id)
        .send()
        .await;
    assert!(is_not_owned(
        &members.expect_err("gone").into_service_error()
    ));
    for (client, id) in [(&admin, &admin_detector), (&member, &member_detector)] {
        let detector = client.get_detector().detector_id(id).send().await;
        assert!(is_not_owned(
            &detector.expect_err("gone").into_service_error()
        ));
    }
}
