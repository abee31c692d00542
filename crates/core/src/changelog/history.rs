//! What the change log says about one record: its history (its entries, in merge order),
//! which fields are prose, the `$base` a local write records, and wiping a reflection's
//! words from the log when it is taken back. These are facts about the log that the store's
//! write path and sync's merge both rely on; this module uses neither.

use super::{entity, Change};
use crate::Result;
use rusqlite::Connection;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

/// The key under which a `put` lists, per prose field, the HLCs of the values it replaced.
pub const BASE_KEY: &str = "$base";

/// What a `put` of a reflection holds once its author has taken the reflection back: the
/// text is gone from every log that learns of the deletion, so no later bundle carries it.
pub const REDACTED_KEY: &str = "$redacted";

/// Kinds whose earlier `put`s are wiped from the log when they are deleted (taken back).
pub(crate) fn redacted_on_delete(entity: &str) -> bool {
    entity == entity::REFLECTION
}

/// Wipes the content of a record's `put`s older than `deleted_hlc`, if its kind is one
/// whose deletion means "take my words back".
/// A wiped put keeps its fields' digest (hex) under [`REDACTED_KEY`], so its author's chain
/// still proves it.
pub(crate) fn redact_before(conn: &Connection, entity: &str, entity_id: &str, deleted_hlc: &str) -> Result<()> {
    if !redacted_on_delete(entity) {
        return Ok(());
    }
    let mut puts = conn.prepare_cached(
        "SELECT rowid, fields FROM change_log WHERE entity = ?1 AND entity_id = ?2 AND op = 'put' AND hlc < ?3",
    )?;
    let puts: Vec<(i64, String)> = puts
        .query_map((entity, entity_id, deleted_hlc), |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut wipe = conn.prepare_cached("UPDATE change_log SET fields = ?2 WHERE rowid = ?1")?;
    for (rowid, fields) in puts {
        let fields: Value = serde_json::from_str(&fields).unwrap_or(Value::Null);
        if is_redacted(&fields) {
            continue;
        }
        let kept = hex::encode(super::chain::fields_digest(&fields));
        wipe.execute((rowid, serde_json::json!({ REDACTED_KEY: kept }).to_string()))?;
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

/// Fields that, once set, stay set whatever the clocks say: a removal (`left_at`) and a
/// laptop's revocation cannot be undone by a later write, least of all the removed member's.
pub(crate) fn is_sticky(entity: &str, field: &str) -> bool {
    matches!((entity, field), ("member", "left_at") | ("device_key", "revoked_after" | "revoked_at"))
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

/// One log entry of a record, as merging reads it: read from the log, or borrowed from
/// the changes an import has just stored.
#[derive(Debug, Clone)]
pub(crate) struct LogRow<'a> {
    pub circle_id: Cow<'a, str>,
    pub author_device: Cow<'a, str>,
    pub seq: i64,
    pub hlc: Cow<'a, str>,
    /// `put` or `delete`.
    pub op: Cow<'a, str>,
    pub fields: Cow<'a, Map<String, Value>>,
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
pub(crate) fn log_rows(conn: &Connection, entity: &str, entity_id: &str) -> Result<Vec<LogRow<'static>>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {LOG_ROW_COLUMNS} FROM change_log WHERE entity_id = ?1 AND entity = ?2 ORDER BY hlc, author_device, seq"
    ))?;
    let rows = stmt.query_map((entity_id, entity), |r| log_row(r, 0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The log entries of many records of a circle, from one scan of its log. (A record's
/// entries all belong to its circle: import refuses a change to a record of another.)
pub(crate) fn circle_log_rows(
    conn: &Connection,
    circle_id: &str,
    wanted: &HashSet<(&str, &str)>,
) -> Result<Histories<'static>> {
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
