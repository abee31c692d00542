//! The error shape the UI receives from every command: the core's `{code, message, field}`,
//! the same the CLI prints under `--json`.

/// A core error as the UI sees it (see [`kinship_core::error::ErrorReport`]).
pub type CommandError = kinship_core::error::ErrorReport;
