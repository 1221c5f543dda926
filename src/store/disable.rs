//! Letting a delegated administrator go: the organization item moves to
//! `DISABLE_IN_PROGRESS` (which refuses every enrollment from then on),
//! its organization members are disassociated (their records kept as
//! `Removed`, their membership items gone; invited members stay), and then
//! the entry goes. What one request cannot finish in time, the next
//! Disable or the next sync does.

use std::time::Instant;

use aws_sdk_dynamodb::types::TransactWriteItem;

use super::expr::{Write, s, status_value};
use super::membership::{Ending, end_items};
use super::organization::{OrgResult, condition, organization_key, reset_config};
use super::transact::Transacted;
use super::{SERIAL_BUDGET, Store, StoreError, refusal, summary};
use crate::domain::organization::{AdminStatus, OrgRefusal};
use crate::domain::{AccountId, MemberAction, MemberStatus};
use crate::table;

/// Organization members ended per transaction: two items each, with the
/// summary's change, within DynamoDB's 100.
pub(super) const PER_TRANSACTION: usize = 49;

/// How far a Disable got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Disabled {
    /// The entry is gone.
    Done,
    /// Still `DISABLE_IN_PROGRESS`: out of time; the next call or sync goes on.
    InProgress,
}

impl Store {
    /// DisableOrganizationAdminAccount by the management account `caller`.
    pub async fn disable_admin(
        &self,
        caller: &AccountId,
        admin: &AccountId,
    ) -> OrgResult<Disabled> {
        let org = match self.organization().await? {
            Some(org) if org.management == *caller => org,
            _ => return Ok(Err(OrgRefusal::NotManagement)),
        };
        match &org.admin {
            Some((current, _)) if current == admin => {}
            _ => return Ok(Err(OrgRefusal::AlreadyDisabled)),
        }
        if !self.begin_disable(admin).await? {
            // Another Disable finished first.
            return Ok(Err(OrgRefusal::AlreadyDisabled));
        }
        Ok(Ok(self.finish_disable(admin).await?))
    }

    /// Moves `admin`'s entry to `DISABLE_IN_PROGRESS`, which refuses every
    /// enrollment from then on; false when it is not the administrator.
    pub(super) async fn begin_disable(&self, admin: &AccountId) -> Result<bool, StoreError> {
        let leaving = condition(
            "#admin = :admin",
            &[("#admin", table::DELEGATED_ADMIN)],
            &[(":admin", s(admin.as_str()))],
        )
        .set(
            table::ADMIN_STATUS,
            s(AdminStatus::DisableInProgress.as_str()),
        );
        let written = leaving
            .update_item(&self.client, &self.table, organization_key())
            .send()
            .await;
        match written {
            Ok(_) => Ok(true),
            Err(error) => refusal(error).map(|_| false),
        }
    }

    /// Ends `admin`'s organization memberships, then its entry, within
    /// the request's budget.
    pub async fn finish_disable(&self, admin: &AccountId) -> Result<Disabled, StoreError> {
        let started = Instant::now();
        loop {
            let members: Vec<(AccountId, MemberStatus)> = self
                .member_statuses(admin)
                .await?
                .into_iter()
                .filter(|(_, (status, organization))| *organization && status.is_associated())
                .map(|(member, (status, _))| (member, status))
                .collect();
            if members.is_empty() {
                break;
            }
            // Refused chunks (a member left on its own meanwhile) are read
            // again on the next round.
            for chunk in members.chunks(PER_TRANSACTION) {
                if started.elapsed() > SERIAL_BUDGET {
                    return Ok(Disabled::InProgress);
                }
                self.end_organization_members(admin, chunk).await?;
            }
        }
        let org = self.organization().await?;
        let gone = condition(
            "#admin = :admin AND #adminStatus = :leaving",
            &[
                ("#admin", table::DELEGATED_ADMIN),
                ("#adminStatus", table::ADMIN_STATUS),
            ],
            &[
                (":admin", s(admin.as_str())),
                (":leaving", s(AdminStatus::DisableInProgress.as_str())),
            ],
        );
        let gone = reset_config(gone, org.as_ref())
            .remove(table::DELEGATED_ADMIN)
            .remove(table::ADMIN_STATUS);
        let written = gone
            .update_item(&self.client, &self.table, organization_key())
            .send()
            .await;
        // Refused: a concurrent call removed it first.
        written.map(drop).or_else(|e| refusal(e).map(drop))?;
        Ok(Disabled::Done)
    }

    /// Ends the organization memberships of `members` (at most 49, with
    /// the status their records were read in) in one transaction: records
    /// `Removed`, membership items gone. A refused or cancelled one (a
    /// member left on its own meanwhile) ends nothing; the caller reads again.
    pub(super) async fn end_organization_members(
        &self,
        admin: &AccountId,
        members: &[(AccountId, MemberStatus)],
    ) -> Result<(), StoreError> {
        let now = table::now();
        let mut items: Vec<TransactWriteItem> = Vec::new();
        for (member, from) in members {
            let record = Write::of(MemberAction::Disassociate.transition(), &now)
                .also_if(table::STATUS, status_value(*from));
            let ending = Ending {
                member,
                administrator: admin,
                organization: true,
            };
            let mut ending = end_items(&self.table, &ending, record, &now);
            ending.pop(); // The summary's change, made once for all.
            items.extend(ending);
        }
        let ended = i64::try_from(members.len()).expect("at most 49");
        items.push(summary::change(&self.table, admin, 0, -ended));
        match self.transact(items).await {
            Ok(Transacted::Applied | Transacted::Refused(_)) | Err(StoreError::Cancelled(_)) => {
                Ok(())
            }
            Err(error) => Err(error),
        }
    }
}
