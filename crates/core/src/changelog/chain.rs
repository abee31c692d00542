//! Each device's changes to a circle form a hash chain: `chain(n) = H(chain(n-1), digest(n))`,
//! starting from a value fixed by the circle and the device. A change's digest covers its
//! author, number, clock, circle, record, operation and a digest of its fields, so the fields
//! can be wiped (a reflection taken back) while the change keeps its place: a wiped change
//! keeps its fields' digest (`$redacted`). Sync signs chain heads (`sync::signed`); here are
//! only the digests, which are facts about the log.
//!
//! Changes written before chains existed (up to a device's `legacy_upto`) are chained with an
//! all-zero fields digest: their numbers, clocks and records are proven, their fields are not.

use super::history::REDACTED_KEY;
use super::Change;
use crate::Result;
use rusqlite::{Connection, OptionalExtension};
use serde_json::Value;
use sha2::{Digest as _, Sha256};

/// A SHA-256 value.
pub type Digest = [u8; 32];

/// The fields digest of changes written before chains existed.
pub const LEGACY_FIELDS: Digest = [0; 32];

const CHANGE_CONTEXT: &[u8] = b"kinship-change/1\0";
const CHAIN_CONTEXT: &[u8] = b"kinship-chain/1\0";
const START_CONTEXT: &[u8] = b"kinship-chain-start/1\0";

pub(crate) fn sha256(parts: &[&[u8]]) -> Digest {
    let mut hash = Sha256::new();
    for part in parts {
        // Length-prefixed, so no two different lists of parts hash the same bytes.
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part);
    }
    hash.finalize().into()
}

/// Writes `value` as JSON with every object's keys sorted: the same bytes for the same value
/// whatever order its maps keep.
pub fn canonical_json(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push(b'{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                serde_json::to_writer(&mut *out, key).expect("a string serialises");
                out.push(b':');
                canonical_json(&map[key], out);
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                canonical_json(item, out);
            }
            out.push(b']');
        }
        scalar => serde_json::to_writer(&mut *out, scalar).expect("a scalar serialises"),
    }
}

/// The digest of a change's fields: what a wiped change keeps in their place.
pub fn fields_digest(fields: &Value) -> Digest {
    let mut bytes = Vec::new();
    canonical_json(fields, &mut bytes);
    sha256(&[&bytes])
}

/// The parts of a change its digest covers, apart from the fields.
#[derive(Debug, Clone, Copy)]
pub struct ChangeId<'a> {
    pub circle_id: &'a str,
    pub author_device: &'a str,
    pub seq: i64,
    pub hlc: &'a str,
    pub entity: &'a str,
    pub entity_id: &'a str,
    pub op: &'a str,
}

/// A change's digest: everything about it, its fields by their digest.
pub fn change_digest(id: &ChangeId, fields: &Digest) -> Digest {
    sha256(&[
        CHANGE_CONTEXT,
        id.circle_id.as_bytes(),
        id.author_device.as_bytes(),
        &id.seq.to_be_bytes(),
        id.hlc.as_bytes(),
        id.entity.as_bytes(),
        id.entity_id.as_bytes(),
        id.op.as_bytes(),
        fields,
    ])
}

/// Where a device's chain in a circle starts (the value before its change 1).
pub fn chain_start(circle_id: &str, device: &str) -> Digest {
    sha256(&[START_CONTEXT, circle_id.as_bytes(), device.as_bytes()])
}

/// The chain value after a change with digest `change`.
pub fn chain_next(previous: &Digest, change: &Digest) -> Digest {
    sha256(&[CHAIN_CONTEXT, previous, change])
}

/// The digest a change's fields are chained by: zeros for a change written before chains
/// existed (`legacy`), the digest a wiped change kept (`$redacted`), else the fields' own.
/// `None` for a wiped change that kept no digest although it is not legacy (malformed).
pub fn fields_digest_of(change: &Change, legacy: bool) -> Option<Digest> {
    if legacy {
        return Some(LEGACY_FIELDS);
    }
    match change.fields.get(REDACTED_KEY) {
        Some(Value::String(kept)) => hex::decode(kept).ok()?.try_into().ok(),
        Some(_) => None,
        None => Some(fields_digest(&change.fields)),
    }
}

/// A change's digest (see [`fields_digest_of`] for `legacy`).
pub fn digest_of(change: &Change, legacy: bool) -> Option<Digest> {
    let fields = fields_digest_of(change, legacy)?;
    Some(change_digest(
        &ChangeId {
            circle_id: &change.circle_id,
            author_device: &change.author_device,
            seq: change.seq,
            hlc: &change.hlc,
            entity: &change.entity,
            entity_id: &change.entity_id,
            op: &change.op,
        },
        &fields,
    ))
}

/// The chain value of `device`'s log in a circle after change `seq` (the start for 0), if this
/// laptop holds that change with its chain value.
pub(crate) fn chain_at(conn: &Connection, circle_id: &str, device: &str, seq: i64) -> Result<Option<Digest>> {
    if seq == 0 {
        return Ok(Some(chain_start(circle_id, device)));
    }
    let stored: Option<Option<Vec<u8>>> = conn
        .prepare_cached("SELECT chain FROM change_log WHERE circle_id = ?1 AND author_device = ?2 AND seq = ?3")?
        .query_row((circle_id, device, seq), |r| r.get(0))
        .optional()?;
    Ok(stored.flatten().and_then(|bytes| bytes.try_into().ok()))
}

/// The highest change of `device` this laptop wrote before chains existed (0 if none).
pub(crate) fn legacy_upto(conn: &Connection, circle_id: &str, device: &str) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT legacy_upto FROM chain_legacy WHERE circle_id = ?1 AND author_device = ?2")?
        .query_row((circle_id, device), |r| r.get(0))
        .optional()?
        .unwrap_or(0))
}

/// Gives every change stored before chains existed its chain value (all of them legacy), once:
/// per device, from change 1 up to the first gap. Run when the database is opened.
pub(crate) fn fill_legacy_chains(conn: &Connection) -> Result<()> {
    let filled: bool = conn.query_row("SELECT chains_filled FROM local_device", [], |r| r.get(0))?;
    if filled {
        return Ok(());
    }
    let tx = conn.unchecked_transaction()?;
    {
        let mut rows = tx.prepare(
            "SELECT rowid, author_device, seq, hlc, circle_id, entity, entity_id, op FROM change_log
             ORDER BY circle_id, author_device, seq",
        )?;
        let mut update = tx.prepare("UPDATE change_log SET chain = ?2 WHERE rowid = ?1")?;
        let mut place: Option<(String, String, i64, Digest)> = None; // circle, device, seq, chain
        let mut rows = rows.query([])?;
        while let Some(r) = rows.next()? {
            let (rowid, device, seq, hlc, circle, entity, entity_id, op): (
                i64,
                String,
                i64,
                String,
                String,
                String,
                String,
                String,
            ) = (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?);
            let previous = match &place {
                Some((c, d, s, chain)) if *c == circle && *d == device && *s + 1 == seq => Some(*chain),
                Some((c, d, _, _)) if *c == circle && *d == device => None, // after a gap
                _ if seq == 1 => Some(chain_start(&circle, &device)),
                _ => None,
            };
            let Some(previous) = previous else {
                place = Some((circle, device, -1, [0; 32]));
                continue;
            };
            let id = ChangeId {
                circle_id: &circle,
                author_device: &device,
                seq,
                hlc: &hlc,
                entity: &entity,
                entity_id: &entity_id,
                op: &op,
            };
            let chain = chain_next(&previous, &change_digest(&id, &LEGACY_FIELDS));
            update.execute((rowid, chain.as_slice()))?;
            place = Some((circle, device, seq, chain));
        }
    }
    tx.execute(
        "INSERT OR IGNORE INTO chain_legacy (circle_id, author_device, legacy_upto)
         SELECT circle_id, author_device, max(seq) FROM change_log
         WHERE author_device = (SELECT device_id FROM local_device) GROUP BY circle_id, author_device",
        [],
    )?;
    tx.execute("UPDATE local_device SET chains_filled = 1", [])?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde_json::json;

    /// A change of device `dev-a` to reflection `r1`, number `seq` at clock `hlc`.
    pub(crate) fn id<'a>(seq: i64, hlc: &'a str) -> ChangeId<'a> {
        ChangeId {
            circle_id: "circle",
            author_device: "dev-a",
            seq,
            hlc,
            entity: "reflection",
            entity_id: "r1",
            op: "put",
        }
    }

    #[test]
    fn canonical_json_sorts_keys_at_every_depth() {
        let a: Value = serde_json::from_str(r#"{"b":1,"a":{"z":[1,{"y":2,"x":"é"}],"c":null}}"#).unwrap();
        let mut out = Vec::new();
        canonical_json(&a, &mut out);
        assert_eq!(String::from_utf8(out).unwrap(), r#"{"a":{"c":null,"z":[1,{"x":"é","y":2}]},"b":1}"#);
        let mut b = serde_json::Map::new();
        b.insert("a".into(), a["a"].clone());
        b.insert("b".into(), json!(1));
        assert_eq!(fields_digest(&a), fields_digest(&Value::Object(b)));
    }

    #[test]
    fn every_part_of_a_change_is_in_its_digest() {
        let fields = fields_digest(&json!({"text": "Thank you all"}));
        let base = change_digest(&id(3, "h1"), &fields);
        let variants = [
            change_digest(&ChangeId { circle_id: "other", ..id(3, "h1") }, &fields),
            change_digest(&ChangeId { author_device: "dev-b", ..id(3, "h1") }, &fields),
            change_digest(&id(4, "h1"), &fields),
            change_digest(&id(3, "h2"), &fields),
            change_digest(&ChangeId { entity: "goal", ..id(3, "h1") }, &fields),
            change_digest(&ChangeId { entity_id: "r2", ..id(3, "h1") }, &fields),
            change_digest(&ChangeId { op: "delete", ..id(3, "h1") }, &fields),
            change_digest(&id(3, "h1"), &fields_digest(&json!({"text": "Thank you all!"}))),
        ];
        for (i, v) in variants.iter().enumerate() {
            assert_ne!(&base, v, "variant {i} must change the digest");
        }
        // Splitting text differently between parts never collides.
        let shifted = ChangeId { entity: "reflectionr", entity_id: "1", ..id(3, "h1") };
        assert_ne!(base, change_digest(&shifted, &fields));
    }
}
