//! "One relationship, two views" row by row: every event of either side,
//! from every state, through the handler with real API Gateway events (both
//! gateways) over DynamoDB Local. The administrator's view is read back
//! with GetMembers, the member's with ListInvitations, and the invariants
//! hold after each.

use guardduty_invitations::api::App;
use guardduty_invitations::api::identity::AuthMode;
use guardduty_invitations::domain::{Action, MemberAction, Reason};
use guardduty_invitations::inviter;
use serde_json::Value;

use crate::support::calls::{self, Members, Name};
use crate::support::events::{BOTH, Gateway, body_json};
use crate::support::invariants::assert_invariants;
use crate::support::{TestTable, account};

/// Where a relationship can stand, as both sides' operations leave it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    None,
    Created,
    Invited,
    /// Invited, and the member declined.
    Declined,
    Enabled,
    Disabled,
    /// Disassociated by the administrator.
    Removed,
    /// The member left.
    Resigned,
}

pub const STATES: [State; 8] = [
    State::None,
    State::Created,
    State::Invited,
    State::Declined,
    State::Enabled,
    State::Disabled,
    State::Removed,
    State::Resigned,
];

/// Brings `member`'s relationship with `admin` to `state`, through the
/// store calls the API makes.
pub async fn set_up(table: &TestTable, admin: &str, member: &str, state: State) {
    table.detector(admin).await;
    table.detector(member).await;
    let store = table.store();
    let (a, m) = (account(admin), account(member));
    let email = inviter::demo_email(&m);
    if state == State::None {
        return;
    }
    if state == State::Created {
        return inviter::create(&store, &a, &m, &email).await.unwrap();
    }
    table.invite(member, admin).await;
    let then = async |step| match step {
        MemberAction::Accept => inviter::accept(&store, &m, &a).await,
        MemberAction::Resign => inviter::resign(&store, &m).await,
        MemberAction::Forget => inviter::answer(&store, Action::Decline, &m, &a).await,
        _ => inviter::change(&store, step, &a, &m).await,
    };
    let steps: &[MemberAction] = match state {
        State::Declined => &[MemberAction::Forget],
        State::Enabled => &[MemberAction::Accept],
        State::Disabled => &[MemberAction::Accept, MemberAction::Stop],
        State::Removed => &[MemberAction::Accept, MemberAction::Disassociate],
        State::Resigned => &[MemberAction::Accept, MemberAction::Resign],
        _ => &[],
    };
    for step in steps {
        then(*step).await.unwrap();
    }
}

/// Both views through the API: the administrator's record status (GetMembers)
/// and the member's invitation status (ListInvitations).
async fn views(
    app: &App,
    gateway: Gateway,
    admin: &str,
    member: &str,
) -> (Option<String>, Option<String>) {
    let got = body_json(&calls::members(app, gateway, Members::Get, admin, &[member]).await);
    let record = got["members"].as_array().unwrap().first().map(|m| {
        assert_eq!(m["masterId"], admin);
        assert_eq!(m["administratorId"], admin);
        m["relationshipStatus"].as_str().unwrap().to_owned()
    });
    let listed = body_json(&calls::list_invitations(app, gateway, member, "").await);
    let invitation = listed["invitations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["accountId"] == admin)
        .map(|i| i["relationshipStatus"].as_str().unwrap().to_owned());
    (record, invitation)
}

/// An event of either side, as its operation's request.
#[derive(Clone, Copy, Debug)]
enum Event {
    Create,
    Admin(Members),
    Accept,
    Decline,
    DeleteInvitation,
    Leave,
}

/// What an event does from a state: the views after it (`None`: no record,
/// no invitation), or the result that leaves it unprocessed and changes
/// nothing.
fn expected(
    event: Event,
    from: State,
) -> Result<(Option<&'static str>, Option<&'static str>), Reason> {
    use State as S;
    let before = match from {
        S::None => (None, None),
        S::Created => (Some("Created"), None),
        S::Invited => (Some("Invited"), Some("Invited")),
        S::Declined => (Some("Invited"), Some("Declined")),
        S::Enabled => (Some("Enabled"), Some("Enabled")),
        S::Disabled => (Some("Disabled"), Some("Enabled")),
        S::Removed => (Some("Removed"), Some("Removed")),
        S::Resigned => (Some("Resigned"), Some("Removed")),
    };
    let associated = matches!(from, S::Enabled | S::Disabled);
    match (event, from) {
        (Event::Create, S::None) => Ok((Some("Created"), None)),
        (Event::Create, _) => Err(Reason::AlreadyMember),
        (Event::Admin(Members::Invite), S::None) => Err(Reason::EmailMissing),
        (Event::Admin(Members::Invite), S::Created | S::Removed | S::Resigned) => {
            Ok((Some("Invited"), Some("Invited")))
        }
        (Event::Admin(Members::Invite), _) => Err(Reason::AlreadyInvited),
        (Event::Admin(Members::Get), S::None) => Err(Reason::NotMember),
        (Event::Admin(Members::Get), _) => Ok(before),
        (Event::Admin(Members::Disassociate), S::Invited | S::Enabled | S::Disabled) => {
            Ok((Some("Removed"), Some("Removed")))
        }
        (Event::Admin(Members::Disassociate), S::Declined) => {
            Ok((Some("Removed"), Some("Declined")))
        }
        (Event::Admin(Members::Disassociate), _) => Err(Reason::NotMember),
        (Event::Admin(Members::Delete), S::None) => Err(Reason::NotMember),
        (Event::Admin(Members::Delete), _) if associated => Err(Reason::StillAssociatedMember),
        (Event::Admin(Members::Delete), _) => Ok((None, None)),
        (Event::Admin(Members::Stop), S::Enabled | S::Disabled) => {
            Ok((Some("Disabled"), Some("Enabled")))
        }
        (Event::Admin(Members::Start), S::Enabled | S::Disabled) => {
            Ok((Some("Enabled"), Some("Enabled")))
        }
        (Event::Admin(_), _) => Err(Reason::NotMember),
        (Event::Accept, S::Invited) => Ok((Some("Enabled"), Some("Enabled"))),
        (Event::Decline, S::Invited | S::Declined) => Ok((Some("Invited"), Some("Declined"))),
        (Event::Decline, S::Removed | S::Resigned) => Ok((before.0, Some("Declined"))),
        (Event::DeleteInvitation, S::Declined) => Ok((None, None)),
        (Event::Leave, _) if associated => Ok((Some("Resigned"), Some("Removed"))),
        // The member's side answers its own way (see the invitation tests);
        // here only that nothing changes.
        _ => Err(Reason::NoInvitation),
    }
}

/// Sends `event` and says whether it was processed (the member's refusals
/// are not compared here: their texts have tests of their own).
async fn send(
    app: &App,
    gateway: Gateway,
    event: Event,
    admin: &str,
    member: &str,
) -> Result<(), String> {
    let left = match event {
        Event::Create => {
            calls::create_members(app, gateway, admin, &[(member, "someone@example.com")]).await
        }
        Event::Admin(operation) => calls::members(app, gateway, operation, admin, &[member]).await,
        Event::Accept | Event::Leave => {
            let listed = body_json(&calls::list_invitations(app, gateway, member, "").await);
            let id = listed["invitations"]
                .as_array()
                .unwrap()
                .iter()
                .find(|i| i["accountId"] == admin)
                .map_or(Value::Null, |i| i["invitationId"].clone());
            let response = if let Event::Accept = event {
                let id = id.as_str().unwrap_or("none");
                calls::accept(app, gateway, Name::Administrator, member, admin, id).await
            } else {
                calls::disassociate(app, gateway, Name::Administrator, member).await
            };
            return match response.status().as_u16() {
                200 => Ok(()),
                _ => Err(body_json(&response)["message"].to_string()),
            };
        }
        Event::Decline => calls::decline(app, gateway, member, &[admin]).await,
        Event::DeleteInvitation => calls::delete(app, gateway, member, &[admin]).await,
    };
    let body = body_json(&left);
    match calls::unprocessed(&left).as_slice() {
        [] => Ok(()),
        [(_, result)] => Err(result.clone()),
        more => panic!("{more:?} in {body}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_event_from_every_state_keeps_both_views_in_agreement() {
    let table = std::sync::Arc::new(TestTable::new().await);
    let app = std::sync::Arc::new(table.app(AuthMode::Iam).await);
    let events = [
        Event::Create,
        Event::Admin(Members::Invite),
        Event::Admin(Members::Get),
        Event::Admin(Members::Disassociate),
        Event::Admin(Members::Delete),
        Event::Admin(Members::Stop),
        Event::Admin(Members::Start),
        Event::Accept,
        Event::Decline,
        Event::DeleteInvitation,
        Event::Leave,
    ];
    let mut cases = Vec::new();
    for event in events {
        for from in STATES {
            for gateway in BOTH {
                cases.push((event, from, gateway));
            }
        }
    }
    // Each case has accounts of its own, so they run side by side.
    for (chunk, group) in cases.chunks(6).enumerate() {
        let mut running = tokio::task::JoinSet::new();
        for (i, &(event, from, gateway)) in group.iter().enumerate() {
            let (table, app) = (table.clone(), app.clone());
            let n = chunk * 6 + i;
            running.spawn(async move { case(&table, &app, event, from, gateway, n).await });
        }
        while let Some(done) = running.join_next().await {
            done.unwrap();
        }
        assert_invariants(&table).await;
    }
}

/// One event from one state: the views after it, or its result and
/// nothing changed for the pair.
async fn case(table: &TestTable, app: &App, event: Event, from: State, gateway: Gateway, n: usize) {
    let (admin, member) = (format!("5100000{n:05}"), format!("5200000{n:05}"));
    set_up(table, &admin, &member, from).await;
    let pair = async || {
        let sort_key = format!("MEMBER#{member}");
        (
            table.item(&member, &admin).await,
            table.item(&admin, &sort_key).await,
        )
    };
    let before = pair().await;
    let sent = send(app, gateway, event, &admin, &member).await;
    let after = views(app, gateway, &admin, &member).await;
    let label = format!("{event:?} from {from:?} via {gateway:?}");
    match expected(event, from) {
        Ok((record, invitation)) => {
            assert_eq!(sent, Ok(()), "{label}");
            assert_eq!(
                (after.0.as_deref(), after.1.as_deref()),
                (record, invitation),
                "{label}"
            );
            if let Event::Admin(Members::Invite) = event {
                let id = |item: &Option<guardduty_invitations::store::Item>| {
                    item.as_ref().map(|i| i["invitationId"].clone())
                };
                let (invitation, record) = pair().await;
                assert_ne!(id(&invitation), id(&before.0), "{label}: a new invitation");
                let record = record.expect("the record");
                assert!(
                    !record.contains_key("detectorId"),
                    "{label}: not accepted yet"
                );
            }
        }
        Err(reason) => {
            let member_side = matches!(
                event,
                Event::Accept | Event::Decline | Event::DeleteInvitation | Event::Leave
            );
            if !member_side {
                assert_eq!(sent, Err(reason.message()), "{label}");
            }
            assert_eq!(pair().await, before, "{label}: nothing changed");
        }
    }
}

/// The texts of the refusals only a caller's own situation gives: itself,
/// an associated member that creates or invites, an administrator of
/// active members that accepts, the member limit.
#[tokio::test]
async fn the_callers_own_situation_answers_in_guardduty_s_words() {
    let table = TestTable::new().await;
    let app = table.app(AuthMode::Iam).await;
    let (admin, member, other) = ("530000000001", "530000000002", "530000000003");
    for account in [admin, member, other, "530000000010"] {
        table.detector(account).await;
    }
    let response =
        calls::create_members(&app, Gateway::RestV1, admin, &[(admin, "me@example.com")]).await;
    assert_eq!(
        calls::unprocessed(&response),
        [(admin.to_owned(), Reason::CannotBeOwnMember.message())]
    );
    let response = calls::members(&app, Gateway::HttpV2, Members::Invite, admin, &[admin]).await;
    assert_eq!(
        calls::unprocessed(&response),
        [(admin.to_owned(), Reason::CannotInviteSelf.message())]
    );

    // An associated member may not create or invite members.
    set_up(&table, admin, member, State::Enabled).await;
    let response =
        calls::create_members(&app, Gateway::HttpV2, member, &[(other, "o@example.com")]).await;
    assert_eq!(
        calls::unprocessed(&response),
        [(other.to_owned(), Reason::CallerIsMember.message())]
    );

    // An administrator of active members may not accept.
    set_up(&table, other, admin, State::Invited).await;
    let id = table.invitation_id(admin, other).await;
    let response = calls::accept(&app, Gateway::RestV1, Name::Master, admin, other, &id).await;
    assert_eq!(response.status(), 400);
    assert_eq!(
        body_json(&response)["message"],
        guardduty_invitations::domain::AcceptRefusal::HasMembers.message()
    );
    assert_invariants(&table).await;

    // MEMBER_LIMIT: past it, in request order.
    let limited = table.app_limited(table.store_config().await, AuthMode::Iam, 3);
    let boss = "530000000010";
    let accounts: Vec<String> = (11..16).map(|i| format!("5300000000{i}")).collect();
    let details: Vec<(&str, &str)> = accounts
        .iter()
        .map(|a| (a.as_str(), "m@example.com"))
        .collect();
    let response = calls::create_members(&limited, Gateway::RestV1, boss, &details[..2]).await;
    assert_eq!(calls::unprocessed(&response), []);
    let response = calls::create_members(&limited, Gateway::HttpV2, boss, &details[1..]).await;
    let over = Reason::MemberLimit.message();
    assert_eq!(
        calls::unprocessed(&response),
        [
            (accounts[1].clone(), Reason::AlreadyMember.message()),
            (accounts[3].clone(), over.clone()),
            (accounts[4].clone(), over),
        ]
    );
    let listed = body_json(
        &calls::list_members(&limited, Gateway::HttpV2, boss, "onlyAssociated=false").await,
    );
    assert_eq!(listed["members"].as_array().unwrap().len(), 3);
    assert_invariants(&table).await;
}
