//! The member's side of an administrator: accept one (both operation
//! names), see it, leave it. Every route is under the caller's one
//! detector (`/detector/{detectorId}/...`).

use serde_json::json;

use super::error::{ApiError, InputError};
use super::response::{Json, Relationship};
use super::routes::Reply;
use super::{Call, input};
use crate::domain::{AcceptRefusal, DetectorId, Status};

pub async fn accept_administrator(call: Call<'_>) -> Reply {
    accept(call, "administratorId").await
}

/// AcceptInvitation, the deprecated name: the administrator is `masterId`.
pub async fn accept_master(call: Call<'_>) -> Reply {
    accept(call, "masterId").await
}

pub async fn administrator(call: Call<'_>) -> Reply {
    show(call, "administrator").await
}

/// GetMasterAccount, the deprecated name: the answer is `master`.
pub async fn master(call: Call<'_>) -> Reply {
    show(call, "master").await
}

/// Both DisassociateFromAdministratorAccount and the deprecated
/// DisassociateFromMasterAccount.
pub async fn disassociate(call: Call<'_>) -> Reply {
    own_detector(&call)?;
    call.store.disassociate(&call.caller).await?;
    Ok(Json::of(&json!({})))
}

async fn accept(call: Call<'_>, administrator_param: &str) -> Reply {
    own_detector(&call)?;
    let (administrator, invitation_id) =
        input::parse_accept(call.request.body(), administrator_param)?;
    if administrator == call.caller {
        return Err(ApiError::Refused(AcceptRefusal::OwnAccount));
    }
    call.store
        .accept(&call.caller, &administrator, &invitation_id)
        .await?
        .map_err(ApiError::Refused)?;
    Ok(Json::of(&json!({})))
}

async fn show(call: Call<'_>, member: &str) -> Reply {
    own_detector(&call)?;
    let Some(membership) = call.store.membership(&call.caller).await? else {
        return Ok(Json::of(&json!({})));
    };
    let administrator = Relationship {
        account_id: membership.administrator.to_string(),
        invitation_id: membership.invitation_id,
        relationship_status: Status::Enabled.as_str().to_owned(),
        invited_at: membership.invited_at,
    };
    Ok(Json::of(&json!({ member: administrator })))
}

/// The route's `detectorId` is the caller's one detector.
fn own_detector(call: &Call<'_>) -> Result<(), ApiError> {
    let given = call.params.get("detectorId").unwrap_or_default();
    let length = given.chars().count();
    if !(1..=DetectorId::MAX_LEN).contains(&length) {
        let detail = format!(
            "must be 1 to {} characters, not {length}",
            DetectorId::MAX_LEN
        );
        return Err(InputError::out_of_range("detectorId", detail).into());
    }
    if given != DetectorId::of(&call.caller).as_str() {
        return Err(ApiError::DetectorNotOwned);
    }
    Ok(())
}
