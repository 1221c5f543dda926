//! Seeding: runs of account IDs, one invitee's invitations from all of them
//! at once (the benchmark's partitions, written as another writer might),
//! and relationships made through the store, as the API makes them.

use guardduty_invitations::domain::AccountId;
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

impl TestTable {
    /// `administrator` invites `member` as InviteMembers does, creating the
    /// member first: both views Invited. Returns the invitation's ID.
    pub async fn invite(&self, member: &str, administrator: &str) -> String {
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
