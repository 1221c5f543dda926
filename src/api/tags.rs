//! Tags of the caller's own detector, by its ARN (`/tags/{resourceArn}`):
//! TagResource, UntagResource, ListTagsForResource. Any other resource,
//! another account's detector among them, is the "not owned" 400.

use std::collections::BTreeMap;

use lambda_http::RequestExt;
use serde_json::json;

use super::error::ApiError;
use super::response::{Json, Reply};
use super::{Call, input};

/// The caller's detector ID the path's ARN names.
fn detector(call: &Call<'_>) -> Result<String, ApiError> {
    let given = call.params.get("resourceArn").unwrap_or_default();
    let (account, id) = input::parse_detector_arn(given)?;
    if account != call.caller {
        return Err(ApiError::DetectorNotOwned);
    }
    Ok(id)
}

pub async fn tag(call: Call<'_>) -> Reply {
    let id = detector(&call)?;
    let tags = input::parse_tags(call.request.body())?;
    call.store.tag_detector(&call.caller, &id, &tags).await?;
    Ok(Json::none())
}

pub async fn untag(call: Call<'_>) -> Reply {
    let id = detector(&call)?;
    let keys: Vec<String> = call
        .request
        .query_string_parameters_ref()
        .and_then(|query| query.all("tagKeys"))
        .unwrap_or_default()
        .into_iter()
        .map(str::to_owned)
        .collect();
    let keys = input::parse_tag_keys(keys)?;
    call.store.untag_detector(&call.caller, &id, &keys).await?;
    Ok(Json::none())
}

pub async fn list(call: Call<'_>) -> Reply {
    let id = detector(&call)?;
    let tags = call.store.detector_tags(&call.caller, &id).await?;
    let tags: BTreeMap<String, String> = tags.into_iter().collect();
    Ok(Json::of(&json!({ "tags": tags })))
}
