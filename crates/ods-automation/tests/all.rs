//! The crate's tests, in one test binary (one link): each file of `tests/`
//! is a module here. `saas-admin`'s `all.rs` checks that none is left out.

mod datasources;
mod decoding;
mod kinds;
mod path_matchers;
mod two_apis;
mod uploads;

mod support;
