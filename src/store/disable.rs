//! Letting a delegated administrator go: the organization item moves to
//! `DISABLE_IN_PROGRESS` (which refuses every enrollment from then on),
//! its organization members are disassociated (their records kept as
//! `Removed`, their membership items gone; invited members stay), and then
//! the entry goes. What one request cannot finish in time, the next
//! Disable or the next sync does.

use std::time::Instant;

use super::expr::{Write, s, status_value, transact_check};
use super::members::pause;
use super::membership::{Ending, end_items};
use super::organization::{OrgResult, condition, organization_key, reset_config};
use super::transact::Transacted;
use super::{SERIAL_BUDGET, Store, StoreError, refusal, summary};
use crate::domain::organization::{AdminStatus, OrgRefusal};
use crate::domain::{AccountId, MemberAction, MemberStatus};
use crate::table;

/// Organization members ended per transaction: two items each, with the
/// check of the organization item and the summary's change, within
/// DynamoDB's 100.
pub(super) const PER_TRANSACTION: usize = 48;

/// How one transaction ending organization memberships went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Ended {
    Applied,
    /// A member changed meanwhile (it left on its own): nothing ended;
    /// read again.
    Refused,
    /// The organization item no longer names the administrator with the
    /// status the caller expected: another call finished first.
    Over,
}

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
        if !self.begin_disable(caller, admin).await? {
            // Another Disable finished first.
            return Ok(Err(OrgRefusal::AlreadyDisabled));
        }
        Ok(Ok(self.finish_disable(admin).await?))
    }

    /// Moves `admin`'s entry to `DISABLE_IN_PROGRESS`, which refuses every
    /// enrollment from then on; false when it is not the administrator or
    /// `management` no longer manages the organization.
    pub(super) async fn begin_disable(
        &self,
        management: &AccountId,
        admin: &AccountId,
    ) -> Result<bool, StoreError> {
        let leaving = condition(
            "#admin = :admin AND #management = :management",
            &[
                ("#admin", table::DELEGATED_ADMIN),
                ("#management", table::MANAGEMENT),
            ],
            &[
                (":admin", s(admin.as_str())),
                (":management", s(management.as_str())),
            ],
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
        for round in 0.. {
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
            // again on the next round, after a pause.
            let mut refused = false;
            for chunk in members.chunks(PER_TRANSACTION) {
                if started.elapsed() > SERIAL_BUDGET {
                    return Ok(Disabled::InProgress);
                }
                let leaving = AdminStatus::DisableInProgress;
                match self.end_organization_members(admin, leaving, chunk).await? {
                    Ended::Applied => {}
                    Ended::Refused => refused = true,
                    // Another Disable or sync let it go first (and the
                    // management account may have designated anew).
                    Ended::Over => return Ok(Disabled::Done),
                }
            }
            if refused {
                tokio::time::sleep(pause(round.min(4))).await;
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

    /// Ends the organization memberships of `members` (at most 48, with
    /// the status their records were read in) in one transaction: records
    /// `Removed`, membership items gone, on condition that the organization
    /// item still names `admin` with `status` (so that a late Disable
    /// cannot end what a new designation enrolled). A refused or cancelled
    /// one ends nothing.
    pub(super) async fn end_organization_members(
        &self,
        admin: &AccountId,
        status: AdminStatus,
        members: &[(AccountId, MemberStatus)],
    ) -> Result<Ended, StoreError> {
        let now = table::now();
        let still = condition(
            "#admin = :admin AND #adminStatus = :status",
            &[
                ("#admin", table::DELEGATED_ADMIN),
                ("#adminStatus", table::ADMIN_STATUS),
            ],
            &[
                (":admin", s(admin.as_str())),
                (":status", s(status.as_str())),
            ],
        );
        let mut items = vec![transact_check(still, &self.table, organization_key())];
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
        let ended = i64::try_from(members.len()).expect("at most 48");
        items.push(summary::change(&self.table, admin, 0, -ended));
        match self.transact(items).await {
            Ok(Transacted::Applied) => Ok(Ended::Applied),
            Ok(refused) if refused.failed(0).is_some() => Ok(Ended::Over),
            Ok(_) | Err(StoreError::Cancelled(_)) => Ok(Ended::Refused),
            Err(error) => Err(error),
        }
    }
}
