//! The change log: every write to shared circle data, per device, in sequence, stamped
//! with a hybrid logical clock. Sync bundles are cut from it; private data never enters it.
//!
//! It sits below the store (whose write path appends to it) and below sync (which reads and
//! merges it): it uses neither. [`history`] holds what the log says about one record.

pub(crate) mod chain;
pub(crate) mod history;

use crate::Result;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Record kinds as they are named in the log.
pub(crate) mod entity {
    pub const CIRCLE: &str = "circle";
    pub const MEMBER: &str = "member";
    pub const MEETING: &str = "meeting";
    pub const AGENDA_ITEM: &str = "agenda_item";
    pub const ACTION_ITEM: &str = "action_item";
    pub const REFLECTION: &str = "reflection";
    pub const GOAL: &str = "goal";
    pub const RESOURCE: &str = "resource";
    pub const DECISION: &str = "decision";
    /// Keyed `meeting_id/member_id`.
    pub const ATTENDANCE: &str = "attendance";
    pub const TEMPLATE: &str = "agenda_template";
    pub const GOAL_NOTE: &str = "goal_note";
    pub const DEVICE_KEY: &str = "device_key";
    pub const INVITE: &str = "invite";
}

/// One logged change to one record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// The device that made the change.
    pub author_device: String,
    /// 1, 2, 3… per device and circle, without gaps.
    pub seq: i64,
    /// Hybrid logical clock reading; orders concurrent writes.
    pub hlc: String,
    pub circle_id: String,
    /// The kind of record ("meeting", "agenda_item", …).
    pub entity: String,
    pub entity_id: String,
    /// `put` (create or update the named fields) or `delete`.
    pub op: String,
    /// The fields written, by name.
    pub fields: serde_json::Value,
}

impl Change {
    /// Stores this change with its chain value.
    pub(crate) fn insert(&self, conn: &Connection, chain: Option<chain::Digest>) -> Result<()> {
        insert_all(conn, &[self], &[chain])
    }
}

/// The most changes stored by one statement.
const INSERT_ROWS: usize = 500;

/// Stores changes, many per statement: each statement costs on its own (running it,
/// journaling the pages it touches), which adds up over a whole circle's log.
/// `chains[i]` is `changes[i]`'s chain value.
pub(crate) fn insert_all(conn: &Connection, changes: &[&Change], chains: &[Option<chain::Digest>]) -> Result<()> {
    assert_eq!(changes.len(), chains.len(), "one chain value per change");
    for (chunk, chains) in changes.chunks(INSERT_ROWS).zip(chains.chunks(INSERT_ROWS)) {
        let sql = format!(
            "INSERT OR FAIL INTO change_log (author_device, seq, hlc, circle_id, entity, entity_id, op, fields, chain) VALUES {}",
            vec!["(?, ?, ?, ?, ?, ?, ?, ?, ?)"; chunk.len()].join(", ")
        );
        let fields: Vec<String> = chunk.iter().map(|c| c.fields.to_string()).collect();
        let chains: Vec<Option<&[u8]>> = chains.iter().map(|c| c.as_ref().map(|c| c.as_slice())).collect();
        let mut params: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(chunk.len() * 9);
        for ((c, fields), chain) in chunk.iter().zip(&fields).zip(&chains) {
            params.extend([&c.author_device as &dyn rusqlite::ToSql, &c.seq, &c.hlc, &c.circle_id, &c.entity]);
            params.extend([&c.entity_id as &dyn rusqlite::ToSql, &c.op, fields, chain]);
        }
        crate::sql::execute_rows(conn, &sql, chunk.len(), INSERT_ROWS, params.as_slice())?;
    }
    // Each device's count and highest number in `log_extent`, one statement per device.
    let mut extents: HashMap<(&str, &str), (i64, i64)> = HashMap::new();
    for c in changes {
        let (entries, highest) = extents.entry((&c.circle_id, &c.author_device)).or_default();
        *entries += 1;
        *highest = c.seq.max(*highest);
    }
    let mut stmt = conn.prepare_cached(
        "INSERT INTO log_extent (circle_id, author_device, entries, highest_seq) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (circle_id, author_device)
         DO UPDATE SET entries = entries + excluded.entries, highest_seq = max(highest_seq, excluded.highest_seq)",
    )?;
    for ((circle_id, device), (entries, highest)) in extents {
        stmt.execute((circle_id, device, entries, highest))?;
    }
    Ok(())
}

/// Removes a run of one device's changes to a circle (undoing an import) and recounts
/// that device's `log_extent`. Returns how many were removed.
pub(crate) fn delete_range(conn: &Connection, circle_id: &str, device: &str, from: i64, to: i64) -> Result<usize> {
    let removed = conn.execute(
        "DELETE FROM change_log WHERE circle_id = ?1 AND author_device = ?2 AND seq BETWEEN ?3 AND ?4",
        (circle_id, device, from, to),
    )?;
    conn.execute(
        "UPDATE log_extent SET
             entries = (SELECT count(*) FROM change_log WHERE circle_id = ?1 AND author_device = ?2),
             highest_seq = (SELECT coalesce(max(seq), 0) FROM change_log WHERE circle_id = ?1 AND author_device = ?2)
         WHERE circle_id = ?1 AND author_device = ?2",
        (circle_id, device),
    )?;
    Ok(removed)
}

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<Change> {
    let fields: String = r.get(7)?;
    Ok(Change {
        author_device: r.get(0)?,
        seq: r.get(1)?,
        hlc: r.get(2)?,
        circle_id: r.get(3)?,
        entity: r.get(4)?,
        entity_id: r.get(5)?,
        op: r.get(6)?,
        fields: serde_json::from_str(&fields).unwrap_or(serde_json::Value::Null),
    })
}

/// A circle's changes with sequence numbers above what `held` lists per device (all of a
/// device's changes when it is not listed), by device and sequence.
pub(crate) fn changes_after(
    conn: &Connection,
    circle_id: &str,
    held: &std::collections::BTreeMap<String, i64>,
) -> Result<Vec<Change>> {
    let mut devices = conn.prepare("SELECT author_device FROM log_extent WHERE circle_id = ?1 AND entries > 0")?;
    let devices: Vec<String> = devices.query_map([circle_id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn.prepare(
        "SELECT author_device, seq, hlc, circle_id, entity, entity_id, op, fields FROM change_log
         WHERE circle_id = ?1 AND author_device = ?2 AND seq > ?3 ORDER BY seq",
    )?;
    let mut out = Vec::new();
    for device in devices {
        let after = held.get(&device).copied().unwrap_or(0);
        for change in stmt.query_map((circle_id, &device, after), from_row)? {
            out.push(change?);
        }
    }
    Ok(out)
}

/// Every logged change to a circle, in clock order.
pub(crate) fn changes(conn: &Connection, circle_id: &str) -> Result<Vec<Change>> {
    let mut stmt = conn.prepare(
        "SELECT author_device, seq, hlc, circle_id, entity, entity_id, op, fields
         FROM change_log WHERE circle_id = ?1 ORDER BY hlc",
    )?;
    let rows = stmt.query_map([circle_id], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
