//! The `ALL` locks: while the delegated administrator enrolls every
//! account of the organization (auto-enable `ALL`), it may not
//! disassociate, delete or stop monitoring an account that is still in the
//! organization, and an organization member may not leave it on its own.
//! The organization item rides in the read the operation makes anyway;
//! the mirror's account items are read only under `ALL`.

use std::collections::{HashMap, HashSet};

use super::expr::Item;
use super::organization::{organization, organization_key};
use super::records::record_keys;
use super::{Store, StoreError};
use crate::domain::AccountId;
use crate::domain::organization::{AutoEnable, Organization};
use crate::table;

/// Whether `org` is the organization `admin` administers under `ALL`.
fn locks(org: Option<&Organization>, admin: &AccountId) -> bool {
    org.is_some_and(|org| org.is_admin(admin) && org.config.auto_enable == AutoEnable::All)
}

impl Store {
    /// `admin`'s records of `members` with its detector `detector` (one
    /// `BatchGetItem`, the organization item with them), and those of
    /// `members` the `ALL` lock holds.
    pub(super) async fn records_locked(
        &self,
        admin: &AccountId,
        detector: &str,
        members: &[AccountId],
    ) -> Result<(HashMap<String, Item>, HashSet<AccountId>), StoreError> {
        let mut keys = record_keys(admin, members);
        keys.push(organization_key());
        let found = self.read_with_detector(admin, detector, keys).await?;
        let org = found.get(table::ORGANIZATION).and_then(organization);
        if !locks(org.as_ref(), admin) {
            return Ok((found, HashSet::new()));
        }
        let keys = members
            .iter()
            .map(|m| HashMap::from(table::org_account_key(m)))
            .collect();
        let in_organization = self.get_many(keys).await?;
        let locked = members
            .iter()
            .filter(|m| in_organization.contains_key(&table::org_account_sort_key(m)))
            .cloned()
            .collect();
        Ok((found, locked))
    }

    /// Whether the `ALL` lock keeps `member`, an organization member of
    /// `admin`, from leaving on its own (one `BatchGetItem`).
    pub(super) async fn leave_locked(
        &self,
        member: &AccountId,
        admin: &AccountId,
    ) -> Result<bool, StoreError> {
        let keys = vec![
            organization_key(),
            HashMap::from(table::org_account_key(member)),
        ];
        let found = self.get_many(keys).await?;
        let org = found.get(table::ORGANIZATION).and_then(organization);
        Ok(locks(org.as_ref(), admin) && found.contains_key(&table::org_account_sort_key(member)))
    }
}
