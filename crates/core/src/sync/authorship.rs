//! Who wrote each change, proven end to end: a bundle's changes are cut into segments, one
//! run of one device's changes each, and every segment carries that device's signature over
//! its chain head (`changelog::chain`, `sync::signed`). A laptop passing others' changes on
//! passes their signatures with them; it cannot alter, renumber, drop from the middle or
//! invent a change of anyone else's, nor claim another device's next numbers.
//!
//! The one exception is an invite: changes written before chains existed, whose author has
//! not signed them since, travel unsigned in it on the inviter's word (the joiner trusts the
//! inviter's copy of the circle anyway, by the passphrase told out of band).

use super::bundle::{Bundle, Segment};
use super::keys::{key_rows, verifying_key};
use super::seal::DeviceKeys;
use super::signed::{self, Head};
use crate::changelog::chain::{self, Digest};
use crate::changelog::Change;
use crate::{Error, Result};
use ed25519_dalek::VerifyingKey;
use rusqlite::{Connection, OptionalExtension};
use std::collections::BTreeMap;

/// A head to keep once the bundle that proved it is stored.
#[derive(Debug, Clone)]
pub(crate) struct ProvenHead {
    pub device: String,
    pub seq: i64,
    pub legacy_upto: i64,
    pub signature: [u8; 64],
}

/// What checking a bundle's proofs established: each change's chain value, and the heads.
#[derive(Debug, Default)]
pub(crate) struct Proven {
    pub chains: Vec<Option<Digest>>,
    /// Per change: written before chains existed (its fields are not proven).
    pub legacy: Vec<bool>,
    pub heads: Vec<ProvenHead>,
}

/// The runs of consecutive numbers in `changes` (sorted by device, then number): device, and
/// the range of indexes into `changes`.
pub(crate) fn runs(changes: &[Change]) -> Vec<(String, std::ops::Range<usize>)> {
    let mut out: Vec<(String, std::ops::Range<usize>)> = Vec::new();
    for (i, c) in changes.iter().enumerate() {
        match out.last_mut() {
            Some((device, range)) if *device == c.author_device && changes[range.end - 1].seq + 1 == c.seq => {
                range.end = i + 1;
            }
            _ => out.push((c.author_device.clone(), i..i + 1)),
        }
    }
    out
}

/// The newest stored head of `device` at a number in `from..=to`.
fn stored_head(conn: &Connection, circle_id: &str, device: &str, from: i64, to: i64) -> Result<Option<Head>> {
    let row: Option<(i64, i64, Vec<u8>)> = conn
        .prepare_cached(
            "SELECT seq, legacy_upto, signature FROM chain_heads
             WHERE circle_id = ?1 AND author_device = ?2 AND seq BETWEEN ?3 AND ?4 ORDER BY seq DESC LIMIT 1",
        )?
        .query_row((circle_id, device, from, to), |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    Ok(row.and_then(|(seq, legacy_upto, sig)| Some(Head { seq, legacy_upto, signature: sig.try_into().ok()? })))
}

/// Keeps a verified (or own) head.
pub(crate) fn store_head(conn: &Connection, circle_id: &str, device: &str, head: &Head) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO chain_heads (circle_id, author_device, seq, legacy_upto, signature)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute((circle_id, device, head.seq, head.legacy_upto, head.signature.as_slice()))?;
    Ok(())
}

/// Signs, as `device` with `keys`, the head of its chain in a circle at its newest change, and
/// keeps it. `None` when the device has no change there.
pub(crate) fn sign_own_head(
    conn: &Connection,
    circle_id: &str,
    device: &str,
    keys: &DeviceKeys,
) -> Result<Option<Head>> {
    let newest: Option<i64> = conn.query_row(
        "SELECT max(seq) FROM change_log WHERE circle_id = ?1 AND author_device = ?2",
        (circle_id, device),
        |r| r.get(0),
    )?;
    let Some(seq) = newest else { return Ok(None) };
    let Some(chain) = chain::chain_at(conn, circle_id, device, seq)? else { return Ok(None) };
    let legacy_upto = chain::legacy_upto(conn, circle_id, device)?;
    let head = signed::sign_head(&keys.signing, circle_id, device, seq, legacy_upto, &chain);
    store_head(conn, circle_id, device, &head)?;
    Ok(Some(head))
}

/// Cuts `changes` (a circle's, sorted by device and number) into signed segments: this
/// device's own signed now, others' up to the newest head of theirs this laptop holds.
/// Changes no head covers are left out, or, with `vouch_legacy` (an invite), sent unsigned.
pub(crate) fn attach_proofs(
    conn: &Connection,
    circle_id: &str,
    me: &str,
    my_keys: &DeviceKeys,
    changes: Vec<Change>,
    vouch_legacy: bool,
) -> Result<(Vec<Change>, Vec<Segment>)> {
    let mut keep = vec![false; changes.len()];
    let mut segments = Vec::new();
    for (device, range) in runs(&changes) {
        let (from, to) = (changes[range.start].seq, changes[range.end - 1].seq);
        let Some(prev) = chain::chain_at(conn, circle_id, &device, from - 1)? else {
            continue; // after a gap here: its place in the chain cannot be shown
        };
        let head = if device == me {
            sign_own_head(conn, circle_id, me, my_keys)?.filter(|h| h.seq >= from)
        } else {
            stored_head(conn, circle_id, &device, from, to)?
        };
        let mut signed_to = from - 1;
        if let Some(head) = head {
            let head_seq = head.seq.min(to);
            signed_to = head_seq;
            segments.push(Segment {
                device: device.clone(),
                from,
                to: head_seq,
                prev: hex::encode(prev),
                legacy_upto: head.legacy_upto,
                signature: Some(hex::encode(head.signature)),
            });
        }
        if vouch_legacy && signed_to < to {
            if let Some(prev) = chain::chain_at(conn, circle_id, &device, signed_to)? {
                segments.push(Segment {
                    device: device.clone(),
                    from: signed_to + 1,
                    to,
                    prev: hex::encode(prev),
                    legacy_upto: to,
                    signature: None,
                });
                signed_to = to;
            }
        }
        for (i, c) in changes[range.clone()].iter().enumerate() {
            keep[range.start + i] = c.seq <= signed_to;
        }
    }
    let changes = changes.into_iter().zip(keep).filter_map(|(c, k)| k.then_some(c)).collect();
    Ok((changes, segments))
}

/// The proof a device attaches to a run of its own consecutive changes to a circle, signed
/// with its key: `prev` is its chain value before the first (`None` for a run from change 1).
/// For tools that write a circle's history directly (the benchmark's workload).
pub fn sign_run(signing: &ed25519_dalek::SigningKey, changes: &[Change], prev: Option<Digest>) -> Option<Segment> {
    let (first, last) = (changes.first()?, changes.last()?);
    let prev = prev.unwrap_or_else(|| chain::chain_start(&first.circle_id, &first.author_device));
    let mut head = prev;
    for c in changes {
        head = chain::chain_next(&head, &chain::digest_of(c, false)?);
    }
    let signed = signed::sign_head(signing, &first.circle_id, &first.author_device, last.seq, 0, &head);
    Some(Segment {
        device: first.author_device.clone(),
        from: first.seq,
        to: last.seq,
        prev: hex::encode(prev),
        legacy_upto: 0,
        signature: Some(hex::encode(signed.signature)),
    })
}

/// The signing key a circle holds for `device`: from its keys, or from a key row for it in
/// the bundle itself (a new member's first bundle), whose proof the import checks.
pub(crate) fn circle_key_of(conn: &Connection, bundle: &Bundle, device: &str) -> Result<Option<VerifyingKey>> {
    let held = key_rows(conn, "circle_id = ?1 AND device_id = ?2", (&bundle.circle_id, device))?;
    let hex_key = match held.into_iter().next() {
        Some(key) => Some(key.signing_key),
        None => super::keys::introduced_in(bundle, device)
            .and_then(|c| c.fields.get("signing_key").and_then(|v| v.as_str()).map(str::to_owned)),
    };
    Ok(hex_key.as_deref().and_then(verifying_key))
}

fn refuse(why: String) -> Error {
    Error::Bundle(why)
}

fn decode_hex<const N: usize>(text: &str) -> Option<[u8; N]> {
    hex::decode(text).ok()?.try_into().ok()
}

/// Checks that every change of `bundle` lies in a segment proven by its author's signature
/// (or, with `vouched`, an unsigned segment of changes older than chains), and that each
/// segment follows on from what this laptop holds. `name_of(device)` names a device's member
/// for messages. Any failure refuses the whole bundle.
pub(crate) fn check_proofs(
    conn: &Connection,
    bundle: &Bundle,
    vouched: bool,
    name_of: &dyn Fn(&str) -> String,
) -> Result<Proven> {
    let circle = &bundle.circle_id;
    // Each change's segment, by device and number.
    let mut by_device: BTreeMap<&str, Vec<&Segment>> = BTreeMap::new();
    for s in &bundle.segments {
        if s.from < 1 || s.to < s.from || s.legacy_upto < 0 {
            return Err(refuse(format!("the proof of {}'s changes is malformed", name_of(&s.device))));
        }
        by_device.entry(&s.device).or_default().push(s);
    }
    for segments in by_device.values_mut() {
        segments.sort_by_key(|s| s.from);
        if segments.windows(2).any(|w| w[1].from <= w[0].to) {
            return Err(refuse(format!("the proofs of {}'s changes overlap", name_of(&segments[0].device))));
        }
    }
    let n = bundle.changes.len();
    let mut proven = Proven { chains: vec![None; n], legacy: vec![false; n], heads: Vec::new() };
    let mut covered = vec![false; bundle.changes.len()];
    // Where each change is; a number given twice leaves one copy uncovered, which refuses it.
    let index: std::collections::HashMap<(&str, i64), usize> =
        bundle.changes.iter().enumerate().map(|(i, c)| ((c.author_device.as_str(), c.seq), i)).collect();
    for (device, segments) in &by_device {
        let who = name_of(device);
        let key = circle_key_of(conn, bundle, device)?;
        // Only numbers up to the highest this laptop holds can be held already.
        let highest_held: i64 = conn
            .prepare_cached("SELECT highest_seq FROM log_extent WHERE circle_id = ?1 AND author_device = ?2")?
            .query_row((circle, device), |r| r.get(0))
            .optional()?
            .unwrap_or(0);
        for s in segments {
            let prev: Digest =
                decode_hex(&s.prev).ok_or_else(|| refuse(format!("the proof of {who}'s changes is malformed")))?;
            if let Some(held) = chain::chain_at(conn, circle, device, s.from - 1)? {
                if held != prev {
                    return Err(refuse(format!(
                        "{who}'s changes in it do not follow on from the ones this laptop holds (someone rewrote \
                         {who}'s history)"
                    )));
                }
            }
            let mut chain = prev;
            for seq in s.from..=s.to {
                let Some(&i) = index.get(&(*device, seq)) else {
                    return Err(refuse(format!(
                        "change {seq} of {who} is missing from the middle of what {who} signed"
                    )));
                };
                let c = &bundle.changes[i];
                let digest = chain::digest_of(c, seq <= s.legacy_upto)
                    .ok_or_else(|| refuse(format!("change {seq} of {who} is malformed")))?;
                chain = chain::chain_next(&chain, &digest);
                let held = if seq <= highest_held { chain::chain_at(conn, circle, device, seq)? } else { None };
                if let Some(held) = held {
                    if held != chain {
                        return Err(refuse(format!(
                            "it holds a different version of change {seq} of {who} than this laptop has"
                        )));
                    }
                }
                proven.chains[i] = Some(chain);
                proven.legacy[i] = seq <= s.legacy_upto || s.signature.is_none();
                covered[i] = true;
            }
            match &s.signature {
                Some(signature) => {
                    let signature: [u8; 64] = decode_hex(signature)
                        .ok_or_else(|| refuse(format!("the proof of {who}'s changes is malformed")))?;
                    let head = Head { seq: s.to, legacy_upto: s.legacy_upto, signature };
                    let valid = key.as_ref().is_some_and(|k| signed::verify_head(k, circle, device, &chain, &head));
                    if !valid {
                        return Err(refuse(format!(
                            "{who}'s changes in it were altered or made up on the way: they do not match {who}'s \
                             signature"
                        )));
                    }
                    proven.heads.push(ProvenHead {
                        device: device.to_string(),
                        seq: s.to,
                        legacy_upto: s.legacy_upto,
                        signature,
                    });
                }
                None if vouched && s.legacy_upto >= s.to => {}
                None => {
                    return Err(refuse(format!("{who}'s changes in it carry no proof that {who} wrote them")));
                }
            }
        }
    }
    if let Some(i) = covered.iter().position(|c| !c) {
        let c = &bundle.changes[i];
        return Err(refuse(format!(
            "change {} of {} in it carries no proof that {} wrote it",
            c.seq,
            name_of(&c.author_device),
            name_of(&c.author_device)
        )));
    }
    Ok(proven)
}
