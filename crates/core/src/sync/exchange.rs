//! What a laptop has (version vectors), what it sends (bundles of the changes a peer
//! lacks), and importing a bundle: validated in full, then applied in one transaction.

use super::bundle::{Bundle, Claim, VersionVector, FORMAT};
use super::merge::{self, Columns, Conflict};
use super::{authorship, signed};
use crate::changelog::history::{self, is_redacted};
use crate::changelog::{self, entity};
use crate::clock::{Hlc, FUTURE_TOLERANCE_MS};
use crate::validate::PROSE_MAX;
use crate::{Change, Error, Result, Store};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Changes of one device that have not arrived although later ones have.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gap {
    pub device: String,
    pub from_seq: i64,
    pub to_seq: i64,
}

/// Who an import came from, for its row in the import history.
pub(crate) struct ImportHistory<'a> {
    /// The member who sent the bundle.
    pub sender_member: &'a str,
    /// The backup made just before the import, if any.
    pub backup_file: Option<&'a str>,
}

/// What an import did (or, for a preview, would do).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ImportReport {
    pub sender_device: String,
    /// Changes this laptop did not have.
    pub new_changes: usize,
    /// Changes it already had (importing a bundle twice changes nothing).
    pub already_had: usize,
    /// Records that appear, by kind.
    pub added: BTreeMap<String, usize>,
    /// Records that change, by kind.
    pub changed: BTreeMap<String, usize>,
    /// Records removed, by kind.
    pub removed: BTreeMap<String, usize>,
    /// Records waiting for a parent that has not arrived.
    pub waiting: usize,
    /// Prose edits that lost to a concurrent one, now waiting for a person.
    pub conflicts: Vec<Conflict>,
    pub gaps: Vec<Gap>,
    /// Changes a revoked laptop (of a removed member, or lost) wrote after its revocation:
    /// refused, and removed from this laptop if it held them.
    pub revoked_left_out: usize,
    /// The changes stored by this import, per device as `[from, to]` sequence ranges (what
    /// undoing it removes).
    #[serde(skip)]
    pub stored: BTreeMap<String, Vec<(i64, i64)>>,
}

/// Adds `seq` to a device's ranges (changes arrive sorted by device and sequence).
fn add_to_ranges(ranges: &mut BTreeMap<String, Vec<(i64, i64)>>, device: &str, seq: i64) {
    let list = ranges.entry(device.to_string()).or_default();
    match list.last_mut() {
        Some((_, to)) if *to + 1 == seq => *to = seq,
        _ => list.push((seq, seq)),
    }
}

fn parse_hlc(hlc: &str, device: &str) -> Option<Hlc> {
    Hlc::decode(hlc, device)
}

/// Numbers a change may carry: timeboxes within a day, everything else far from overflow.
fn number_in_range(field: &str, n: &serde_json::Number) -> bool {
    match (field, n.as_i64()) {
        ("minutes", Some(m)) => (1..=crate::validate::MINUTES_MAX).contains(&m),
        (_, Some(m)) => (0..=1_000_000_000).contains(&m),
        _ => false,
    }
}

/// Checks one change on its own, before anything is stored: of the bundle's circle,
/// well-formed, and writing only fields Kinship knows with values it allows.
fn check_change(columns: &mut Columns, conn: &rusqlite::Connection, bundle: &Bundle, c: &Change) -> Result<()> {
    let bad = |why: String| Err(Error::Bundle(why));
    if c.circle_id != bundle.circle_id {
        return bad("it mixes changes of different circles".into());
    }
    if c.seq < 1 || !matches!(c.op.as_str(), "put" | "delete") {
        return bad(format!("change {} of {} is malformed", c.seq, c.author_device));
    }
    if parse_hlc(&c.hlc, &c.author_device).is_none() {
        return bad(format!("change {} of {} has a malformed clock", c.seq, c.author_device));
    }
    let ids_ok = if c.entity == entity::ATTENDANCE {
        c.entity_id
            .split_once('/')
            .is_some_and(|(a, b)| uuid::Uuid::parse_str(a).is_ok() && uuid::Uuid::parse_str(b).is_ok())
    } else {
        uuid::Uuid::parse_str(&c.entity_id).is_ok()
    };
    if !ids_ok || uuid::Uuid::parse_str(&c.author_device).is_err() {
        return bad(format!("change {} of {} names a malformed id", c.seq, c.author_device));
    }
    let fields = c.fields.as_object().ok_or_else(|| Error::Bundle("a change has no fields".into()))?;
    merge::check_fields(columns, conn, &c.entity, fields)?;
    for (field, value) in fields {
        let fine = match value {
            serde_json::Value::String(text) => text.len() <= PROSE_MAX || text.chars().count() <= PROSE_MAX,
            serde_json::Value::Number(n) => number_in_range(field, n),
            serde_json::Value::Array(_) | serde_json::Value::Object(_) => value.to_string().len() <= 4 * PROSE_MAX,
            _ => true,
        };
        if !fine {
            return bad(format!(
                "change {} of {} holds a value Kinship does not allow in {field}",
                c.seq, c.author_device
            ));
        }
    }
    if fields.get("circle_id").and_then(|v| v.as_str()).is_some_and(|other| other != bundle.circle_id) {
        return bad("a change in it moves a record to another circle".into());
    }
    Ok(())
}

/// Checks the values of one change against the rules the local write applies
/// (`validate::SHARED_FIELDS`); a value that breaks one names the member whose laptop wrote
/// it. Run on changes whose author is proven, so the name is the true one.
fn check_values(conn: &rusqlite::Connection, bundle: &Bundle, c: &Change) -> Result<()> {
    // `$base` and a wiped put's `$redacted` are bookkeeping, not fields.
    let fields = c.fields.as_object().into_iter().flatten().filter(|(f, _)| !f.starts_with('$'));
    for (field, value) in fields {
        if let Err(err) = crate::validate::shared_field(&c.entity, field, value) {
            let what = err.field().unwrap_or("value").to_lowercase();
            let record = c.entity.replace('_', " ");
            let author = device_owner_name(conn, &bundle.circle_id, &c.author_device, bundle);
            return Err(Error::Bundle(format!(
                "it holds {} {what} Kinship does not allow in {} {record} {author} wrote ({})",
                a_or_an(&what),
                a_or_an(&record),
                shown(value)
            )));
        }
    }
    Ok(())
}

/// "a" or "an" before a word.
fn a_or_an(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// A value as a message quotes it: its first 60 characters, with invisible and control
/// characters written out, so the message shows what the value really holds.
fn shown(value: &serde_json::Value) -> String {
    let text = value.as_str().map_or_else(|| value.to_string(), str::to_owned);
    let mut out: String = text
        .chars()
        .take(60)
        .flat_map(|c| {
            let hidden = c.is_control() || crate::validate::is_direction_control(c);
            if hidden { c.escape_unicode().collect() } else { c.to_string() }.chars().collect::<Vec<_>>()
        })
        .collect();
    if text.chars().count() > 60 {
        out.push('…');
    }
    out
}

/// The refusal of a bundle holding change `c`, stamped `hlc`, ahead of this laptop's clock
/// (`now_ms`): whose laptop wrote it, the time it claims and the time here.
fn future_clock(conn: &rusqlite::Connection, bundle: &Bundle, c: &Change, hlc: Hlc, now_ms: i64) -> Error {
    let (claimed, here) = (time_of(hlc.millis), time_of(now_ms));
    // The day says enough, unless both clocks are on the same one.
    let format = if claimed.date_naive() == here.date_naive() { "%-d %B %Y, %H:%M UTC" } else { "%-d %B %Y" };
    Error::FutureClock {
        member: device_owner_name(conn, &bundle.circle_id, &c.author_device, bundle),
        claimed: claimed.format(format).to_string(),
        here: here.format(format).to_string(),
    }
}

/// A clock reading in milliseconds as a time.
fn time_of(millis: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::TimeZone::timestamp_millis_opt(&chrono::Utc, millis).single().unwrap_or_default()
}

/// A record belongs to the circle whose log first named it: no other circle may write it,
/// nor point one of its records at it (ids are unique across circles). Checked for the
/// changes this laptop does not hold yet, once per id, and only if its log holds another
/// circle at all.
fn check_other_circles<'b>(
    conn: &rusqlite::Connection,
    circle_id: &str,
    new: impl Iterator<Item = &'b Change>,
) -> Result<()> {
    let others: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM change_log WHERE circle_id < ?1) OR EXISTS (SELECT 1 FROM change_log WHERE circle_id > ?1)",
        [circle_id],
        |r| r.get(0),
    )?;
    if !others {
        return Ok(());
    }
    let mut elsewhere =
        conn.prepare_cached("SELECT 1 FROM change_log WHERE entity_id = ?1 AND circle_id != ?2 LIMIT 1")?;
    let mut checked = HashSet::new();
    for c in new {
        if checked.insert(c.entity_id.as_str()) && elsewhere.exists((&c.entity_id, circle_id))? {
            return Err(Error::Bundle("a change in it writes to a record of another circle".into()));
        }
        let links = c.fields.as_object().into_iter().flatten().filter(|(f, _)| f.ends_with("_id") && *f != "circle_id");
        for (field, id) in links.filter_map(|(f, v)| Some((f, v.as_str()?))) {
            if checked.insert(id) && elsewhere.exists((id, circle_id))? {
                return Err(Error::Bundle(format!("a change in it links {field} to a record of another circle")));
            }
        }
    }
    Ok(())
}

/// Whether two copies of one change (same circle, device and sequence) agree. A copy made
/// before its author took it back and one made after count as the same.
fn same_change(a: &Change, b: &Change) -> bool {
    (&a.hlc, &a.entity, &a.entity_id, &a.op) == (&b.hlc, &b.entity, &b.entity_id, &b.op)
        && (a.fields == b.fields || is_redacted(&a.fields) || is_redacted(&b.fields))
}

/// For each change of a bundle, whether this laptop already holds it (or it came earlier in
/// the same bundle). A held change with different content refuses the whole bundle. One
/// query per device, for the range of sequence numbers the bundle carries of it.
fn held_changes(conn: &rusqlite::Connection, bundle: &Bundle) -> Result<Vec<bool>> {
    let different = |c: &Change| {
        Err(Error::Bundle(format!(
            "it holds a different version of change {} by {} than this laptop has",
            c.seq, c.author_device
        )))
    };
    let changes = &bundle.changes;
    let mut held = vec![false; changes.len()];
    // Per device, where in the bundle each sequence number first comes.
    let mut by_device: BTreeMap<&str, HashMap<i64, usize>> = BTreeMap::new();
    for (i, c) in changes.iter().enumerate() {
        let first = *by_device.entry(&c.author_device).or_default().entry(c.seq).or_insert(i);
        if first != i {
            if !same_change(&changes[first], c) {
                return different(c);
            }
            held[i] = true;
        }
    }
    let mut stmt = conn.prepare_cached(
        "SELECT seq, hlc, entity, entity_id, op, fields FROM change_log
         WHERE circle_id = ?1 AND author_device = ?2 AND seq BETWEEN ?3 AND ?4",
    )?;
    let mut text_of_change = Vec::new();
    for (device, places) in &by_device {
        let (low, high) = (places.keys().min(), places.keys().max());
        let mut rows = stmt.query((&bundle.circle_id, device, low, high))?;
        while let Some(r) = rows.next()? {
            let Some(&i) = places.get(&r.get::<_, i64>(0)?) else { continue };
            let c = &changes[i];
            let text = |i: usize| r.get_ref(i)?.as_str().map_err(rusqlite::Error::from);
            let fields = text(5)?;
            text_of_change.clear();
            serde_json::to_writer(&mut text_of_change, &c.fields).expect("values serialise");
            // The same text is the same content; otherwise compare what the texts mean.
            let same = (text(1)?, text(2)?, text(3)?, text(4)?) == (&c.hlc, &c.entity, &c.entity_id, &c.op)
                && (fields.as_bytes() == text_of_change || {
                    let fields: serde_json::Value = serde_json::from_str(fields).unwrap_or_default();
                    fields == c.fields || is_redacted(&fields) || is_redacted(&c.fields)
                });
            if !same {
                return different(c);
            }
            held[i] = true;
        }
    }
    Ok(held)
}

impl Store {
    /// Each device with entries in a circle's log: how many, and its highest number
    /// (`log_extent`, kept by `changelog.rs`).
    fn log_extents(&self, circle_id: &str) -> Result<Vec<(String, i64, i64)>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT author_device, entries, highest_seq FROM log_extent WHERE circle_id = ?1 AND entries > 0",
        )?;
        let rows = stmt.query_map([circle_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The runs of one device's changes to a circle this laptop is missing, below the
    /// highest it holds (its numbers read along the key).
    fn gaps_of(&self, circle_id: &str, device: &str) -> Result<Vec<Gap>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT seq FROM change_log WHERE circle_id = ?1 AND author_device = ?2 ORDER BY seq")?;
        let mut gaps = Vec::new();
        let mut expected = 1;
        for seq in stmt.query_map((circle_id, device), |r| r.get::<_, i64>(0))? {
            let seq = seq?;
            if seq > expected {
                gaps.push(Gap { device: device.to_string(), from_seq: expected, to_seq: seq - 1 });
            }
            expected = seq + 1;
        }
        Ok(gaps)
    }

    /// What this laptop holds of a circle's log, per device: how far each device's numbers
    /// run 1, 2, 3… without a gap. Only a device with a gap has its numbers read.
    pub fn version_vector(&self, circle_id: &str) -> Result<VersionVector> {
        let mut vector = VersionVector::new();
        for (device, entries, highest) in self.log_extents(circle_id)? {
            let unbroken = if entries == highest {
                highest
            } else {
                self.gaps_of(circle_id, &device)?.first().map_or(highest, |gap| gap.from_seq - 1)
            };
            vector.insert(device, unbroken);
        }
        Ok(vector)
    }

    /// The runs of each device's changes to a circle this laptop is missing (below that
    /// device's highest number it holds). Only a device with a gap has its numbers read.
    pub(crate) fn gaps_in(&self, circle_id: &str) -> Result<Vec<Gap>> {
        let mut gaps = Vec::new();
        for (device, entries, highest) in self.log_extents(circle_id)? {
            if entries != highest {
                gaps.extend(self.gaps_of(circle_id, &device)?);
            }
        }
        Ok(gaps)
    }

    /// A bundle of the circle's changes a peer with `peer_has` lacks (everything for `None`).
    /// It carries every device's changes, so they travel onward through whoever relays them.
    /// Every change carries its author's signature (see `authorship`); the sender's own
    /// claim of what it holds goes with them.
    pub fn export_bundle(&self, circle_id: &str, peer_has: Option<&VersionVector>) -> Result<Bundle> {
        self.cut_bundle(circle_id, peer_has, false)
    }

    /// Like [`Store::export_bundle`]; with `vouch_legacy` (an invite) changes older than chains
    /// whose author never signed them go unsigned, on this laptop's word.
    pub(crate) fn cut_bundle(
        &self,
        circle_id: &str,
        peer_has: Option<&VersionVector>,
        vouch_legacy: bool,
    ) -> Result<Bundle> {
        self.circle(circle_id)?;
        let empty = VersionVector::new();
        let peer_has = peer_has.unwrap_or(&empty);
        let keys = self.secret_keys()?;
        let changes = self.changes_after(circle_id, peer_has)?;
        let (changes, segments) =
            authorship::attach_proofs(self.conn(), circle_id, self.device_id(), &keys, changes, vouch_legacy)?;
        let have = self.version_vector(circle_id)?;
        let at = crate::clock::to_stored(self.now());
        let claim = signed::sign_claim(&keys.signing, circle_id, self.device_id(), &at, have.clone());
        Ok(Bundle {
            format: FORMAT.into(),
            schema: crate::store::SHARED_SCHEMA,
            circle_id: circle_id.into(),
            sender_device: self.device_id().into(),
            have,
            claims: vec![Claim {
                device: claim.device,
                at: claim.at,
                have: claim.have,
                signature: hex::encode(claim.signature),
            }],
            segments,
            changes,
        })
    }

    /// Applies a bundle in one transaction (or, with `preview`, reports what it would do
    /// and changes nothing). Any invalid change refuses the whole bundle.
    pub fn import_bundle(&mut self, bundle: &Bundle, preview: bool) -> Result<ImportReport> {
        self.import_bundle_with_progress(bundle, preview, &mut |_, _| {})
    }

    /// Like [`Store::import_bundle`], telling `progress(done, total)` how far it is every
    /// few hundred steps: a step is storing one change or rebuilding one record, and
    /// `total` is the bundle's changes plus the records they name.
    pub fn import_bundle_with_progress(
        &mut self,
        bundle: &Bundle,
        preview: bool,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<ImportReport> {
        self.import_checked(bundle, preview, false, None, progress)
    }

    /// Imports a bundle; `vouched` accepts unsigned changes older than chains (an invite's).
    /// With `history`, an import that stores changes is recorded in the same transaction,
    /// so a crash never leaves imported changes without the record that lets them be undone.
    pub(crate) fn import_checked(
        &mut self,
        bundle: &Bundle,
        preview: bool,
        vouched: bool,
        history: Option<&ImportHistory<'_>>,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<ImportReport> {
        let mut columns = merge::Columns::default();
        for c in &bundle.changes {
            check_change(&mut columns, self.conn(), bundle, c)?;
        }
        let records: HashSet<(&str, &str)> =
            bundle.changes.iter().map(|c| (c.entity.as_str(), c.entity_id.as_str())).collect();
        let total = bundle.changes.len() + records.len();
        let mut report = ImportReport { sender_device: bundle.sender_device.clone(), ..Default::default() };
        let circle_id = bundle.circle_id.clone();
        // Proofs first, even of a bundle that brings nothing new: a forged one is refused
        // whole whatever this laptop already holds.
        let proven = authorship::check_proofs(self.conn(), bundle, vouched, &|device| {
            device_owner_name(self.conn(), &circle_id, device, bundle)
        })?;
        let nothing_new = {
            // One read transaction for the checks, rather than one per query.
            let _reading = self.conn().unchecked_transaction()?;
            let held = held_changes(self.conn(), bundle)?;
            let nothing_new = held.iter().all(|&h| h);
            if nothing_new {
                report.already_had = held.len();
            } else {
                let new = bundle.changes.iter().zip(&held).filter(|(_, h)| !**h).map(|(c, _)| c);
                check_other_circles(self.conn(), &circle_id, new)?;
            }
            nothing_new
        };
        if nothing_new {
            // A bundle imported twice: nothing to write or rebuild but what its sender holds.
            if let Some(history) = history.filter(|_| !preview) {
                let holdings =
                    rusqlite::Transaction::new_unchecked(self.conn(), rusqlite::TransactionBehavior::Immediate)?;
                super::claims::record_holdings(&holdings, self.device_id(), self.now(), bundle, history.sender_member)?;
                super::newcomers::forget_spent_invite_identities(&holdings, &circle_id, self.device_id(), self.now())?;
                holdings.commit()?;
            }
            report.gaps = if preview { Vec::new() } else { self.gaps_in(&circle_id)? };
            progress(total, total);
            return Ok(report);
        }
        let now = self.now();
        let now_ms = now.timestamp_millis();
        self.write_or_preview(preview, |tx| {
            // Looked up again inside the transaction: another program may have written since.
            let held = held_changes(tx, bundle)?;
            let first_of_circle: bool =
                tx.query_row("SELECT NOT EXISTS (SELECT 1 FROM change_log WHERE circle_id = ?1)", [&circle_id], |r| {
                    r.get(0)
                })?;
            let mut touched = BTreeSet::new();
            let mut newest = Hlc::default();
            let mut new = Vec::new();
            let mut new_chains = Vec::new();
            // The new changes whose fields their authors signed: held to the naming rules.
            let mut signed_new = Vec::new();
            for (((c, held), chain), legacy) in bundle.changes.iter().zip(held).zip(&proven.chains).zip(&proven.legacy)
            {
                if held {
                    report.already_had += 1;
                    continue;
                }
                new.push(c);
                new_chains.push(*chain);
                if !legacy {
                    signed_new.push(c);
                }
                report.new_changes += 1;
                add_to_ranges(&mut report.stored, &c.author_device, c.seq);
                touched.insert((c.entity.clone(), c.entity_id.clone()));
                let hlc = parse_hlc(&c.hlc, &c.author_device).unwrap_or_default();
                if hlc.millis > now_ms + FUTURE_TOLERANCE_MS {
                    return Err(future_clock(tx, bundle, c, hlc, now_ms));
                }
                newest = newest.max(hlc);
                check_values(tx, bundle, c)?;
            }
            for (done, (chunk, chains)) in
                new.chunks(merge::PROGRESS_EVERY).zip(new_chains.chunks(merge::PROGRESS_EVERY)).enumerate()
            {
                progress(report.already_had + done * merge::PROGRESS_EVERY, total);
                changelog::insert_all(tx, chunk, chains)?;
            }
            for head in &proven.heads {
                let signed = signed::Head { seq: head.seq, legacy_upto: head.legacy_upto, signature: head.signature };
                authorship::store_head(tx, &circle_id, &head.device, &signed)?;
            }
            // A taken-back reflection's earlier text goes whatever order its put and delete
            // come in. (In a circle that arrives whole, only its own deletes can apply.)
            let deleted = new.iter().filter(|c| c.op == "delete").map(|c| (c.entity.as_str(), c.entity_id.as_str()));
            if first_of_circle {
                history::redact_taken_back(tx, deleted)?;
            } else {
                history::redact_taken_back(tx, touched.iter().map(|(e, id)| (e.as_str(), id.as_str())))?;
            }
            let before: BTreeMap<(String, String), bool> =
                touched.iter().map(|(e, id)| ((e.clone(), id.clone()), row_exists(tx, e, id))).collect();
            let stored = bundle.changes.len();
            // A circle arriving whole (joining it): its log is what was just stored, so the
            // rebuild need not read it back.
            let given = first_of_circle.then(|| history::histories_of(&new));
            report.waiting = merge::rebuild_with_progress(tx, &circle_id, &touched, given, &mut |done| {
                progress((stored + done).min(total), total)
            })?;
            // Keys and invites must each carry a valid proof, judged on the merged state.
            super::keys::check_touched(tx, &circle_id, &touched)?;
            let existed =
                |entity: &str, id: &str| before.get(&(entity.to_string(), id.to_string())).copied().unwrap_or(true);
            super::names::check(tx, &circle_id, &signed_new, &existed)?;
            let pruned = prune_revoked(tx, &circle_id)?;
            report.revoked_left_out = pruned.len();
            if !pruned.is_empty() {
                merge::rebuild(tx, &circle_id, &pruned.into_iter().collect())?;
            }
            for ((entity, id), existed) in before {
                let exists = row_exists(tx, &entity, &id);
                let bucket = match (existed, exists) {
                    (false, true) => &mut report.added,
                    (true, true) => &mut report.changed,
                    (true, false) => &mut report.removed,
                    (false, false) => continue,
                };
                *bucket.entry(entity).or_default() += 1;
            }
            report.conflicts = merge::conflicts(tx, &circle_id)?;
            tx.observe(newest);
            // What the sender and the claims say members hold, and the import's history row,
            // commit with the import: a crash leaves all of it or none.
            if let Some(history) = history {
                super::claims::record_holdings(tx, tx.device_id(), now, bundle, history.sender_member)?;
                // What the sender holds may show that the circle now knows this laptop's key.
                super::newcomers::forget_spent_invite_identities(tx, &circle_id, tx.device_id(), now)?;
            }
            if let Some(history) = history.filter(|_| report.new_changes > 0) {
                tx.execute(
                    "INSERT INTO imports (circle_id, sender_member, sender_device, imported_at, new_changes, added, backup_file)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    (
                        &circle_id,
                        history.sender_member,
                        &bundle.sender_device,
                        tx.now(),
                        report.new_changes as i64,
                        serde_json::to_string(&report.stored).expect("ranges serialise"),
                        history.backup_file,
                    ),
                )?;
            }
            Ok(())
        })?;
        report.gaps = if preview { Vec::new() } else { self.gaps_in(&circle_id)? };
        progress(total, total);
        Ok(report)
    }

    /// The day this laptop's clock was once set ahead to, if its hybrid logical clock is still
    /// more than a few minutes past the wall clock: the changes made here since carry that
    /// time, and other laptops refuse bundles holding them.
    pub fn clock_set_ahead(&self) -> Result<Option<String>> {
        let millis: i64 = self.conn().query_row("SELECT hlc_millis FROM local_device", [], |r| r.get(0))?;
        let ahead = millis > self.now().timestamp_millis() + FUTURE_TOLERANCE_MS;
        Ok(ahead.then(|| time_of(millis).format("%-d %B %Y").to_string()))
    }

    /// Prose conflicts waiting for a person in a circle.
    pub fn conflicts(&self, circle_id: &str) -> Result<Vec<Conflict>> {
        merge::conflicts(self.conn(), circle_id)
    }

    /// Records that this laptop's person is member `member_id` (as joining a circle does).
    pub fn claim_membership(&mut self, member_id: &str) -> Result<()> {
        let me = self.require_identity()?;
        let member = self.member(member_id)?;
        self.write(|tx| {
            let mut fields = serde_json::Map::new();
            fields.insert("person_id".into(), me.person_id.into());
            tx.update("members", entity::MEMBER, &member.circle_id, &member.id, fields)
        })
    }
}

/// Removes what revoked laptops wrote after their revocation (they may have arrived before
/// the revocation did, or be relayed by someone who had not heard of it): every laptop ends
/// with the same log. Returns the records those changes touched, one per change.
fn prune_revoked(conn: &rusqlite::Connection, circle_id: &str) -> Result<Vec<(String, String)>> {
    let mut touched = Vec::new();
    for (device, after) in super::keys::revoked_after(conn, circle_id)? {
        let mut stmt = conn.prepare_cached(
            "SELECT entity, entity_id FROM change_log WHERE circle_id = ?1 AND author_device = ?2 AND seq > ?3",
        )?;
        let records: Vec<(String, String)> = stmt
            .query_map((circle_id, &device, after), |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        if !records.is_empty() {
            changelog::delete_range(conn, circle_id, &device, after + 1, i64::MAX)?;
            touched.extend(records);
        }
    }
    Ok(touched)
}

/// Who a device belongs to in a circle, for messages: the member's name, from this laptop's
/// records or from a key row in the bundle; "a laptop this circle does not know" otherwise.
fn device_owner_name(conn: &rusqlite::Connection, circle_id: &str, device: &str, bundle: &Bundle) -> String {
    let member: Option<String> = super::keys::member_of_device(conn, circle_id, device).ok().flatten().or_else(|| {
        super::keys::introduced_in(bundle, device)
            .and_then(|c| c.fields.get("member_id").and_then(|v| v.as_str()).map(str::to_owned))
    });
    let name = member.and_then(|id| {
        conn.query_row("SELECT name FROM members WHERE id = ?1", [&id], |r| r.get::<_, String>(0)).ok().or_else(|| {
            bundle.changes.iter().find_map(|c| {
                (c.entity == entity::MEMBER && c.entity_id == id)
                    .then(|| c.fields.get("name").and_then(|v| v.as_str()).map(str::to_owned))
                    .flatten()
            })
        })
    });
    name.unwrap_or_else(|| "a laptop this circle does not know".into())
}

fn row_exists(conn: &rusqlite::Connection, entity: &str, id: &str) -> bool {
    let Some(table) = history::table_of(entity) else { return false };
    let (sql, key) = match id.split_once('/') {
        Some((meeting, member)) if entity == entity::ATTENDANCE => {
            ("SELECT 1 FROM attendance WHERE meeting_id = ?1 AND member_id = ?2".to_string(), vec![meeting, member])
        }
        _ => (format!("SELECT 1 FROM {table} WHERE id = ?1"), vec![id]),
    };
    let Ok(mut stmt) = conn.prepare_cached(&sql) else { return false };
    stmt.query_row(rusqlite::params_from_iter(key), |_| Ok(())).is_ok()
}
