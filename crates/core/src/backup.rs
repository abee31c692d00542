//! Backups and restore, with SQLite's online backup API: a consistent copy of the live
//! database page by page, while it stays open.
//!
//! Backups go to `<data folder>/backups/kinship-<UTC time>.sqlite3`; the newest
//! [`KEEP_BACKUPS`] are kept. A restore first checks the file (it opens, it is a Kinship
//! database no newer than this build, `integrity_check` is ok), copies it to a scratch
//! folder and opens it there as a store (so an older schema is migrated), backs up the
//! current data, then copies the scratch database into the live one with the backup API
//! in a single step: one write transaction on the live database, so a crash leaves either
//! the old data or the restored data, never a mix. This device's identity and change-log
//! position are kept (the clock and sequence never go backwards).

use crate::clock::to_stored;
use crate::store::{db_path, SCHEMA_VERSION};
use crate::{Error, Result, Store};
use chrono::{DateTime, NaiveDateTime, Utc};
use rusqlite::{Connection, OpenFlags};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The folder, inside the data folder, that holds backups.
pub const BACKUP_DIR: &str = "backups";
/// How many backups are kept; older ones are removed when a new one is made.
pub const KEEP_BACKUPS: usize = 10;

const PREFIX: &str = "kinship-";
const SUFFIX: &str = ".sqlite3";
const STAMP: &str = "%Y%m%dT%H%M%SZ";

/// A backup file and what it holds (counts only: never any text from it).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BackupInfo {
    pub file_name: String,
    pub path: String,
    /// When it was made (from its name), RFC 3339 UTC; the file's time for other files.
    pub made_at: Option<String>,
    pub bytes: u64,
    pub schema_version: i64,
    pub circles: i64,
    pub meetings: i64,
    pub reflections: i64,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io { path: path.display().to_string(), source }
}

fn not_a_backup(path: &Path, why: impl std::fmt::Display) -> Error {
    Error::invalid(
        "Backup file",
        format!(
            "{} is not a Kinship backup Kinship can use ({why}); choose a file from the backups folder",
            path.display()
        ),
    )
}

/// `(time, n)` from `kinship-20260305T180000Z.sqlite3` or `kinship-20260305T180000Z-2.sqlite3`.
fn parse_name(name: &str) -> Option<(DateTime<Utc>, u32)> {
    let core = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
    let (stamp, n) = match core.split_once('-') {
        Some((stamp, n)) => (stamp, n.parse().ok()?),
        None => (core, 1),
    };
    Some((NaiveDateTime::parse_from_str(stamp, STAMP).ok()?.and_utc(), n))
}

/// Opens a database file read-only and checks that it is a usable Kinship database.
pub fn inspect_backup(path: &Path) -> Result<BackupInfo> {
    if !path.is_file() {
        return Err(Error::invalid("Backup file", format!("{} does not exist; check the name", path.display())));
    }
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| not_a_backup(path, e))?;
    let version: i64 =
        conn.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(|e| not_a_backup(path, e))?;
    if version > SCHEMA_VERSION {
        return Err(Error::NewerDatabase { found: version, supported: SCHEMA_VERSION });
    }
    let check: String =
        conn.pragma_query_value(None, "integrity_check", |r| r.get(0)).map_err(|e| not_a_backup(path, e))?;
    if check != "ok" {
        return Err(not_a_backup(path, format!("it is damaged: {check}")));
    }
    let count = |table: &str| -> Result<i64> {
        conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .map_err(|_| not_a_backup(path, "it holds no Kinship data"))
    };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let meta = std::fs::metadata(path).map_err(io(path))?;
    let made_at =
        parse_name(&name).map(|(t, _)| t).or_else(|| meta.modified().ok().map(DateTime::<Utc>::from)).map(to_stored);
    Ok(BackupInfo {
        path: path.display().to_string(),
        file_name: name,
        made_at,
        bytes: meta.len(),
        schema_version: version,
        circles: count("circles")?,
        meetings: count("meetings")?,
        reflections: count("reflections")?,
    })
}

/// Copies the whole database `from` into `to` with the online backup API, in one step.
fn copy_database(from: &Connection, to: &mut Connection) -> Result<()> {
    use rusqlite::backup::StepResult;
    let backup = rusqlite::backup::Backup::new(from, to)?;
    // -1: every page in one step, so the destination changes in one transaction.
    for _ in 0..100 {
        match backup.step(-1)? {
            StepResult::Done => return Ok(()),
            _ => std::thread::sleep(std::time::Duration::from_millis(50)),
        }
    }
    Err(Error::invalid("Backup", "the database stayed busy for 5 seconds; close other Kinship windows and try again"))
}

impl Store {
    /// The data folder this store lives in (`None` for an in-memory store).
    pub fn data_dir(&self) -> Option<PathBuf> {
        let file = self.conn().path().filter(|p| !p.is_empty())?;
        Path::new(file).parent().map(Path::to_path_buf)
    }

    fn backup_dir(&self) -> Result<PathBuf> {
        let dir = self.data_dir().ok_or_else(|| {
            Error::invalid("Backup", "this store lives only in memory; open a data folder to make backups")
        })?;
        Ok(dir.join(BACKUP_DIR))
    }

    /// Writes a consistent copy of the whole database to `path` (which must not exist yet).
    /// The copy is written beside it first and renamed, so `path` is never half-written.
    pub fn backup_to(&self, path: &Path) -> Result<()> {
        if path.exists() {
            return Err(Error::invalid(
                "Backup file",
                format!("{} already exists; choose another name", path.display()),
            ));
        }
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        let tmp = path.with_extension("partial");
        let _ = std::fs::remove_file(&tmp);
        let result = (|| {
            // Created private before SQLite opens it: a backup holds private reflections and
            // the device's secret keys, and SQLite keeps an existing file's permissions.
            crate::files::write_new_private(&tmp, b"").map_err(io(&tmp))?;
            let mut dst = Connection::open(&tmp)?;
            copy_database(self.conn(), &mut dst)?;
            // A backup is one self-contained file: no write-ahead log beside it.
            dst.pragma_update(None, "journal_mode", "DELETE")?;
            dst.close().map_err(|(_, e)| e)?;
            std::fs::File::open(&tmp).and_then(|f| f.sync_all()).map_err(io(&tmp))?;
            std::fs::rename(&tmp, path).map_err(io(path))
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result
    }

    /// Backs up now into the backups folder (named by the UTC time) and keeps the newest
    /// [`KEEP_BACKUPS`]. Call it before anything risky (restore, imports).
    pub fn backup_now(&self) -> Result<BackupInfo> {
        let dir = self.backup_dir()?;
        crate::files::create_private_dir(&dir)?;
        let stamp = self.now().format(STAMP).to_string();
        let mut path = dir.join(format!("{PREFIX}{stamp}{SUFFIX}"));
        let mut n = 2;
        while path.exists() {
            path = dir.join(format!("{PREFIX}{stamp}-{n}{SUFFIX}"));
            n += 1;
        }
        self.backup_to(&path)?;
        let info = inspect_backup(&path)?;
        for old in self.backups()?.into_iter().skip(KEEP_BACKUPS) {
            let _ = std::fs::remove_file(&old.path);
        }
        Ok(info)
    }

    /// Backs up if the newest backup is older than `max_age` (or there is none).
    pub fn backup_if_due(&self, max_age: chrono::Duration) -> Result<Option<BackupInfo>> {
        let newest = self.backup_names()?.into_iter().next().map(|(t, _, _)| t);
        match newest {
            Some(t) if self.now() - t < max_age => Ok(None),
            _ => self.backup_now().map(Some),
        }
    }

    /// Backups in the backups folder, newest first: `(time, n, path)`.
    fn backup_names(&self) -> Result<Vec<(DateTime<Utc>, u32, PathBuf)>> {
        let dir = self.backup_dir()?;
        let mut found = Vec::new();
        if dir.is_dir() {
            for entry in std::fs::read_dir(&dir).map_err(io(&dir))? {
                let entry = entry.map_err(io(&dir))?;
                if let Some((t, n)) = parse_name(&entry.file_name().to_string_lossy()) {
                    found.push((t, n, entry.path()));
                }
            }
        }
        found.sort_by(|a, b| (b.0, b.1).cmp(&(a.0, a.1)));
        Ok(found)
    }

    /// The backups in the backups folder, newest first, with what each holds. A file that
    /// cannot be read is left out of the list.
    pub fn backups(&self) -> Result<Vec<BackupInfo>> {
        Ok(self.backup_names()?.into_iter().filter_map(|(_, _, path)| inspect_backup(&path).ok()).collect())
    }

    /// Restores the backup named `file_name` in the backups folder (see [`Store::restore_from`]).
    pub fn restore_backup(&mut self, file_name: &str) -> Result<BackupInfo> {
        if parse_name(file_name).is_none() {
            return Err(Error::invalid(
                "Backup file",
                format!("'{file_name}' is not a backup in the backups folder; pick one from the list"),
            ));
        }
        let path = self.backup_dir()?.join(file_name);
        self.restore_from(&path)
    }

    /// Replaces all data with the backup at `path` (see the module docs). Returns the
    /// backup made of the data as it was just before, so the restore can be undone.
    pub fn restore_from(&mut self, path: &Path) -> Result<BackupInfo> {
        inspect_backup(path)?;
        let live = PathBuf::from(self.conn().path().filter(|p| !p.is_empty()).ok_or_else(|| {
            Error::invalid("Restore", "this store lives only in memory; open a data folder to restore")
        })?);
        let data_dir = live.parent().map(Path::to_path_buf).unwrap_or_default();
        let scratch = data_dir.join(format!("restore-{}", crate::ids::new_id()));
        let result = (|| {
            // A private copy, opened as a store: migrated to this build's schema if older.
            crate::files::create_private_dir(&scratch)?;
            {
                let src = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
                let mut copy = Connection::open(db_path(&scratch))?;
                copy_database(&src, &mut copy)?;
            }
            let restored = Store::open_unplaced(&scratch)?;
            let before = self.backup_now()?;
            let (home, millis, counter, seq): (Option<String>, i64, i64, i64) =
                self.conn().query_row("SELECT home, hlc_millis, hlc_counter, next_seq FROM local_device", [], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })?;
            let mut dst = Connection::open(&live)?;
            copy_database(restored.conn(), &mut dst)?;
            drop(dst);
            // The clock never goes back.
            self.conn().execute(
                "UPDATE local_device SET
                     hlc_counter = CASE WHEN hlc_millis < ?1 THEN ?2 WHEN hlc_millis = ?1 THEN max(hlc_counter, ?2) ELSE hlc_counter END,
                     hlc_millis = max(hlc_millis, ?1), next_seq = max(next_seq, ?3)",
                (millis, counter, seq),
            )?;
            // The backup's log lacks what this device wrote since, so writing on as the same
            // device would reuse sequence numbers others already hold with other content:
            // this laptop continues as a new device, vouched for by the one it was.
            self.take_new_device(home.as_deref())?;
            Ok(before)
        })();
        let _ = std::fs::remove_dir_all(&scratch);
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::tests::fixture;
    use crate::{CircleInput, CirclePatch, Clock, FixedClock, MeetingInput};
    use std::sync::Arc;

    /// The record fixture, copied onto disk in a temporary data folder.
    fn on_disk() -> (tempfile::TempDir, Store, Arc<FixedClock>, String) {
        let f = fixture();
        let dir = tempfile::tempdir().unwrap();
        f.store.backup_to(&db_path(dir.path())).unwrap();
        let store = Store::open_with_clock(dir.path(), f.clock.clone()).unwrap();
        (dir, store, f.clock, f.circle)
    }

    #[test]
    fn backup_then_new_data_then_restore_gives_the_same_dump() {
        let (_dir, mut store, clock, circle) = on_disk();
        let before = store.dump(&circle).unwrap();
        let device = store.device_id().to_string();
        let backup = store.backup_now().unwrap();
        assert_eq!((backup.circles, backup.meetings, backup.reflections), (1, 4, 2));
        assert!(backup.file_name.starts_with("kinship-20261201T120000Z"), "{}", backup.file_name);

        clock.set(clock.now() + chrono::Duration::hours(1));
        store.update_circle(&circle, &CirclePatch { name: Some("Renamed".into()), ..Default::default() }).unwrap();
        store
            .create_meeting(&MeetingInput {
                circle_id: circle.clone(),
                starts_at: "2027-01-07T18:00:00Z".into(),
                ..Default::default()
            })
            .unwrap();
        store.create_circle(&CircleInput { name: "Another circle".into(), ..Default::default() }).unwrap();
        let seq_before: i64 = store.conn().query_row("SELECT next_seq FROM local_device", [], |r| r.get(0)).unwrap();
        assert_ne!(store.dump(&circle).unwrap(), before);

        let safety = store.restore_from(Path::new(&backup.path)).unwrap();
        assert_eq!(safety.circles, 2, "the data as it was before the restore is backed up");
        assert_eq!(store.dump(&circle).unwrap(), before);
        assert_eq!(store.list_circles().unwrap().len(), 1);
        assert_ne!(store.device_id(), device, "a restored laptop writes on as a new device");
        let seq_after: i64 = store.conn().query_row("SELECT next_seq FROM local_device", [], |r| r.get(0)).unwrap();
        assert_eq!(seq_after, seq_before, "the change-log sequence never goes back");
        let keys = store.device_keys(&circle).unwrap();
        assert_eq!(keys.last().unwrap().device_id, store.device_id());
        assert_eq!(keys.last().unwrap().authorized_by, format!("device:{device}"), "vouched for by the old device");
        assert!(!store.search("Job talk", None).unwrap().is_empty(), "the search index came back too");
        // And the live store keeps working.
        store.create_circle(&CircleInput { name: "After restore".into(), ..Default::default() }).unwrap();
        let names: Vec<String> = store.backups().unwrap().into_iter().map(|b| b.file_name).collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }

    #[test]
    fn only_the_newest_backups_are_kept() {
        let (_dir, store, clock, _) = on_disk();
        for _ in 0..(KEEP_BACKUPS + 2) {
            store.backup_now().unwrap();
            clock.set(clock.now() + chrono::Duration::minutes(1));
        }
        store.backup_now().unwrap(); // same second as nothing else, but try a twin:
        store.backup_now().unwrap();
        let list = store.backups().unwrap();
        assert_eq!(list.len(), KEEP_BACKUPS);
        assert!(list[0].file_name.ends_with("-2.sqlite3"), "the twin made second is the newest: {}", list[0].file_name);
        assert_eq!(store.backup_if_due(chrono::Duration::days(1)).unwrap(), None);
        clock.set(clock.now() + chrono::Duration::days(2));
        assert!(store.backup_if_due(chrono::Duration::days(1)).unwrap().is_some());
    }

    #[test]
    fn a_bad_file_is_refused_and_nothing_changes() {
        let (dir, mut store, _, circle) = on_disk();
        let before = store.dump(&circle).unwrap();
        let junk = dir.path().join("junk.sqlite3");
        std::fs::write(&junk, "this is not a database at all, just some words to fill a page").unwrap();
        let err = store.restore_from(&junk).unwrap_err();
        assert!(err.to_string().contains("not a Kinship backup"), "{err}");
        let missing = store.restore_from(&dir.path().join("nope.sqlite3")).unwrap_err();
        assert!(missing.to_string().contains("does not exist"), "{missing}");
        let newer = dir.path().join("newer.sqlite3");
        store.backup_to(&newer).unwrap();
        Connection::open(&newer).unwrap().pragma_update(None, "user_version", SCHEMA_VERSION + 1).unwrap();
        assert_eq!(store.restore_from(&newer).unwrap_err().code(), "newer_database");
        assert_eq!(store.dump(&circle).unwrap(), before);
        assert!(store.backups().unwrap().is_empty(), "a refused restore does not even back up");
        assert!(std::fs::read_dir(dir.path()).unwrap().all(|e| !e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with("restore-")));
    }

    #[cfg(unix)]
    #[test]
    fn backups_and_their_folder_are_the_owners_alone() {
        use std::os::unix::fs::PermissionsExt;
        let (dir, store, _clock, _circle) = on_disk();
        let backup = store.backup_now().unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir.path().join(BACKUP_DIR)), 0o700);
        assert_eq!(mode(&dir.path().join(BACKUP_DIR).join(&backup.file_name)), 0o600);
    }
}
