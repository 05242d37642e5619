//! The fake's HTTP tests, in one test binary (one link): each file of
//! `tests/` is a module here. `saas-admin`'s `all.rs` checks that none is
//! left out.

mod checks;
mod client;
mod http;
mod limits;
mod state;
