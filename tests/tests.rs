//! Kinship's integration tests: one binary, one module per area. Each test works in its own
//! temporary data folder, as a person (or a script) would use Kinship.
//!
//! Build the binaries first (`cargo build --workspace`): the CLI tests run the real
//! `kinship` executable and the end-to-end tests the real desktop app.

/// Shared helpers: temporary data folders, running the CLI and reporting its output.
mod util;

/// The `kinship` CLI: every command round-trips, bad input gets clear errors.
mod cli;

/// Sync through the CLI: invite and join, bundles as files and pasted text, dry runs, undo,
/// refused bundles (damaged, from a removed member) that leave every table as it was.
mod sync_cli;

/// Sync through a shared folder with the CLI: a plain folder several laptops point at, and
/// real Syncthing instances on loopback (with the time from a write to its import).
mod folder_cli;
mod folder_syncthing;

/// The store on disk: persistence, migrations from a frozen first schema, newer-version refusal.
mod store;

/// Rules about the code's shape that must never break (the core never depends on Tauri,
/// the UI never inserts HTML, the command error wire shape).
mod architecture;

/// The real desktop app under Xvfb, driven through WebDriver (tauri-driver + WebKitWebDriver).
mod e2e;

/// Run mode, the end screen, a private reflection and the journal, through the real window.
mod e2e_run;

/// The circle home and a meeting's agenda in the real window: schedule, template, reorder by keyboard.
mod e2e_agenda;

/// The mentoring record, calendar files, backup and restore, whole-data export and import, via the CLI.
mod records;

/// A meeting's minutes through the CLI: each format against its golden file, saved files.
mod minutes;

/// The mentoring record and your-data screens in the real window: preview, save, back up, export, restore.
mod e2e_record;

/// Sync in the real window: share and import bundles, undo, conflicts, joining from an invite.
mod e2e_sync;

/// Members in the real window: an invite another member made, and a long name in the top bar.
mod e2e_members;

/// The circle's memory in the real window: a meeting's minutes, and another member's shared
/// reflection on the Reflections page, in the minutes, on the home and in Search.
mod e2e_memory;

/// "Since you last looked" in the real window: what Ben's bundle brought, listed on Ana's
/// circle home after she imports it, each entry opening its place, until she marks it seen.
mod e2e_since;

/// From install to a running circle, counted: the organiser's path in at most 15 actions, a
/// member's in at most 5 (the set-up checklist, several people at once, the share offer).
mod e2e_steps;

/// A meeting in the real window killed with SIGKILL and started again: same item, timer
/// derived from the wall clock, the note, decision and action typed before the kill.
mod e2e_kill;

/// Crash safety: the CLI killed with SIGKILL mid-import, mid-undo and mid-edit leaves a sound
/// database holding all of the command's writes or none, with log and records in agreement.
mod crash;
