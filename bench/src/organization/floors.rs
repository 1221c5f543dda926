//! The organization path's floors: the requests the store sends for
//! CreateMembers' enrollment and for the sync's auto-enable, sent directly.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{PutRequest, WriteRequest};
use guardduty_invitations::domain::organization::{AutoEnable, OrgAccount};
use guardduty_invitations::domain::{AccountId, MemberStatus};
use guardduty_invitations::inviter::demo_email;
use guardduty_invitations::store::checks::detector_key;
use guardduty_invitations::store::detector::Ensure;
use guardduty_invitations::store::enroll::{
    Checked, Enrolling, enroll_items, per_transaction, transaction,
};
use guardduty_invitations::store::expr::s;
use guardduty_invitations::store::organization::{accounts_query, organization_key};
use guardduty_invitations::store::records::{members_query, record_keys};
use guardduty_invitations::store::{self, Item, membership, transact};
use guardduty_invitations::table;
use testkit::seed::detector_id;

use crate::baseline::{Direct, PAGE};

impl Direct {
    /// The delegated administrator's CreateMembers of `members`, all
    /// active organization accounts with no record, as the store sends
    /// it: the `BatchGetItem` of its side (records, summary, membership,
    /// the organization, its detector), the `BatchGetItem` of the accounts'
    /// mirror items and detectors, then the enrolling transactions one
    /// after another.
    pub async fn enroll(&self, admin: &AccountId, members: &[AccountId]) {
        let mut keys = record_keys(admin, members);
        keys.push(HashMap::from(table::summary_key(admin)));
        keys.push(HashMap::from(table::membership_key(admin)));
        keys.push(organization_key());
        keys.push(detector_key(admin));
        self.batch_get_all(keys).await;
        let theirs: Vec<Item> = members
            .iter()
            .flat_map(|m| [HashMap::from(table::org_account_key(m)), detector_key(m)])
            .collect();
        let found = self.batch_get_all(theirs).await;
        self.enroll_found(admin, members, &found, None).await;
    }

    /// The enrolling transactions of `members`, whose detectors (if any)
    /// are in `found`; the sync's check `auto_enable` as it read it.
    async fn enroll_found(
        &self,
        admin: &AccountId,
        members: &[AccountId],
        found: &HashMap<(String, String), Item>,
        auto_enable: Option<AutoEnable>,
    ) {
        let now = table::now();
        let detector = detector_id(admin.as_str());
        let checked = Checked {
            admin,
            detector: &detector,
            limit: store::DEFAULT_MEMBER_LIMIT,
            auto_enable,
        };
        let enrollments: Vec<_> = members
            .iter()
            .map(|member| {
                let read = found
                    .get(&(member.to_string(), table::DETECTOR.to_owned()))
                    .map(|item| table::text(item, table::DETECTOR_ID));
                let fresh = detector_id(member.as_str());
                let email = demo_email(member);
                let enrolling = Enrolling {
                    admin,
                    member,
                    email: email.as_str(),
                    detector: match &read {
                        Some(id) => Ensure::Kept(id),
                        None => Ensure::New(&fresh),
                    },
                    from: None::<MemberStatus>,
                };
                enroll_items(&self.table, &enrolling, &now)
            })
            .collect();
        let widest = enrollments.iter().map(|e| e.items.len()).max();
        for chunk in enrollments.chunks(per_transaction(widest.unwrap_or(1))) {
            let items = chunk.iter().flat_map(|e| e.items.clone()).collect();
            let added = i64::try_from(chunk.len()).unwrap();
            let items = transaction(&self.table, &checked, items, (added, added));
            self.client
                .transact_write_items()
                .set_transact_items(Some(items))
                .send()
                .await
                .expect("the enrollment applied");
        }
    }

    /// What a sync sends to auto-enable `accounts` under `ALL`: their
    /// mirror items in `BatchWriteItem`s of 25; the organization, the
    /// mirror and the administrator's records and detector read; then, 50
    /// accounts at a time, the two reads at once and the enrolling
    /// transactions; last, the organization item's `enrolledThrough`.
    pub async fn auto_enable(&self, admin: &AccountId, accounts: &[OrgAccount]) {
        let now = table::now();
        let get = |key| membership::get(&self.client, &self.table, key).send();
        let mirror = self.query_all(|start| {
            accounts_query(&self.client, &self.table).set_exclusive_start_key(start)
        });
        let (org, ()) = tokio::join!(get(organization_key()), mirror);
        org.expect("the organization");
        for chunk in accounts.chunks(25) {
            let writes = chunk
                .iter()
                .map(|account| {
                    let mut item: Item = HashMap::from(table::org_account_key(&account.id));
                    item.insert(table::EMAIL.into(), s(&account.email));
                    item.insert(table::ACCOUNT_STATUS.into(), s(&account.status));
                    item.insert(table::MIRRORED_AT.into(), s(&now));
                    let put = PutRequest::builder().set_item(Some(item)).build().unwrap();
                    WriteRequest::builder().put_request(put).build()
                })
                .collect();
            let output = self
                .client
                .batch_write_item()
                .request_items(&self.table, writes)
                .send()
                .await
                .expect("the mirror's writes");
            assert!(output.unprocessed_items().is_none_or(HashMap::is_empty));
        }
        self.query_all(|start| {
            members_query(&self.client, &self.table, admin, false).set_exclusive_start_key(start)
        })
        .await;
        get(detector_key(admin)).await.expect("the detector");
        let ids: Vec<AccountId> = accounts.iter().map(|a| a.id.clone()).collect();
        for members in ids.chunks(PAGE) {
            let mut own = record_keys(admin, members);
            own.push(HashMap::from(table::summary_key(admin)));
            own.push(HashMap::from(table::membership_key(admin)));
            own.push(organization_key());
            own.push(detector_key(admin));
            let theirs: Vec<Item> = members
                .iter()
                .flat_map(|m| [HashMap::from(table::org_account_key(m)), detector_key(m)])
                .collect();
            let (_, found) = tokio::join!(self.batch_get_all(own), self.batch_get_all(theirs));
            self.enroll_found(admin, members, &found, Some(AutoEnable::All))
                .await;
        }
        self.client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(organization_key()))
            .update_expression("SET #through = :now")
            .condition_expression("attribute_exists(#through)")
            .expression_attribute_names("#through", table::ENROLLED_THROUGH)
            .expression_attribute_values(":now", s(&now))
            .send()
            .await
            .expect("enrolledThrough");
    }

    /// A consistent `BatchGetItem` of `keys`, by (partition, sort key).
    async fn batch_get_all(&self, keys: Vec<Item>) -> HashMap<(String, String), Item> {
        let mut output = transact::batch_get(&self.client, &self.table, keys)
            .send()
            .await
            .expect("the BatchGetItem");
        let items = output
            .responses
            .as_mut()
            .and_then(|r| r.remove(&self.table));
        items
            .into_iter()
            .flatten()
            .map(|item| {
                let key = (
                    table::text(&item, table::INVITEE),
                    table::text(&item, table::INVITER),
                );
                (key, item)
            })
            .collect()
    }

    /// Every page of a `Query`.
    async fn query_all(
        &self,
        query: impl Fn(Option<Item>) -> aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder,
    ) {
        let mut start = None;
        loop {
            let output = query(start).send().await.expect("the Query");
            start = output.last_evaluated_key;
            if start.is_none() {
                return;
            }
        }
    }
}
