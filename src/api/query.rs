//! Query-string parameters of the GET operations, with the same precise
//! 400s as bodies. API Gateway has already percent-decoded them.

use lambda_http::{Request, RequestExt};

use super::error::InputError;

pub const MIN_RESULTS: i32 = 1;
pub const MAX_RESULTS: i32 = 50;

/// `maxResults`: 1 to 50, 50 when not given.
pub fn max_results(request: &Request) -> Result<i32, InputError> {
    let Some(value) = single(request, "maxResults")? else {
        return Ok(MAX_RESULTS);
    };
    let range = || format!("must be an integer from {MIN_RESULTS} to {MAX_RESULTS}");
    let digits = value.strip_prefix('-').unwrap_or(&value);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(InputError::invalid("maxResults", range()));
    }
    match value.parse::<i32>() {
        Ok(n) if (MIN_RESULTS..=MAX_RESULTS).contains(&n) => Ok(n),
        Ok(n) => Err(InputError::out_of_range(
            "maxResults",
            format!("{}, not {n}", range()),
        )),
        Err(_) => Err(InputError::out_of_range("maxResults", range())),
    }
}

/// `nextToken` as given, when given.
pub fn next_token(request: &Request) -> Result<Option<String>, InputError> {
    single(request, "nextToken")
}

/// ListMembers' `onlyAssociated`: `true` or `false` in any case, `true`
/// when not given.
pub fn only_associated(request: &Request) -> Result<bool, InputError> {
    match single(request, "onlyAssociated")? {
        None => Ok(true),
        Some(value) if value.eq_ignore_ascii_case("true") => Ok(true),
        Some(value) if value.eq_ignore_ascii_case("false") => Ok(false),
        Some(_) => Err(InputError::invalid(
            "onlyAssociated",
            "must be true or false",
        )),
    }
}

/// A parameter that may appear at most once.
fn single(request: &Request, name: &str) -> Result<Option<String>, InputError> {
    let parameters = request.query_string_parameters();
    match parameters.all(name).as_deref() {
        None | Some([]) => Ok(None),
        Some([value]) => Ok(Some((*value).to_owned())),
        Some(_) => Err(InputError::invalid(name, "must be given at most once")),
    }
}
