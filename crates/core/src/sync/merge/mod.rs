//! Rebuilding records from the change log, in two steps: `decide` works out a record from
//! its log entries alone (no database), and the `Rebuilder` writes what it decided: the
//! record's row, parents before children and in batches, and its conflicts. A record whose
//! parent has not arrived yet stays in the log, and appears once it can.

mod decide;

use crate::changelog::entity;
use crate::changelog::history::{
    circle_log_rows, log_rows, table_of, Histories, LogRow, BASE_KEY, ENTITY_TABLES, REDACTED_KEY,
};
use crate::{Error, Result};
use decide::{decide, Outcome};
use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap, HashSet};

/// A prose value that lost to a concurrent edit (or was written to a deleted record).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conflict {
    pub circle_id: String,
    pub entity: String,
    pub entity_id: String,
    pub field: String,
    pub hlc: String,
    pub author_device: String,
    pub value: String,
    pub reason: String,
}

/// The columns of each table a change may write (never device-local ones), read from the
/// schema once per import or rebuild rather than once per change.
#[derive(Default)]
pub(crate) struct Columns(HashMap<&'static str, BTreeSet<String>>);

impl Columns {
    fn of(&mut self, conn: &Connection, table: &'static str) -> Result<&BTreeSet<String>> {
        Ok(match self.0.entry(table) {
            Entry::Occupied(known) => known.into_mut(),
            Entry::Vacant(slot) => {
                let mut stmt = conn.prepare_cached("SELECT name FROM pragma_table_info(?1)")?;
                let names = stmt.query_map([table], |r| r.get::<_, String>(0))?;
                slot.insert(names.filter(|n| !matches!(n.as_deref(), Ok("local"))).collect::<rusqlite::Result<_>>()?)
            }
        })
    }
}

/// Checks a change's field names against its table, so a bundle cannot name a column
/// that does not exist (or a local one).
pub(crate) fn check_fields(
    columns: &mut Columns,
    conn: &Connection,
    entity: &str,
    fields: &Map<String, Value>,
) -> Result<()> {
    let table =
        table_of(entity).ok_or_else(|| Error::Bundle(format!("it names an unknown kind of record ({entity})")))?;
    let columns = columns.of(conn, table)?;
    for key in fields.keys().filter(|k| *k != BASE_KEY && *k != REDACTED_KEY) {
        if !columns.contains(key) {
            return Err(Error::Bundle(format!("it writes a field Kinship does not know ({entity}.{key})")));
        }
    }
    Ok(())
}

fn key_columns(entity: &str, entity_id: &str) -> Vec<(&'static str, String)> {
    if entity == entity::ATTENDANCE {
        let (meeting, member) = entity_id.split_once('/').unwrap_or((entity_id, ""));
        vec![("meeting_id", meeting.to_string()), ("member_id", member.to_string())]
    } else {
        vec![("id", entity_id.to_string())]
    }
}

/// What rebuilding one record asks of its table.
enum Write {
    /// Nothing: a private row, which sync never touches.
    Nothing,
    /// The record is gone: delete its row.
    Delete { sql: String, key: Vec<SqlValue> },
    /// Insert the row, or update it if it exists.
    Upsert(Row),
}

/// One row to insert or update.
struct Row {
    table: &'static str,
    /// Column names, the key columns first.
    names: Vec<String>,
    keys: usize,
    values: Vec<SqlValue>,
}

impl Row {
    /// The row's id, for tables keyed by one.
    fn id(&self) -> Option<&str> {
        match &self.values[..self.keys] {
            [SqlValue::Text(id)] => Some(id),
            _ => None,
        }
    }

    /// The ids this row points at (parents, or other rows of its table).
    fn links(&self) -> impl Iterator<Item = &str> {
        let linked = self.names.iter().zip(&self.values).skip(self.keys).filter(|(n, _)| n.ends_with("_id"));
        linked.filter_map(|(_, v)| match v {
            SqlValue::Text(id) => Some(id.as_str()),
            _ => None,
        })
    }
}

/// `INSERT … ON CONFLICT … DO UPDATE` of `rows` rows into `names` (keys first).
fn upsert_sql(table: &str, names: &[String], keys: usize, rows: usize) -> String {
    let one_row = format!("({})", vec!["?"; names.len()].join(", "));
    let updates: Vec<String> = names[keys..].iter().map(|n| format!("{n} = excluded.{n}")).collect();
    let upsert =
        if updates.is_empty() { "DO NOTHING".to_string() } else { format!("DO UPDATE SET {}", updates.join(", ")) };
    format!(
        "INSERT INTO {table} ({}) VALUES {} ON CONFLICT ({}) {upsert}",
        names.join(", "),
        vec![one_row; rows].join(", "),
        names[..keys].join(", ")
    )
}

/// Whether `error` is a constraint failing: the statement undid itself (search-index
/// triggers included) and the transaction goes on, so no savepoint is needed around it.
fn is_constraint(error: &rusqlite::Error) -> bool {
    matches!(error, rusqlite::Error::SqliteFailure(e, _) if e.code == rusqlite::ErrorCode::ConstraintViolation)
}

/// The most parameters one statement binds (the bundled SQLite's limit).
pub(crate) const MAX_PARAMETERS: usize = 32_766;
/// The most rows one batched upsert writes.
const BATCH_ROWS: usize = 500;

/// Rebuilds records one after another, writing their rows in batches: one multi-row
/// statement instead of one per row, since every statement on a table with a search index
/// flushes that index and journals the pages it touches.
struct Rebuilder<'c> {
    conn: &'c Connection,
    columns: Columns,
    batch_rows: usize,
    /// Rows waiting to be written, all of one table and set of columns, with their place
    /// in the list of records.
    batch: Vec<(usize, Row)>,
    /// The ids the queued rows point at.
    links: HashSet<String>,
}

impl<'c> Rebuilder<'c> {
    /// Rebuilds one record from its log entries (`history`): decides, then writes the
    /// decision's conflicts and returns the write its row needs (queued by the caller).
    fn rebuild_record(&mut self, entity: &str, entity_id: &str, history: &[LogRow]) -> Result<Write> {
        let table = table_of(entity).expect("checked when the change was accepted");
        let keys = key_columns(entity, entity_id);
        if self.is_private(table, &keys)? {
            return Ok(Write::Nothing);
        }
        let outcome = decide(entity, history);
        self.write_conflicts(entity, entity_id, &outcome)?;
        self.row_write(table, keys, &outcome)
    }

    /// Whether the row keyed by `keys` is a private reflection or goal, which a sync never touches.
    fn is_private(&self, table: &str, keys: &[(&str, String)]) -> Result<bool> {
        if !matches!(table, "reflections" | "goals") {
            return Ok(false);
        }
        let (column, id) = &keys[0];
        let private: Option<bool> = self
            .conn
            .prepare_cached(&format!("SELECT visibility = 'private' FROM {table} WHERE {column} = ?1"))?
            .query_row([id], |r| r.get(0))
            .optional()?;
        Ok(private.unwrap_or(false))
    }

    /// Replaces a record's conflicts with those `outcome` keeps.
    fn write_conflicts(&self, entity: &str, entity_id: &str, outcome: &Outcome) -> Result<()> {
        self.conn.prepare_cached("DELETE FROM conflicts WHERE entity_id = ?1")?.execute([entity_id])?;
        for kept in &outcome.conflicts {
            self.conn
                .prepare_cached(
                    "INSERT OR REPLACE INTO conflicts (circle_id, entity, entity_id, field, hlc, author_device, value, reason)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )?
                .execute((
                    kept.circle_id,
                    entity,
                    entity_id,
                    kept.field,
                    kept.hlc,
                    kept.author_device,
                    kept.text,
                    kept.reason.as_str(),
                ))?;
        }
        Ok(())
    }

    /// What `outcome` asks of the record's row in `table`: gone, or these winning values
    /// (of the table's columns; keys come from the record's id, not its fields).
    fn row_write(
        &mut self,
        table: &'static str,
        keys: Vec<(&'static str, String)>,
        outcome: &Outcome,
    ) -> Result<Write> {
        let key_values: Vec<SqlValue> = keys.iter().map(|(_, v)| v.clone().into()).collect();
        if !outcome.exists {
            let where_clause = keys.iter().enumerate().map(|(i, (c, _))| format!("{c} = ?{}", i + 1));
            let sql = format!("DELETE FROM {table} WHERE {}", where_clause.collect::<Vec<_>>().join(" AND "));
            return Ok(Write::Delete { sql, key: key_values });
        }
        let columns = self.columns.of(self.conn, table)?;
        let mut names: Vec<String> = keys.iter().map(|(c, _)| c.to_string()).collect();
        let mut values = key_values;
        for (field, winner) in
            outcome.fields.iter().filter(|(f, _)| columns.contains(**f) && !keys.iter().any(|(k, _)| k == *f))
        {
            names.push(field.to_string());
            values.push(crate::sql::sql_value(winner.value));
        }
        Ok(Write::Upsert(Row { table, names, keys: keys.len(), values }))
    }

    /// How many rows like `row` one statement writes.
    fn capacity(&self, row: &Row) -> usize {
        self.batch_rows.min(MAX_PARAMETERS / row.names.len()).max(1)
    }

    /// Queues a row. The queue is written first if the row does not fit in its statement,
    /// or if a queued row points at this one: one by one, that row would have been written
    /// before this one existed, and a batch must end exactly as one by one would.
    fn queue(&mut self, at: usize, row: Row, failed: &mut Vec<usize>) -> Result<()> {
        if let Some((_, first)) = self.batch.first() {
            let fits = first.table == row.table && first.names == row.names && self.batch.len() < self.capacity(first);
            let pointed_at = row.id().is_some_and(|id| self.links.contains(id));
            if !fits || pointed_at {
                self.flush(failed)?;
            }
        }
        self.links.extend(row.links().map(str::to_string));
        self.batch.push((at, row));
        Ok(())
    }

    /// Writes the queued rows in one statement. If a constraint fails, writes them one by
    /// one instead, and lists (by place) those that cannot be written yet.
    fn flush(&mut self, failed: &mut Vec<usize>) -> Result<()> {
        let batch = std::mem::take(&mut self.batch);
        self.links.clear();
        let Some((_, first)) = batch.first() else { return Ok(()) };
        let sql = upsert_sql(first.table, &first.names, first.keys, batch.len());
        let values = batch.iter().flat_map(|(_, row)| &row.values);
        let result = crate::sql::execute_rows(
            self.conn,
            &sql,
            batch.len(),
            self.capacity(first),
            rusqlite::params_from_iter(values),
        );
        match result {
            Ok(_) => return Ok(()),
            Err(e) if !is_constraint(&e) => return Err(e.into()),
            Err(_) if batch.len() == 1 => failed.push(batch[0].0),
            Err(_) => {
                // One row at a time, as the per-record path would have written them.
                for (at, row) in &batch {
                    let sql = upsert_sql(row.table, &row.names, row.keys, 1);
                    match self.conn.prepare_cached(&sql)?.execute(rusqlite::params_from_iter(&row.values)) {
                        Ok(_) => {}
                        Err(e) if is_constraint(&e) => failed.push(*at),
                        Err(e) => return Err(e.into()),
                    }
                }
            }
        }
        Ok(())
    }
}

/// Where [`rebuild_by`] finds each record's log entries.
pub(crate) enum Reading<'a> {
    /// One query per record: quick for the few records of everyday bundles.
    PerRecord,
    /// One scan of the circle's log: quick when most of a circle arrives at once.
    Scan,
    /// Given by the caller (others are queried).
    Given(Histories<'a>),
}

/// From this many records on, [`rebuild`] reads the circle's log in one scan.
const SCAN_FROM: usize = 1000;

/// How often (in records) a rebuild reports progress.
pub(crate) const PROGRESS_EVERY: usize = 500;

/// Rebuilds `touched` records and those still waiting for a parent, parents first, until
/// nothing more can appear. Returns how many records are still waiting.
pub(crate) fn rebuild(conn: &Connection, circle_id: &str, touched: &BTreeSet<(String, String)>) -> Result<usize> {
    rebuild_with_progress(conn, circle_id, touched, None, &mut |_| {})
}

/// Like [`rebuild`], with the records' histories if the caller has them (an import into a
/// circle whose log held nothing: what it stored is all there is), telling `progress` how
/// many records are done every [`PROGRESS_EVERY`].
pub(crate) fn rebuild_with_progress(
    conn: &Connection,
    circle_id: &str,
    touched: &BTreeSet<(String, String)>,
    given: Option<Histories>,
    progress: &mut dyn FnMut(usize),
) -> Result<usize> {
    let reading = match given {
        Some(histories) => Reading::Given(histories),
        None if touched.len() >= SCAN_FROM => Reading::Scan,
        None => Reading::PerRecord,
    };
    rebuild_by(conn, circle_id, touched, reading, BATCH_ROWS, progress)
}

/// [`rebuild_with_progress`] reading the log as told and writing up to `batch_rows` rows
/// per statement (tests check that every way ends alike).
pub(crate) fn rebuild_by(
    conn: &Connection,
    circle_id: &str,
    touched: &BTreeSet<(String, String)>,
    reading: Reading,
    batch_rows: usize,
    progress: &mut dyn FnMut(usize),
) -> Result<usize> {
    let order = |e: &str| ENTITY_TABLES.iter().position(|(x, _)| *x == e).unwrap_or(usize::MAX);
    let mut todo: Vec<(String, String)> = touched.iter().cloned().collect();
    {
        let mut stmt = conn.prepare_cached("SELECT entity, entity_id FROM sync_waiting WHERE circle_id = ?1")?;
        for row in stmt.query_map([circle_id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
            todo.push(row?);
        }
    }
    todo.sort_by_cached_key(|(e, id)| (order(e), id.clone()));
    todo.dedup();
    let histories = match reading {
        Reading::PerRecord => None,
        Reading::Scan => {
            let wanted: HashSet<(&str, &str)> = todo.iter().map(|(e, id)| (e.as_str(), id.as_str())).collect();
            Some(circle_log_rows(conn, circle_id, &wanted)?)
        }
        Reading::Given(histories) => Some(histories),
    };
    let mut rebuilder = Rebuilder {
        conn,
        columns: Columns::default(),
        batch_rows: batch_rows.max(1),
        batch: Vec::new(),
        links: HashSet::new(),
    };
    let mut failed = Vec::new();
    let mut first_round = true;
    loop {
        failed.clear();
        for (at, (entity, id)) in todo.iter().enumerate() {
            let queried;
            let history = match histories.as_ref().and_then(|h| h.get(&todo[at])) {
                Some(history) => history,
                // Not read or given (a record with no entry in the circle's log, or one
                // left waiting outside what was given): asked for on its own.
                None => {
                    queried = log_rows(conn, entity, id)?;
                    &queried[..]
                }
            };
            match rebuilder.rebuild_record(entity, id, history)? {
                Write::Nothing => {}
                Write::Delete { sql, key } => {
                    rebuilder.flush(&mut failed)?;
                    conn.prepare_cached(&sql)?.execute(rusqlite::params_from_iter(&key))?;
                }
                Write::Upsert(row) => rebuilder.queue(at, row, &mut failed)?,
            }
            if first_round && (at + 1) % PROGRESS_EVERY == 0 {
                progress(at + 1);
            }
        }
        rebuilder.flush(&mut failed)?;
        first_round = false;
        // A record that cannot exist yet is tried again while others keep appearing.
        failed.sort_unstable();
        let waiting: Vec<(String, String)> = failed.iter().map(|&at| todo[at].clone()).collect();
        let settled = waiting.is_empty() || waiting.len() == todo.len();
        todo = waiting;
        if settled {
            break;
        }
    }
    conn.prepare_cached("DELETE FROM sync_waiting WHERE circle_id = ?1")?.execute([circle_id])?;
    for (entity, id) in &todo {
        conn.prepare_cached("INSERT OR IGNORE INTO sync_waiting (circle_id, entity, entity_id) VALUES (?1, ?2, ?3)")?
            .execute((circle_id, entity, id))?;
    }
    Ok(todo.len())
}

/// Conflicts waiting for a person in a circle, oldest first.
pub fn conflicts(conn: &Connection, circle_id: &str) -> Result<Vec<Conflict>> {
    let mut stmt = conn.prepare(
        "SELECT circle_id, entity, entity_id, field, hlc, author_device, value, reason FROM conflicts
         WHERE circle_id = ?1 ORDER BY hlc",
    )?;
    let rows = stmt.query_map([circle_id], |r| {
        Ok(Conflict {
            circle_id: r.get(0)?,
            entity: r.get(1)?,
            entity_id: r.get(2)?,
            field: r.get(3)?,
            hlc: r.get(4)?,
            author_device: r.get(5)?,
            value: r.get(6)?,
            reason: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
