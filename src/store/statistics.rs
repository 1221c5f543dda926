//! GetOrganizationStatistics, for the enabled delegated administrator:
//! counts over the mirror, the administrator's records of the
//! organization's accounts, and their detectors' features.

use std::collections::{BTreeMap, HashMap};

use super::checks::detector_key;
use super::detector as detectors;
use super::organization::{OrgResult, org_account};
use super::transact::MAX_BATCH_KEYS;
use super::{Store, fanout};
use crate::domain::organization::OrgRefusal;
use crate::domain::{AccountId, MemberStatus};

/// The organization's statistics as GuardDuty names them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Statistics {
    /// The organization's accounts in the mirror.
    pub total: usize,
    /// The administrator's associated members from the organization.
    pub members: usize,
    /// Of those, the ones whose account is active (not suspended).
    pub active: usize,
    /// Of those, the ones `Enabled` (monitored).
    pub enabled: usize,
    /// Per feature, how many `Enabled` members have it on, with its
    /// additional configurations likewise.
    pub by_feature: BTreeMap<String, (usize, BTreeMap<String, usize>)>,
}

impl Store {
    pub async fn org_statistics(&self, caller: &AccountId) -> OrgResult<Statistics> {
        match self.organization().await? {
            Some(org) if org.is_admin(caller) => {}
            _ => return Ok(Err(OrgRefusal::NotOrgAdmin)),
        }
        let (accounts, records) =
            tokio::join!(self.org_account_items(), self.member_statuses(caller));
        let accounts: HashMap<AccountId, bool> = accounts?
            .iter()
            .filter_map(org_account)
            .map(|a| (a.id.clone(), a.is_active()))
            .collect();
        let mut statistics = Statistics {
            total: accounts.len(),
            ..Statistics::default()
        };
        let mut enabled = Vec::new();
        for (member, (status, _)) in records? {
            let Some(active) = accounts.get(&member) else {
                continue;
            };
            if status.is_associated() {
                statistics.members += 1;
                statistics.active += usize::from(*active);
            }
            if status == MemberStatus::Enabled {
                enabled.push(member);
            }
        }
        statistics.enabled = enabled.len();
        let reads = enabled.chunks(MAX_BATCH_KEYS).map(|chunk| {
            let (store, keys) = (self.clone(), chunk.iter().map(detector_key).collect());
            async move { store.get_keyed(keys).await }
        });
        for found in fanout::concurrently(reads.collect()).await {
            for item in found?.values() {
                for feature in detectors::detector(item).features {
                    let counted = statistics.by_feature.entry(feature.name).or_default();
                    counted.0 += usize::from(feature.enabled);
                    for (name, on, _) in feature.additional {
                        *counted.1.entry(name).or_default() += usize::from(on);
                    }
                }
            }
        }
        Ok(Ok(statistics))
    }
}
