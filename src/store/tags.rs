//! A detector's tags (TagResource, UntagResource, ListTagsForResource):
//! the `tags` map of the detector item, read and then written whole on
//! condition that neither its ID nor its tags changed in between.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;

use super::checks::{detector_key, owned};
use super::expr::{Item, Write, s};
use super::{Store, StoreError, refusal};
use crate::domain::AccountId;
use crate::table;

/// Read-and-write rounds before the caller is told to retry.
const ATTEMPTS: usize = 3;

impl Store {
    /// The tags of `account`'s detector `id`, by key.
    pub async fn detector_tags(
        &self,
        account: &AccountId,
        id: &str,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let item = self.get(detector_key(account)).await?;
        owned(item.as_ref(), id)?;
        let mut tags: Vec<(String, String)> = tags_of(item.as_ref())
            .into_iter()
            .map(|(k, v)| (k, v.as_s().cloned().unwrap_or_default()))
            .collect();
        tags.sort();
        Ok(tags)
    }

    /// Adds `tags` to `account`'s detector `id`, replacing the values of
    /// keys it has.
    pub async fn tag_detector(
        &self,
        account: &AccountId,
        id: &str,
        tags: &[(String, String)],
    ) -> Result<(), StoreError> {
        self.retag(account, id, |map| {
            for (key, value) in tags {
                map.insert(key.clone(), s(value));
            }
        })
        .await
    }

    /// Removes `keys` from `account`'s detector `id`'s tags; absent keys
    /// are no error.
    pub async fn untag_detector(
        &self,
        account: &AccountId,
        id: &str,
        keys: &[String],
    ) -> Result<(), StoreError> {
        self.retag(account, id, |map| {
            for key in keys {
                map.remove(key);
            }
        })
        .await
    }

    async fn retag(
        &self,
        account: &AccountId,
        id: &str,
        change: impl Fn(&mut Item),
    ) -> Result<(), StoreError> {
        for _ in 0..ATTEMPTS {
            let item = self.get(detector_key(account)).await?;
            owned(item.as_ref(), id)?;
            let old = item.as_ref().and_then(|i| i.get(table::TAGS)).cloned();
            let mut tags = tags_of(item.as_ref());
            change(&mut tags);
            let mut write = Write {
                condition: "#owned = :owned".into(),
                update: None,
                names: HashMap::from([
                    ("#owned".into(), table::DETECTOR_ID.into()),
                    ("#tags".into(), table::TAGS.into()),
                ]),
                values: HashMap::from([(":owned".into(), s(id))]),
            };
            match old {
                None => write.condition.push_str(" AND attribute_not_exists(#tags)"),
                Some(old) => {
                    write.condition.push_str(" AND #tags = :old");
                    write.values.insert(":old".into(), old);
                }
            }
            write.update = Some(if tags.is_empty() {
                "REMOVE #tags".into()
            } else {
                write.values.insert(":tags".into(), AttributeValue::M(tags));
                "SET #tags = :tags".into()
            });
            let written = write
                .update_item(&self.client, &self.table, detector_key(account))
                .send()
                .await;
            match written {
                Ok(_) => return Ok(()),
                // The detector or its tags changed since the read: again.
                Err(error) => drop(refusal(error)?),
            }
        }
        Err(StoreError::Transient(
            "the detector's tags kept changing".into(),
        ))
    }
}

fn tags_of(item: Option<&Item>) -> Item {
    item.and_then(|i| i.get(table::TAGS))
        .and_then(|t| t.as_m().ok())
        .cloned()
        .unwrap_or_default()
}
