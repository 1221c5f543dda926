//! ListInvitations, GetInvitationsCount and ListDetectors end to end: the
//! real aws-sdk-guardduty client, its paginator included, through
//! `cargo lambda watch`.

use aws_sdk_guardduty::operation::list_invitations::ListInvitationsError;

use crate::support::watch::{Watch, guardduty};

#[tokio::test]
async fn the_sdk_paginator_lists_every_invitation_in_order() {
    let watch = Watch::shared();
    let table = watch.table().await;
    let me = "400000000101";
    let states = ["Invited", "Declined", "Enabled", "Removed"];
    let mut expected = Vec::new();
    for i in 0..60 {
        let inviter = format!("6{i:011}");
        table.put(me, &inviter, states[i % 4]).await;
        expected.push((
            inviter.clone(),
            states[i % 4].to_owned(),
            format!("inv-{inviter}-{me}"),
        ));
    }
    let client = guardduty(watch, me);
    let mut pages = client
        .list_invitations()
        .max_results(7)
        .into_paginator()
        .send();
    let mut listed = Vec::new();
    let mut page_count = 0;
    while let Some(page) = pages.next().await {
        let page = page.expect("ListInvitations succeeds");
        page_count += 1;
        assert!(page.invitations().len() <= 7);
        assert_eq!(
            page.next_token().is_some(),
            listed.len() + page.invitations().len() < 60
        );
        for invitation in page.invitations() {
            assert_eq!(invitation.invited_at(), Some("2026-01-01T00:00:00Z"));
            listed.push((
                invitation.account_id().unwrap().to_owned(),
                invitation.relationship_status().unwrap().to_owned(),
                invitation.invitation_id().unwrap().to_owned(),
            ));
        }
    }
    assert_eq!(listed, expected);
    assert_eq!(page_count, 9, "60 invitations in pages of 7");

    let count = client
        .get_invitations_count()
        .send()
        .await
        .expect("GetInvitationsCount succeeds");
    assert_eq!(
        count.invitations_count(),
        Some(45),
        "all but the 15 Enabled"
    );
}

#[tokio::test]
async fn the_sdk_sees_the_callers_detector_and_paging_errors() {
    let watch = Watch::shared();
    let me = "400000000102";
    let client = guardduty(watch, me);
    let detectors = client.list_detectors().send().await.expect("ListDetectors");
    assert_eq!(detectors.detector_ids(), [] as [String; 0], "none yet");
    let created = client
        .create_detector()
        .enable(true)
        .send()
        .await
        .expect("CreateDetector");
    let detectors = client.list_detectors().send().await.expect("ListDetectors");
    assert_eq!(
        detectors.detector_ids(),
        [created.detector_id().unwrap().to_owned()]
    );

    let error = client
        .list_invitations()
        .max_results(51)
        .send()
        .await
        .expect_err("51 is out of range")
        .into_service_error();
    let ListInvitationsError::BadRequestException(bad) = &error else {
        panic!("{error:?}");
    };
    assert_eq!(
        bad.message(),
        Some("maxResults: must be an integer from 1 to 50, not 51")
    );
    assert_eq!(bad.r#type(), Some("InvalidInputException"));

    let error = client
        .list_invitations()
        .next_token("forged")
        .send()
        .await
        .expect_err("a forged token is refused")
        .into_service_error();
    assert!(
        matches!(&error, ListInvitationsError::BadRequestException(e) if e.message() == Some("nextToken: is not a token this service issued")),
        "{error:?}"
    );
}
