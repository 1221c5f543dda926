//! `nextToken`: opaque to clients. It holds which listing it continues,
//! the account a page ended at (an inviter or a member) and the account it
//! was issued to, so that a token only ever continues its own caller's
//! listing of the same kind. The partition read is always the caller's
//! whatever a token holds; a token this service did not issue is a 400.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::error::InputError;
use crate::domain::AccountId;

/// What a token continues; each has its own version tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Listing {
    Invitations,
    Members,
}

impl Listing {
    fn tag(self) -> &'static [u8] {
        match self {
            Listing::Invitations => b"gdi1",
            Listing::Members => b"gdm1",
        }
    }
}

pub fn encode(listing: Listing, caller: &AccountId, after: &AccountId) -> String {
    let mut raw = listing.tag().to_vec();
    raw.extend_from_slice(caller.as_str().as_bytes());
    raw.extend_from_slice(after.as_str().as_bytes());
    URL_SAFE_NO_PAD.encode(raw)
}

pub fn not_issued() -> InputError {
    InputError::invalid("nextToken", "is not a token this service issued")
}

/// The account to continue `listing` after, for `caller`.
pub fn decode(listing: Listing, token: &str, caller: &AccountId) -> Result<AccountId, InputError> {
    let raw = URL_SAFE_NO_PAD.decode(token).map_err(|_| not_issued())?;
    let rest = raw.strip_prefix(listing.tag()).ok_or_else(not_issued)?;
    if rest.len() != 2 * AccountId::LEN {
        return Err(not_issued());
    }
    let (issued_to, after) = rest.split_at(AccountId::LEN);
    let account = |bytes: &[u8]| {
        std::str::from_utf8(bytes)
            .ok()
            .and_then(|s| AccountId::parse(s).ok())
            .ok_or_else(not_issued)
    };
    if account(issued_to)? != *caller {
        return Err(InputError::invalid(
            "nextToken",
            "was issued to another account",
        ));
    }
    account(after)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> AccountId {
        AccountId::parse(s).unwrap()
    }

    #[test]
    fn a_token_continues_only_its_own_callers_listing() {
        let (me, other, after) = (id("111122223333"), id("444455556666"), id("210000000007"));
        let token = encode(Listing::Invitations, &me, &after);
        assert_eq!(decode(Listing::Invitations, &token, &me), Ok(after.clone()));
        assert_eq!(
            decode(Listing::Invitations, &token, &other)
                .unwrap_err()
                .message(),
            "nextToken: was issued to another account"
        );
        let members = encode(Listing::Members, &me, &after);
        assert_eq!(decode(Listing::Members, &members, &me), Ok(after.clone()));
        let not_digits = URL_SAFE_NO_PAD.encode(b"gdi1111122223333abcdefghijkl");
        let other_version = URL_SAFE_NO_PAD.encode(b"gdi2111122223333210000000007");
        let cases = [
            "",
            "x",
            &token[..token.len() - 1],
            &format!("{token}A"),
            &not_digits,
            &other_version,
            &members,
        ];
        for forged in cases {
            assert_eq!(
                decode(Listing::Invitations, forged, &me)
                    .unwrap_err()
                    .message(),
                "nextToken: is not a token this service issued",
                "{forged}"
            );
        }
    }
}
