//! Both sides' operations as the admin tool and the tests run them, one
//! account at a time, through the very store calls the API makes: the
//! administrator creates, invites and disassociates a member; the member
//! accepts, declines or leaves. An account that needs a detector for it
//! gets one first.

use crate::domain::detector::{NewDetector, Settings};
use crate::domain::{
    AcceptRefusal, AccountId, Action, DetectorId, Email, MemberAction, Outcome, Reason,
};
use crate::store::detector::Created;
use crate::store::{Store, StoreError};

#[derive(Debug)]
pub enum ChangeError {
    /// The operation left the account unprocessed, for this reason.
    Refused(Reason),
    /// The member's accept was refused.
    Accept(AcceptRefusal),
    Store(StoreError),
}

impl std::fmt::Display for ChangeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChangeError::Refused(reason) => f.write_str(&reason.message()),
            ChangeError::Accept(refusal) => f.write_str(&refusal.message()),
            ChangeError::Store(
                StoreError::Transient(e) | StoreError::Cancelled(e) | StoreError::Other(e),
            ) => f.write_str(e),
            ChangeError::Store(StoreError::OutOfTime) => f.write_str("out of time"),
            ChangeError::Store(StoreError::DetectorNotOwned) => {
                f.write_str(&Reason::DetectorNotOwned.message())
            }
        }
    }
}

impl std::error::Error for ChangeError {}

impl From<StoreError> for ChangeError {
    fn from(error: StoreError) -> Self {
        ChangeError::Store(error)
    }
}

/// The demo address of a member created without one.
pub fn demo_email(member: &AccountId) -> Email {
    Email::parse(&format!("member-{member}@example.com")).expect("a valid address")
}

/// `account`'s detector, created first (enabled, with the defaults) when
/// it has none.
pub async fn detector(store: &Store, account: &AccountId) -> Result<String, ChangeError> {
    if let Some(detector) = store.detector(account).await? {
        return Ok(detector.id);
    }
    let id = DetectorId::generate(account);
    let new = NewDetector {
        settings: Settings {
            enable: Some(true),
            ..Settings::default()
        },
        ..NewDetector::default()
    };
    match store.create_detector(account, &id, &new).await? {
        Created::New(id) => Ok(id.as_str().to_owned()),
        // Another writer created one first.
        Created::Again(id) => Ok(id),
        Created::Exists => Ok(store
            .detector(account)
            .await?
            .map(|d| d.id)
            .unwrap_or_default()),
    }
}

/// The administrator creates `member` (CreateMembers of one).
pub async fn create(
    store: &Store,
    administrator: &AccountId,
    member: &AccountId,
    email: &Email,
) -> Result<(), ChangeError> {
    let detector = detector(store, administrator).await?;
    let details = [(member.clone(), email.clone())];
    one(store
        .create_members(administrator, &detector, &details)
        .await?)
}

/// The administrator invites `member`, creating it first when it has no
/// record: both views become Invited.
pub async fn invite(
    store: &Store,
    administrator: &AccountId,
    member: &AccountId,
) -> Result<(), ChangeError> {
    match create(store, administrator, member, &demo_email(member)).await {
        Ok(()) | Err(ChangeError::Refused(Reason::AlreadyMember)) => {}
        Err(e) => return Err(e),
    }
    let detector = detector(store, administrator).await?;
    let members = [member.clone()];
    one(store
        .invite_members(administrator, &detector, &members)
        .await?)
}

/// The member accepts the invitation it has from `administrator`, whatever
/// its ID, on its own detector.
pub async fn accept(
    store: &Store,
    member: &AccountId,
    administrator: &AccountId,
) -> Result<(), ChangeError> {
    let Some(invitation) = store.invitation(member, administrator).await? else {
        return Err(ChangeError::Accept(AcceptRefusal::NoInvitation));
    };
    let detector = detector(store, member).await?;
    store
        .accept(member, administrator, &invitation.invitation_id, &detector)
        .await?
        .map_err(ChangeError::Accept)
}

/// The member declines (or deletes) the invitation from `administrator`.
pub async fn answer(
    store: &Store,
    action: Action,
    member: &AccountId,
    administrator: &AccountId,
) -> Result<(), ChangeError> {
    let outcome = store.apply(action, member, administrator).await?;
    one(vec![Ok(outcome)])
}

/// The administrator disassociates, deletes, stops or starts `member`.
pub async fn change(
    store: &Store,
    action: MemberAction,
    administrator: &AccountId,
    member: &AccountId,
) -> Result<(), ChangeError> {
    let detector = detector(store, administrator).await?;
    let (members, on) = ([member.clone()], detector.as_str());
    one(match action {
        MemberAction::Disassociate => {
            store
                .disassociate_members(administrator, on, &members)
                .await?
        }
        MemberAction::Delete => store.delete_members(administrator, on, &members).await?,
        _ => {
            store
                .monitor_members(action, administrator, on, &members)
                .await?
        }
    })
}

/// The member leaves its administrator.
pub async fn resign(store: &Store, member: &AccountId) -> Result<(), ChangeError> {
    let detector = detector(store, member).await?;
    store
        .disassociate(member, &detector)
        .await?
        .map_err(|_| ChangeError::Refused(Reason::LockedByAll))
}

/// The one account's result of a batch.
fn one(results: Vec<Result<Outcome, StoreError>>) -> Result<(), ChangeError> {
    match results
        .into_iter()
        .next()
        .expect("one account, one result")?
    {
        Outcome::Processed => Ok(()),
        Outcome::Unprocessed(reason) => Err(ChangeError::Refused(reason)),
    }
}
