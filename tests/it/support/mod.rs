//! The tests' own helpers on top of the shared `testkit`: API Gateway
//! events, plain HTTP, injected faults, and one call helper per endpoint.

pub mod calls;
pub mod events;
pub mod faults;
pub mod http;
pub mod invariants;
pub mod org;
pub mod watch;

pub use testkit::*;
