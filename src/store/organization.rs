//! The organization in the table: the mirror's organization item (its
//! management account, its delegated administrator and that
//! administrator's configuration) and the delegated administrator's
//! lifecycle. Who may do what is a condition on the organization item, so
//! that an Enable racing another, or a Disable racing an enrollment, is
//! decided by DynamoDB.

use std::collections::HashMap;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem};

use super::checks::{check_owned, detector_key, owned};
use super::detector::{Ensure, ensure_detector};
use super::expr::{Item, Write, s, transact_check, transact_update};
use super::transact::Transacted;
use super::{Store, StoreError, classify};
use crate::domain::organization::{
    AdminStatus, AutoEnable, OrgAccount, OrgConfig, OrgConfigUpdate, OrgFeature, OrgRefusal,
    Organization,
};
use crate::domain::{AccountId, DetectorId};
use crate::table;

/// An answer, or why the organization refused it.
pub type OrgResult<T> = Result<Result<T, OrgRefusal>, StoreError>;

pub fn organization_key() -> Item {
    HashMap::from(table::organization_key())
}

/// A condition (and no update yet) over the named attributes and values.
pub fn condition(
    condition: &str,
    names: &[(&str, &str)],
    values: &[(&str, AttributeValue)],
) -> Write {
    Write {
        condition: condition.into(),
        update: None,
        names: names
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        values: values
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect(),
    }
}

/// The organization item names `admin` as its enabled delegated
/// administrator: every enrollment checks it in its transaction.
pub fn is_enabled_admin(admin: &AccountId) -> Write {
    condition(
        "#admin = :admin AND #adminStatus = :enabled",
        &[
            ("#admin", table::DELEGATED_ADMIN),
            ("#adminStatus", table::ADMIN_STATUS),
        ],
        &[
            (":admin", s(admin.as_str())),
            (":enabled", s(AdminStatus::Enabled.as_str())),
        ],
    )
}

/// Checks, in a transaction, that `admin` is the enabled delegated
/// administrator and, for the sync's enrollments, that auto-enable is
/// still `auto_enable`, as the sync read it.
pub fn check_admin(
    table: &str,
    admin: &AccountId,
    auto_enable: Option<AutoEnable>,
) -> TransactWriteItem {
    let mut check = is_enabled_admin(admin);
    if let Some(auto_enable) = auto_enable {
        check.condition += " AND #autoEnable = :autoEnable";
        check
            .names
            .insert("#autoEnable".into(), table::AUTO_ENABLE.into());
        check
            .values
            .insert(":autoEnable".into(), s(auto_enable.as_str()));
    }
    transact_check(check, table, organization_key())
}

/// The consistent `Query` over the mirror's account items; the
/// benchmark's floors send it too.
pub fn accounts_query(client: &Client, table: &str) -> QueryFluentBuilder {
    client
        .query()
        .table_name(table)
        .key_condition_expression("#owner = :org AND begins_with(#sort, :prefix)")
        .expression_attribute_names("#owner", table::INVITEE)
        .expression_attribute_names("#sort", table::INVITER)
        .expression_attribute_values(":org", s(table::ORGANIZATION))
        .expression_attribute_values(":prefix", s(table::ACCOUNT_PREFIX))
        .consistent_read(true)
}

/// The organization item as written; `None` when it is not one.
pub fn organization(item: &Item) -> Option<Organization> {
    let text = |name: &str| table::text(item, name);
    let management = AccountId::parse(&text(table::MANAGEMENT)).ok()?;
    let admin = AccountId::parse(&text(table::DELEGATED_ADMIN))
        .ok()
        .zip(AdminStatus::parse(&text(table::ADMIN_STATUS)));
    let mut config = OrgConfig {
        auto_enable: AutoEnable::parse(&text(table::AUTO_ENABLE)).unwrap_or_default(),
        ..OrgConfig::default()
    };
    let mut names: Vec<&String> = item.keys().collect();
    names.sort();
    for name in names {
        let value = &item[name];
        if let Some(source) = name.strip_prefix(table::ORG_DATA_SOURCE_PREFIX) {
            let flag = value.as_bool().copied().unwrap_or(false);
            config.data_sources.push((source.to_owned(), flag));
        } else if let Some(feature) = name.strip_prefix(table::ORG_FEATURE_PREFIX) {
            let auto = value.as_s().ok().and_then(|v| AutoEnable::parse(v));
            let (feature, additional) = match feature.split_once('#') {
                None => (feature, None),
                Some((feature, additional)) => (feature, Some(additional)),
            };
            let known = match config.features.iter().position(|f| f.name == feature) {
                Some(i) => &mut config.features[i],
                None => {
                    config.features.push(OrgFeature {
                        name: feature.to_owned(),
                        auto_enable: None,
                        additional: Vec::new(),
                    });
                    config.features.last_mut().expect("just pushed")
                }
            };
            match additional {
                None => known.auto_enable = auto,
                Some(name) => known
                    .additional
                    .push((name.to_owned(), auto.unwrap_or_default())),
            }
        }
    }
    Some(Organization {
        id: text(table::ORGANIZATION_ID),
        management,
        admin,
        config,
        enrolled_through: text(table::ENROLLED_THROUGH),
    })
}

/// An account item of the mirror as written.
pub fn org_account(item: &Item) -> Option<OrgAccount> {
    let sort_key = table::text(item, table::INVITER);
    let id = AccountId::parse(sort_key.strip_prefix(table::ACCOUNT_PREFIX)?).ok()?;
    Some(OrgAccount {
        id,
        email: table::text(item, table::EMAIL),
        status: table::text(item, table::ACCOUNT_STATUS),
    })
}

/// What the administrator's configuration resets to when it is designated
/// or let go: auto-enable `NONE`, no features or data sources.
pub(super) fn reset_config(mut write: Write, org: Option<&Organization>) -> Write {
    write = write.set(table::AUTO_ENABLE, s(AutoEnable::None.as_str()));
    let Some(org) = org else { return write };
    for (source, _) in &org.config.data_sources {
        write = write.remove(&format!("{}{source}", table::ORG_DATA_SOURCE_PREFIX));
    }
    for feature in &org.config.features {
        let name = format!("{}{}", table::ORG_FEATURE_PREFIX, feature.name);
        for (additional, _) in &feature.additional {
            write = write.remove(&format!("{name}#{additional}"));
        }
        write = write.remove(&name);
    }
    write
}

impl Store {
    /// The mirrored organization, if a sync wrote one (one consistent `GetItem`).
    pub async fn organization(&self) -> Result<Option<Organization>, StoreError> {
        Ok(self
            .get(organization_key())
            .await?
            .as_ref()
            .and_then(organization))
    }

    /// EnableOrganizationAdminAccount: the management account `caller`
    /// designates `admin`, an active account of the organization, which
    /// gets a detector if it has none. One read (the organization and the
    /// account's detector), one transaction.
    pub async fn enable_admin(&self, caller: &AccountId, admin: &AccountId) -> OrgResult<()> {
        let mut found = self
            .get_keyed(vec![organization_key(), detector_key(admin)])
            .await?;
        let org = found
            .remove(&(table::ORGANIZATION.into(), table::ORGANIZATION.into()))
            .as_ref()
            .and_then(organization);
        let org = match org {
            Some(org) if org.management == *caller => org,
            _ => return Ok(Err(OrgRefusal::NotManagement)),
        };
        match &org.admin {
            Some((current, AdminStatus::Enabled)) if current == admin => {
                return Ok(Err(OrgRefusal::AlreadyAdmin));
            }
            Some((current, _)) => return Ok(Err(OrgRefusal::OtherAdmin(current.clone()))),
            None => {}
        }
        let now = table::now();
        let designate = condition(
            "#management = :caller AND attribute_not_exists(#admin)",
            &[
                ("#management", table::MANAGEMENT),
                ("#admin", table::DELEGATED_ADMIN),
            ],
            &[(":caller", s(caller.as_str()))],
        )
        .set(table::DELEGATED_ADMIN, s(admin.as_str()))
        .set(table::ADMIN_STATUS, s(AdminStatus::Enabled.as_str()))
        .set(table::UPDATED_AT, s(&now));
        let designate = reset_config(designate, Some(&org));
        let active = condition(
            "#status = :active",
            &[("#status", table::ACCOUNT_STATUS)],
            &[(":active", s(OrgAccount::ACTIVE))],
        );
        let read = found
            .remove(&(admin.to_string(), table::DETECTOR.into()))
            .map(|item| table::text(&item, table::DETECTOR_ID));
        let fresh = DetectorId::generate(admin);
        let detector = match &read {
            Some(id) => Ensure::Kept(id),
            None => Ensure::New(fresh.as_str()),
        };
        let items = vec![
            transact_update(designate, &self.table, organization_key()),
            transact_check(
                active,
                &self.table,
                HashMap::from(table::org_account_key(admin)),
            ),
            ensure_detector(&self.table, admin, detector, &now),
        ];
        let refused = self.transact(items).await?;
        Ok(match (&refused, refused.failed(0), refused.failed(1)) {
            (Transacted::Applied, _, _) => Ok(()),
            // Another Enable won meanwhile: say which, as a second call would.
            (_, Some(item), _) => Err(match item.and_then(organization) {
                Some(org) if org.management != *caller => OrgRefusal::NotManagement,
                Some(Organization {
                    admin: Some((current, _)),
                    ..
                }) if current == *admin => OrgRefusal::AlreadyAdmin,
                Some(Organization {
                    admin: Some((current, _)),
                    ..
                }) => OrgRefusal::OtherAdmin(current),
                _ => OrgRefusal::NotManagement,
            }),
            (_, _, Some(_)) => Err(OrgRefusal::NotInOrganization),
            // The admin's detector changed between the read and the write.
            _ => return Err(StoreError::Cancelled("the detector changed".into())),
        })
    }

    /// ListOrganizationAdminAccounts: the delegated administrator, if any,
    /// for the management account `caller`. One `GetItem`.
    pub async fn admin_of(
        &self,
        caller: &AccountId,
    ) -> OrgResult<Option<(AccountId, AdminStatus)>> {
        Ok(self.managed_by(caller).await?.map(|org| org.admin))
    }

    /// The organization, when `caller` is its management account.
    async fn managed_by(&self, caller: &AccountId) -> OrgResult<Organization> {
        Ok(match self.organization().await? {
            Some(org) if org.management == *caller => Ok(org),
            _ => Err(OrgRefusal::NotManagement),
        })
    }

    /// The organization and `caller`'s items of `keys` (of its own
    /// partition, by sort key), read with its detector `detector` in one
    /// `BatchGetItem`, when `caller` is the enabled delegated administrator.
    pub async fn as_org_admin(
        &self,
        caller: &AccountId,
        detector: &str,
        mut keys: Vec<Item>,
    ) -> OrgResult<(Organization, HashMap<String, Item>)> {
        keys.push(organization_key());
        keys.push(detector_key(caller));
        let found = self.get_many(keys).await?;
        let org = found.get(table::ORGANIZATION).and_then(organization);
        match org {
            Some(org) if org.is_admin(caller) => {
                owned(found.get(table::DETECTOR), detector)?;
                Ok(Ok((org, found)))
            }
            _ => Ok(Err(OrgRefusal::NotOrgAdmin)),
        }
    }

    /// DescribeOrganizationConfiguration: the configuration, and whether
    /// the administrator holds `MEMBER_LIMIT` members. One `BatchGetItem`.
    pub async fn org_config(
        &self,
        caller: &AccountId,
        detector: &str,
    ) -> OrgResult<(OrgConfig, bool)> {
        let keys = vec![HashMap::from(table::summary_key(caller))];
        let (org, found) = match self.as_org_admin(caller, detector, keys).await? {
            Ok(read) => read,
            Err(refusal) => return Ok(Err(refusal)),
        };
        let members = found
            .get(table::SUMMARY)
            .map_or(0, |item| table::number(item, table::MEMBER_COUNT));
        Ok(Ok((org.config, members >= self.member_limit)))
    }

    /// UpdateOrganizationConfiguration: sets what `update` names, by name,
    /// leaving the rest; one transaction that checks the caller is the
    /// enabled delegated administrator and `detector` its detector.
    pub async fn update_org_config(
        &self,
        caller: &AccountId,
        detector: &str,
        update: &OrgConfigUpdate,
    ) -> OrgResult<()> {
        let mut write = is_enabled_admin(caller).set(table::UPDATED_AT, s(&table::now()));
        if let Some(auto) = update.auto_enable {
            write = write.set(table::AUTO_ENABLE, s(auto.as_str()));
        }
        for (source, flag) in &update.data_sources {
            let name = format!("{}{source}", table::ORG_DATA_SOURCE_PREFIX);
            write = write.set(&name, AttributeValue::Bool(*flag));
        }
        for feature in &update.features {
            let name = format!("{}{}", table::ORG_FEATURE_PREFIX, feature.name);
            if let Some(auto) = feature.auto_enable {
                write = write.set(&name, s(auto.as_str()));
            }
            for (additional, auto) in &feature.additional {
                write = write.set(&format!("{name}#{additional}"), s(auto.as_str()));
            }
        }
        let items = vec![
            transact_update(write, &self.table, organization_key()),
            check_owned(&self.table, caller, detector),
        ];
        let refused = self.transact(items).await?;
        Ok(match (&refused, refused.failed(0)) {
            (Transacted::Applied, _) => Ok(()),
            (_, Some(_)) => Err(OrgRefusal::NotOrgAdmin),
            _ => return Err(StoreError::DetectorNotOwned),
        })
    }

    /// The mirror's accounts (one consistent `Query` per 1 MB).
    pub async fn org_accounts(&self) -> Result<Vec<OrgAccount>, StoreError> {
        let items = self.org_account_items().await?;
        Ok(items.iter().filter_map(org_account).collect())
    }

    /// The mirror's account items as written.
    pub(super) async fn org_account_items(&self) -> Result<Vec<Item>, StoreError> {
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let output = accounts_query(&self.client, &self.table)
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(classify)?;
            items.extend(output.items.unwrap_or_default());
            start = output.last_evaluated_key;
            if start.is_none() {
                return Ok(items);
            }
        }
    }
}
