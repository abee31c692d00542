//! Which device this laptop writes as. A data folder opened somewhere else (another laptop,
//! another path) or restored from a backup continues as a new device, with a new id and new
//! keys, vouched for in each of its circles by the device it was: two laptops never write
//! the same device's sequence numbers.
//!
//! This sits above both the store (which opens the database and keeps the device id) and
//! sync (whose key pairs and circle key rows it uses); neither of them uses it.

use crate::clock::{Clock, SystemClock};
use crate::store::Tx;
use crate::sync::keys::{add_key, ensure_secret_keys, key_rows};
use crate::sync::seal::DeviceKeys;
use crate::{Error, Result, Store};
use std::path::Path;
use std::sync::Arc;

/// Makes the data folder and the database in it the person's alone: the folder 0700, the
/// database and its write-ahead files 0600 (SQLite gives new write-ahead files the
/// database's permissions). An existing folder made before this rule is closed too.
fn make_private(dir: &Path) -> Result<()> {
    crate::files::create_private_dir(dir)?;
    let db = crate::store::db_path(dir);
    match crate::files::write_new_private(&db, b"") {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            for file in [db.clone(), db.with_extension("sqlite3-wal"), db.with_extension("sqlite3-shm")] {
                if file.exists() {
                    crate::files::make_private(&file)?;
                }
            }
            Ok(())
        }
        Err(source) => Err(Error::Io { path: db.display().to_string(), source }),
    }
}

impl Store {
    /// Opens (creating if needed) the database in data folder `dir`.
    pub fn open(dir: &Path) -> Result<Store> {
        Self::open_with_clock(dir, Arc::new(SystemClock))
    }

    /// Like [`Store::open`] with a chosen clock.
    pub fn open_with_clock(dir: &Path, clock: Arc<dyn Clock>) -> Result<Store> {
        make_private(dir)?;
        let mut store = Self::open_unplaced_with_clock(dir, clock)?;
        store.settle_home(&home_fingerprint(dir))?;
        Ok(store)
    }

    /// Notices a data folder copied to another laptop (or another place): the copy takes a
    /// new device identity, so two laptops never write changes as the same device. In each
    /// circle, the new device's key is vouched for by the old one (same member).
    fn settle_home(&mut self, home: &str) -> Result<()> {
        let recorded: Option<String> = self.conn().query_row("SELECT home FROM local_device", [], |r| r.get(0))?;
        match recorded {
            Some(recorded) if recorded != home => self.take_new_device(Some(home)),
            Some(_) => Ok(()),
            None => {
                self.conn().execute("UPDATE local_device SET home = ?1", [home])?;
                Ok(())
            }
        }
    }

    /// Continues as a new device (new id and keys), vouched for in every circle by the
    /// device recorded in the database; `home` is recorded when given.
    pub(crate) fn take_new_device(&mut self, home: Option<&str>) -> Result<()> {
        let old_keys = ensure_secret_keys(self.conn())?;
        let old_device: String = self.conn().query_row("SELECT device_id FROM local_device", [], |r| r.get(0))?;
        let previous = self.set_device_id(crate::ids::new_id());
        let new_keys = DeviceKeys::generate();
        let written = self.write(|tx| {
            tx.execute(
                "UPDATE local_device SET device_id = ?1, secret_keys = ?2, home = coalesce(?3, home)",
                (tx.device_id(), new_keys.to_secret_string(), home),
            )?;
            // The old device's last changes get its signature before its key is gone, so
            // they travel on with proof of who wrote them.
            let circles: Vec<String> = tx
                .prepare("SELECT circle_id FROM log_extent WHERE author_device = ?1 AND entries > 0")?
                .query_map([&old_device], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for circle in circles {
                crate::sync::authorship::sign_own_head(tx, &circle, &old_device, &old_keys)?;
            }
            vouch_for_new_device(tx, &old_device, &old_keys, &new_keys)
        });
        if written.is_err() {
            self.set_device_id(previous);
        }
        written
    }
}

/// Where a data folder lives: this machine's id and the folder's full path, hashed.
fn home_fingerprint(dir: &Path) -> String {
    use sha2::Digest;
    let machine = machine_uid::get().unwrap_or_default();
    let place = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let mut hash = sha2::Sha256::new();
    hash.update(machine.as_bytes());
    hash.update(b"\0");
    hash.update(place.to_string_lossy().as_bytes());
    hex::encode(hash.finalize())
}

/// Logs, in every circle where `old_device` has a key, a key for this (new) device of the
/// same member, vouched for by the old device's signing key.
fn vouch_for_new_device(tx: &mut Tx<'_>, old_device: &str, old_keys: &DeviceKeys, new_keys: &DeviceKeys) -> Result<()> {
    let device_id = tx.device_id().to_string();
    let authorized_by = format!("device:{old_device}");
    for old in key_rows(tx, "device_id = ?1", [old_device])? {
        add_key(tx, &old.circle_id, &old.member_id, &device_id, &new_keys.public(), &authorized_by, &old_keys.signing)?;
    }
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn the_data_folder_and_database_are_the_owners_alone() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("kinship");
        let mut store = Store::open(&dir).unwrap();
        store
            .create_identity(&crate::IdentityInput {
                name: "Ana".into(),
                email: "ana@uni.edu".into(),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(mode(&dir), 0o700);
        let db = crate::store::db_path(&dir);
        assert_eq!(mode(&db), 0o600);
        assert_eq!(mode(&db.with_extension("sqlite3-wal")), 0o600, "the write-ahead log holds recent writes");
        drop(store);

        // A folder made before this rule, open to every account, is closed when next opened.
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
        let store = Store::open(&dir).unwrap();
        assert_eq!((mode(&dir), mode(&db)), (0o700, 0o600));
        assert_eq!(store.identity().unwrap().unwrap().name, "Ana");
    }
}
