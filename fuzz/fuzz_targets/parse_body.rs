//! The body parser never panics, and whatever it accepts is 1 to 50
//! distinct, valid account IDs.
#![no_main]

use guardduty_invitations::api::input::{MAX_ACCOUNTS, MIN_ACCOUNTS, parse_account_ids};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    if let Ok(ids) = parse_account_ids(body) {
        assert!((MIN_ACCOUNTS..=MAX_ACCOUNTS).contains(&ids.len()));
        for (i, id) in ids.iter().enumerate() {
            assert!(id.as_str().len() == 12 && id.as_str().bytes().all(|b| b.is_ascii_digit()));
            assert!(!ids[..i].contains(id), "duplicates are reported once");
        }
    }
});
