//! The membership lifecycle end to end, as a user of aws-sdk-guardduty
//! does it: list the detector, accept, show, refuse a second
//! administrator, disassociate, then decline and delete. Both operation
//! names; the refusal texts users see are pinned here.

use aws_sdk_guardduty::operation::accept_administrator_invitation::AcceptAdministratorInvitationError;
use aws_sdk_guardduty::operation::get_master_account::GetMasterAccountError;

use guardduty_invitations::table;

use crate::support::watch::{Watch, guardduty};

#[tokio::test]
async fn a_member_accepts_shows_and_leaves_an_administrator() {
    let watch = Watch::shared();
    let table = watch.table().await;
    let (me, first, second) = ("400000000201", "500000000201", "500000000202");
    let first_id = table.invite(me, first).await;
    let invited_at = table::text(&table.item(me, first).await.unwrap(), table::INVITED_AT);
    let second_id = table.invite(me, second).await;
    let client = guardduty(watch, me);
    let detectors = client.list_detectors().send().await.expect("ListDetectors");
    let detector = detectors.detector_ids()[0].clone();

    client
        .accept_administrator_invitation()
        .detector_id(&detector)
        .administrator_id(first)
        .invitation_id(&first_id)
        .send()
        .await
        .expect("AcceptAdministratorInvitation");
    let shown = client
        .get_administrator_account()
        .detector_id(&detector)
        .send()
        .await
        .expect("GetAdministratorAccount");
    let administrator = shown.administrator().expect("an administrator");
    assert_eq!(administrator.account_id(), Some(first));
    assert_eq!(administrator.invitation_id(), Some(first_id.as_str()));
    assert_eq!(administrator.relationship_status(), Some("Enabled"));
    assert_eq!(administrator.invited_at(), Some(invited_at.as_str()));

    let refused = client
        .accept_administrator_invitation()
        .detector_id(&detector)
        .administrator_id(second)
        .invitation_id(&second_id)
        .send()
        .await
        .expect_err("a second administrator is refused")
        .into_service_error();
    let AcceptAdministratorInvitationError::BadRequestException(bad) = &refused else {
        panic!("{refused:?}");
    };
    assert_eq!(
        bad.message(),
        Some(
            "This account is already associated with the administrator account 500000000201; disassociate from it first."
        )
    );

    client
        .disassociate_from_administrator_account()
        .detector_id(&detector)
        .send()
        .await
        .expect("Disassociate");
    let shown = client
        .get_administrator_account()
        .detector_id(&detector)
        .send()
        .await
        .unwrap();
    // `{}`: the model marks `administrator` required, so the SDK fills in
    // an empty one.
    assert_eq!(shown.administrator().and_then(|a| a.account_id()), None);
    let declined = client
        .decline_invitations()
        .account_ids(first)
        .send()
        .await
        .unwrap();
    assert!(declined.unprocessed_accounts().is_empty());
    let deleted = client
        .delete_invitations()
        .account_ids(first)
        .send()
        .await
        .unwrap();
    assert!(deleted.unprocessed_accounts().is_empty());
    assert_eq!(table.status(me, first).await, None);
}

// The deprecated operations are the point of this test.
#[allow(deprecated)]
#[tokio::test]
async fn the_deprecated_names_work_the_same() {
    let watch = Watch::shared();
    let table = watch.table().await;
    let (me, master) = ("400000000202", "500000000203");
    let id = table.invite(me, master).await;
    let client = guardduty(watch, me);
    let detector = client.list_detectors().send().await.unwrap().detector_ids()[0].clone();

    client
        .accept_invitation()
        .detector_id(&detector)
        .master_id(master)
        .invitation_id(&id)
        .send()
        .await
        .expect("AcceptInvitation");
    let shown = client
        .get_master_account()
        .detector_id(&detector)
        .send()
        .await
        .expect("GetMasterAccount");
    assert_eq!(shown.master().and_then(|m| m.account_id()), Some(master));
    client
        .disassociate_from_master_account()
        .detector_id(&detector)
        .send()
        .await
        .expect("DisassociateFromMasterAccount");
    assert_eq!(table.status(me, master).await.as_deref(), Some("Removed"));

    let error = client
        .get_master_account()
        .detector_id("12abc34d567e8fa901bc2d34e56789f0")
        .send()
        .await
        .expect_err("another detector")
        .into_service_error();
    let GetMasterAccountError::BadRequestException(bad) = &error else {
        panic!("{error:?}");
    };
    assert_eq!(
        bad.message(),
        Some(
            "The request is rejected because the input detectorId is not owned by the current account."
        )
    );
}
