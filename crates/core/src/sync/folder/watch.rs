//! Waiting for something to happen in the shared folders: the operating system's file
//! notifications (through `notify`), with a time limit that doubles as polling for the folders
//! and systems where notifications do not arrive (network drives, some sync clients, a folder
//! that was not there when the watch began). Both shells loop: a pass, then `wait`.

use notify::{RecursiveMode, Watcher};
use std::path::PathBuf;
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// How long the folder must stay quiet after a change before a pass reads it: a sync engine
/// writes a file in steps, and one pass for all of them is enough.
const SETTLE: Duration = Duration::from_millis(700);

/// A watch on some folders.
pub struct FolderWatch {
    // Kept alive for as long as the watch: dropping it stops the notifications.
    _watcher: Option<notify::RecommendedWatcher>,
    changes: Receiver<()>,
}

impl FolderWatch {
    /// Watches `folders` (those that exist); a folder that cannot be watched is polled.
    pub fn new(folders: &[PathBuf]) -> FolderWatch {
        let (tx, changes) = channel();
        let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            // Reading a file is an event too on some systems; only what changes the folder counts.
            if event.is_ok_and(|e| !matches!(e.kind, notify::EventKind::Access(_))) {
                let _ = tx.send(());
            }
        });
        let watcher = watcher.ok().map(|mut watcher| {
            for folder in folders.iter().filter(|f| f.is_dir()) {
                let _ = watcher.watch(folder, RecursiveMode::NonRecursive);
            }
            watcher
        });
        FolderWatch { _watcher: watcher, changes }
    }

    /// Waits until a watched folder changed (and then stayed quiet a moment), or `poll` has
    /// passed. Says whether a change was seen.
    pub fn wait(&self, poll: Duration) -> bool {
        match self.changes.recv_timeout(poll) {
            Ok(()) => {
                let mut quiet_since = Instant::now();
                let give_up = quiet_since + poll;
                while Instant::now() < give_up {
                    match self.changes.recv_timeout(SETTLE.saturating_sub(quiet_since.elapsed())) {
                        Ok(()) => quiet_since = Instant::now(),
                        Err(_) => break,
                    }
                }
                true
            }
            Err(RecvTimeoutError::Timeout) => false,
            // No watcher (the system refused one): polling alone.
            Err(RecvTimeoutError::Disconnected) => {
                std::thread::sleep(poll);
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_wakes_the_watch_and_quiet_times_out() {
        let dir = tempfile::tempdir().unwrap();
        let watch = FolderWatch::new(&[dir.path().to_path_buf()]);
        assert!(!watch.wait(Duration::from_millis(200)), "nothing happened");
        let path = dir.path().join("kinship-ab.kinship");
        let writer = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(100));
            std::fs::write(path, b"KINSHIP").unwrap();
        });
        let started = Instant::now();
        assert!(watch.wait(Duration::from_secs(20)), "the new file was noticed");
        assert!(started.elapsed() < Duration::from_secs(10), "noticed without waiting for the poll");
        writer.join().unwrap();
    }
}
