//! `kinship folder`: sync a circle through a shared folder a sync engine keeps in step. The
//! core decides everything (what to read, import, refuse and write); this file words it.

use crate::args::FolderCommand;
use crate::{output, plural, Output};
use kinship_core::sync::folder::watch::FolderWatch;
use kinship_core::sync::folder::{FolderPass, FolderStatus};
use kinship_core::{Result, Store};
use std::time::Duration;

/// What a pass did, a line per file it read (nothing when nothing changed).
fn pass_lines(pass: &FolderPass) -> Vec<String> {
    let mut lines = Vec::new();
    for f in &pass.brought_in {
        let who = f.sender_name.as_deref().unwrap_or("a member");
        lines.push(format!(
            "{}: brought in {} from {who} ({}; undo with kinship sync undo --circle {})",
            pass.circle_name,
            plural(f.new_changes, "new change"),
            f.name,
            pass.circle_id
        ));
    }
    for f in &pass.waiting {
        let who = f.sender_name.as_deref().unwrap_or("a member");
        lines.push(format!(
            "{}: waiting for you: {} from {who} (kinship import --dry-run {}, then without --dry-run)",
            pass.circle_name, f.name, f.path
        ));
    }
    for f in &pass.refused {
        lines.push(format!("{}: refused {}: {}", pass.circle_name, f.name, f.reason.as_deref().unwrap_or("")));
    }
    if let Some(changes) = pass.wrote {
        lines.push(format!("{}: wrote this laptop's file ({})", pass.circle_name, plural(changes as i64, "change")));
    }
    lines
}

/// The passes' output: what each did, and the folders that could not be used as the problem.
fn passes_output(passes: Vec<FolderPass>) -> Output {
    let mut lines: Vec<String> = passes.iter().flat_map(pass_lines).collect();
    if lines.is_empty() {
        lines.push("Nothing new in the shared folders.".into());
    }
    let problems: Vec<String> = passes.iter().filter_map(|p| p.problem.clone()).collect();
    let mut out = output(&passes, lines.join("\n"));
    out.problem = (!problems.is_empty()).then(|| problems.join("\nkinship: "));
    out
}

fn status_text(s: &FolderStatus) -> String {
    let mut lines = vec![format!(
        "Shared folder: {} (automatic import {})",
        s.path,
        if s.auto_import { "on" } else { "off: files wait for you" }
    )];
    if let Some(problem) = &s.problem {
        lines.push(format!("problem: {problem}"));
    }
    for f in &s.member_files {
        let this = if f.this_laptop { ", this laptop" } else { "" };
        let changed = f.changed_at.as_deref().map_or("not in the folder yet".to_string(), |at| format!("changed {at}"));
        lines.push(format!("  {} ({}{this}): {} {changed}", f.member_name, f.laptop, f.file_name));
    }
    for f in &s.brought_in {
        let undone = if f.undone { " (undone)" } else { "" };
        lines.push(format!(
            "brought in {} from {} on {}{undone}",
            plural(f.new_changes, "new change"),
            f.sender_name.as_deref().unwrap_or("a member"),
            f.seen_at
        ));
    }
    for f in &s.waiting {
        lines.push(format!("waiting: {} from {}", f.path, f.sender_name.as_deref().unwrap_or("a member")));
    }
    for f in &s.refused {
        lines.push(format!("refused {}: {}", f.name, f.reason.as_deref().unwrap_or("")));
    }
    lines.join("\n")
}

/// Passes until the process is stopped: on start (to catch up), whenever a folder changes,
/// and every `poll` seconds. Prints what each pass did as it happens.
fn watch(store: &mut Store, poll: u64, as_json: bool) -> Result<Output> {
    let poll = Duration::from_secs(poll.max(1));
    loop {
        let passes = store.folder_passes()?;
        let folders: Vec<_> = store.sync_folders()?.into_iter().map(|(_, dir)| dir).collect();
        if folders.is_empty() {
            return Err(kinship_core::Error::Invalid {
                field: "Folder",
                reason:
                    "no circle has a shared folder on this laptop; set one first (kinship folder set --circle C DIR)"
                        .into(),
            });
        }
        let out = passes_output(passes);
        if as_json {
            println!("{}", out.json);
        } else if !out.text.starts_with("Nothing new") {
            println!("{}", out.text);
        }
        if let Some(problem) = out.problem {
            eprintln!("kinship: {problem}");
        }
        // A watch made afresh each time also picks up a folder that came back.
        FolderWatch::new(&folders).wait(poll);
    }
}

pub fn folder_command(store: &mut Store, command: FolderCommand, as_json: bool) -> Result<Output> {
    Ok(match command {
        FolderCommand::Set { circle, dir } => {
            let s = store.set_sync_folder(&circle, &dir)?;
            let text = format!(
                "{} now syncs through {}. Every member points Kinship at the same synced folder; run \
                 `kinship folder sync` (or keep Kinship open, or run `kinship folder watch`) to bring changes in.",
                store.circle(&circle)?.name,
                s.path
            );
            output(&s, text)
        }
        FolderCommand::Unset { circle } => {
            store.unset_sync_folder(&circle)?;
            output(
                serde_json::json!({ "unset": true }),
                "This circle no longer syncs through a folder on this laptop (the files there stay).",
            )
        }
        FolderCommand::Auto { circle, state } => {
            let s = store.set_folder_auto_import(&circle, state == "on")?;
            let text = if s.auto_import {
                "New files in the shared folder come in by themselves (a backup first; undo with kinship sync undo)."
            } else {
                "New files in the shared folder wait for you: kinship folder status lists them."
            };
            output(&s, text)
        }
        FolderCommand::Status { circle } => match store.folder_status(&circle)? {
            Some(s) => {
                let text = status_text(&s);
                output(&s, text)
            }
            None => output(serde_json::Value::Null, "This circle has no shared folder on this laptop."),
        },
        FolderCommand::Sync { circle: Some(circle) } => passes_output(vec![store.folder_pass(&circle)?]),
        FolderCommand::Sync { circle: None } => passes_output(store.folder_passes()?),
        FolderCommand::Watch { poll } => watch(store, poll, as_json)?,
    })
}
