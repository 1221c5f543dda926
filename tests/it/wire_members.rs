//! The whole onboarding end to end, as an administrator's and a member's
//! aws-sdk-guardduty clients do it through `cargo lambda watch`: create,
//! invite, the member lists and accepts, the administrator sees Enabled,
//! stop and start, disassociate, delete. The texts users see are pinned
//! here, and the SDK's paginator walks ListMembers.

use aws_sdk_guardduty::types::{AccountDetail, Member, UnprocessedAccount};

use crate::support::calls::detector;
use crate::support::watch::{Watch, guardduty};

fn results(accounts: &[UnprocessedAccount]) -> Vec<(&str, &str)> {
    accounts
        .iter()
        .map(|a| (a.account_id().unwrap(), a.result().unwrap()))
        .collect()
}

fn status(members: &[Member]) -> Vec<(&str, &str)> {
    members
        .iter()
        .map(|m| (m.account_id().unwrap(), m.relationship_status().unwrap()))
        .collect()
}

// Terraform still calls the deprecated names.
#[allow(deprecated)]
#[tokio::test]
async fn an_administrator_onboards_a_member_and_offboards_it() {
    let watch = Watch::shared();
    let (admin_id, member_id) = ("400000000301", "400000000302");
    let table = watch.table().await;
    table.detector(admin_id).await;
    table.detector(member_id).await;
    let (admin, member) = (guardduty(watch, admin_id), guardduty(watch, member_id));
    let (admin_detector, member_detector) = (detector(admin_id), detector(member_id));
    let detail = |account: &str| {
        AccountDetail::builder()
            .account_id(account)
            .email(format!("security+{account}@example.com"))
            .build()
    };

    let created = admin
        .create_members()
        .detector_id(&admin_detector)
        .account_details(detail(member_id))
        .account_details(detail(admin_id))
        .send()
        .await
        .expect("CreateMembers");
    assert_eq!(
        results(created.unprocessed_accounts()),
        [(
            admin_id,
            "The request is rejected because an account cannot become a member of itself."
        )]
    );
    // As Terraform's aws_guardduty_member sends it: always both options.
    let invited = admin
        .invite_members()
        .detector_id(&admin_detector)
        .account_ids(member_id)
        .account_ids("400000000399")
        .disable_email_notification(true)
        .message("")
        .send()
        .await
        .expect("InviteMembers");
    assert_eq!(
        results(invited.unprocessed_accounts()),
        [(
            "400000000399",
            "The request is rejected because member account's email address is missing."
        )]
    );
    let got = admin
        .get_members()
        .detector_id(&admin_detector)
        .account_ids(member_id)
        .send()
        .await
        .expect("GetMembers");
    let record = &got.members()[0];
    assert_eq!(
        record.relationship_status(),
        Some("Invited"),
        "right after the invite"
    );
    assert_eq!(
        record.email(),
        Some(format!("security+{member_id}@example.com").as_str())
    );
    assert_eq!(record.master_id(), Some(admin_id));
    assert_eq!(record.administrator_id(), Some(admin_id));
    assert_eq!(record.detector_id(), None, "not accepted yet");
    let invited_at = record
        .invited_at()
        .expect("invitedAt once invited")
        .to_owned();

    // The member finds the invitation and accepts it, as Terraform's
    // aws_guardduty_invite_accepter does (the deprecated name).
    let invitations = member
        .list_invitations()
        .send()
        .await
        .expect("ListInvitations");
    let invitation = &invitations.invitations()[0];
    assert_eq!(invitation.account_id(), Some(admin_id));
    assert_eq!(invitation.invited_at(), Some(invited_at.as_str()));
    member
        .accept_invitation()
        .detector_id(&member_detector)
        .master_id(admin_id)
        .invitation_id(invitation.invitation_id().unwrap())
        .send()
        .await
        .expect("AcceptInvitation");
    let listed = admin
        .list_members()
        .detector_id(&admin_detector)
        .send()
        .await
        .expect("ListMembers");
    assert_eq!(status(listed.members()), [(member_id, "Enabled")]);
    assert_eq!(
        listed.members()[0].detector_id(),
        Some(member_detector.as_str())
    );
    let master = member
        .get_master_account()
        .detector_id(&member_detector)
        .send()
        .await
        .expect("GetMasterAccount");
    assert_eq!(master.master().and_then(|m| m.account_id()), Some(admin_id));
    let again = admin
        .invite_members()
        .detector_id(&admin_detector)
        .account_ids(member_id)
        .send()
        .await
        .expect("InviteMembers");
    assert_eq!(
        results(again.unprocessed_accounts()),
        [(
            member_id,
            "The request is rejected because the current account has already invited or is already the GuardDuty master of the given member account ID."
        )]
    );
    let refused = admin
        .delete_members()
        .detector_id(&admin_detector)
        .account_ids(member_id)
        .send()
        .await
        .expect("DeleteMembers");
    assert_eq!(
        results(refused.unprocessed_accounts()),
        [(
            member_id,
            "The request is rejected because the current account cannot delete the given member account ID since it is still associated to it."
        )]
    );

    // Stop and start monitoring: the member still sees Enabled.
    for (stop, expected) in [(true, "Disabled"), (false, "Enabled")] {
        let unprocessed = if stop {
            let out = admin
                .stop_monitoring_members()
                .detector_id(&admin_detector)
                .account_ids(member_id)
                .send()
                .await;
            out.expect("StopMonitoringMembers")
                .unprocessed_accounts()
                .to_vec()
        } else {
            let out = admin
                .start_monitoring_members()
                .detector_id(&admin_detector)
                .account_ids(member_id)
                .send()
                .await;
            out.expect("StartMonitoringMembers")
                .unprocessed_accounts()
                .to_vec()
        };
        assert_eq!(unprocessed, []);
        let got = admin
            .get_members()
            .detector_id(&admin_detector)
            .account_ids(member_id)
            .send()
            .await
            .unwrap();
        assert_eq!(status(got.members()), [(member_id, expected)]);
        let seen = member.list_invitations().send().await.unwrap();
        assert_eq!(seen.invitations()[0].relationship_status(), Some("Enabled"));
    }

    // Disassociate, then delete: both views follow.
    let removed = admin
        .disassociate_members()
        .detector_id(&admin_detector)
        .account_ids(member_id)
        .send()
        .await
        .expect("DisassociateMembers");
    assert_eq!(removed.unprocessed_accounts(), []);
    let all = admin
        .list_members()
        .detector_id(&admin_detector)
        .only_associated("false")
        .send()
        .await
        .unwrap();
    assert_eq!(status(all.members()), [(member_id, "Removed")]);
    let associated = admin
        .list_members()
        .detector_id(&admin_detector)
        .send()
        .await
        .unwrap();
    assert_eq!(
        associated.members(),
        [],
        "onlyAssociated is true by default"
    );
    let seen = member.list_invitations().send().await.unwrap();
    assert_eq!(seen.invitations()[0].relationship_status(), Some("Removed"));
    let master = member
        .get_master_account()
        .detector_id(&member_detector)
        .send()
        .await
        .unwrap();
    assert_eq!(master.master().and_then(|m| m.account_id()), None);
    let deleted = admin
        .delete_members()
        .detector_id(&admin_detector)
        .account_ids(member_id)
        .send()
        .await
        .expect("DeleteMembers");
    assert_eq!(deleted.unprocessed_accounts(), []);
    let got = admin
        .get_members()
        .detector_id(&admin_detector)
        .account_ids(member_id)
        .send()
        .await
        .unwrap();
    assert_eq!(got.members(), []);
    assert_eq!(
        results(got.unprocessed_accounts()),
        [(
            member_id,
            "The request is rejected because the given account ID is not an associated member of account the current account."
        )]
    );
    let seen = member.list_invitations().send().await.unwrap();
    assert_eq!(seen.invitations(), [], "the invitation was withdrawn");
}

#[tokio::test]
async fn the_sdk_paginator_walks_list_members() {
    let watch = Watch::shared();
    let admin_id = "400000000311";
    watch.table().await.detector(admin_id).await;
    let admin = guardduty(watch, admin_id);
    let members: Vec<String> = (0..120).map(|i| format!("4100000{i:05}")).collect();
    for chunk in members.chunks(50) {
        let mut create = admin.create_members().detector_id(detector(admin_id));
        for member in chunk {
            create = create.account_details(
                AccountDetail::builder()
                    .account_id(member)
                    .email("m@example.com")
                    .build(),
            );
        }
        assert_eq!(create.send().await.unwrap().unprocessed_accounts(), []);
    }
    let pages: Vec<_> = admin
        .list_members()
        .detector_id(detector(admin_id))
        .only_associated("FALSE")
        .max_results(50)
        .into_paginator()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .expect("every page");
    assert_eq!(
        pages.iter().map(|p| p.members().len()).collect::<Vec<_>>(),
        [50, 50, 20]
    );
    let listed: Vec<&str> = pages
        .iter()
        .flat_map(|p| p.members())
        .map(|m| m.account_id().unwrap())
        .collect();
    assert_eq!(listed, members);
    let error = admin
        .list_members()
        .detector_id(detector(admin_id))
        .only_associated("maybe")
        .send()
        .await
        .expect_err("a bad onlyAssociated")
        .into_service_error();
    assert!(error.is_bad_request_exception(), "{error:?}");
    assert_eq!(
        error.meta().message(),
        Some("onlyAssociated: must be true or false")
    );
}
