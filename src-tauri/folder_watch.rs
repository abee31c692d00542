//! The shared-folder watcher: a thread that runs the core's pass over every circle's shared
//! folder on start (to catch up), whenever a folder changes (notify), every 30 seconds (for
//! folders whose changes are not notified), and soon after the window used the store (so a
//! local edit reaches the folder). What a pass reads, imports, refuses or writes is decided by
//! the core; this thread only schedules passes and tells the window to refresh.

use crate::AppState;
use kinship_core::sync::folder::watch::FolderWatch;
use kinship_core::sync::folder::FolderPass;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tauri::{AppHandle, Emitter, Manager};

/// Emitted after a pass that brought something in, found something waiting or refused, wrote
/// this laptop's file, or could not use a folder: the Sync screen reads its state again.
pub const FOLDER_EVENT: &str = "kinship://folder-pass";

/// Passes at least this often when nothing is notified.
const POLL: Duration = Duration::from_secs(30);
/// How soon after the window used the store a pass follows.
const NUDGED: Duration = Duration::from_secs(2);

/// Set when the window used the store: a pass follows shortly.
#[derive(Clone, Default)]
pub struct Nudge(Arc<AtomicBool>);

impl Nudge {
    pub fn set(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    fn take(&self) -> bool {
        self.0.swap(false, Ordering::Relaxed)
    }
}

/// Whether a pass did anything the window shows.
fn worth_telling(pass: &FolderPass) -> bool {
    pass.wrote.is_some()
        || !pass.brought_in.is_empty()
        || !pass.waiting.is_empty()
        || !pass.refused.is_empty()
        || pass.problem.is_some()
}

/// Starts the watcher thread.
pub fn start(app: AppHandle, nudge: Nudge) {
    std::thread::Builder::new()
        .name("kinship-folder-watch".into())
        .spawn(move || {
            let mut last_problems: Vec<Option<String>> = Vec::new();
            loop {
                let state = app.state::<AppState>();
                let passes = state.with_store_quietly(|s| s.folder_passes()).unwrap_or_else(|err| {
                    eprintln!("Kinship: the shared-folder pass failed: {}", err.message);
                    Vec::new()
                });
                let problems: Vec<Option<String>> = passes.iter().map(|p| p.problem.clone()).collect();
                // A problem that stays is told once; one that clears is told too.
                let changed = problems != last_problems;
                if changed || passes.iter().any(|p| worth_telling(p) && p.problem.is_none()) {
                    let _ = app.emit(FOLDER_EVENT, ());
                }
                last_problems = problems;
                let folders: Vec<_> = state
                    .with_store_quietly(|s| s.sync_folders())
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(_, dir)| dir)
                    .collect();
                // A watch made afresh after each pass also covers a folder just chosen, or
                // one that came back (a drive connected again).
                let watch = FolderWatch::new(&folders);
                let started = Instant::now();
                while started.elapsed() < POLL {
                    if watch.wait(NUDGED) || nudge.take() {
                        break;
                    }
                }
            }
        })
        .expect("Kinship could not start its shared-folder watcher");
}
