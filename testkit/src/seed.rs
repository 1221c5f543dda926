//! Seeding: runs of account IDs, one invitee's invitations from all of them
//! at once (the benchmark's partitions, written as another writer might),
//! and relationships made through the store, as the API makes them.

use guardduty_invitations::domain::detector::{NewDetector, Settings};
use guardduty_invitations::domain::{AccountId, DetectorId};
use guardduty_invitations::{inviter, table};

use crate::{TestTable, account};

/// `n` consecutive 12-digit account IDs, the first `first`.
pub fn accounts(first: u64, n: usize) -> Vec<AccountId> {
    (first..)
        .take(n)
        .map(|id| account(&format!("{id:012}")))
        .collect()
}

impl TestTable {
    /// An invitation to `invitee` from each of `inviters`, all in `status`.
    pub async fn put_all(&self, invitee: &AccountId, inviters: &[AccountId], status: &str) {
        for inviter in inviters {
            self.put(invitee.as_str(), inviter.as_str(), status).await;
        }
    }
}

/// The detector ID tests give `account`: stable (FNV-1a, 128 bits, of the
/// account ID), so that a test can name it before creating it.
pub fn detector_id(account: &str) -> String {
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013b;
    let hash = account.bytes().fold(OFFSET, |hash, byte| {
        (hash ^ u128::from(byte)).wrapping_mul(PRIME)
    });
    format!("{hash:032x}")
}

impl TestTable {
    /// `account`'s detector, created through the store as CreateDetector
    /// creates one (enabled, the defaults) with [`detector_id`] when the
    /// account has none. Its ID.
    pub async fn detector(&self, account_id: &str) -> String {
        let store = self.store();
        let owner = account(account_id);
        if let Some(detector) = store.detector(&owner).await.expect("read the detector") {
            return detector.id;
        }
        let id = DetectorId::parse(&detector_id(account_id)).expect("32 hex characters");
        let new = NewDetector {
            settings: Settings {
                enable: Some(true),
                ..Settings::default()
            },
            ..NewDetector::default()
        };
        store
            .create_detector(&owner, &id, &new)
            .await
            .expect("create the detector");
        id.as_str().to_owned()
    }

    /// `administrator` invites `member` as InviteMembers does, creating the
    /// member first: both views Invited. Both have detectors (the tests').
    /// Returns the invitation's ID.
    pub async fn invite(&self, member: &str, administrator: &str) -> String {
        self.detector(administrator).await;
        self.detector(member).await;
        let (member_id, administrator_id) = (account(member), account(administrator));
        inviter::invite(&self.store(), &administrator_id, &member_id)
            .await
            .unwrap_or_else(|e| panic!("{administrator} invites {member}: {e}"));
        self.invitation_id(member, administrator).await
    }

    /// An invitation, then the member's accept: both views Enabled.
    pub async fn associate(&self, member: &str, administrator: &str) -> String {
        let id = self.invite(member, administrator).await;
        inviter::accept(&self.store(), &account(member), &account(administrator))
            .await
            .unwrap_or_else(|e| panic!("{member} accepts {administrator}: {e}"));
        id
    }

    /// The ID of the invitation `administrator` sent `member`.
    pub async fn invitation_id(&self, member: &str, administrator: &str) -> String {
        let item = self
            .item(member, administrator)
            .await
            .expect("an invitation");
        table::text(&item, table::INVITATION_ID)
    }

    /// The status of `administrator`'s record of `member`, or `None`.
    pub async fn record_status(&self, administrator: &str, member: &str) -> Option<String> {
        let sort_key = format!("{}{member}", table::MEMBER_PREFIX);
        self.item(administrator, &sort_key)
            .await
            .as_ref()
            .map(table::status_of)
    }
}

impl TestTable {
    /// An invitation as [`TestTable::invite`] makes it, under the fixed ID
    /// `id` on both sides (the sample events' `inv-<admin>-<member>`).
    pub async fn invite_as(&self, member: &str, administrator: &str, id: &str) {
        self.invite(member, administrator).await;
        let sort_key = format!("{}{member}", table::MEMBER_PREFIX);
        for (owner, sort) in [(member, administrator), (administrator, sort_key.as_str())] {
            self.client
                .update_item()
                .table_name(&self.name)
                .key(table::INVITEE, s(owner))
                .key(table::INVITER, s(sort))
                .update_expression("SET #id = :id")
                .expression_attribute_names("#id", table::INVITATION_ID)
                .expression_attribute_values(":id", s(id))
                .send()
                .await
                .expect("the invitation ID set");
        }
    }
}

fn s(value: &str) -> aws_sdk_dynamodb::types::AttributeValue {
    aws_sdk_dynamodb::types::AttributeValue::S(value.to_owned())
}
