//! The command line's tests, in one test binary (one link): each file of
//! `tests/` is a module here. `saas-admin`'s `all.rs` checks that none is
//! left out.

mod cli;
mod generated_walk;

// Runs the binary against a fake: both suites use it.
#[path = "support/walk.rs"]
mod walk;
