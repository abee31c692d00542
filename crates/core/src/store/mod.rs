//! The SQLite store: opening a database (pragmas, migrations, the newer-version refusal) and
//! the one write path, [`Store::write`], that gives every change a clock reading and a log
//! entry. It is the floor: it uses the change log, never sync or device identity (opening a
//! data folder where it lives, [`Store::open`], is in `device.rs`).

mod migrations;

use crate::changelog::history::{record_bases, redact_before};
use crate::changelog::{self, chain, Change};
use crate::clock::{to_stored, Clock, Hlc, SystemClock};
use crate::Result;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use migrations::{schema_version, SCHEMA_VERSION, SHARED_SCHEMA};

/// The name of the database file inside a data folder.
pub const DB_FILE: &str = "kinship.sqlite3";

/// A Kinship database: circles, members, meetings, reflections and the change log.
pub struct Store {
    conn: Connection,
    clock: Arc<dyn Clock>,
    device_id: String,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("device_id", &self.device_id).finish_non_exhaustive()
    }
}

impl Store {
    /// Opens the database in data folder `dir` as it is, without asking where the folder
    /// lives (see [`Store::open`]), creating the database if the folder has none.
    pub(crate) fn open_unplaced_with_clock(dir: &Path, clock: Arc<dyn Clock>) -> Result<Store> {
        Self::from_connection(Connection::open(db_path(dir))?, clock)
    }

    /// Opens a data folder without checking where it lives (a scratch copy being restored).
    pub(crate) fn open_unplaced(dir: &Path) -> Result<Store> {
        Self::open_unplaced_with_clock(dir, Arc::new(SystemClock))
    }

    /// A database that lives only in memory (tests, dry runs).
    pub fn open_in_memory() -> Result<Store> {
        Self::open_in_memory_with_clock(Arc::new(SystemClock))
    }

    /// Like [`Store::open_in_memory`] with a chosen clock.
    pub fn open_in_memory_with_clock(clock: Arc<dyn Clock>) -> Result<Store> {
        Self::from_connection(Connection::open_in_memory()?, clock)
    }

    fn from_connection(mut conn: Connection, clock: Arc<dyn Clock>) -> Result<Store> {
        // Refuse a newer database before anything (even a pragma) can change its file.
        migrations::refuse_newer(&conn)?;
        set_pragmas(&conn)?;
        migrations::migrate(&mut conn)?;
        let device_id = ensure_device(&conn, clock.now())?;
        crate::changelog::chain::fill_legacy_chains(&conn)?;
        Ok(Store { conn, clock, device_id })
    }

    /// This installation's device id: the author of every change written here.
    pub fn device_id(&self) -> &str {
        &self.device_id
    }

    /// Writes from now on as device `id` (a data folder continuing as a new device);
    /// returns the id written as until now.
    pub(crate) fn set_device_id(&mut self, id: String) -> String {
        std::mem::replace(&mut self.device_id, id)
    }

    /// A circle's changes with sequence numbers above what `held` lists per device (all of
    /// a device's changes when it is not listed), by device and sequence.
    pub fn changes_after(
        &self,
        circle_id: &str,
        held: &std::collections::BTreeMap<String, i64>,
    ) -> Result<Vec<Change>> {
        changelog::changes_after(&self.conn, circle_id, held)
    }

    /// Every logged change to a circle, in clock order.
    pub fn changes(&self, circle_id: &str) -> Result<Vec<Change>> {
        changelog::changes(&self.conn, circle_id)
    }

    /// The current time by this store's clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Runs `f` in one transaction: all of its writes and log entries land, or none do.
    pub(crate) fn write<T>(&mut self, f: impl FnOnce(&mut Tx<'_>) -> Result<T>) -> Result<T> {
        self.write_or_preview(false, f)
    }

    /// Like [`Store::write`]; with `preview` the transaction is rolled back after `f`, so a
    /// caller can report exactly what a write would do without doing it.
    pub(crate) fn write_or_preview<T>(&mut self, preview: bool, f: impl FnOnce(&mut Tx<'_>) -> Result<T>) -> Result<T> {
        // Immediate: the write lock is taken (waiting up to the busy timeout) before anything is
        // read, so another program writing the same data folder at the same moment (the app's
        // shared-folder pass and a CLI edit) makes this wait, never fail with "database is locked".
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let (hlc_millis, hlc_counter): (i64, u32) =
            tx.query_row("SELECT hlc_millis, hlc_counter FROM local_device", [], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let mut w = Tx {
            tx,
            device_id: &self.device_id,
            now: self.clock.now(),
            hlc: Hlc { millis: hlc_millis, counter: hlc_counter },
        };
        let out = f(&mut w)?;
        // (local_device.next_seq, from schema 1, is unused: sequences are per circle since schema 3.)
        w.tx.execute("UPDATE local_device SET hlc_millis = ?1, hlc_counter = ?2", (w.hlc.millis, w.hlc.counter))?;
        if preview {
            w.tx.rollback()?;
        } else {
            w.tx.commit()?;
        }
        Ok(out)
    }
}

/// The database file inside data folder `dir`.
pub fn db_path(dir: &Path) -> PathBuf {
    dir.join(DB_FILE)
}

fn set_pragmas(conn: &Connection) -> Result<()> {
    // WAL: readers never block the writer, and a crash mid-write leaves the last commit intact.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // FULL: a committed change survives a power cut too; writes here are small and few.
    conn.pragma_update(None, "synchronous", "FULL")?;
    // Off by default in SQLite; our REFERENCES clauses mean nothing without it.
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // 64 MiB of page cache (SQLite's default is 2 MiB): a whole circle imported at once
    // writes ~30 MB in one transaction, and with a small cache SQLite spills pages to the
    // WAL mid-transaction and reads them back. Only pages actually used take memory.
    conn.pragma_update(None, "cache_size", -64 * 1024)?;
    // Statement journals (a multi-row write's undo within the transaction) in memory, not
    // in a temporary file written through the disk.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // Sync rebuilds write each table with its own statements; rusqlite keeps 16 by default,
    // and a statement pushed out is compiled again.
    conn.set_prepared_statement_cache_capacity(256);
    // The app and the CLI may open the same folder at once; wait rather than fail.
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(())
}

fn ensure_device(conn: &Connection, now: DateTime<Utc>) -> Result<String> {
    let existing: Option<String> = conn.query_row("SELECT device_id FROM local_device", [], |r| r.get(0)).optional()?;
    if let Some(id) = existing {
        return Ok(id);
    }
    let id = crate::ids::new_id();
    conn.execute(
        "INSERT INTO local_device (singleton, device_id, created_at) VALUES (1, ?1, ?2)",
        (&id, to_stored(now)),
    )?;
    Ok(id)
}

/// One write transaction, with this device's clock and log position.
pub(crate) struct Tx<'a> {
    tx: rusqlite::Transaction<'a>,
    device_id: &'a str,
    now: DateTime<Utc>,
    hlc: Hlc,
}

impl Tx<'_> {
    /// The device writing.
    pub fn device_id(&self) -> &str {
        self.device_id
    }

    /// The wall-clock time of this write, as stored.
    pub fn now(&self) -> String {
        to_stored(self.now)
    }

    /// Moves this device's clock past `seen` (a remote reading), so later local writes
    /// order after what was received.
    pub fn observe(&mut self, seen: Hlc) {
        if seen > self.hlc {
            self.hlc = seen;
        }
    }

    /// Logs that `fields` of a record were written (all of them, for a new record).
    pub fn log(&mut self, circle_id: &str, entity: &str, entity_id: &str, fields: serde_json::Value) -> Result<()> {
        self.append(circle_id, entity, entity_id, "put", fields).map(|_| ())
    }

    /// Logs that a record was deleted (a reflection's earlier content is wiped from the log).
    pub fn log_delete(&mut self, circle_id: &str, entity: &str, entity_id: &str) -> Result<()> {
        let hlc = self.append(circle_id, entity, entity_id, "delete", serde_json::json!({}))?;
        redact_before(&self.tx, entity, entity_id, &hlc)
    }

    /// Sets `fields` (column name → value) on row `id` of `table` and logs exactly those
    /// fields. Table and column names come from code, never from input.
    pub fn update(
        &mut self,
        table: &str,
        entity: &str,
        circle_id: &str,
        id: &str,
        fields: serde_json::Map<String, serde_json::Value>,
    ) -> Result<()> {
        if fields.is_empty() {
            return Ok(());
        }
        let sets: Vec<String> = fields.keys().enumerate().map(|(i, k)| format!("{k} = ?{}", i + 2)).collect();
        let sql = format!("UPDATE {table} SET {} WHERE id = ?1", sets.join(", "));
        let mut params = vec![rusqlite::types::Value::Text(id.to_string())];
        params.extend(fields.values().map(crate::sql::sql_value));
        self.tx.execute(&sql, rusqlite::params_from_iter(params))?;
        self.log(circle_id, entity, id, serde_json::Value::Object(fields))
    }

    fn append(
        &mut self,
        circle_id: &str,
        entity: &str,
        entity_id: &str,
        op: &str,
        fields: serde_json::Value,
    ) -> Result<String> {
        self.hlc = self.hlc.tick(self.now.timestamp_millis());
        let seq: i64 = self.tx.query_row(
            "SELECT coalesce(max(seq), 0) + 1 FROM change_log WHERE circle_id = ?1 AND author_device = ?2",
            (circle_id, self.device_id),
            |r| r.get(0),
        )?;
        let mut fields = fields;
        record_bases(&self.tx, entity, entity_id, op, &mut fields)?;
        let change = Change {
            author_device: self.device_id.to_string(),
            seq,
            hlc: self.hlc.encode(self.device_id),
            circle_id: circle_id.to_string(),
            entity: entity.to_string(),
            entity_id: entity_id.to_string(),
            op: op.to_string(),
            fields,
        };
        // This device's own log has no gaps, so the previous change's chain value is there.
        let chain = chain::chain_at(&self.tx, circle_id, self.device_id, seq - 1)?
            .zip(chain::digest_of(&change, false))
            .map(|(previous, digest)| chain::chain_next(&previous, &digest));
        change.insert(&self.tx, chain)?;
        Ok(change.hlc)
    }
}

impl std::ops::Deref for Tx<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.tx
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;

    fn log_len(store: &Store) -> i64 {
        store.conn().query_row("SELECT count(*) FROM change_log", [], |r| r.get(0)).unwrap()
    }

    #[test]
    fn a_failed_write_leaves_no_row_no_log_entry_and_no_used_sequence_number() {
        let mut store = Store::open_in_memory().unwrap();
        let result: Result<()> = store.write(|tx| {
            tx.execute(
                "INSERT INTO circles (id, name, cadence, created_at) VALUES ('c', 'Half-made', 'monthly', 'now')",
                [],
            )?;
            tx.log("c", "circle", "c", serde_json::json!({"name": "Half-made"}))?;
            Err(Error::invalid("Test", "fails after writing"))
        });
        assert!(result.is_err());
        let circles: i64 = store.conn().query_row("SELECT count(*) FROM circles", [], |r| r.get(0)).unwrap();
        assert_eq!((circles, log_len(&store)), (0, 0));
        store.write(|tx| tx.log("c", "circle", "c", serde_json::json!({}))).unwrap();
        let seq: i64 = store.conn().query_row("SELECT seq FROM change_log", [], |r| r.get(0)).unwrap();
        assert_eq!(seq, 1, "the failed write must not have used up sequence number 1");
    }
}
