//! The floors of the handler's latencies: the same DynamoDB requests it
//! sends, straight from aws-sdk-dynamodb, built by the store's own
//! expression, query, membership, member and detector code so that the two
//! cannot drift apart. Every request under `/detector/{detectorId}` reads
//! the caller's detector where the handler does: in its `BatchGetItem`, or
//! beside ListMembers' `Query`.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::operation::transact_write_items::builders::TransactWriteItemsFluentBuilder;
use aws_sdk_dynamodb::types::TransactWriteItem;
use guardduty_invitations::domain::{AccountId, Action, MemberAction, MemberStatus};
use guardduty_invitations::inviter::demo_email;
use guardduty_invitations::store::checks::{detector_key, owned};
use guardduty_invitations::store::create::{Creating, create_items};
use guardduty_invitations::store::organization::organization_key;
use guardduty_invitations::store::records::{self, record_keys};
use guardduty_invitations::store::{Item, Write, changes, membership, query, transact};
use guardduty_invitations::{store, table};
use testkit::TestTable;
use testkit::seed::detector_id;

use crate::{Accounts, READER_INVITATIONS};

/// The page size of the ListInvitations figures, the largest allowed.
pub const PAGE: usize = 50;

/// Requests sent directly, with the plain SDK client (no store policy, no
/// request counter), through the same proxy as the handler's.
#[derive(Clone)]
pub struct Direct {
    pub(crate) client: Client,
    pub(crate) table: String,
}

impl Direct {
    pub fn new(table: &TestTable) -> Self {
        Direct {
            client: table.client.clone(),
            table: table.name.clone(),
        }
    }

    /// The conditional `UpdateItem`s of declining `inviters`' invitations
    /// to `invitee`, all in flight at once, as the handler sends them. The
    /// invitations are already declined: each is refused.
    pub async fn decline(&self, invitee: &AccountId, inviters: &[AccountId]) {
        let mut writes = tokio::task::JoinSet::new();
        for inviter in inviters {
            let key = HashMap::from(table::key(invitee, inviter));
            let request = Write::of(Action::Decline.transition(), &table::now()).update_item(
                &self.client,
                &self.table,
                key,
            );
            writes.spawn(request.send());
        }
        while let Some(result) = writes.join_next().await {
            let refused = result
                .unwrap()
                .expect_err("the invitations are already declined");
            assert!(
                refused
                    .as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception())
            );
        }
    }

    /// The `Query` of ListInvitations' first page of `invitee`'s invitations.
    pub async fn page(&self, invitee: &AccountId) {
        let limit = i32::try_from(PAGE).unwrap();
        let output = query::page(&self.client, &self.table, invitee, limit, None)
            .send()
            .await
            .expect("the page");
        assert!(output.count() > limit, "a full page and more");
    }

    /// The `Query` of GetInvitationsCount over `invitee`'s invitations.
    pub async fn count(&self, invitee: &AccountId) {
        let output = query::count(&self.client, &self.table, invitee)
            .send()
            .await
            .expect("the count");
        assert_eq!(output.count(), READER_INVITATIONS as i32);
        assert!(output.last_evaluated_key().is_none(), "one Query");
    }

    /// AcceptAdministratorInvitation's requests: the consistent
    /// `BatchGetItem` of the invitation, for its `invitedAt`, and of the
    /// member's detector, which must be the one the request names; then the
    /// accepting `TransactWriteItems` (which checks the detector again). The
    /// invitation is Invited under `invitation_id`.
    pub async fn accept(&self, member: &AccountId, administrator: &AccountId, invitation_id: &str) {
        let keys = vec![
            HashMap::from(table::key(member, administrator)),
            detector_key(member),
        ];
        let found = self.batch_get(keys).await;
        let detector = detector_id(member.as_str());
        owned(found.get(table::DETECTOR), &detector).expect("the member's detector");
        let invitation = &found[administrator.as_str()];
        let accepted = membership::Accepted {
            member,
            administrator,
            invitation_id,
            invited_at: &table::text(invitation, table::INVITED_AT),
            detector_id: &detector,
        };
        let items = membership::accept_items(&self.table, &accepted, &table::now());
        self.transact(items).await;
    }

    /// GetAdministratorAccount's consistent `BatchGetItem` of `member`'s
    /// membership item, which is there, and of its detector: its
    /// administrator.
    pub async fn administrator(&self, member: &AccountId) -> AccountId {
        let keys = vec![
            HashMap::from(table::membership_key(member)),
            detector_key(member),
        ];
        let found = self.batch_get(keys).await;
        owned(found.get(table::DETECTOR), &detector_id(member.as_str()))
            .expect("the member's detector");
        let item = &found[table::MEMBERSHIP];
        AccountId::parse(&table::text(item, table::ADMINISTRATOR)).expect("its administrator")
    }

    /// DisassociateFromAdministratorAccount's requests: that `BatchGetItem`
    /// (the membership item names the invitation), then the ending
    /// `TransactWriteItems`.
    pub async fn disassociate(&self, member: &AccountId) {
        let administrator = self.administrator(member).await;
        let now = table::now();
        let resign = Write::of(MemberAction::Resign.transition(), &now);
        let items = membership::end_items(
            &self.table,
            &membership::Ending {
                member,
                administrator: &administrator,
                organization: false,
            },
            resign,
            &now,
        );
        self.transact(items).await;
    }

    /// The `Query` of ListInvitations' first page of `member`'s
    /// invitations, and the ID of the one from `administrator` in it: how a
    /// member learns what to accept.
    pub async fn invitation_id(&self, member: &AccountId, administrator: &AccountId) -> String {
        let limit = i32::try_from(PAGE).unwrap();
        let output = query::page(&self.client, &self.table, member, limit, None)
            .send()
            .await
            .expect("the page");
        let from = |item: &&Item| table::text(item, table::INVITER) == administrator.as_str();
        let invitation = output.items().iter().find(from).expect("the invitation");
        table::text(invitation, table::INVITATION_ID)
    }

    /// CreateMembers' requests for `members` new to `administrator`: the
    /// consistent `BatchGetItem` of their records, the summary, the
    /// administrator's membership item and its detector, of which only the
    /// summary and the detector may be there, then the creating
    /// `TransactWriteItems`.
    pub async fn create_members(&self, administrator: &AccountId, members: &[AccountId]) {
        let mut keys = record_keys(administrator, members);
        keys.push(HashMap::from(table::summary_key(administrator)));
        keys.push(HashMap::from(table::membership_key(administrator)));
        keys.push(organization_key());
        keys.push(detector_key(administrator));
        let found = self.batch_get(keys).await;
        let detector = detector_id(administrator.as_str());
        owned(found.get(table::DETECTOR), &detector).expect("the administrator's detector");
        let expected = |sort: &String| {
            [table::SUMMARY, table::DETECTOR, table::ORGANIZATION].contains(&sort.as_str())
        };
        assert!(found.keys().all(expected), "new members, no membership");
        let emails: Vec<_> = members.iter().map(demo_email).collect();
        let created: Vec<_> = members.iter().zip(&emails).collect();
        let creating = Creating {
            administrator,
            detector: &detector,
            created: &created,
            limit: store::DEFAULT_MEMBER_LIMIT,
        };
        self.transact(create_items(&self.table, &creating, &table::now()))
            .await;
    }

    /// InviteMembers' requests for `members`, all Created: the consistent
    /// `BatchGetItem` of their records and the detector, then each one's
    /// inviting `TransactWriteItems`, all in flight at once, as the store
    /// sends them.
    pub async fn invite_members(&self, administrator: &AccountId, members: &[AccountId]) {
        self.get_members(administrator, members).await;
        let mut writes = tokio::task::JoinSet::new();
        for member in members {
            let change = changes::Change {
                action: MemberAction::Invite,
                administrator,
                member,
                from: MemberStatus::Created,
                organization: false,
            };
            let (items, summary) = changes::change_items(&self.table, &change, None, &table::now());
            // Leaving the summary as it is, each account's own items are
            // its transaction.
            assert_eq!(summary, (0, 0), "a transaction of its own");
            writes.spawn(self.transact_request(items).send());
        }
        while let Some(written) = writes.join_next().await {
            written.unwrap().expect("the invitation applied");
        }
    }

    /// GetMembers' consistent `BatchGetItem` of `administrator`'s records
    /// of `members`, which are all there, and of its detector.
    pub async fn get_members(&self, administrator: &AccountId, members: &[AccountId]) {
        let mut keys = record_keys(administrator, members);
        keys.push(detector_key(administrator));
        let found = self.batch_get(keys).await;
        owned(
            found.get(table::DETECTOR),
            &detector_id(administrator.as_str()),
        )
        .expect("its detector");
        assert_eq!(found.len(), members.len() + 1, "every record is there");
    }

    /// ListMembers' `Query` of a page of all of `administrator`'s records
    /// (`onlyAssociated=false`) after the member `after`, as the store
    /// sends it: one more than a page asked for; and, at the same time,
    /// the `GetItem` of its detector. The member to continue after, when
    /// more remain.
    pub async fn members_page(
        &self,
        administrator: &AccountId,
        after: Option<&AccountId>,
    ) -> Option<AccountId> {
        let start = after.map(|member| HashMap::from(table::record_key(administrator, member)));
        let page = records::members_query(&self.client, &self.table, administrator, false)
            .limit(i32::try_from(PAGE).unwrap() + 1)
            .set_exclusive_start_key(start)
            .send();
        let (page, detector) = tokio::join!(page, self.detector(administrator));
        let output = page.expect("the page");
        assert_eq!(detector, detector_id(administrator.as_str()));
        let more = output.items().len() > PAGE;
        more.then(|| {
            records::record(&output.items()[PAGE - 1])
                .expect("a record")
                .member
        })
    }

    /// ListDetectors' and GetDetector's consistent `GetItem` of `account`'s
    /// detector, which is there: its ID.
    pub async fn detector(&self, account: &AccountId) -> String {
        let request = membership::get(&self.client, &self.table, detector_key(account));
        let item = request.send().await.expect("the GetItem").item;
        table::text(&item.expect("a detector"), table::DETECTOR_ID)
    }

    /// The consistent `BatchGetItem` of `keys` the store sends
    /// (`store::transact::batch_get`), every one processed: the items
    /// there, by sort key, as the store keys them.
    async fn batch_get(&self, keys: Vec<Item>) -> HashMap<String, Item> {
        let request = transact::batch_get(&self.client, &self.table, keys);
        let mut output = request.send().await.expect("the BatchGetItem");
        let left = output.unprocessed_keys.as_ref().map_or(0, HashMap::len);
        assert_eq!(left, 0, "every key processed");
        let responses = output
            .responses
            .as_mut()
            .and_then(|r| r.remove(&self.table));
        let sort_key = |item: Item| (table::text(&item, table::INVITER), item);
        responses.into_iter().flatten().map(sort_key).collect()
    }

    /// A transaction that must apply: the sample's setup left the table in
    /// the state it starts from.
    async fn transact(&self, items: Vec<TransactWriteItem>) {
        let applied = self.transact_request(items).send().await;
        applied.expect("the transaction applied");
    }

    fn transact_request(&self, items: Vec<TransactWriteItem>) -> TransactWriteItemsFluentBuilder {
        let request = self.client.transact_write_items();
        request.set_transact_items(Some(items))
    }

    /// DynamoDB Local is a JVM: its first requests run before the JIT has
    /// compiled its hot paths, and would make the first figures its
    /// warm-up. One second each of the request sizes and kinds measured.
    pub async fn warm_up(&self, accounts: &Accounts) {
        for n in [1, 10, 50] {
            let inviters = &accounts.inviters[..n];
            for_a_second(async || self.decline(&accounts.caller, inviters).await).await;
        }
        for_a_second(async || self.page(&accounts.reader).await).await;
        for_a_second(async || self.count(&accounts.reader).await).await;
        // The accept samples' setup and request: both transactions, the
        // reads and the invite's write.
        let members = &accounts.members;
        for_a_second(async || {
            let invitation_id = members.invited_again().await;
            let (member, administrator) = (&members.accepting, &members.administrator);
            self.accept(member, administrator, &invitation_id).await;
        })
        .await;
        for_a_second(async || {
            self.administrator(&members.associated).await;
        })
        .await;
        // The administrator's reads: GetMembers' BatchGetItem, a page of
        // ListMembers (its Query and the detector's GetItem), the
        // detector's GetItem alone (ListDetectors, GetDetector).
        let lister = &accounts.lister;
        let (administrator, fifty) = (&lister.administrator, &lister.members[..PAGE]);
        for_a_second(async || self.get_members(administrator, fifty).await).await;
        for_a_second(async || {
            self.members_page(administrator, None).await;
        })
        .await;
        for_a_second(async || {
            self.detector(administrator).await;
        })
        .await;
    }
}

async fn for_a_second(mut request: impl AsyncFnMut()) {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(1) {
        request().await;
    }
}
