//! Rebuilding records from the change log.
//!
//! Rules (decided on purpose, see ARCHITECTURE.md):
//! - Each field takes the value of the `put` with the highest HLC that wrote it.
//! - Prose fields (notes, details, agreement, reflections…) carry `$base`: the HLCs of the
//!   values the writer saw. A losing value that no later write saw is a *concurrent* edit:
//!   its text is kept in `conflicts` until a person resolves it. Nothing is dropped silently.
//! - A `delete` removes the record whatever else arrives, and it too carries `$base`: prose
//!   written to the record that the deleting person had not seen is kept in `conflicts`
//!   with reason `deleted`, whatever the clocks say.
//! - A record whose parent has not arrived yet stays in the log, and appears once it can.

use crate::changelog::entity;
use crate::{Change, Error, Result};
use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// The key under which a `put` lists, per prose field, the HLCs of the values it replaced.
pub const BASE_KEY: &str = "$base";

/// What a `put` of a reflection holds once its author has taken the reflection back: the
/// text is gone from every log that learns of the deletion, so no later bundle carries it.
pub const REDACTED_KEY: &str = "$redacted";

/// Kinds whose earlier `put`s are wiped from the log when they are deleted (taken back).
fn redacted_on_delete(entity: &str) -> bool {
    entity == entity::REFLECTION
}

/// Wipes the content of a record's `put`s older than `deleted_hlc`, if its kind is one
/// whose deletion means "take my words back".
pub(crate) fn redact_before(conn: &Connection, entity: &str, entity_id: &str, deleted_hlc: &str) -> Result<()> {
    if redacted_on_delete(entity) {
        conn.prepare_cached(
            "UPDATE change_log SET fields = ?4 WHERE entity = ?1 AND entity_id = ?2 AND op = 'put' AND hlc < ?3",
        )?
        .execute((entity, entity_id, deleted_hlc, serde_json::json!({ REDACTED_KEY: true }).to_string()))?;
    }
    Ok(())
}

/// Wipes, for each of `records` of a kind taken back by deleting, its puts older than its
/// latest delete. An import runs it once all its changes are stored, so that a put arriving
/// after its delete (in the same bundle or a later one) is wiped all the same.
pub(crate) fn redact_taken_back<'a>(
    conn: &Connection,
    records: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<()> {
    for (entity, entity_id) in records.into_iter().filter(|(e, _)| redacted_on_delete(e)) {
        let deleted: Option<String> = conn
            .prepare_cached("SELECT max(hlc) FROM change_log WHERE entity_id = ?1 AND entity = ?2 AND op = 'delete'")?
            .query_row((entity_id, entity), |r| r.get(0))?;
        if let Some(deleted) = deleted {
            redact_before(conn, entity, entity_id, &deleted)?;
        }
    }
    Ok(())
}

/// True for a `put` whose content was wiped by [`redact_before`].
pub fn is_redacted(fields: &Value) -> bool {
    fields.get(REDACTED_KEY).is_some()
}

/// Record kinds that sync, their tables, in the order parents come before children.
pub const ENTITY_TABLES: &[(&str, &str)] = &[
    (entity::CIRCLE, "circles"),
    (entity::MEMBER, "members"),
    (entity::INVITE, "invites"),
    (entity::DEVICE_KEY, "device_keys"),
    (entity::MEETING, "meetings"),
    (entity::GOAL, "goals"),
    (entity::AGENDA_ITEM, "agenda_items"),
    (entity::ACTION_ITEM, "action_items"),
    (entity::DECISION, "decisions"),
    (entity::ATTENDANCE, "attendance"),
    (entity::REFLECTION, "reflections"),
    (entity::GOAL_NOTE, "goal_notes"),
    (entity::TEMPLATE, "agenda_templates"),
    (entity::RESOURCE, "resources"),
];

/// Fields where a lost concurrent edit would lose someone's words.
pub fn is_prose(entity: &str, field: &str) -> bool {
    matches!(
        (entity, field),
        ("circle", "agreement" | "purpose")
            | ("agenda_item", "details" | "notes")
            | ("meeting", "summary")
            | ("reflection", "text")
            | ("resource", "note")
            | ("goal_note", "text")
    )
}

/// The table a record kind lives in.
pub fn table_of(entity: &str) -> Option<&'static str> {
    ENTITY_TABLES.iter().find(|(e, _)| *e == entity).map(|(_, t)| *t)
}

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

/// One log entry of a record, as merging reads it: read from the log, or borrowed from
/// the changes an import has just stored.
pub(crate) struct LogRow<'a> {
    circle_id: Cow<'a, str>,
    author_device: Cow<'a, str>,
    seq: i64,
    hlc: Cow<'a, str>,
    op: Cow<'a, str>,
    fields: Cow<'a, Map<String, Value>>,
}

/// Log entries by record (entity, id), each record's in merge order.
pub(crate) type Histories<'a> = HashMap<(String, String), Vec<LogRow<'a>>>;

const LOG_ROW_COLUMNS: &str = "circle_id, author_device, seq, hlc, op, fields";

/// Reads [`LOG_ROW_COLUMNS`] from a row, starting at column `at`.
fn log_row(r: &rusqlite::Row, at: usize) -> rusqlite::Result<LogRow<'static>> {
    let fields = r.get_ref(at + 5)?.as_str()?;
    let text = |i: usize| r.get::<_, String>(at + i).map(Cow::Owned);
    Ok(LogRow {
        circle_id: text(0)?,
        author_device: text(1)?,
        seq: r.get(at + 2)?,
        hlc: text(3)?,
        op: text(4)?,
        fields: Cow::Owned(match serde_json::from_str::<Value>(fields) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        }),
    })
}

/// Puts a record's entries in merge order: by clock, ties (only a forged bundle could make
/// them) broken by device and sequence, so that every laptop orders them alike.
fn sort_history(history: &mut [LogRow]) {
    history.sort_by(|a, b| (&a.hlc, &a.author_device, a.seq).cmp(&(&b.hlc, &b.author_device, b.seq)));
}

/// A record's log entries in merge order.
fn log_rows(conn: &Connection, entity: &str, entity_id: &str) -> Result<Vec<LogRow<'static>>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {LOG_ROW_COLUMNS} FROM change_log WHERE entity_id = ?1 AND entity = ?2 ORDER BY hlc, author_device, seq"
    ))?;
    let rows = stmt.query_map((entity_id, entity), |r| log_row(r, 0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The log entries of many records of a circle, from one scan of its log. (A record's
/// entries all belong to its circle: import refuses a change to a record of another.)
fn circle_log_rows(conn: &Connection, circle_id: &str, wanted: &HashSet<(&str, &str)>) -> Result<Histories<'static>> {
    let mut stmt =
        conn.prepare(&format!("SELECT entity, entity_id, {LOG_ROW_COLUMNS} FROM change_log WHERE circle_id = ?1"))?;
    let mut rows = stmt.query([circle_id])?;
    let mut histories = Histories::with_capacity(wanted.len());
    while let Some(r) = rows.next()? {
        let text = |i: usize| r.get_ref(i)?.as_str().map_err(rusqlite::Error::from);
        let (entity, entity_id) = (text(0)?, text(1)?);
        if !wanted.contains(&(entity, entity_id)) {
            continue; // not parsed: the fields are most of the work
        }
        let key = (entity.to_string(), entity_id.to_string());
        histories.entry(key).or_default().push(log_row(r, 2)?);
    }
    histories.values_mut().for_each(|history| sort_history(history));
    Ok(histories)
}

/// The histories that `changes`, once stored, make in a log that held nothing else of
/// their records, without reading them back: in merge order, and with the earlier puts
/// of a taken-back reflection wiped as [`redact_before`] wipes them in the log.
pub(crate) fn histories_of<'a>(changes: &[&'a Change]) -> Histories<'a> {
    let mut histories = Histories::new();
    for c in changes {
        let row = LogRow {
            circle_id: Cow::Borrowed(&c.circle_id),
            author_device: Cow::Borrowed(&c.author_device),
            seq: c.seq,
            hlc: Cow::Borrowed(&c.hlc),
            op: Cow::Borrowed(&c.op),
            fields: c.fields.as_object().map_or_else(|| Cow::Owned(Map::new()), Cow::Borrowed),
        };
        histories.entry((c.entity.clone(), c.entity_id.clone())).or_default().push(row);
    }
    for ((entity, _), history) in histories.iter_mut() {
        sort_history(history);
        if !redacted_on_delete(entity) {
            continue;
        }
        let Some(deleted) = history.iter().filter(|r| r.op == "delete").map(|r| r.hlc.clone()).max() else { continue };
        for row in history.iter_mut().filter(|r| r.op == "put" && r.hlc < deleted) {
            row.fields = Cow::Owned(Map::from_iter([(REDACTED_KEY.to_string(), Value::Bool(true))]));
        }
    }
    histories
}

/// Adds `$base` to a local change: for each prose field written, the HLC of the value being
/// replaced, and of any unresolved conflicting values the writer is now resolving.
/// A `delete` lists every prose field the record has had, so edits it did not see survive.
pub(crate) fn record_bases(
    conn: &Connection,
    entity: &str,
    entity_id: &str,
    op: &str,
    fields: &mut Value,
) -> Result<()> {
    let Some(map) = fields.as_object_mut() else { return Ok(()) };
    let history = log_rows(conn, entity, entity_id)?;
    let mut prose: Vec<String> = map.keys().filter(|k| is_prose(entity, k)).cloned().collect();
    if op == "delete" {
        prose = history.iter().flat_map(|r| r.fields.keys()).filter(|k| is_prose(entity, k)).cloned().collect();
        prose.sort();
        prose.dedup();
    }
    if prose.is_empty() {
        return Ok(());
    }
    let mut bases = Map::new();
    for field in prose {
        let mut seen: Vec<Value> = Vec::new();
        if let Some(latest) = history.iter().rev().find(|r| r.op == "put" && r.fields.contains_key(&field)) {
            seen.push(latest.hlc.clone().into());
        }
        // Writing the field is the person's answer to any conflict shown on it.
        let mut stmt = conn.prepare_cached("SELECT hlc FROM conflicts WHERE entity_id = ?1 AND field = ?2")?;
        for hlc in stmt.query_map((entity_id, &field), |r| r.get::<_, String>(0))? {
            seen.push(hlc?.into());
        }
        // Those conflicts are answered by this write.
        conn.execute("DELETE FROM conflicts WHERE entity_id = ?1 AND field = ?2", (entity_id, &field))?;
        if !seen.is_empty() {
            bases.insert(field, Value::Array(seen));
        }
    }
    if !bases.is_empty() {
        map.insert(BASE_KEY.into(), Value::Object(bases));
    }
    Ok(())
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
    /// Works out one record from its log entries (`history`, in merge order) and updates
    /// its conflicts.
    fn plan(&mut self, entity: &str, entity_id: &str, history: &[LogRow]) -> Result<Write> {
        let conn = self.conn;
        let table = table_of(entity).expect("checked when the change was accepted");
        let keys = key_columns(entity, entity_id);
        let where_clause =
            keys.iter().enumerate().map(|(i, (c, _))| format!("{c} = ?{}", i + 1)).collect::<Vec<_>>().join(" AND ");
        let key_values: Vec<SqlValue> = keys.iter().map(|(_, v)| v.clone().into()).collect();

        // Never let a sync touch this person's private reflection or goal.
        if matches!(entity, "reflection" | "goal") {
            let private: bool = conn
                .prepare_cached(&format!("SELECT visibility = 'private' FROM {table} WHERE {where_clause}"))?
                .query_row(rusqlite::params_from_iter(&key_values), |r| r.get(0))
                .optional()?
                .unwrap_or(false);
            if private {
                return Ok(Write::Nothing);
            }
        }

        let mut deleted_at = history.iter().filter(|r| r.op == "delete").map(|r| &*r.hlc).max();
        // A reflection shared again after being taken back comes back.
        if redacted_on_delete(entity)
            && deleted_at.is_some_and(|d| history.iter().any(|r| r.op == "put" && &*r.hlc > d))
        {
            deleted_at = None;
        }
        let mut winners: BTreeMap<&str, (&str, &Value)> = BTreeMap::new();
        let mut seen: HashSet<&str> = HashSet::new();
        for row in history {
            for (field, value) in row.fields.iter() {
                if field == BASE_KEY {
                    for hlcs in value.as_object().into_iter().flat_map(|m| m.values()) {
                        seen.extend(hlcs.as_array().into_iter().flatten().filter_map(|h| h.as_str()));
                    }
                } else if row.op == "put" && field != REDACTED_KEY {
                    // History is in HLC order, so the last writer of a field wins.
                    winners.insert(field, (&row.hlc, value));
                }
            }
        }

        // Conflicts: prose values nobody saw that did not win (or that a delete overtook).
        conn.prepare_cached("DELETE FROM conflicts WHERE entity_id = ?1")?.execute([entity_id])?;
        for row in history.iter().filter(|r| r.op == "put") {
            for (field, value) in row.fields.iter().filter(|(f, _)| is_prose(entity, f)) {
                let Some(text) = value.as_str().filter(|t| !t.trim().is_empty()) else { continue };
                let unseen = !seen.contains(&*row.hlc);
                let lost = match deleted_at {
                    Some(_) => unseen,
                    None => unseen && winners.get(field.as_str()).is_some_and(|(w, _)| *w != row.hlc),
                };
                if lost {
                    let reason = if deleted_at.is_some() { "deleted" } else { "concurrent" };
                    conn.prepare_cached(
                        "INSERT OR REPLACE INTO conflicts (circle_id, entity, entity_id, field, hlc, author_device, value, reason)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    )?
                    .execute((&row.circle_id, entity, entity_id, field, &row.hlc, &row.author_device, text, reason))?;
                }
            }
        }

        // Deleted, or no log entry left (an undone import had created it): the record goes.
        if deleted_at.is_some() || history.is_empty() {
            return Ok(Write::Delete { sql: format!("DELETE FROM {table} WHERE {where_clause}"), key: key_values });
        }
        let columns = self.columns.of(conn, table)?;
        let mut names: Vec<String> = keys.iter().map(|(c, _)| c.to_string()).collect();
        let mut values = key_values;
        for (field, (_, value)) in
            winners.iter().filter(|(f, _)| columns.contains(**f) && !keys.iter().any(|(k, _)| k == *f))
        {
            names.push(field.to_string());
            values.push(crate::store::sql_value(value));
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
        let result = crate::store::execute_rows(
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
            match rebuilder.plan(entity, id, history)? {
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
