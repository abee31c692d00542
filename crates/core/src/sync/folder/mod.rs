//! A circle's shared folder: a folder a sync engine (Syncthing, or one inside OneDrive,
//! Google Drive, Dropbox, Nextcloud) keeps in step between the members' laptops.
//!
//! Each laptop writes one sealed file there per circle (`disk::device_file_name`), replaced
//! whole on every change: everything this laptop holds of the circle, sealed to every current
//! member exactly as a shared bundle is (`share_bundle`, `keys::recipients`). A pass reads the
//! others' files through the same open/apply path as a bundle from email (checks, a backup
//! first, the import history and its undo), and remembers each file by name, size and time of
//! change, so a file is read once, a refused one is listed once, and a half-written one is
//! tried again when it changes. The shells only schedule passes (`watch`).

mod disk;
pub mod watch;

#[cfg(test)]
mod tests;

use super::bundle::VersionVector;
use super::share::Incoming;
use crate::{Error, Result, Store};
use rusqlite::OptionalExtension;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use disk::device_file_name;

/// How many of the latest imports from the folder its status lists.
const BROUGHT_IN_SHOWN: i64 = 10;

/// What became of a file in the folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Brought in by itself (with a backup first, and undoable).
    Imported,
    /// Read; this laptop already held all of it.
    NothingNew,
    /// Automatic import is off: it waits for a preview.
    Waiting,
    /// Refused, with the reason (a stranger's, a removed member's, a damaged file…).
    Refused,
    /// Not whole yet (the sync engine is still writing it): tried again when it changes.
    Incomplete,
    /// A bundle for another of this laptop's circles, which its own folder pass reads.
    OtherCircle,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Imported => "imported",
            Outcome::NothingNew => "nothing_new",
            Outcome::Waiting => "waiting",
            Outcome::Refused => "refused",
            Outcome::Incomplete => "incomplete",
            Outcome::OtherCircle => "other_circle",
        }
    }

    fn parse(s: &str) -> Outcome {
        match s {
            "imported" => Outcome::Imported,
            "nothing_new" => Outcome::NothingNew,
            "waiting" => Outcome::Waiting,
            "refused" => Outcome::Refused,
            "other_circle" => Outcome::OtherCircle,
            _ => Outcome::Incomplete,
        }
    }
}

/// A file in the folder and what became of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FolderFile {
    pub name: String,
    /// The full path, for a waiting file's preview.
    pub path: String,
    pub outcome: Outcome,
    /// Who sent it, once it was opened.
    pub sender_name: Option<String>,
    /// Why it was refused.
    pub reason: Option<String>,
    pub new_changes: i64,
    /// Its entry in the import history, when it brought something in.
    pub import_id: Option<i64>,
    /// That import is the circle's last and not undone: Undo on the Sync screen removes it.
    pub undoable: bool,
    /// That import was undone.
    pub undone: bool,
    /// When this laptop read it.
    pub seen_at: String,
}

/// What one pass over a circle's folder did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FolderPass {
    pub circle_id: String,
    pub circle_name: String,
    pub folder: String,
    /// Changes in this laptop's file, when the pass wrote it.
    pub wrote: Option<usize>,
    /// Files read in this pass, by what became of them.
    pub brought_in: Vec<FolderFile>,
    pub nothing_new: Vec<FolderFile>,
    pub waiting: Vec<FolderFile>,
    pub refused: Vec<FolderFile>,
    /// Files not whole yet (tried again when they change): not an error.
    pub incomplete: usize,
    /// Why the folder could not be used, worded for the person (nothing local was lost).
    pub problem: Option<String>,
}

/// One laptop's file in the folder, as the Sync screen lists them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MemberFile {
    pub member_name: String,
    /// "Laptop 1"… as the members list names it.
    pub laptop: String,
    pub this_laptop: bool,
    pub file_name: String,
    /// When the file last changed (RFC 3339 UTC); `None` while it is not in the folder.
    pub changed_at: Option<String>,
}

/// A circle's shared folder on this laptop, for the Sync screen and `kinship folder`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FolderStatus {
    pub circle_id: String,
    pub path: String,
    pub auto_import: bool,
    /// Why the last pass could not use the folder; `None` when it could.
    pub problem: Option<String>,
    pub passed_at: Option<String>,
    /// When this laptop last wrote its own file.
    pub written_at: Option<String>,
    /// Every current member's laptops' files.
    pub member_files: Vec<MemberFile>,
    /// Brought in by itself (the latest imports folder passes made), newest first.
    pub brought_in: Vec<FolderFile>,
    /// Waiting for a preview (automatic import is off).
    pub waiting: Vec<FolderFile>,
    /// Refused, each once, with its reason.
    pub refused: Vec<FolderFile>,
}

/// A circle's folder settings as stored.
struct Settings {
    path: PathBuf,
    auto_import: bool,
    written_from: Option<String>,
}

/// What this laptop remembers of one file.
struct Seen {
    size: i64,
    modified_ns: i64,
    outcome: Outcome,
}

/// Errors that are about this laptop (its database, its disk, a backup that could not be
/// made), not about the file: the file is tried again on the next pass.
fn is_local(err: &Error) -> bool {
    matches!(err, Error::Storage(_) | Error::Io { .. } | Error::Migration(_))
}

/// The highest change number per device a bundle carries.
fn carried(incoming: &Incoming) -> VersionVector {
    let mut carries = VersionVector::new();
    for c in &incoming.bundle.changes {
        let seq = carries.entry(c.author_device.clone()).or_insert(0);
        *seq = (*seq).max(c.seq);
    }
    carries
}

/// Whether `held` covers everything `carries` names.
fn covers(held: &VersionVector, carries: &VersionVector) -> bool {
    carries.iter().all(|(device, seq)| held.get(device).is_some_and(|h| h >= seq))
}

fn stored_time(ns: i64) -> Option<String> {
    let at = chrono::DateTime::from_timestamp(ns / 1_000_000_000, (ns % 1_000_000_000) as u32)?;
    Some(crate::clock::to_stored(at))
}

impl Store {
    /// The folder a circle syncs through on this laptop, if any.
    fn folder_settings(&self, circle_id: &str) -> Result<Option<Settings>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT path, auto_import, written_from FROM sync_folders WHERE circle_id = ?1",
                [circle_id],
                |r| {
                    Ok(Settings {
                        path: PathBuf::from(r.get::<_, String>(0)?),
                        auto_import: r.get(1)?,
                        written_from: r.get(2)?,
                    })
                },
            )
            .optional()?)
    }

    /// Syncs a circle through `dir`, a folder a sync engine keeps in step between the
    /// members' laptops. A folder chosen again keeps the automatic import setting; another
    /// folder starts afresh (its files are read once).
    pub fn set_sync_folder(&mut self, circle_id: &str, dir: &Path) -> Result<FolderStatus> {
        self.circle(circle_id)?;
        disk::check_folder(dir)?;
        let dir = dir.canonicalize().map_err(|e| disk::problem(dir, &e))?;
        let path = dir.to_str().ok_or_else(|| {
            Error::invalid("Folder", "its path has characters this system cannot name; choose another folder")
        })?;
        let tx = rusqlite::Transaction::new_unchecked(self.conn(), rusqlite::TransactionBehavior::Immediate)?;
        let same: bool = tx
            .query_row("SELECT path = ?2 FROM sync_folders WHERE circle_id = ?1", (circle_id, path), |r| r.get(0))
            .optional()?
            .unwrap_or(false);
        if !same {
            tx.execute("DELETE FROM folder_files WHERE circle_id = ?1", [circle_id])?;
        }
        tx.execute(
            "INSERT INTO sync_folders (circle_id, path) VALUES (?1, ?2)
             ON CONFLICT (circle_id) DO UPDATE SET path = ?2, written_from = NULL, problem = NULL",
            (circle_id, path),
        )?;
        tx.commit()?;
        self.folder_status(circle_id)?.ok_or_else(|| Error::not_found("shared folder of circle", circle_id))
    }

    /// Stops syncing a circle through its folder. The files there stay (the others may still
    /// use them); this laptop forgets what it read there.
    pub fn unset_sync_folder(&mut self, circle_id: &str) -> Result<()> {
        self.circle(circle_id)?;
        let tx = rusqlite::Transaction::new_unchecked(self.conn(), rusqlite::TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM folder_files WHERE circle_id = ?1", [circle_id])?;
        let removed = tx.execute("DELETE FROM sync_folders WHERE circle_id = ?1", [circle_id])?;
        tx.commit()?;
        if removed == 0 {
            return Err(Error::invalid("Folder", "this circle has no shared folder on this laptop"));
        }
        Ok(())
    }

    /// Turns automatic import on (new files come in by themselves) or off (each waits for a
    /// preview). Files waiting come in on the next pass once it is on.
    pub fn set_folder_auto_import(&mut self, circle_id: &str, on: bool) -> Result<FolderStatus> {
        let changed =
            self.conn().execute("UPDATE sync_folders SET auto_import = ?2 WHERE circle_id = ?1", (circle_id, on))?;
        if changed == 0 {
            return Err(Error::invalid("Folder", "choose a shared folder for this circle first"));
        }
        self.folder_status(circle_id)?.ok_or_else(|| Error::not_found("shared folder of circle", circle_id))
    }

    /// The circles with a shared folder on this laptop and their folders.
    pub fn sync_folders(&self) -> Result<Vec<(String, PathBuf)>> {
        let mut stmt = self.conn().prepare("SELECT circle_id, path FROM sync_folders ORDER BY circle_id")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, PathBuf::from(r.get::<_, String>(1)?))))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One pass over every circle's shared folder: what both shells run when the folder
    /// changes, every half minute, and on start (to catch up).
    pub fn folder_passes(&mut self) -> Result<Vec<FolderPass>> {
        let mut passes = Vec::new();
        for (circle_id, _) in self.sync_folders()? {
            passes.push(self.folder_pass(&circle_id)?);
        }
        Ok(passes)
    }

    /// One pass over a circle's shared folder: reads the files that are new or changed since
    /// they were last read, then writes this laptop's own file if what it holds changed. A
    /// folder that cannot be used is a `problem` in the pass (and in the folder's status),
    /// not an error: nothing local is lost, and the next pass tries again.
    pub fn folder_pass(&mut self, circle_id: &str) -> Result<FolderPass> {
        let circle = self.circle(circle_id)?;
        let settings = self.folder_settings(circle_id)?.ok_or_else(|| {
            Error::invalid("Folder", "this circle has no shared folder on this laptop; choose one first")
        })?;
        let mut pass = FolderPass {
            circle_id: circle.id,
            circle_name: circle.name,
            folder: settings.path.display().to_string(),
            wrote: None,
            brought_in: Vec::new(),
            nothing_new: Vec::new(),
            waiting: Vec::new(),
            refused: Vec::new(),
            incomplete: 0,
            problem: None,
        };
        let outcome = self.read_folder(&settings, &mut pass).and_then(|_| self.write_own_file(&settings, &mut pass));
        let problem = match outcome {
            Ok(()) => None,
            Err(err @ (Error::Folder { .. } | Error::Io { .. } | Error::Storage(_))) => Some(err.to_string()),
            Err(other) => return Err(other),
        };
        self.conn().execute(
            "UPDATE sync_folders SET passed_at = ?2, problem = ?3 WHERE circle_id = ?1",
            (circle_id, crate::clock::to_stored(self.now()), &problem),
        )?;
        pass.problem = problem;
        Ok(pass)
    }

    /// Reads the files of the folder this laptop has not read in their present state.
    fn read_folder(&mut self, settings: &Settings, pass: &mut FolderPass) -> Result<()> {
        let circle_id = pass.circle_id.clone();
        let own = disk::device_file_name(&circle_id, self.device_id());
        let seen = self.seen_files(&circle_id)?;
        for file in disk::list(&settings.path)? {
            // This laptop's own file, and the engine's conflict copies of it.
            if file.name.starts_with(disk::stem(&own)) {
                continue;
            }
            let retry_waiting = settings.auto_import;
            if let Some(seen) = seen.get(&file.name) {
                let unchanged = seen.size == file.size as i64 && seen.modified_ns == file.modified_ns;
                if unchanged && !(seen.outcome == Outcome::Waiting && retry_waiting) {
                    continue;
                }
            }
            // A file that vanished or is being replaced is read on a later pass.
            let Ok(bytes) = crate::files::read_received_file(&file.path, crate::files::MAX_RECEIVED_FILE) else {
                continue;
            };
            let read = self.take_file(&circle_id, &bytes, settings.auto_import)?;
            self.remember_file(&circle_id, &file, &read)?;
            if let Some(import_id) = read.import_id {
                self.conn().execute("UPDATE imports SET from_folder = ?2 WHERE id = ?1", (import_id, &file.name))?;
            }
            let Some(shown) = self.folder_file(&circle_id, &file.name, &settings.path)? else { continue };
            match read.outcome {
                Outcome::Imported => pass.brought_in.push(shown),
                Outcome::NothingNew => pass.nothing_new.push(shown),
                Outcome::Waiting => pass.waiting.push(shown),
                Outcome::Refused => pass.refused.push(shown),
                Outcome::Incomplete => pass.incomplete += 1,
                Outcome::OtherCircle => {}
            }
        }
        Ok(())
    }

    /// Opens a file from the folder and, with `auto`, applies it, through the one path a
    /// bundle from email takes (checks, a backup first, the import history).
    fn take_file(&mut self, circle_id: &str, bytes: &[u8], auto: bool) -> Result<Found> {
        // An empty file, or one too short to say what it is: a sync engine has only begun it.
        if bytes.len() <= super::seal::MAGIC.len() {
            return Ok(Found::quiet(Outcome::Incomplete));
        }
        let incoming = match self.open_bundle(bytes) {
            Ok(incoming) => incoming,
            Err(err) if super::seal::is_damaged(&err) => return Ok(Found::quiet(Outcome::Incomplete)),
            Err(err) if is_local(&err) => return Err(err),
            Err(err) => return Ok(Found::refused(None, &err)),
        };
        if incoming.bundle.circle_id != circle_id {
            return Ok(Found::quiet(Outcome::OtherCircle));
        }
        let carries = carried(&incoming);
        let sender = Some(incoming.sender_member_id.clone());
        if !auto {
            let outcome =
                if covers(&self.version_vector(circle_id)?, &carries) { Outcome::NothingNew } else { Outcome::Waiting };
            return Ok(Found { outcome, sender, carries: Some(carries), ..Found::quiet(outcome) });
        }
        match self.apply_bundle(&incoming, false) {
            Ok(applied) => {
                let new_changes = applied.report.new_changes as i64;
                let outcome = if new_changes > 0 { Outcome::Imported } else { Outcome::NothingNew };
                Ok(Found { outcome, sender, reason: None, carries: None, import_id: applied.import_id, new_changes })
            }
            Err(err) if is_local(&err) => Err(err),
            Err(err) => Ok(Found::refused(sender, &err)),
        }
    }

    /// What this laptop remembers of each file in a circle's folder.
    fn seen_files(&self, circle_id: &str) -> Result<BTreeMap<String, Seen>> {
        let mut stmt =
            self.conn().prepare("SELECT name, size, modified_ns, outcome FROM folder_files WHERE circle_id = ?1")?;
        let rows = stmt.query_map([circle_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                Seen { size: r.get(1)?, modified_ns: r.get(2)?, outcome: Outcome::parse(&r.get::<_, String>(3)?) },
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn remember_file(&self, circle_id: &str, file: &disk::Listed, read: &Found) -> Result<()> {
        let carries = read.carries.as_ref().map(|c| serde_json::to_string(c).expect("a vector serialises"));
        self.conn().execute(
            "INSERT OR REPLACE INTO folder_files
             (circle_id, name, size, modified_ns, outcome, reason, sender_member, carries, import_id, new_changes, seen_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            rusqlite::params![
                circle_id,
                file.name,
                file.size as i64,
                file.modified_ns,
                read.outcome.as_str(),
                read.reason,
                read.sender,
                carries,
                read.import_id,
                read.new_changes,
                crate::clock::to_stored(self.now()),
            ],
        )?;
        Ok(())
    }

    /// Writes this laptop's file when what it would hold changed (this laptop's log, or whom
    /// it is sealed to), or when it is missing from the folder.
    fn write_own_file(&mut self, settings: &Settings, pass: &mut FolderPass) -> Result<()> {
        let circle_id = pass.circle_id.clone();
        let name = disk::device_file_name(&circle_id, self.device_id());
        let from = serde_json::json!({
            "have": self.version_vector(&circle_id)?,
            "to": self.recipients(&circle_id)?.keys,
        })
        .to_string();
        let present = settings.path.join(&name).is_file();
        if present && settings.written_from.as_deref() == Some(from.as_str()) {
            return Ok(());
        }
        let shared = match self.share_bundle(&circle_id, true) {
            Ok(shared) => shared,
            // Nobody else can read it yet (no member has joined): nothing to write.
            Err(Error::Invalid { field: "Circle", .. }) => return Ok(()),
            Err(err) => return Err(err),
        };
        disk::write_whole(&settings.path, &name, &shared.bytes)?;
        self.conn().execute(
            "UPDATE sync_folders SET written_from = ?2, written_at = ?3 WHERE circle_id = ?1",
            (&circle_id, &from, crate::clock::to_stored(self.now())),
        )?;
        // What the folder now holds is shared: the "Share updates" offer need not ask.
        self.note_shared(&circle_id)?;
        pass.wrote = Some(shared.changes);
        Ok(())
    }

    /// One remembered file as the screens show it.
    fn folder_file(&self, circle_id: &str, name: &str, dir: &Path) -> Result<Option<FolderFile>> {
        Ok(self.folder_files(circle_id, dir, "AND f.name = ?2", name)?.into_iter().next())
    }

    /// Remembered files of a circle's folder matching `filter` (on `f`, with `?2` = `arg`),
    /// newest first.
    fn folder_files(&self, circle_id: &str, dir: &Path, filter: &str, arg: &str) -> Result<Vec<FolderFile>> {
        let last_import = self.last_live_import(circle_id)?;
        let mut stmt = self.conn().prepare(&format!(
            "SELECT f.name, f.outcome, m.name, f.reason, f.new_changes, f.import_id, i.undone_at IS NOT NULL, f.seen_at
             FROM folder_files f
             LEFT JOIN members m ON m.id = f.sender_member
             LEFT JOIN imports i ON i.id = f.import_id
             WHERE f.circle_id = ?1 {filter}
             ORDER BY f.seen_at DESC, f.name"
        ))?;
        let rows = stmt.query_map((circle_id, arg), |r| {
            let name: String = r.get(0)?;
            let import_id: Option<i64> = r.get(5)?;
            Ok(FolderFile {
                path: dir.join(&name).display().to_string(),
                name,
                outcome: Outcome::parse(&r.get::<_, String>(1)?),
                sender_name: r.get(2)?,
                reason: r.get(3)?,
                new_changes: r.get(4)?,
                undoable: import_id.is_some() && import_id == last_import,
                import_id,
                undone: r.get(6)?,
                seen_at: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The circle's last import, unless it was undone: what Undo on the Sync screen removes.
    fn last_live_import(&self, circle_id: &str) -> Result<Option<i64>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT id FROM imports WHERE circle_id = ?1 AND undone_at IS NULL
                 AND id = (SELECT max(id) FROM imports WHERE circle_id = ?1)",
                [circle_id],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// The imports folder passes made into a circle, newest first (at most `limit`).
    fn brought_in(&self, circle_id: &str, dir: &Path, limit: i64) -> Result<Vec<FolderFile>> {
        let last_import = self.last_live_import(circle_id)?;
        let mut stmt = self.conn().prepare(
            "SELECT i.id, i.from_folder, m.name, i.new_changes, i.undone_at IS NOT NULL, i.imported_at
             FROM imports i LEFT JOIN members m ON m.id = i.sender_member
             WHERE i.circle_id = ?1 AND i.from_folder IS NOT NULL ORDER BY i.id DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map((circle_id, limit), |r| {
            let id: i64 = r.get(0)?;
            let name: String = r.get(1)?;
            Ok(FolderFile {
                path: dir.join(&name).display().to_string(),
                name,
                outcome: Outcome::Imported,
                sender_name: r.get(2)?,
                reason: None,
                new_changes: r.get(3)?,
                import_id: Some(id),
                undoable: Some(id) == last_import,
                undone: r.get(4)?,
                seen_at: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A circle's shared folder on this laptop: where it is, how the last pass went, each
    /// laptop's file, and what came in, waits or was refused. `None` without a folder.
    pub fn folder_status(&self, circle_id: &str) -> Result<Option<FolderStatus>> {
        let found = self
            .conn()
            .query_row(
                "SELECT path, auto_import, problem, passed_at, written_at FROM sync_folders WHERE circle_id = ?1",
                [circle_id],
                |r| Ok((PathBuf::from(r.get::<_, String>(0)?), r.get::<_, bool>(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()?;
        let Some((dir, auto_import, problem, passed_at, written_at)) = found else { return Ok(None) };
        let mut member_files = Vec::new();
        for member in self.sync_status(circle_id)?.members.into_iter().filter(|m| !m.left) {
            for laptop in member.laptops.iter().filter(|l| l.revoked_at.is_none()) {
                let file_name = disk::device_file_name(circle_id, &laptop.device_id);
                let changed_at =
                    std::fs::metadata(dir.join(&file_name)).ok().and_then(|meta| stored_time(disk::modified_ns(&meta)));
                member_files.push(MemberFile {
                    member_name: member.name.clone(),
                    laptop: laptop.name.clone(),
                    this_laptop: laptop.this_laptop,
                    file_name,
                    changed_at,
                });
            }
        }
        let brought_in = self.brought_in(circle_id, &dir, BROUGHT_IN_SHOWN)?;
        let refused = self.folder_files(circle_id, &dir, "AND f.outcome = ?2", "refused")?;
        // A waiting file this laptop has since taken in (previewed and applied) waits no more.
        let held = self.version_vector(circle_id)?;
        let mut waiting = Vec::new();
        for file in self.folder_files(circle_id, &dir, "AND f.outcome = ?2", "waiting")? {
            let carries: Option<String> = self.conn().query_row(
                "SELECT carries FROM folder_files WHERE circle_id = ?1 AND name = ?2",
                (circle_id, &file.name),
                |r| r.get(0),
            )?;
            let carries: VersionVector = carries.and_then(|c| serde_json::from_str(&c).ok()).unwrap_or_default();
            if !covers(&held, &carries) {
                waiting.push(file);
            }
        }
        Ok(Some(FolderStatus {
            circle_id: circle_id.to_string(),
            path: dir.display().to_string(),
            auto_import,
            problem,
            passed_at,
            written_at,
            member_files,
            brought_in,
            waiting,
            refused,
        }))
    }
}

/// What reading one file found, as it is remembered.
struct Found {
    outcome: Outcome,
    sender: Option<String>,
    reason: Option<String>,
    carries: Option<VersionVector>,
    import_id: Option<i64>,
    new_changes: i64,
}

impl Found {
    fn quiet(outcome: Outcome) -> Found {
        Found { outcome, sender: None, reason: None, carries: None, import_id: None, new_changes: 0 }
    }

    fn refused(sender: Option<String>, err: &Error) -> Found {
        Found { sender, reason: Some(err.to_string()), ..Found::quiet(Outcome::Refused) }
    }
}
