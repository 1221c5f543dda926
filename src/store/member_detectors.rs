//! The detectors of an administrator's associated members (either path):
//! GetMemberDetectors reads them, UpdateMemberDetectors changes their
//! settings. The records say which detector each member has; the
//! administrator's detector rides in the records' read.

use std::collections::HashMap;

use super::checks::{detector_key, member_of};
use super::detector::{self as detectors, Detector, settings_write};
use super::expr::transact_update;
use super::transact::Transacted;
use super::{Store, StoreError, fanout};
use crate::domain::detector::Settings;
use crate::domain::{AccountId, MemberStatus, Outcome, Reason};
use crate::table;

impl Store {
    /// The associated members among `members` with their detector IDs:
    /// one `BatchGetItem` of the records, with `admin`'s detector `detector`.
    async fn associated(
        &self,
        admin: &AccountId,
        detector: &str,
        members: &[AccountId],
    ) -> Result<HashMap<AccountId, String>, StoreError> {
        let found = self.records_read(admin, detector, members).await?;
        Ok(members
            .iter()
            .filter_map(|member| {
                let record = found.get(&table::record_sort_key(member))?;
                let status = MemberStatus::parse(&table::status_of(record))?;
                let id = table::text(record, table::DETECTOR_ID);
                (status.is_associated() && !id.is_empty()).then(|| (member.clone(), id))
            })
            .collect())
    }

    /// The detectors of `admin`'s associated members among `members`; the
    /// others are missing from the answer. Two `BatchGetItem`s.
    pub async fn member_detectors(
        &self,
        admin: &AccountId,
        detector: &str,
        members: &[AccountId],
    ) -> Result<HashMap<AccountId, Detector>, StoreError> {
        let associated = self.associated(admin, detector, members).await?;
        if associated.is_empty() {
            return Ok(HashMap::new());
        }
        let keys = associated.keys().map(detector_key).collect();
        let found = self.get_keyed(keys).await?;
        Ok(associated
            .into_iter()
            .filter_map(|(member, id)| {
                let item = found.get(&(member.to_string(), table::DETECTOR.to_owned()))?;
                let read = detectors::detector(item);
                (read.id == id).then_some((member, read))
            })
            .collect())
    }

    /// Applies `settings` to the detectors of `admin`'s associated members
    /// among `members`, all at once, one transaction each: the detector
    /// updated on condition of the ID its record names, with the check
    /// that the account is still `admin`'s member. The others are not
    /// associated members.
    pub async fn update_member_detectors(
        &self,
        admin: &AccountId,
        detector: &str,
        members: &[AccountId],
        settings: &Settings,
    ) -> Result<Vec<Result<Outcome, StoreError>>, StoreError> {
        let associated = self.associated(admin, detector, members).await?;
        let updates = members.iter().map(|member| {
            let (store, member, settings) = (self.clone(), member.clone(), settings.clone());
            let admin = admin.clone();
            let id = associated.get(&member).cloned();
            async move {
                let Some(id) = id else {
                    return Ok(Outcome::Unprocessed(Reason::NotMember));
                };
                let write = settings_write(&id, &settings, &table::now());
                let items = vec![
                    transact_update(write, &store.table, detector_key(&member)),
                    member_of(&store.table, &member, &admin),
                ];
                match store.transact(items).await? {
                    Transacted::Applied => Ok(Outcome::Processed),
                    // Its detector is no longer the one the record names,
                    // or it is no longer a member.
                    Transacted::Refused(_) => Ok(Outcome::Unprocessed(Reason::NotMember)),
                }
            }
        });
        Ok(fanout::concurrently(updates.collect()).await)
    }
}
