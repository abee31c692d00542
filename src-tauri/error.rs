//! The error shape the UI receives from every command: `{code, message, field}`.

use serde::Serialize;

/// A core error as the UI sees it. `code` is stable (the UI may match on it), `message`
/// says what to do, `field` names the input to mark when the error is about one.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CommandError {
    pub code: String,
    pub message: String,
    pub field: Option<String>,
}

impl From<kinship_core::Error> for CommandError {
    fn from(err: kinship_core::Error) -> Self {
        CommandError { code: err.code().to_string(), message: err.to_string(), field: err.field().map(str::to_string) }
    }
}
