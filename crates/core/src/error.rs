//! The one error type of the core. Every variant says what to fix; `code()` is the
//! stable, machine-readable name the shells put on the wire, in the one shape both use
//! ([`ErrorReport`]).

use serde::Serialize;

/// Shorthand for results of core operations.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in the core, worded for the person who must fix it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{field} cannot be empty. Please fill it in.")]
    Empty { field: &'static str },

    #[error("{field} is too long: {len} characters, and the limit is {max}. Please shorten it.")]
    TooLong { field: &'static str, len: usize, max: usize },

    #[error("{field} is not valid: {reason}")]
    Invalid { field: &'static str, reason: String },

    #[error("No {what} with id {id} exists here. Check the id (list them to see which exist).")]
    NotFound { what: &'static str, id: String },

    #[error("Kinship does not know who you are on this laptop yet. Set up your name and email first (kinship init --name NAME --email EMAIL).")]
    NoIdentity,

    #[error("This laptop's identity is already set up as {name} <{email}>.")]
    IdentityExists { name: String, email: String },

    #[error("This data was saved by a newer version of Kinship (data version {found}; this version reads up to {supported}). Update Kinship to open it; nothing was changed.")]
    NewerDatabase { found: i64, supported: i64 },

    #[error("Kinship cannot use this file: {0}. Nothing was changed; ask the sender for a new one.")]
    Bundle(String),

    #[error("This bundle was made by a newer version of Kinship (data version {found}; this version reads up to {supported}). Update Kinship to open this bundle; nothing was changed.")]
    NewerBundle { found: i64, supported: i64 },

    #[error("{}", older_bundle_message(sender.as_deref()))]
    OlderBundle { sender: Option<String> },

    /// A bundle holds a change stamped ahead of this laptop's clock by more than a few minutes.
    #[error("{}", future_clock_message(member, claimed, here))]
    FutureClock { member: String, claimed: String, here: String },

    #[error("This file is an invite to join a circle, not a bundle of updates. Open it with the passphrase the person who invited you told you.")]
    IsInvite,

    #[error("Could not read or write Kinship's data: {0}")]
    Storage(#[from] rusqlite::Error),

    #[error("Could not prepare Kinship's data: {0}")]
    Migration(String),

    #[error("Could not use the data folder {path}: {source}")]
    Io { path: String, source: std::io::Error },

    /// The shared folder a circle syncs through cannot be used (gone, read-only, full).
    #[error("The shared folder {path} {problem}. Nothing on this laptop was lost.")]
    Folder { path: String, problem: String },
}

impl Error {
    /// A stable code the UI and scripts can match on.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Empty { .. } => "empty",
            Error::TooLong { .. } => "too_long",
            Error::Invalid { .. } => "invalid",
            Error::NotFound { .. } => "not_found",
            Error::NoIdentity => "no_identity",
            Error::IdentityExists { .. } => "identity_exists",
            Error::NewerDatabase { .. } => "newer_database",
            Error::Bundle(_) => "bad_bundle",
            Error::NewerBundle { .. } => "newer_bundle",
            Error::OlderBundle { .. } => "older_bundle",
            Error::FutureClock { .. } => "future_clock",
            Error::IsInvite => "is_invite",
            Error::Storage(_) => "storage",
            Error::Migration(_) => "migration",
            Error::Io { .. } => "io",
            Error::Folder { .. } => "folder",
        }
    }

    /// The field the error is about, when it is about one (the UI marks that input).
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Error::Empty { field } | Error::TooLong { field, .. } | Error::Invalid { field, .. } => Some(field),
            _ => None,
        }
    }

    pub(crate) fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        Error::Invalid { field, reason: reason.into() }
    }

    pub(crate) fn not_found(what: &'static str, id: &str) -> Self {
        Error::NotFound { what, id: id.to_string() }
    }
}

/// An error as both shells put it on the wire: `{code, message, field}`. `code` is stable
/// (the UI and scripts may match on it), `message` says what to do, and `field` names the
/// input to mark when the error is about one (`null` otherwise).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ErrorReport {
    pub code: String,
    pub message: String,
    pub field: Option<String>,
}

impl From<&Error> for ErrorReport {
    fn from(err: &Error) -> Self {
        ErrorReport { code: err.code().to_string(), message: err.to_string(), field: err.field().map(str::to_string) }
    }
}

impl From<Error> for ErrorReport {
    fn from(err: Error) -> Self {
        ErrorReport::from(&err)
    }
}

impl From<rusqlite_migration::Error> for Error {
    fn from(e: rusqlite_migration::Error) -> Self {
        Error::Migration(e.to_string())
    }
}

/// The message for a bundle from an older Kinship, naming its sender when known.
fn older_bundle_message(sender: Option<&str>) -> String {
    let who = sender.unwrap_or("the person who sent it");
    format!(
        "This bundle was made by an older version of Kinship, which does not sign each change. \
         Ask {who} to update Kinship and share again; nothing was changed."
    )
}

/// The message for a bundle holding a change stamped ahead of this laptop's clock: whose laptop
/// wrote it, the time it claims and the time here (dates, or times when the day is the same).
fn future_clock_message(member: &str, claimed: &str, here: &str) -> String {
    let first_name = member.split_whitespace().next().unwrap_or(member);
    format!(
        "{member}'s laptop says it is {claimed} (this laptop says {here}); ask {first_name} to set the date and \
         time and share again. Nothing was changed."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wire_shape_names_the_field_only_when_there_is_one() {
        let empty = serde_json::to_value(ErrorReport::from(Error::Empty { field: "Circle name" })).unwrap();
        assert_eq!(
            empty,
            serde_json::json!({"code": "empty", "message": "Circle name cannot be empty. Please fill it in.", "field": "Circle name"})
        );
        let no_identity = serde_json::to_value(ErrorReport::from(Error::NoIdentity)).unwrap();
        assert_eq!(no_identity["code"], "no_identity");
        assert_eq!(no_identity["field"], serde_json::Value::Null);
    }
}
