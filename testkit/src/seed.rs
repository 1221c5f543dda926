//! Seeding a crowd: runs of account IDs, and one invitee's invitations from
//! all of them at once (the benchmark's partitions).

use guardduty_invitations::domain::AccountId;

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
