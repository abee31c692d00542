//! In their own name only: what a member's laptop may write about other members. Checked on
//! every change a bundle brings that its author signed (`authorship`), inside the import's
//! transaction once the bundle's records are merged; one change out of bounds refuses the
//! whole bundle.
//!
//! - A talking point's contributor, a resource's sharer, a reflection's author and a goal's
//!   owner are the member whose laptop wrote them.
//! - A shared reflection or goal is changed or taken back only by its author's laptops.
//! - Once a member has joined (a laptop of theirs holds a key), only their own laptops change
//!   how the circle sees them (name, email, pronouns, institution, contact, role). Anyone may
//!   remove them (`left_at`), which is attributed to the remover like every change.

use crate::changelog::{entity, Change};
use crate::{Error, Result};
use rusqlite::Connection;
use std::collections::HashMap;

/// The field naming the member a record is written in the name of.
fn name_field(entity: &str) -> Option<&'static str> {
    match entity {
        entity::AGENDA_ITEM => Some("contributor_id"),
        entity::RESOURCE => Some("shared_by_id"),
        entity::REFLECTION => Some("author_member_id"),
        entity::GOAL => Some("owner_member_id"),
        _ => None,
    }
}

/// Records only their author may change after writing them.
fn owned(entity: &str) -> bool {
    matches!(entity, entity::REFLECTION | entity::GOAL)
}

/// How a record kind is named in messages.
fn kind_name(entity: &str) -> &'static str {
    match entity {
        entity::AGENDA_ITEM => "a talking point",
        entity::RESOURCE => "a resource",
        entity::REFLECTION => "a reflection",
        entity::GOAL => "a goal",
        _ => "a member's details",
    }
}

fn name_of(conn: &Connection, member: &str) -> String {
    conn.query_row("SELECT name FROM members WHERE id = ?1", [member], |r| r.get(0))
        .unwrap_or_else(|_| "another member".to_string())
}

/// Who a record was first written in the name of, from its log.
fn owner_of(conn: &Connection, entity: &str, entity_id: &str, field: &str) -> Result<Option<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT fields FROM change_log WHERE entity = ?1 AND entity_id = ?2 AND op = 'put' ORDER BY hlc",
    )?;
    let rows = stmt.query_map((entity, entity_id), |r| r.get::<_, String>(0))?;
    for fields in rows {
        let fields: serde_json::Value = serde_json::from_str(&fields?).unwrap_or_default();
        if let Some(owner) = fields.get(field).and_then(|v| v.as_str()) {
            return Ok(Some(owner.to_string()));
        }
    }
    Ok(None)
}

/// The clock reading of the first key a member's laptop was given (when they joined).
fn joined_hlc(conn: &Connection, circle_id: &str, member: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT min(l.hlc) FROM change_log l JOIN device_keys k ON k.id = l.entity_id
             WHERE l.circle_id = ?1 AND l.entity = 'device_key' AND k.member_id = ?2",
        )?
        .query_row((circle_id, member), |r| r.get(0))?)
}

/// Checks `changes` (new, signed by their authors) against the rules above. `existed` says
/// whether a record was on this laptop before the import: only then can its owner be named
/// by a change this import did not bring (else the owner is in `changes` themselves).
pub(crate) fn check(
    conn: &Connection,
    circle_id: &str,
    changes: &[&Change],
    existed: &dyn Fn(&str, &str) -> bool,
) -> Result<()> {
    let mut writers: HashMap<&str, Option<String>> = HashMap::new();
    // Owners named by the bundle itself: the earliest put naming one, per record.
    let mut named_first: HashMap<&str, (&str, &str)> = HashMap::new();
    for c in changes.iter().filter(|c| owned(&c.entity) && c.op == "put") {
        let named = name_field(&c.entity).and_then(|f| c.fields.get(f)).and_then(|v| v.as_str());
        if let Some(named) = named {
            let first = named_first.entry(&c.entity_id).or_insert((&c.hlc, named));
            if c.hlc.as_str() < first.0 {
                *first = (&c.hlc, named);
            }
        }
    }
    for c in changes {
        let writer = match writers.get(c.author_device.as_str()) {
            Some(known) => known.clone(),
            None => {
                let found = super::keys::member_of_device(conn, circle_id, &c.author_device)?;
                writers.insert(&c.author_device, found.clone());
                found
            }
        };
        let Some(writer) = writer else { continue };
        let refuse = |victim: &str| {
            Err(Error::Bundle(format!(
                "{} wrote {} in {}'s name, which only {} can do",
                name_of(conn, &writer),
                kind_name(&c.entity),
                name_of(conn, victim),
                name_of(conn, victim)
            )))
        };
        if let Some(field) = name_field(&c.entity) {
            if let Some(named) = c.fields.get(field).and_then(|v| v.as_str()) {
                if named != writer {
                    return refuse(named);
                }
            }
            if owned(&c.entity) {
                let owner = if existed(&c.entity, &c.entity_id) {
                    owner_of(conn, &c.entity, &c.entity_id, field)?
                } else {
                    named_first.get(c.entity_id.as_str()).map(|(_, owner)| owner.to_string())
                };
                if let Some(owner) = owner {
                    if owner != writer {
                        return refuse(&owner);
                    }
                }
            }
        }
        if c.entity == entity::MEMBER && c.entity_id != writer && c.op == "put" {
            let profile =
                c.fields.as_object().into_iter().flatten().any(|(field, _)| {
                    !matches!(field.as_str(), "left_at" | "id" | "circle_id" | "joined_at" | "$base")
                });
            let joined = joined_hlc(conn, circle_id, &c.entity_id)?;
            if profile && joined.is_some_and(|joined| c.hlc > joined) {
                return refuse(&c.entity_id);
            }
        }
    }
    Ok(())
}
