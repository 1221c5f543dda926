//! The floors of the handler's latencies: the same DynamoDB requests it
//! sends, straight from aws-sdk-dynamodb, built by the store's own
//! expression, query and membership code so that the two cannot drift
//! apart.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::TransactWriteItem;
use guardduty_invitations::domain::{AccountId, Action, DetectorId, MemberAction};
use guardduty_invitations::store::{Item, Write, membership, query};
use guardduty_invitations::table;
use testkit::TestTable;

use crate::{Accounts, READER_INVITATIONS};

/// The page size of the ListInvitations figures, the largest allowed.
pub const PAGE: usize = 50;

/// Requests sent directly, with the plain SDK client (no store policy, no
/// request counter), through the same proxy as the handler's.
pub struct Direct {
    client: Client,
    table: String,
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

    /// AcceptAdministratorInvitation's requests: the consistent `GetItem`
    /// of the invitation, for its `invitedAt`, then the accepting
    /// `TransactWriteItems`. The invitation is Invited under `invitation_id`.
    pub async fn accept(&self, member: &AccountId, administrator: &AccountId, invitation_id: &str) {
        let key = HashMap::from(table::key(member, administrator));
        let invitation = self.get(key).await.expect("an invitation");
        let detector = DetectorId::of(member);
        let accepted = membership::Accepted {
            member,
            administrator,
            invitation_id,
            invited_at: &table::text(&invitation, table::INVITED_AT),
            detector_id: detector.as_str(),
        };
        let items = membership::accept_items(&self.table, &accepted, &table::now());
        self.transact(items).await;
    }

    /// GetAdministratorAccount's consistent `GetItem` of `member`'s
    /// membership item, which is there: its administrator.
    pub async fn administrator(&self, member: &AccountId) -> AccountId {
        let key = HashMap::from(table::membership_key(member));
        let item = self.get(key).await.expect("a membership item");
        AccountId::parse(&table::text(&item, table::ADMINISTRATOR)).expect("its administrator")
    }

    /// DisassociateFromAdministratorAccount's requests: the `GetItem` of
    /// the membership item, which names the invitation, then the ending
    /// `TransactWriteItems`.
    pub async fn disassociate(&self, member: &AccountId) {
        let administrator = self.administrator(member).await;
        let now = table::now();
        let resign = Write::of(MemberAction::Resign.transition(), &now);
        let items = membership::end_items(&self.table, member, &administrator, resign, &now);
        self.transact(items).await;
    }

    async fn get(&self, key: Item) -> Option<Item> {
        let output = membership::get(&self.client, &self.table, key).send().await;
        output.expect("the GetItem").item
    }

    /// A transaction that must apply: the sample's setup left the table in
    /// the state it starts from.
    async fn transact(&self, items: Vec<TransactWriteItem>) {
        self.client
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await
            .expect("the transaction applied");
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
    }
}

async fn for_a_second(mut request: impl AsyncFnMut()) {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(1) {
        request().await;
    }
}
