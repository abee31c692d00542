//! The merge decision for one record, from its log entries alone: which value each field
//! takes, whether the record is there, and which prose values are kept for a person. It
//! reads no database; [`super`] reads the history and writes what is decided.
//!
//! Rules (decided on purpose, see ARCHITECTURE.md):
//! - Each field takes the value of the `put` with the highest HLC that wrote it.
//! - Prose fields (notes, details, agreement, reflections…) carry `$base`: the HLCs of the
//!   values the writer saw. A losing value that no later write saw is a *concurrent* edit:
//!   its text is kept in `conflicts` until a person resolves it. Nothing is dropped silently.
//! - A `delete` removes the record whatever else arrives, and it too carries `$base`: prose
//!   written to the record that the deleting person had not seen is kept in `conflicts`
//!   with reason `deleted`, whatever the clocks say.
//! - A reflection shared again after being taken back comes back.
//! - A removal (`left_at`) and a laptop's revocation, once written, stay: a later write
//!   clearing them (say, by the removed member) loses whatever its clock says.
//!
//! The decision depends on the *set* of entries only: their order and repeats change nothing.

use crate::changelog::history::{is_prose, is_sticky, redacted_on_delete, LogRow, BASE_KEY, REDACTED_KEY};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// Why a prose value is kept for a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Reason {
    /// Written without seeing the value that won.
    Concurrent,
    /// Written to a record that was deleted by someone who had not seen it.
    Deleted,
}

impl Reason {
    /// The reason as stored in `conflicts.reason`.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Concurrent => "concurrent",
            Reason::Deleted => "deleted",
        }
    }
}

/// A field's winning value and the `put` that wrote it (its clock, device and number).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Winner<'h> {
    pub hlc: &'h str,
    pub author_device: &'h str,
    pub seq: i64,
    pub value: &'h Value,
}

impl<'h> Winner<'h> {
    /// `value`, written by `row`.
    fn new(row: &'h LogRow, value: &'h Value) -> Winner<'h> {
        Winner { hlc: &row.hlc, author_device: &row.author_device, seq: row.seq, value }
    }

    /// The order values are decided in: by clock, ties (only a forged bundle could make
    /// them) broken by device and sequence, so that every laptop decides alike.
    fn merge_order(&self) -> (&'h str, &'h str, i64) {
        (self.hlc, self.author_device, self.seq)
    }
}

/// A prose value that lost and that no later writer saw.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Kept<'h> {
    pub field: &'h str,
    pub hlc: &'h str,
    pub author_device: &'h str,
    pub circle_id: &'h str,
    pub text: &'h str,
    pub reason: Reason,
}

/// What a record's history decides.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Outcome<'h> {
    /// False when a delete won, or when no entry is left (an undone import had created it).
    pub exists: bool,
    /// Each field any `put` wrote, with the value of the latest such `put`.
    pub fields: BTreeMap<&'h str, Winner<'h>>,
    /// Prose values kept as conflicts, by field and clock.
    pub conflicts: BTreeSet<Kept<'h>>,
}

/// Decides one record of kind `entity` from its log entries, in any order.
pub(crate) fn decide<'h>(entity: &str, history: &'h [LogRow<'_>]) -> Outcome<'h> {
    let puts = || history.iter().filter(|r| r.op == "put");
    let mut deleted_at = history.iter().filter(|r| r.op == "delete").map(|r| &*r.hlc).max();
    // A reflection shared again after being taken back comes back.
    if redacted_on_delete(entity) && deleted_at.is_some_and(|d| puts().any(|r| &*r.hlc > d)) {
        deleted_at = None;
    }

    let mut fields: BTreeMap<&str, Winner> = BTreeMap::new();
    let mut seen: HashSet<&str> = HashSet::new();
    for row in history {
        for (field, value) in row.fields.iter() {
            if field == BASE_KEY {
                for hlcs in value.as_object().into_iter().flat_map(|m| m.values()) {
                    seen.extend(hlcs.as_array().into_iter().flatten().filter_map(|h| h.as_str()));
                }
            } else if row.op == "put" && field != REDACTED_KEY {
                let candidate = Winner::new(row, value);
                let winner = fields.entry(field).or_insert_with(|| candidate.clone());
                // A sticky field's set value outranks any unset one, whatever the clocks.
                let set = |w: &Winner| is_sticky(entity, field) && !w.value.is_null();
                if (set(&candidate), candidate.merge_order()) > (set(winner), winner.merge_order()) {
                    *winner = candidate;
                }
            }
        }
    }

    // Prose values nobody saw that did not win (or that a delete overtook).
    let mut conflicts = BTreeSet::new();
    for row in puts() {
        for (field, value) in row.fields.iter().filter(|(f, _)| is_prose(entity, f)) {
            let Some(text) = value.as_str().filter(|t| !t.trim().is_empty()) else { continue };
            let unseen = !seen.contains(&*row.hlc);
            let (lost, reason) = match deleted_at {
                Some(_) => (unseen, Reason::Deleted),
                None => (unseen && fields.get(field.as_str()).is_some_and(|w| w.hlc != row.hlc), Reason::Concurrent),
            };
            if lost {
                let (hlc, author_device, circle_id) = (&*row.hlc, &*row.author_device, &*row.circle_id);
                conflicts.insert(Kept { field, hlc, author_device, circle_id, text, reason });
            }
        }
    }

    Outcome { exists: deleted_at.is_none() && !history.is_empty(), fields, conflicts }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Hlc;
    use proptest::prelude::*;
    use proptest::sample::Index;
    use serde_json::{json, Map};
    use std::borrow::Cow;

    const DEVICES: [&str; 3] = ["device-a", "device-b", "device-c"];
    const VALUES: [&str; 5] = ["", "  ", "Agreed", "Agreed, with changes", "Ask the library"];

    /// A record kind with its fields, prose and plain.
    fn fields_of(entity: &str) -> &'static [&'static str] {
        match entity {
            "reflection" => &["text", "visibility"],
            _ => &["title", "notes", "details"],
        }
    }

    /// One entry to generate: who writes, a delete or which fields with which values, and
    /// which of the earlier values of each prose field the writer saw.
    #[derive(Debug, Clone)]
    struct Step {
        device: usize,
        /// Milliseconds since the previous entry (0: the same millisecond).
        tick: i64,
        delete: bool,
        writes: Vec<(Index, Index)>,
        saw: Vec<Index>,
    }

    fn step() -> impl Strategy<Value = Step> {
        let writes = proptest::collection::vec((any::<Index>(), any::<Index>()), 1..3);
        let saw = proptest::collection::vec(any::<Index>(), 0..3);
        (0..DEVICES.len(), 0..3i64, proptest::bool::weighted(0.15), writes, saw)
            .prop_map(|(device, tick, delete, writes, saw)| Step { device, tick, delete, writes, saw })
    }

    fn steps() -> impl Strategy<Value = (&'static str, Vec<Step>)> {
        (prop_oneof![Just("agenda_item"), Just("reflection")], proptest::collection::vec(step(), 0..14))
    }

    /// The log entries `steps` make, in clock order, as the log holds them: each device's
    /// own sequence, every `$base` naming only earlier values, and a taken-back
    /// reflection's earlier puts wiped.
    fn history(entity: &str, steps: &[Step]) -> Vec<LogRow<'static>> {
        let mut rows: Vec<LogRow<'static>> = Vec::new();
        let (mut millis, mut seqs) = (0, [0i64; DEVICES.len()]);
        for (i, step) in steps.iter().enumerate() {
            millis += step.tick;
            seqs[step.device] += 1;
            let kind = fields_of(entity);
            let mut fields = Map::new();
            if !step.delete {
                for (field, value) in &step.writes {
                    fields.insert(kind[field.index(kind.len())].into(), json!(VALUES[value.index(VALUES.len())]));
                }
            }
            let mut base = Map::new();
            for field in kind.iter().filter(|f| is_prose(entity, f) && (step.delete || fields.contains_key(**f))) {
                let earlier: Vec<&str> =
                    rows.iter().filter(|r| r.op == "put" && r.fields.contains_key(*field)).map(|r| &*r.hlc).collect();
                if earlier.is_empty() {
                    continue;
                }
                let saw: Vec<Value> = step.saw.iter().map(|s| json!(earlier[s.index(earlier.len())])).collect();
                base.insert(field.to_string(), Value::Array(saw));
            }
            if !base.is_empty() {
                fields.insert(BASE_KEY.into(), Value::Object(base));
            }
            rows.push(LogRow {
                circle_id: Cow::Borrowed("circle"),
                author_device: Cow::Borrowed(DEVICES[step.device]),
                seq: seqs[step.device],
                hlc: Cow::Owned(Hlc { millis, counter: i as u32 }.encode(DEVICES[step.device])),
                op: Cow::Borrowed(if step.delete { "delete" } else { "put" }),
                fields: Cow::Owned(fields),
            });
        }
        if redacted_on_delete(entity) {
            if let Some(deleted) = rows.iter().filter(|r| r.op == "delete").map(|r| r.hlc.to_string()).max() {
                for row in rows.iter_mut().filter(|r| r.op == "put" && *r.hlc < *deleted) {
                    row.fields = Cow::Owned(Map::from_iter([(REDACTED_KEY.to_string(), json!(true))]));
                }
            }
        }
        rows
    }

    /// A history with its entries put in the order of `order` (a permutation of its places).
    fn reordered(history: &[LogRow<'static>], order: &[usize]) -> Vec<LogRow<'static>> {
        order.iter().map(|&at| history[at].clone()).collect()
    }

    fn history_and_order() -> impl Strategy<Value = (&'static str, Vec<LogRow<'static>>, Vec<usize>)> {
        steps().prop_flat_map(|(entity, steps)| {
            let history = history(entity, &steps);
            let order = Just((0..history.len()).collect::<Vec<_>>()).prop_shuffle();
            (Just(entity), Just(history), order)
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        #[test]
        fn any_order_of_the_entries_decides_the_same((entity, history, order) in history_and_order()) {
            let reordered = reordered(&history, &order);
            prop_assert_eq!(decide(entity, &reordered), decide(entity, &history));
        }

        #[test]
        fn entries_received_twice_change_nothing(
            (entity, history, order) in history_and_order(),
            copies in proptest::collection::vec((any::<Index>(), any::<Index>()), 1..6),
        ) {
            prop_assume!(!history.is_empty());
            let mut repeated = reordered(&history, &order);
            for (which, place) in copies {
                let copy = history[which.index(history.len())].clone();
                repeated.insert(place.index(repeated.len() + 1), copy);
            }
            prop_assert_eq!(decide(entity, &repeated), decide(entity, &history));
        }

        #[test]
        fn no_prose_is_lost_unless_a_later_writer_saw_it((entity, steps) in steps()) {
            let history = history(entity, &steps);
            let outcome = decide(entity, &history);
            for row in history.iter().filter(|r| r.op == "put") {
                for (field, value) in row.fields.iter().filter(|(f, _)| is_prose(entity, f)) {
                    let Some(text) = value.as_str().filter(|t| !t.trim().is_empty()) else { continue };
                    let won = outcome.exists && outcome.fields.get(field.as_str()).is_some_and(|w| w.hlc == row.hlc);
                    let seen_later = history.iter().any(|later| {
                        later.hlc > row.hlc
                            && later.fields.get(BASE_KEY).and_then(Value::as_object).is_some_and(|bases| {
                                bases.values().flat_map(|b| b.as_array().into_iter().flatten()).any(|h| h == &*row.hlc)
                            })
                    });
                    let kept = outcome.conflicts.iter().any(|k| k.field == field && k.hlc == row.hlc && k.text == text);
                    prop_assert!(won || seen_later || kept, "{entity}.{field} = {text:?} at {} was lost", row.hlc);
                }
            }
        }
    }

    #[test]
    fn an_edit_made_without_seeing_the_winner_is_kept_as_a_conflict() {
        let put = |device: &'static str, millis, notes: &str, base: Option<&str>| {
            let hlc = Hlc { millis, counter: 0 }.encode(device);
            let mut fields = Map::from_iter([("notes".to_string(), json!(notes))]);
            if let Some(base) = base {
                fields.insert(BASE_KEY.into(), json!({ "notes": [base] }));
            }
            LogRow {
                circle_id: Cow::Borrowed("circle"),
                author_device: Cow::Borrowed(device),
                seq: 1,
                hlc: Cow::Owned(hlc),
                op: Cow::Borrowed("put"),
                fields: Cow::Owned(fields),
            }
        };
        let first = put("device-a", 1, "Bring the budget", None);
        let history = [
            first.clone(),
            put("device-b", 2, "Bring the budget and the rota", Some(&first.hlc)),
            put("device-c", 3, "Budget next month", Some(&first.hlc)),
        ];
        let outcome = decide("agenda_item", &history);
        assert!(outcome.exists);
        assert_eq!(outcome.fields["notes"].value, "Budget next month");
        let kept: Vec<(&str, Reason)> = outcome.conflicts.iter().map(|k| (k.text, k.reason)).collect();
        assert_eq!(kept, [("Bring the budget and the rota", Reason::Concurrent)], "the first value was seen by both");
    }
}
