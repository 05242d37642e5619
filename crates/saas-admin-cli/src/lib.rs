//! The helpers every command of `saas-admin` shares: how a text becomes a
//! value (`input`), how an answer is printed (`output`), `--dry-run`
//! (`dry_run`) and the failures with their exit codes. The commands
//! themselves are the binary's (`main.rs`). This library is the command
//! line's own, not an API for other crates: it is a library so that its
//! unit tests build without the 228 commands.

#![forbid(unsafe_code)]

pub mod dry_run;
pub mod input;
pub mod output;

use saas_admin::{ConfigError, ErrorKind};

/// Why a command failed, and the exit code that says so.
#[derive(Debug)]
pub struct Failure {
    /// The exit code.
    pub code: u8,
    /// What went wrong, in one line.
    pub message: String,
}

impl Failure {
    /// A usage error: a bad or missing option (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            code: 2,
            message: message.into(),
        }
    }

    /// Any other failure (exit 1).
    pub fn other(message: impl Into<String>) -> Self {
        Self {
            code: 1,
            message: message.into(),
        }
    }
}

impl From<saas_admin::Error> for Failure {
    fn from(error: saas_admin::Error) -> Self {
        let code = if error.kind() == ErrorKind::InvalidRequest {
            2
        } else if error.is_not_found() {
            4
        } else if error.is_rate_limited() {
            5
        } else {
            1
        };
        Self {
            code,
            message: error.to_string(),
        }
    }
}

impl From<ConfigError> for Failure {
    fn from(error: ConfigError) -> Self {
        Self {
            code: 3,
            message: format!("configuration: {error}"),
        }
    }
}
