//! ListInvitations and GetInvitationsCount: reads of the caller's own
//! partition.

use serde::Serialize;
use serde_json::json;

use super::response::{Json, Relationship, Reply};
use super::{Call, query, token};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Page {
    invitations: Vec<Relationship>,
    /// Only when more invitations remain.
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

pub async fn invitations(call: Call<'_>) -> Reply {
    let limit = query::max_results(call.request)?;
    let after = match query::next_token(call.request)? {
        Some(given) => Some(token::decode(
            token::Listing::Invitations,
            &given,
            &call.caller,
        )?),
        None => None,
    };
    let page = call.store.list(&call.caller, limit, after.as_ref()).await?;
    tracing::Span::current().record("processed", page.invitations.len());
    let invitations: Vec<Relationship> = page
        .invitations
        .into_iter()
        .map(|invitation| Relationship {
            account_id: invitation.inviter.to_string(),
            invitation_id: invitation.invitation_id,
            relationship_status: invitation.status,
            invited_at: invitation.invited_at,
        })
        .collect();
    Ok(Json::of(&Page {
        invitations,
        next_token: page
            .more_after
            .map(|after| token::encode(token::Listing::Invitations, &call.caller, &after)),
    }))
}

pub async fn count(call: Call<'_>) -> Reply {
    let count = call.store.count(&call.caller).await?;
    Ok(Json::of(&json!({ "invitationsCount": count })))
}
