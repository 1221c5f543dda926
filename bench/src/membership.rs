//! The member's side of an administrator, measured in this process like the
//! other handler figures: AcceptAdministratorInvitation,
//! GetAdministratorAccount and DisassociateFromAdministratorAccount, each
//! beside the same requests sent directly, and the requests each made.
//! Accepting and disassociating change the table: before every sample, the
//! handler's and the direct requests' alike, an untimed setup brings the
//! invitation back to the state both start from. One member per row, so
//! that no row starts from another's leftovers.

use guardduty_invitations::domain::AccountId;
use guardduty_invitations::inviter;
use guardduty_invitations::store::Store;
use testkit::TestTable;

use crate::call::{InProcess, LIMIT, counted, handle};
use crate::events;
use crate::measure::{interleaved, interleaved_from};
use crate::rows::{self, Row};

/// The administrator of every member below.
const ADMINISTRATOR: &str = "210000000001";
const ACCEPTING: &str = "111122225555";
const ASSOCIATED: &str = "111122226666";
const LEAVING: &str = "111122227777";

/// The members, each with an invitation from the administrator.
pub struct Members {
    /// The setup's writes, with the plain test client.
    store: Store,
    pub administrator: AccountId,
    /// Accepts in every sample, Enabled between them.
    pub accepting: AccountId,
    /// Enabled throughout: GetAdministratorAccount's.
    pub associated: AccountId,
    /// Disassociates in every sample, Removed between them.
    leaving: AccountId,
}

impl Members {
    pub async fn seed(table: &TestTable) -> Self {
        let members = Members {
            store: table.store(),
            administrator: testkit::account(ADMINISTRATOR),
            accepting: testkit::account(ACCEPTING),
            associated: testkit::account(ASSOCIATED),
            leaving: testkit::account(LEAVING),
        };
        let administrator = members.administrator.as_str();
        for member in [&members.accepting, &members.associated, &members.leaving] {
            table.associate(member.as_str(), administrator).await;
        }
        members.resign(&members.leaving).await;
        members
    }

    /// The accepting member from Enabled back to Invited, under a new
    /// invitation ID, which it returns: where every accept starts.
    pub async fn invited_again(&self) -> String {
        let (member, administrator) = (&self.accepting, &self.administrator);
        self.resign(member).await;
        self.invite(member).await;
        let invitation = self.store.invitation(member, administrator).await;
        let invitation = invitation.expect("the invitation read").expect("there");
        assert_eq!(invitation.status, "Invited");
        invitation.invitation_id
    }

    /// The leaving member from Removed back to Enabled: where every
    /// disassociate starts.
    async fn associated_again(&self) {
        self.invite(&self.leaving).await;
        let accepted = inviter::accept(&self.store, &self.leaving, &self.administrator).await;
        accepted.expect("the member accepts");
    }

    /// The administrator invites `member` again.
    async fn invite(&self, member: &AccountId) {
        let invited = inviter::invite(&self.store, &self.administrator, member).await;
        invited.expect("the administrator invites its member");
    }

    /// `member` leaves the administrator.
    async fn resign(&self, member: &AccountId) {
        let left = inviter::resign(&self.store, member).await;
        left.expect("the member leaves");
    }
}

pub async fn rows(bench: InProcess<'_>, members: &Members) -> Vec<Row> {
    let (administrator, accepting) = (&members.administrator, &members.accepting);
    let (associated, leaving) = (&members.associated, &members.leaving);
    let (mut accept, mut accept_floor) = interleaved_from(
        bench.plan.samples,
        async || {
            let invitation_id = members.invited_again().await;
            let event = events::accept(accepting, administrator, &invitation_id);
            (event, invitation_id)
        },
        async |(event, _)| handle(bench.app, &event).await,
        async |(_, invitation_id)| {
            bench
                .direct
                .accept(accepting, administrator, &invitation_id)
                .await
        },
    )
    .await;
    let show = events::administrator(associated);
    let (mut get, mut get_floor) = interleaved(
        bench.plan.samples,
        async || handle(bench.app, &show).await,
        async || assert_eq!(bench.direct.administrator(associated).await, *administrator),
    )
    .await;
    let leave = events::disassociate(leaving);
    let (mut disassociate, mut disassociate_floor) = interleaved_from(
        bench.plan.samples,
        async || members.associated_again().await,
        async |()| handle(bench.app, &leave).await,
        async |()| bench.direct.disassociate(leaving).await,
    )
    .await;

    // The requests of one call each, from the same states as the samples.
    let invitation_id = members.invited_again().await;
    let accepted = events::accept(accepting, administrator, &invitation_id);
    let accept_requests = counted(bench.proxy, bench.app, &accepted).await;
    let get_requests = counted(bench.proxy, bench.app, &show).await;
    members.associated_again().await;
    let disassociate_requests = counted(bench.proxy, bench.app, &leave).await;

    let (read_and_transaction, read) = (
        "direct aws-sdk-dynamodb BatchGetItem + TransactWriteItems",
        "direct aws-sdk-dynamodb BatchGetItem",
    );
    let transaction = [("BatchGetItem", 1), ("TransactWriteItems", 1)];
    vec![
        rows::latency(
            "handler, AcceptAdministratorInvitation (p50 / p99)".into(),
            &mut accept,
            &mut accept_floor,
            read_and_transaction,
            Some(LIMIT),
        ),
        rows::latency(
            "handler, GetAdministratorAccount (p50 / p99)".into(),
            &mut get,
            &mut get_floor,
            read,
            Some(LIMIT),
        ),
        rows::latency(
            "handler, DisassociateFromAdministratorAccount (p50 / p99)".into(),
            &mut disassociate,
            &mut disassociate_floor,
            read_and_transaction,
            Some(LIMIT),
        ),
        rows::requests(
            "DynamoDB requests for AcceptAdministratorInvitation".into(),
            &accept_requests,
            &transaction,
            "2 (the invitation's invitedAt is read first, with the detector, see bench/README.md)",
            "1 BatchGetItem + 1 TransactWriteItems",
        ),
        rows::requests(
            "DynamoDB requests for GetAdministratorAccount".into(),
            &get_requests,
            &[("BatchGetItem", 1)],
            "1 (one BatchGetItem of the membership item and the detector)",
            "exactly 1 BatchGetItem, 0 other",
        ),
        rows::requests(
            "DynamoDB requests for DisassociateFromAdministratorAccount".into(),
            &disassociate_requests,
            &transaction,
            "2 (the membership item, read with the detector, names the invitation to update)",
            "<= 2: 1 BatchGetItem + 1 TransactWriteItems",
        ),
    ]
}
