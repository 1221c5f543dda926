//! The member's side of an administrator: accept one (both operation
//! names), see it, leave it. Every route is under the caller's detector
//! (`/detector/{detectorId}/...`).

use serde_json::json;

use super::error::ApiError;
use super::response::{Json, Relationship, Reply};
use super::{Call, input};
use crate::domain::{AcceptRefusal, Status};

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
    let detector = call.detector()?;
    call.store
        .disassociate(&call.caller, detector)
        .await?
        .map_err(|_| ApiError::LeaveLocked)?;
    Ok(Json::of(&json!({})))
}

async fn accept(call: Call<'_>, administrator_param: &str) -> Reply {
    let detector = call.detector()?;
    let (administrator, invitation_id) =
        input::parse_accept(call.request.body(), administrator_param)?;
    if administrator == call.caller {
        return Err(ApiError::Refused(AcceptRefusal::OwnAccount));
    }
    call.store
        .accept(&call.caller, &administrator, &invitation_id, detector)
        .await?
        .map_err(ApiError::Refused)?;
    Ok(Json::of(&json!({})))
}

async fn show(call: Call<'_>, member: &str) -> Reply {
    let detector = call.detector()?;
    let Some(membership) = call.store.membership(&call.caller, detector).await? else {
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
