//! The sync's side of the table: the organization as AWS Organizations
//! lists it, written into the mirror (only what changed), and auto-enable
//! applied through the same enrollment as CreateMembers. Accounts new to
//! the mirror carry the time the mirror first saw them (`mirroredAt`); the
//! organization item, the time the sync last finished with new accounts
//! (`enrolledThrough`), so a sync cut short is finished by the next one.

use std::collections::{HashMap, HashSet};

use aws_sdk_dynamodb::types::{DeleteRequest, PutRequest, WriteRequest};

use super::disable::{Disabled, Ended, PER_TRANSACTION};
use super::enroll::Enrolled;
use super::expr::{Item, s};
use super::organization::{condition, org_account, organization_key};
use super::records::{members_query, record};
use super::{Store, StoreError, classify, refusal};
use crate::domain::organization::{AdminStatus, AutoEnable, OrgAccount, Organization};
use crate::domain::{AccountId, MemberStatus, Outcome, Reason};
use crate::table;

/// BatchWriteItem takes at most this many writes.
const BATCH_WRITES: usize = 25;
/// Accounts enrolled per call of `enroll`, as CreateMembers takes them.
const ENROLL_BATCH: usize = 50;

/// The organization as AWS Organizations describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    pub id: String,
    pub management: AccountId,
    pub accounts: Vec<OrgAccount>,
}

/// What a sync did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Synced {
    /// Account items put (new or changed) and deleted (gone).
    pub accounts_put: usize,
    pub accounts_deleted: usize,
    /// Whether the organization item was written.
    pub organization_written: bool,
    /// Accounts auto-enable enrolled, and those it left with a reason.
    pub enrolled: usize,
    pub refused: Vec<(AccountId, String)>,
    /// Accounts left for the next sync (throttled, out of time).
    pub unfinished: usize,
    /// A Disable the sync went on with and left, out of time, for the next.
    pub disable_unfinished: bool,
}

impl Store {
    /// Mirrors `snapshot`, finishes a Disable in progress, and applies
    /// auto-enable. Writes nothing when nothing changed and no account is
    /// waiting for auto-enable.
    pub async fn sync(&self, snapshot: &Snapshot) -> Result<Synced, StoreError> {
        let now = table::now();
        let (org, items) = tokio::join!(self.organization(), self.org_account_items());
        let (mut org, items) = (org?, items?);
        let mut synced = Synced::default();
        // Another organization altogether: its administrator goes first,
        // as a Disable would let it go.
        if let Some(Organization {
            id,
            management,
            admin: Some((admin, _)),
            ..
        }) = &org
            && *id != snapshot.id
        {
            self.begin_disable(management, admin).await?;
            if self.finish_disable(admin).await? == Disabled::InProgress {
                synced.disable_unfinished = true;
                return Ok(synced);
            }
        }
        if org
            .as_ref()
            .is_none_or(|o| o.id != snapshot.id || o.management != snapshot.management)
        {
            let written = self
                .write_organization(org.as_ref(), snapshot, &now)
                .await?;
            synced.organization_written = written;
            org = self.organization().await?;
            if !written
                && org
                    .as_ref()
                    .is_none_or(|o| o.id != snapshot.id || o.management != snapshot.management)
            {
                return Err(StoreError::Cancelled(
                    "the organization item changed during the sync".into(),
                ));
            }
        }
        let org =
            org.ok_or_else(|| StoreError::Other("the organization item is missing".into()))?;
        // Each mirrored account, with when the mirror first saw it.
        let known: HashMap<AccountId, (OrgAccount, String)> = items
            .iter()
            .filter_map(|item| {
                let account = org_account(item)?;
                Some((
                    account.id.clone(),
                    (account, table::text(item, table::MIRRORED_AT)),
                ))
            })
            .collect();
        let mut listed: HashSet<&AccountId> = HashSet::new();
        let mut writes = Vec::new();
        let mut new = HashSet::new();
        for account in &snapshot.accounts {
            // An account listed twice is written once.
            if !listed.insert(&account.id) {
                continue;
            }
            let first_seen = match known.get(&account.id) {
                Some((same, _)) if same == account => continue,
                Some((_, first_seen)) => first_seen.clone(),
                None => now.clone(),
            };
            writes.push(put_account(account, &first_seen));
            synced.accounts_put += 1;
        }
        for (account, (_, first_seen)) in &known {
            if !listed.contains(account) {
                writes.push(delete_account(account));
                synced.accounts_deleted += 1;
            } else if first_seen.as_str() > org.enrolled_through.as_str() {
                new.insert(account.clone());
            }
        }
        new.extend(
            snapshot
                .accounts
                .iter()
                .filter(|a| !known.contains_key(&a.id))
                .map(|a| a.id.clone()),
        );
        self.batch_write(writes).await?;
        if let Some((admin, AdminStatus::DisableInProgress)) = &org.admin {
            synced.disable_unfinished = self.finish_disable(admin).await? == Disabled::InProgress;
            return Ok(synced);
        }
        self.auto_enable(&org, snapshot, &new, &now, &mut synced)
            .await?;
        Ok(synced)
    }

    /// Auto-enable: under `ALL` every active account that is not a member,
    /// under `NEW` those new to the mirror since the last finished sync.
    /// `new`: the accounts the mirror first saw since the last finished sync.
    async fn auto_enable(
        &self,
        org: &Organization,
        snapshot: &Snapshot,
        new: &HashSet<AccountId>,
        now: &str,
        synced: &mut Synced,
    ) -> Result<(), StoreError> {
        let mirrored_at = new;
        let Some((admin, AdminStatus::Enabled)) = &org.admin else {
            return self.finish_new(mirrored_at, now).await;
        };
        let members = self.member_statuses(admin).await?;
        self.end_departed(admin, snapshot, &members).await?;
        if org.config.auto_enable == AutoEnable::None {
            return self.finish_new(mirrored_at, now).await;
        }
        let Some(detector) = self.detector(admin).await? else {
            return self.finish_new(mirrored_at, now).await;
        };
        let all = org.config.auto_enable == AutoEnable::All;
        let mut seen = HashSet::new();
        let candidates: Vec<(AccountId, String)> = snapshot
            .accounts
            .iter()
            .filter(|a| seen.insert(&a.id) && a.is_active() && a.id != *admin)
            .filter(|a| all || mirrored_at.contains(&a.id))
            .filter(|a| {
                !members
                    .get(&a.id)
                    .is_some_and(|(status, _)| status.is_associated())
            })
            .map(|a| (a.id.clone(), a.email.clone()))
            .collect();
        for batch in candidates.chunks(ENROLL_BATCH) {
            // Only while auto-enable is still what this sync read: an
            // update (or a Disable) meanwhile refuses the enrollment, and
            // the next sync applies what the configuration says then.
            let auto_enable = Some(org.config.auto_enable);
            let enrolled = self
                .enroll(admin, &detector.id, batch, None, auto_enable)
                .await?;
            for ((account, _), result) in batch.iter().zip(enrolled) {
                match result {
                    Enrolled::Done(Ok(Outcome::Processed)) => synced.enrolled += 1,
                    Enrolled::Done(Ok(Outcome::Unprocessed(
                        Reason::Transient | Reason::NotOrgAdmin,
                    )))
                    | Enrolled::Done(Err(_))
                    | Enrolled::NotInOrganization => synced.unfinished += 1,
                    Enrolled::Done(Ok(Outcome::Unprocessed(reason))) => {
                        synced.refused.push((account.clone(), reason.message()));
                    }
                }
            }
        }
        if synced.unfinished == 0 {
            self.finish_new(mirrored_at, now).await?;
        }
        Ok(())
    }

    /// Marks the accounts new to the mirror as dealt with, if there are any.
    async fn finish_new(&self, new: &HashSet<AccountId>, now: &str) -> Result<(), StoreError> {
        if new.is_empty() {
            return Ok(());
        }
        condition(
            "attribute_exists(#org)",
            &[("#org", table::ORGANIZATION_ID)],
            &[],
        )
        .set(table::ENROLLED_THROUGH, s(now))
        .update_item(&self.client, &self.table, organization_key())
        .send()
        .await
        .map_err(classify)?;
        Ok(())
    }

    /// Organization members of `admin` that have left the organization:
    /// their memberships end (records `Removed`), as a Disable ends them.
    async fn end_departed(
        &self,
        admin: &AccountId,
        snapshot: &Snapshot,
        members: &HashMap<AccountId, (MemberStatus, bool)>,
    ) -> Result<(), StoreError> {
        let listed: HashSet<&AccountId> = snapshot.accounts.iter().map(|a| &a.id).collect();
        let departed: Vec<(AccountId, MemberStatus)> = members
            .iter()
            .filter(|(id, (status, organization))| {
                *organization && status.is_associated() && !listed.contains(id)
            })
            .map(|(id, (status, _))| (id.clone(), *status))
            .collect();
        // What a refused transaction left, the next sync ends.
        for chunk in departed.chunks(PER_TRANSACTION) {
            let enabled = AdminStatus::Enabled;
            if self.end_organization_members(admin, enabled, chunk).await? == Ended::Over {
                break;
            }
        }
        Ok(())
    }

    /// Every record of `admin`, by member, with its status and whether it
    /// came through the organization.
    pub(super) async fn member_statuses(
        &self,
        admin: &AccountId,
    ) -> Result<HashMap<AccountId, (MemberStatus, bool)>, StoreError> {
        let mut statuses = HashMap::new();
        let mut start = None;
        loop {
            let output = members_query(&self.client, &self.table, admin, false)
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(classify)?;
            for item in output.items() {
                let organization = table::text(item, table::VIA) == table::ORGANIZATION;
                let found = record(item).zip(MemberStatus::parse(&table::status_of(item)));
                if let Some((found, status)) = found {
                    statuses.insert(found.member, (status, organization));
                }
            }
            start = output.last_evaluated_key;
            if start.is_none() {
                return Ok(statuses);
            }
        }
    }

    /// Writes the snapshot's organization ID and management account over
    /// `read`, on condition that the item is still as read and, for
    /// another organization, names no administrator. False when refused: a
    /// concurrent sync or Enable changed it.
    async fn write_organization(
        &self,
        read: Option<&Organization>,
        snapshot: &Snapshot,
        now: &str,
    ) -> Result<bool, StoreError> {
        let as_read = match read {
            None => condition(
                "attribute_not_exists(#id)",
                &[("#id", table::ORGANIZATION_ID)],
                &[],
            ),
            Some(org) => {
                let another = org.id != snapshot.id;
                let expression = if another {
                    "#id = :read AND #management = :readManagement AND attribute_not_exists(#admin)"
                } else {
                    "#id = :read AND #management = :readManagement"
                };
                let mut names = vec![
                    ("#id", table::ORGANIZATION_ID),
                    ("#management", table::MANAGEMENT),
                ];
                if another {
                    names.push(("#admin", table::DELEGATED_ADMIN));
                }
                condition(
                    expression,
                    &names,
                    &[
                        (":read", s(&org.id)),
                        (":readManagement", s(org.management.as_str())),
                    ],
                )
            }
        };
        let written = as_read
            .set(table::MANAGEMENT, s(snapshot.management.as_str()))
            .set(table::ORGANIZATION_ID, s(&snapshot.id))
            .set(table::UPDATED_AT, s(now))
            .update_item(&self.client, &self.table, organization_key())
            .send()
            .await;
        match written {
            Ok(_) => Ok(true),
            Err(error) => refusal(error).map(|_| false),
        }
    }

    /// Sends `writes` in BatchWriteItems of 25, asking again for what
    /// DynamoDB left unprocessed.
    async fn batch_write(&self, writes: Vec<WriteRequest>) -> Result<(), StoreError> {
        for chunk in writes.chunks(BATCH_WRITES) {
            let mut pending = chunk.to_vec();
            for attempt in 0..5u32 {
                let output = self
                    .client
                    .batch_write_item()
                    .request_items(&self.table, pending)
                    .send()
                    .await
                    .map_err(classify)?;
                pending = output
                    .unprocessed_items
                    .and_then(|mut left| left.remove(&self.table))
                    .unwrap_or_default();
                if pending.is_empty() {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(50 << attempt)).await;
            }
            if !pending.is_empty() {
                return Err(StoreError::Transient(format!(
                    "BatchWriteItem left {} writes unprocessed",
                    pending.len()
                )));
            }
        }
        Ok(())
    }
}

/// The put of an account item, with when the mirror first saw it.
fn put_account(account: &OrgAccount, first_seen: &str) -> WriteRequest {
    let mut item: Item = HashMap::from(table::org_account_key(&account.id));
    item.insert(table::EMAIL.into(), s(&account.email));
    item.insert(table::ACCOUNT_STATUS.into(), s(&account.status));
    item.insert(table::MIRRORED_AT.into(), s(first_seen));
    let put = PutRequest::builder()
        .set_item(Some(item))
        .build()
        .expect("the item is set");
    WriteRequest::builder().put_request(put).build()
}

fn delete_account(account: &AccountId) -> WriteRequest {
    let delete = DeleteRequest::builder()
        .set_key(Some(HashMap::from(table::org_account_key(account))))
        .build()
        .expect("the key is set");
    WriteRequest::builder().delete_request(delete).build()
}
