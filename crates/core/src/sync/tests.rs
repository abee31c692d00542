//! Sync: convergence, idempotence, conflicts kept, deletes decided, bundles refused whole.

use super::bundle::VersionVector;
use super::bundle::{decode, encode, Bundle};
use super::exchange::Gap;
use super::merge::{rebuild_by, Reading};
use crate::changelog::history::{histories_of, ENTITY_TABLES};
use crate::test_support::t;
use crate::{
    AgendaItemInput, AgendaItemPatch, CircleInput, Clock, FixedClock, IdentityInput, MeetingInput, MemberInput, Store,
};
use proptest::prelude::*;
use std::collections::BTreeSet;
use std::sync::Arc;

/// A laptop with its own clock, set up as `name`.
fn laptop(name: &str, at: &str) -> (Store, Arc<FixedClock>) {
    let clock = Arc::new(FixedClock::new(t(at)));
    let mut store = Store::open_in_memory_with_clock(clock.clone()).unwrap();
    let email = format!("{}@uni.edu", name.to_lowercase());
    store.create_identity(&IdentityInput { name: name.into(), email, ..Default::default() }).unwrap();
    (store, clock)
}

/// Ana's circle with a meeting and two talking points, and Ben's laptop holding a copy
/// in which Ben is a member. Returns (ana, ben, circle, meeting, items).
fn two_laptops() -> (Store, Store, String, String, Vec<String>) {
    let (mut ana, _) = laptop("Ana", "2026-03-01T10:00:00Z");
    let circle = ana.create_circle(&CircleInput { name: "Circle".into(), ..Default::default() }).unwrap().id;
    let ben_member = ana
        .add_member(&MemberInput {
            circle_id: circle.clone(),
            name: "Ben".into(),
            email: "ben@uni.edu".into(),
            ..Default::default()
        })
        .unwrap()
        .id;
    let meeting = ana
        .create_meeting(&MeetingInput {
            circle_id: circle.clone(),
            starts_at: "2026-03-05T18:00:00Z".into(),
            ..Default::default()
        })
        .unwrap()
        .id;
    let items = ["Job talks", "Tenure file"]
        .iter()
        .map(|title| {
            let input = AgendaItemInput { meeting_id: meeting.clone(), title: title.to_string(), ..Default::default() };
            ana.add_agenda_item(&input).unwrap().id
        })
        .collect();
    let (mut ben, _) = laptop("Ben", "2026-03-01T10:05:00Z");
    join(&mut ana, &mut ben, &circle, &ben_member);
    (ana, ben, circle, meeting, items)
}

/// `joiner` joins the circle as `member` with an invite from `inviter` (not locked with a
/// passphrase: that only costs time here), so the circle holds a key for its laptop.
fn join(inviter: &mut Store, joiner: &mut Store, circle: &str, member: &str) {
    let (invite, _, _) = inviter.prepare_invite(circle, member, None).unwrap();
    joiner.join(&invite, None).unwrap();
}

/// Adds `name` to the circle on `inviter` and has a new laptop of theirs join it.
fn new_member(inviter: &mut Store, circle: &str, name: &str, at: &str) -> (Store, Arc<FixedClock>) {
    let email = format!("{}@uni.edu", name.to_lowercase());
    let input = MemberInput { circle_id: circle.into(), name: name.into(), email, ..Default::default() };
    let member = inviter.add_member(&input).unwrap().id;
    let (mut joiner, clock) = laptop(name, at);
    join(inviter, &mut joiner, circle, &member);
    (joiner, clock)
}

/// `bundle` with its proofs made again for exactly the changes it now holds, each run of one
/// device's numbers signed by its author among `authors` (every laptop's keys are at hand in
/// a test): as if each author had shared just those changes, in that form and order.
fn re_signed(mut bundle: Bundle, authors: &[&Store]) -> Bundle {
    use crate::changelog::chain;
    let mut sorted = bundle.changes.clone();
    sorted.sort_by(|a, b| (&a.author_device, a.seq).cmp(&(&b.author_device, b.seq)));
    bundle.segments.clear();
    for (device, range) in super::authorship::runs(&sorted) {
        let author = authors.iter().find(|s| s.device_id() == device).expect("the author's laptop");
        let (from, to) = (sorted[range.start].seq, sorted[range.end - 1].seq);
        let prev = chain::chain_at(author.conn(), &bundle.circle_id, &device, from - 1).unwrap().unwrap();
        let head =
            sorted[range].iter().fold(prev, |c, ch| chain::chain_next(&c, &chain::digest_of(ch, false).unwrap()));
        let keys = author.secret_keys().unwrap();
        let signed = super::signed::sign_head(&keys.signing, &bundle.circle_id, &device, to, 0, &head);
        bundle.segments.push(super::bundle::Segment {
            device,
            from,
            to,
            prev: hex::encode(prev),
            legacy_upto: 0,
            signature: Some(hex::encode(signed.signature)),
        });
    }
    bundle
}

fn exchange(from: &Store, to: &mut Store, circle: &str) -> super::ImportReport {
    let bytes = encode(&from.export_bundle(circle, Some(&to.version_vector(circle).unwrap())).unwrap()).unwrap();
    to.import_bundle(&decode(&bytes).unwrap(), false).unwrap()
}

#[test]
fn a_full_bundle_recreates_the_circle_on_an_empty_laptop() {
    let (ana, ben, circle, _, _) = two_laptops();
    let mut ana = ana;
    exchange(&ben, &mut ana, &circle);
    assert_eq!(ana.dump(&circle).unwrap(), ben.dump(&circle).unwrap());
    assert!(ben.dump(&circle).unwrap().contains("Tenure file"));
}

#[test]
fn importing_the_same_bundle_twice_changes_nothing() {
    let (ana, mut ben, circle, _, _) = two_laptops();
    let bundle = ana.export_bundle(&circle, None).unwrap();
    let before = ben.dump(&circle).unwrap();
    let again = ben.import_bundle(&bundle, false).unwrap();
    assert_eq!((again.new_changes, again.already_had), (0, bundle.changes.len()));
    assert_eq!(ben.dump(&circle).unwrap(), before);
}

#[test]
fn concurrent_note_edits_keep_the_losing_text_as_a_conflict_until_resolved() {
    let (mut ana, mut ben, circle, _, items) = two_laptops();
    let note = |text: &str| AgendaItemPatch { notes: Some(text.into()), ..Default::default() };
    ana.update_agenda_item(&items[0], &note("Ana's notes: practise the opening")).unwrap();
    ben.update_agenda_item(&items[0], &note("Ben's notes: slides too dense")).unwrap();
    exchange(&ana, &mut ben, &circle);
    exchange(&ben, &mut ana, &circle);
    assert_eq!(ana.dump(&circle).unwrap(), ben.dump(&circle).unwrap(), "both laptops agree");
    let conflicts = ana.conflicts(&circle).unwrap();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert_eq!(conflicts, ben.conflicts(&circle).unwrap());
    let winner = ana.agenda_item(&items[0]).unwrap().notes;
    let both = format!("{winner}|{}", conflicts[0].value);
    assert!(both.contains("practise the opening") && both.contains("slides too dense"), "no words lost: {both}");

    // Ana merges the two by hand: the conflict is answered everywhere.
    ana.update_agenda_item(&items[0], &note("Practise the opening; lighter slides")).unwrap();
    assert!(ana.conflicts(&circle).unwrap().is_empty());
    exchange(&ana, &mut ben, &circle);
    assert!(ben.conflicts(&circle).unwrap().is_empty());
    assert_eq!(ben.agenda_item(&items[0]).unwrap().notes, "Practise the opening; lighter slides");
}

#[test]
fn sequential_edits_are_not_conflicts_and_short_fields_take_the_last_write() {
    let (mut ana, mut ben, circle, _, items) = two_laptops();
    ana.update_agenda_item(
        &items[1],
        &AgendaItemPatch { notes: Some("first".into()), title: Some("Tenure".into()), ..Default::default() },
    )
    .unwrap();
    exchange(&ana, &mut ben, &circle);
    ben.update_agenda_item(
        &items[1],
        &AgendaItemPatch { notes: Some("second, having read the first".into()), ..Default::default() },
    )
    .unwrap();
    exchange(&ben, &mut ana, &circle);
    assert!(ana.conflicts(&circle).unwrap().is_empty());
    let item = ana.agenda_item(&items[1]).unwrap();
    assert_eq!((item.title.as_str(), item.notes.as_str()), ("Tenure", "second, having read the first"));
}

#[test]
fn a_delete_racing_a_note_removes_the_item_but_keeps_the_words() {
    let (mut ana, mut ben, circle, _, items) = two_laptops();
    ana.delete_agenda_item(&items[1]).unwrap();
    ben.update_agenda_item(
        &items[1],
        &AgendaItemPatch { notes: Some("Bring two CV versions".into()), ..Default::default() },
    )
    .unwrap();
    exchange(&ana, &mut ben, &circle);
    exchange(&ben, &mut ana, &circle);
    assert_eq!(ana.dump(&circle).unwrap(), ben.dump(&circle).unwrap());
    assert!(ana.agenda_item(&items[1]).is_err(), "the delete wins");
    let kept = ana.conflicts(&circle).unwrap();
    assert_eq!((kept[0].value.as_str(), kept[0].reason.as_str()), ("Bring two CV versions", "deleted"));
}

#[test]
fn changes_that_arrive_before_their_parent_wait_and_gaps_are_named() {
    let (mut ana, mut ben, circle, meeting, _) = two_laptops();
    let early = ana.version_vector(&circle).unwrap();
    let added = ana
        .add_agenda_item(&AgendaItemInput {
            meeting_id: meeting.clone(),
            title: "Late arrival".into(),
            ..Default::default()
        })
        .unwrap();
    ana.update_agenda_item(&added.id, &AgendaItemPatch { minutes: Some(25), ..Default::default() }).unwrap();
    // Only the second change reaches Ben: the item cannot exist yet, and the gap is reported.
    let mut bundle = ana.export_bundle(&circle, Some(&early)).unwrap();
    bundle.changes.retain(|c| c.fields.get("minutes") == Some(&serde_json::json!(25)));
    let bundle = re_signed(bundle, &[&ana]);
    let report = ben.import_bundle(&bundle, false).unwrap();
    assert_eq!(report.waiting, 1);
    assert_eq!(report.gaps.len(), 1, "{report:?}");
    assert!(ben.agenda_item(&added.id).is_err());
    exchange(&ana, &mut ben, &circle);
    assert_eq!(ben.agenda_item(&added.id).unwrap().minutes, 25);
    assert!(exchange(&ana, &mut ben, &circle).gaps.is_empty());
}

#[test]
fn a_preview_reports_and_writes_nothing() {
    let (mut ana, mut ben, circle, _, items) = two_laptops();
    ana.update_agenda_item(
        &items[0],
        &AgendaItemPatch { title: Some("Job talk rehearsal".into()), ..Default::default() },
    )
    .unwrap();
    let bundle = ana.export_bundle(&circle, Some(&ben.version_vector(&circle).unwrap())).unwrap();
    let before = ben.dump(&circle).unwrap();
    let preview = ben.import_bundle(&bundle, true).unwrap();
    assert_eq!(preview.changed.get("agenda_item"), Some(&1));
    assert_eq!(ben.dump(&circle).unwrap(), before);
    assert_eq!(ben.import_bundle(&bundle, false).unwrap().new_changes, 1);
}

#[test]
fn private_reflections_are_never_in_a_bundle() {
    let (mut ana, _, circle, meeting, _) = two_laptops();
    let input = crate::ReflectionInput {
        meeting_id: Some(meeting),
        text: "PRIVATE-4f1e my doubts".into(),
        ..Default::default()
    };
    ana.add_reflection(&input).unwrap();
    let bundle = ana.export_bundle(&circle, None).unwrap();
    assert!(!serde_json::to_string(&bundle).unwrap().contains("PRIVATE-4f1e"));
}

#[test]
fn every_truncation_and_bit_flip_is_refused_and_changes_nothing() {
    let (ana, mut ben, circle, _, _) = two_laptops();
    let bytes = encode(&ana.export_bundle(&circle, None).unwrap()).unwrap();
    let before = ben.dump(&circle).unwrap();
    for len in 0..bytes.len() {
        assert!(decode(&bytes[..len]).is_err(), "a bundle cut at {len} bytes was accepted");
    }
    let mut decoded = 0;
    for i in 0..bytes.len() {
        let mut flipped = bytes.clone();
        flipped[i] ^= 0x20;
        if let Ok(b) = decode(&flipped) {
            // A flip that still decodes (zstd checks frames, not every byte) must be refused
            // by validation, or be a no-op: Ben already holds every change in it.
            decoded += 1;
            let _ = ben.import_bundle(&b, false);
        }
    }
    assert!(decoded < bytes.len() / 10, "most damage is caught when decoding ({decoded} of {})", bytes.len());
    assert_eq!(ben.dump(&circle).unwrap(), before, "no damaged bundle changed anything");
}

#[test]
fn a_bundle_from_a_newer_kinship_or_with_an_altered_change_is_refused_whole() {
    let (ana, mut ben, circle, _, _) = two_laptops();
    let before = ben.dump(&circle).unwrap();
    let mut newer = ana.export_bundle(&circle, None).unwrap();
    newer.schema = crate::store::SCHEMA_VERSION + 1;
    assert_eq!(decode(&encode(&newer).unwrap()).unwrap_err().code(), "newer_bundle");

    let mut altered = ana.export_bundle(&circle, None).unwrap();
    altered.changes[0].fields["name"] = serde_json::json!("Renamed by someone else");
    let err = ben.import_bundle(&altered, false).unwrap_err();
    assert!(err.to_string().contains("different version of change"), "{err}");

    let mut unknown = ana.export_bundle(&circle, None).unwrap();
    unknown.changes.last_mut().unwrap().fields["is_admin; DROP TABLE circles"] = serde_json::json!(1);
    assert_eq!(ben.import_bundle(&unknown, false).unwrap_err().code(), "bad_bundle");
    assert_eq!(ben.dump(&circle).unwrap(), before);
}

#[test]
fn a_zip_bomb_is_refused_quickly() {
    let zeros = vec![b' '; 64 * 1024 * 1024];
    let mut bytes = super::bundle::MAGIC.to_vec();
    bytes.extend(zstd::encode_all(&zeros[..], 3).unwrap());
    let started = std::time::Instant::now();
    let err = decode(&bytes).unwrap_err();
    assert!(err.to_string().contains("expands far more"), "{err}");
    assert!(started.elapsed().as_secs() < 5);
}

/// One random action on one laptop.
#[derive(Debug, Clone)]
enum Op {
    Title { laptop: usize, item: usize, text: u8 },
    Notes { laptop: usize, item: usize, text: u8 },
    Minutes { laptop: usize, item: usize, minutes: i64 },
    Delete { laptop: usize, item: usize },
    Send { from: usize, to: usize },
    Tick { laptop: usize, secs: i64 },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..3usize, 0..2usize, any::<u8>()).prop_map(|(laptop, item, text)| Op::Title { laptop, item, text }),
        (0..3usize, 0..2usize, any::<u8>()).prop_map(|(laptop, item, text)| Op::Notes { laptop, item, text }),
        (0..3usize, 0..2usize, 1..60i64).prop_map(|(laptop, item, minutes)| Op::Minutes { laptop, item, minutes }),
        (0..3usize, 0..2usize).prop_map(|(laptop, item)| Op::Delete { laptop, item }),
        (0..3usize, 0..3usize).prop_map(|(from, to)| Op::Send { from, to }),
        (0..3usize, -300..300i64).prop_map(|(laptop, secs)| Op::Tick { laptop, secs }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Three laptops edit the same agenda (concurrently, with skewed clocks, deleting while
    /// others edit) and pass bundles in random order, some twice, some never until the end.
    /// Once everyone has everything, every dump is identical and no note was lost silently.
    #[test]
    fn laptops_converge_whatever_the_order_of_bundles(ops in proptest::collection::vec(op(), 1..40)) {
        let (mut ana, ben, circle, _, items) = two_laptops();
        let (cy, cy_clock) = new_member(&mut ana, &circle, "Cy", "2026-03-01T09:57:00Z");
        let mut laptops = [ana, ben, cy];
        let clocks: Vec<Option<Arc<FixedClock>>> = vec![None, None, Some(cy_clock)];
        let mut written_notes: Vec<String> = Vec::new();
        for op in ops {
            match op {
                Op::Title { laptop, item, text } => {
                    let patch = AgendaItemPatch { title: Some(format!("Title {text}")), ..Default::default() };
                    let _ = laptops[laptop].update_agenda_item(&items[item], &patch);
                }
                Op::Notes { laptop, item, text } => {
                    let note = format!("note-{laptop}-{item}-{text}-{}", written_notes.len());
                    let patch = AgendaItemPatch { notes: Some(note.clone()), ..Default::default() };
                    if laptops[laptop].update_agenda_item(&items[item], &patch).is_ok() {
                        written_notes.push(note);
                    }
                }
                Op::Minutes { laptop, item, minutes } => {
                    let patch = AgendaItemPatch { minutes: Some(minutes), ..Default::default() };
                    let _ = laptops[laptop].update_agenda_item(&items[item], &patch);
                }
                Op::Delete { laptop, item } => { let _ = laptops[laptop].delete_agenda_item(&items[item]); }
                Op::Send { from, to } if from != to => {
                    let bundle = laptops[from].export_bundle(&circle, None).unwrap();
                    laptops[to].import_bundle(&bundle, false).unwrap();
                }
                Op::Send { .. } => {}
                Op::Tick { laptop, secs } => {
                    if let Some(clock) = &clocks[laptop] {
                        // Skewed, but within the minutes a bundle's clock may run ahead of its reader's.
                        let (earliest, latest) = (t("2026-03-01T09:56:00Z"), t("2026-03-01T10:09:00Z"));
                        clock.set((clock.now() + chrono::Duration::seconds(secs)).clamp(earliest, latest));
                    }
                }
            }
        }
        // Deliver everything: two rounds of all-to-all.
        for _ in 0..2 {
            for from in 0..3 {
                for to in 0..3 {
                    if from != to {
                        let bundle = laptops[from].export_bundle(&circle, None).unwrap();
                        laptops[to].import_bundle(&bundle, false).unwrap();
                    }
                }
            }
        }
        let dumps: Vec<String> = laptops.iter().map(|l| l.dump(&circle).unwrap()).collect();
        prop_assert_eq!(&dumps[0], &dumps[1]);
        prop_assert_eq!(&dumps[1], &dumps[2]);
        let conflicts: Vec<_> = laptops.iter().map(|l| l.conflicts(&circle).unwrap()).collect();
        prop_assert_eq!(&conflicts[0], &conflicts[1]);
        prop_assert_eq!(&conflicts[1], &conflicts[2]);
        // A note is gone only if a later write listed it in `$base`: someone saw it and replaced it.
        let log = laptops[0].changes(&circle).unwrap();
        let seen: String = log.iter().filter_map(|c| c.fields.get("$base")).map(|b| b.to_string()).collect();
        for note in &written_notes {
            let visible = dumps[0].contains(note.as_str()) || conflicts[0].iter().any(|c| &c.value == note);
            let written = log.iter().find(|c| c.fields.get("notes").and_then(|v| v.as_str()) == Some(note.as_str())).unwrap();
            let knowingly_replaced = seen.contains(&written.hlc);
            prop_assert!(visible || knowingly_replaced, "note {} vanished", note);
        }
    }
}

#[test]
fn forged_clocks_absurd_numbers_and_writes_into_another_circle_are_refused() {
    let (mut ana, mut ben, circle, _, items) = two_laptops();
    ana.update_agenda_item(&items[0], &AgendaItemPatch { minutes: Some(20), ..Default::default() }).unwrap();
    let fresh = ana.export_bundle(&circle, Some(&ben.version_vector(&circle).unwrap())).unwrap();
    let before = ben.dump(&circle).unwrap();

    let mut short_clock = fresh.clone();
    let device = short_clock.changes[0].author_device.clone();
    short_clock.changes[0].hlc = format!("9-0-{device}");
    assert_eq!(ben.import_bundle(&short_clock, false).unwrap_err().code(), "bad_bundle");

    let mut huge = fresh.clone();
    huge.changes[0].fields["minutes"] = serde_json::json!(i64::MAX);
    assert_eq!(ben.import_bundle(&huge, false).unwrap_err().code(), "bad_bundle");

    let other = ana.create_circle(&CircleInput { name: "Other".into(), ..Default::default() }).unwrap();
    let mut cross = ana.export_bundle(&other.id, None).unwrap();
    let mut intruder = fresh.changes[0].clone();
    intruder.circle_id = other.id.clone();
    intruder.seq = cross.changes.iter().filter(|c| c.author_device == intruder.author_device).count() as i64 + 1;
    cross.changes.push(intruder);
    // Signed by its author's own key: the circle check itself refuses it.
    let cross = re_signed(cross, &[&ana]);
    let err = ben.import_bundle(&cross, false).unwrap_err();
    assert!(err.to_string().contains("another circle"), "{err}");

    // A new item in the other circle pointing at this circle's meeting is refused too.
    let mut pointer = ana.export_bundle(&other.id, None).unwrap();
    let mut item = fresh.changes[0].clone();
    item.circle_id = other.id.clone();
    item.entity_id = crate::ids::new_id();
    item.seq = pointer.changes.iter().filter(|c| c.author_device == item.author_device).count() as i64 + 1;
    item.fields =
        serde_json::json!({ "meeting_id": ben.agenda_item(&items[0]).unwrap().meeting_id, "title": "Sneaky" });
    pointer.changes.push(item);
    let pointer = re_signed(pointer, &[&ana]);
    let err = ben.import_bundle(&pointer, false).unwrap_err();
    assert!(err.to_string().contains("links meeting_id"), "{err}");
    assert_eq!(ben.dump(&circle).unwrap(), before);
    assert_eq!(ben.import_bundle(&fresh, false).unwrap().new_changes, 1, "the genuine bundle still imports");
}

/// Writes `words` as a reflection on `meeting`, shared with the circle.
fn share_reflection(store: &mut Store, meeting: &str, words: &str) -> crate::Reflection {
    let input = crate::ReflectionInput {
        meeting_id: Some(meeting.into()),
        text: words.into(),
        shared: true,
        ..Default::default()
    };
    store.add_reflection(&input).unwrap()
}

#[test]
fn a_reflection_taken_back_leaves_every_log_that_hears_of_it_and_can_be_shared_again() {
    let (mut ana, mut ben, circle, meeting, _) = two_laptops();
    let words = "SHARED-THEN-TAKEN-BACK 7c1d";
    let r = share_reflection(&mut ana, &meeting, words);
    exchange(&ana, &mut ben, &circle);
    assert!(ben.dump(&circle).unwrap().contains(words));

    ana.set_reflection_shared(&r.id, false).unwrap();
    let log_text = |s: &Store| s.changes(&circle).unwrap().iter().map(|c| c.fields.to_string()).collect::<String>();
    assert!(!log_text(&ana).contains(words), "the author's log no longer holds the text");
    assert!(!serde_json::to_string(&ana.export_bundle(&circle, None).unwrap()).unwrap().contains(words));

    exchange(&ana, &mut ben, &circle);
    assert!(!ben.dump(&circle).unwrap().contains(words));
    assert!(!log_text(&ben).contains(words), "a laptop that hears of the deletion wipes its copy too");
    // Ben's older copy, relayed back, is accepted as the same change and changes nothing.
    exchange(&ben, &mut ana, &circle);
    assert_eq!(ana.reflection(&r.id).unwrap().visibility, "private");

    ana.set_reflection_shared(&r.id, true).unwrap();
    exchange(&ana, &mut ben, &circle);
    assert!(ben.dump(&circle).unwrap().contains(words), "shared again, it comes back");
}

/// `log_extent` as kept: (circle, device, entries, highest number) for each device with entries.
pub(super) fn log_extents(store: &Store) -> Vec<(String, String, i64, i64)> {
    rows(store, "SELECT circle_id, author_device, entries, highest_seq FROM log_extent WHERE entries > 0 ORDER BY 1, 2")
}

/// The same, counted from the log itself.
pub(super) fn counted_extents(store: &Store) -> Vec<(String, String, i64, i64)> {
    rows(store, "SELECT circle_id, author_device, count(*), max(seq) FROM change_log GROUP BY 1, 2 ORDER BY 1, 2")
}

fn rows(store: &Store, sql: &str) -> Vec<(String, String, i64, i64)> {
    let mut stmt = store.conn().prepare(sql).unwrap();
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))).unwrap();
    rows.collect::<rusqlite::Result<_>>().unwrap()
}

/// A laptop's circle rebuilt from its log alone (its records wiped first), reading the log
/// as `reading` says and writing `batch_rows` rows per statement: the dump, the
/// conflicts and how many records wait. Nothing is kept.
fn rebuilt(store: &Store, circle: &str, reading: Reading, batch_rows: usize) -> (String, Vec<super::Conflict>, usize) {
    let tx = store.conn().unchecked_transaction().unwrap();
    let records: BTreeSet<(String, String)> =
        store.changes(circle).unwrap().into_iter().map(|c| (c.entity, c.entity_id)).collect();
    for (_, table) in ENTITY_TABLES.iter().rev() {
        tx.execute(&format!("DELETE FROM {table}"), []).unwrap();
    }
    tx.execute_batch("DELETE FROM conflicts; DELETE FROM sync_waiting").unwrap();
    let waiting = rebuild_by(&tx, circle, &records, reading, batch_rows, &mut |_| {}).unwrap();
    let state = (store.dump(circle).unwrap(), store.conflicts(circle).unwrap(), waiting);
    tx.rollback().unwrap();
    state
}

/// One random step for two laptops sharing a circle.
#[derive(Debug, Clone)]
enum Step {
    Add {
        laptop: usize,
    },
    Title {
        laptop: usize,
        item: usize,
        text: u8,
    },
    Notes {
        laptop: usize,
        item: usize,
        text: u8,
    },
    Delete {
        laptop: usize,
        item: usize,
    },
    Reflect {
        laptop: usize,
    },
    TakeBack {
        laptop: usize,
        which: usize,
    },
    Send {
        from: usize,
    },
    /// Only some of the changes: devices show gaps.
    SendSome {
        from: usize,
        every: usize,
    },
    /// Only the sender's last change: often the retitling of an item the other laptop
    /// has not got, which then waits for it.
    SendLast {
        from: usize,
    },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        2 => (0..2usize).prop_map(|laptop| Step::Add { laptop }),
        1 => (0..2usize, 0..6usize, any::<u8>()).prop_map(|(laptop, item, text)| Step::Title { laptop, item, text }),
        1 => (0..2usize, 0..6usize, any::<u8>()).prop_map(|(laptop, item, text)| Step::Notes { laptop, item, text }),
        1 => (0..2usize, 0..6usize).prop_map(|(laptop, item)| Step::Delete { laptop, item }),
        1 => (0..2usize).prop_map(|laptop| Step::Reflect { laptop }),
        1 => (0..2usize, 0..4usize).prop_map(|(laptop, which)| Step::TakeBack { laptop, which }),
        1 => (0..2usize).prop_map(|from| Step::Send { from }),
        1 => (0..2usize, 2..5usize).prop_map(|(from, every)| Step::SendSome { from, every }),
        3 => (0..2usize).prop_map(|from| Step::SendLast { from }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// However the log is read (a query per record, one scan, or handed over by an import)
    /// and however many rows go in one statement, the rebuilt tables are the same: with
    /// deletes, conflicts, taken-back reflections, and records waiting for parents.
    #[test]
    fn every_way_of_rebuilding_ends_with_the_same_tables(steps in proptest::collection::vec(step(), 1..30)) {
        let (ana, ben, circle, meeting, first_items) = two_laptops();
        let mut laptops = [ana, ben];
        let mut items = first_items;
        let mut reflections: Vec<(usize, String)> = Vec::new();
        for s in steps {
            match s.clone() {
                Step::Add { laptop } => {
                    let input = AgendaItemInput { meeting_id: meeting.clone(), title: "Added".into(), ..Default::default() };
                    let id = laptops[laptop].add_agenda_item(&input).unwrap().id;
                    let patch = AgendaItemPatch { title: Some("Added, retitled".into()), ..Default::default() };
                    laptops[laptop].update_agenda_item(&id, &patch).unwrap();
                    items.push(id);
                }
                Step::Title { laptop, item, text } => {
                    let patch = AgendaItemPatch { title: Some(format!("Title {text}")), ..Default::default() };
                    let _ = laptops[laptop].update_agenda_item(&items[item % items.len()], &patch);
                }
                Step::Notes { laptop, item, text } => {
                    let patch = AgendaItemPatch { notes: Some(format!("note {laptop} {text}")), ..Default::default() };
                    let _ = laptops[laptop].update_agenda_item(&items[item % items.len()], &patch);
                }
                Step::Delete { laptop, item } => { let _ = laptops[laptop].delete_agenda_item(&items[item % items.len()]); }
                Step::Reflect { laptop } => {
                    let input = crate::ReflectionInput {
                        meeting_id: Some(meeting.clone()), text: format!("Shared by {laptop}"), shared: true, ..Default::default()
                    };
                    reflections.push((laptop, laptops[laptop].add_reflection(&input).unwrap().id));
                }
                Step::TakeBack { laptop, which } => {
                    let mine: Vec<&String> = reflections.iter().filter(|(l, _)| *l == laptop).map(|(_, id)| id).collect();
                    if let Some(id) = mine.get(which) {
                        let _ = laptops[laptop].set_reflection_shared(id, false);
                    }
                }
                Step::Send { from } => {
                    let bundle = laptops[from].export_bundle(&circle, None).unwrap();
                    laptops[1 - from].import_bundle(&bundle, false).unwrap();
                }
                Step::SendSome { from, every } => {
                    let mut bundle = laptops[from].export_bundle(&circle, None).unwrap();
                    let mut n = 0;
                    bundle.changes.retain(|_| { n += 1; n % every != 0 });
                    let _ = laptops[1 - from].import_bundle(&bundle, false);
                }
                Step::SendLast { from } => {
                    let mut bundle = laptops[from].export_bundle(&circle, None).unwrap();
                    let device = laptops[from].device_id().to_string();
                    let last = bundle.changes.iter().rposition(|c| c.author_device == device);
                    bundle.changes = last.map(|i| vec![bundle.changes[i].clone()]).unwrap_or_default();
                    let _ = laptops[1 - from].import_bundle(&bundle, false);
                }
            }
            // Checked on the laptop that just received (all states a laptop goes through).
            if let Step::Send { from } | Step::SendSome { from, .. } | Step::SendLast { from } = s {
                let laptop = &laptops[1 - from];
                let one_by_one = rebuilt(laptop, &circle, Reading::PerRecord, 1);
                prop_assert_eq!(&rebuilt(laptop, &circle, Reading::PerRecord, 2), &one_by_one);
                prop_assert_eq!(&rebuilt(laptop, &circle, Reading::Scan, 500), &one_by_one);
                let log = laptop.changes(&circle).unwrap();
                let given = histories_of(&log.iter().collect::<Vec<_>>());
                prop_assert_eq!(&rebuilt(laptop, &circle, Reading::Given(given), 500), &one_by_one);
                // What the laptop holds and misses, worked out from its log itself.
                let mut seqs: std::collections::BTreeMap<String, Vec<i64>> = Default::default();
                for c in &log {
                    seqs.entry(c.author_device.clone()).or_default().push(c.seq);
                }
                let (mut unbroken, mut gaps) = (VersionVector::new(), Vec::new());
                for (device, list) in &mut seqs {
                    list.sort_unstable();
                    unbroken.insert(device.clone(), list.iter().zip(1..).take_while(|(s, n)| **s == *n).count() as i64);
                    let mut expected = 1;
                    for &seq in list.iter() {
                        if seq > expected {
                            gaps.push(Gap { device: device.clone(), from_seq: expected, to_seq: seq - 1 });
                        }
                        expected = seq + 1;
                    }
                }
                prop_assert_eq!(laptop.version_vector(&circle).unwrap(), unbroken);
                prop_assert_eq!(laptop.gaps_in(&circle).unwrap(), gaps);
                prop_assert_eq!(log_extents(laptop), counted_extents(laptop));
            }
        }
    }
}

#[test]
fn a_big_circle_imports_whole_into_an_empty_laptop_and_in_part_into_one_that_holds_some() {
    let (mut ana, _, circle, meeting, _) = two_laptops();
    for i in 0..1200 {
        let input = AgendaItemInput { meeting_id: meeting.clone(), title: format!("Point {i}"), ..Default::default() };
        ana.add_agenda_item(&input).unwrap();
    }
    let bundle = ana.export_bundle(&circle, None).unwrap();
    let (mut dee, _) = laptop("Dee", "2026-03-01T11:00:00Z");
    let mut steps = Vec::new();
    let report = dee.import_bundle_with_progress(&bundle, false, &mut |done, total| steps.push((done, total))).unwrap();
    assert_eq!(dee.dump(&circle).unwrap(), ana.dump(&circle).unwrap());
    assert_eq!(report.added.get("agenda_item"), Some(&1202));
    let records: BTreeSet<(&str, &str)> =
        bundle.changes.iter().map(|c| (c.entity.as_str(), c.entity_id.as_str())).collect();
    let total = bundle.changes.len() + records.len();
    assert_eq!(steps.last(), Some(&(total, total)));
    assert!(steps.windows(2).all(|w| w[0].0 <= w[1].0 && w[0].1 == w[1].1), "{steps:?}");
    assert!(steps.len() > 4 && steps.len() < 20, "now and then, not per row: {}", steps.len());

    // Cy holds the first half; the rest arrives in one bundle (read back in one scan).
    let (mut cy, _) = laptop("Cy", "2026-03-01T12:00:00Z");
    let mut half = bundle.clone();
    half.changes.truncate(bundle.changes.len() / 2);
    let half = re_signed(half, &[&ana]);
    cy.import_bundle(&half, false).unwrap();
    let report = cy.import_bundle(&bundle, false).unwrap();
    assert_eq!(
        (report.new_changes, report.already_had),
        (bundle.changes.len() - half.changes.len(), half.changes.len())
    );
    assert_eq!(cy.dump(&circle).unwrap(), ana.dump(&circle).unwrap());
}

#[test]
fn a_change_held_here_comes_back_only_as_itself() {
    let (ana, mut ben, circle, _, _) = two_laptops();
    let before = ben.dump(&circle).unwrap();
    let mut moved = ana.export_bundle(&circle, None).unwrap();
    moved.changes[0].entity_id = crate::ids::new_id();
    let err = ben.import_bundle(&moved, false).unwrap_err();
    assert!(err.to_string().contains("different version of change"), "{err}");

    // A change given twice, even one held here already, makes the bundle malformed.
    let mut twice = ana.export_bundle(&circle, None).unwrap();
    twice.changes.push(twice.changes[1].clone());
    assert_eq!(ben.import_bundle(&twice, false).unwrap_err().code(), "bad_bundle");
    twice.changes.last_mut().unwrap().hlc = twice.changes[0].hlc.clone();
    assert_eq!(ben.import_bundle(&twice, false).unwrap_err().code(), "bad_bundle");
    assert_eq!(ben.dump(&circle).unwrap(), before);
}

#[test]
fn a_taken_back_reflection_is_wiped_whatever_order_its_changes_arrive_in() {
    let (mut ana, mut ben, circle, meeting, _) = two_laptops();
    let words = "WORDS-TAKEN-BACK 51e0";
    let r = share_reflection(&mut ana, &meeting, words);
    ana.set_reflection_shared(&r.id, false).unwrap();
    // The put, unwiped as a laptop that missed the deletion would relay it, after the delete.
    let mut bundle = ana.export_bundle(&circle, Some(&ben.version_vector(&circle).unwrap())).unwrap();
    let put = bundle.changes.iter().position(|c| c.entity_id == r.id && c.op == "put").unwrap();
    bundle.changes[put].fields = serde_json::json!({ "id": r.id, "text": words, "visibility": "shared" });
    let moved = bundle.changes.remove(put);
    bundle.changes.push(moved);
    let bundle = re_signed(bundle, &[&ana]);
    let log_text = |s: &Store| s.changes(&circle).unwrap().iter().map(|c| c.fields.to_string()).collect::<String>();
    ben.import_bundle(&bundle, false).unwrap();
    assert!(!log_text(&ben).contains(words), "the earlier put is wiped though it came after its delete");
    assert!(!ben.dump(&circle).unwrap().contains(words));

    // Cy hears of the delete first, and of the put in a later bundle.
    let (mut cy, _) = laptop("Cy", "2026-03-01T09:57:00Z");
    let mut everything_but_the_put = ana.export_bundle(&circle, None).unwrap();
    everything_but_the_put.changes.retain(|c| !(c.entity_id == r.id && c.op == "put"));
    cy.import_bundle(&re_signed(everything_but_the_put, &[&ana, &ben]), false).unwrap();
    let just_the_put = Bundle { changes: bundle.changes[bundle.changes.len() - 1..].to_vec(), ..bundle.clone() };
    let just_the_put = re_signed(just_the_put, &[&ana]);
    assert_eq!(cy.import_bundle(&just_the_put, false).unwrap().new_changes, 1);
    assert!(!log_text(&cy).contains(words), "the put is wiped though it came in a later bundle");
    assert!(!cy.dump(&circle).unwrap().contains(words));
}

#[test]
fn a_record_whose_log_entries_are_all_removed_is_removed_too() {
    let (mut ana, mut ben, circle, meeting, _) = two_laptops();
    let before = ben.dump(&circle).unwrap();
    let added = ana
        .add_agenda_item(&AgendaItemInput { meeting_id: meeting, title: "Mistaken".into(), ..Default::default() })
        .unwrap();
    exchange(&ana, &mut ben, &circle);
    assert!(ben.agenda_item(&added.id).is_ok());
    let tx = ben.conn().unchecked_transaction().unwrap();
    tx.execute("DELETE FROM change_log WHERE entity_id = ?1", [&added.id]).unwrap();
    let touched = BTreeSet::from([("agenda_item".to_string(), added.id.clone())]);
    assert_eq!(super::merge::rebuild(&tx, &circle, &touched).unwrap(), 0);
    tx.commit().unwrap();
    assert_eq!(ben.dump(&circle).unwrap(), before);
}

/// How many rows each table of shared records holds, and the change log: what a refused
/// bundle must leave as it was.
fn row_counts(store: &Store) -> Vec<(String, i64)> {
    let tables = ENTITY_TABLES.iter().map(|(_, table)| *table).chain(["change_log", "conflicts"]);
    let count = |table: &str| store.conn().query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0));
    tables.map(|table| (table.to_string(), count(table).unwrap())).collect()
}

/// `name` (with a full name, and the email `user@uni.edu`) added to the circle on `inviter`,
/// and a laptop of theirs joined to it, with its clock.
fn person_joins(inviter: &mut Store, circle: &str, name: &str, user: &str, at: &str) -> (Store, Arc<FixedClock>) {
    let email = format!("{user}@uni.edu");
    let input = MemberInput { circle_id: circle.into(), name: name.into(), email: email.clone(), ..Default::default() };
    let member = inviter.add_member(&input).unwrap().id;
    let clock = Arc::new(FixedClock::new(t(at)));
    let mut joiner = Store::open_in_memory_with_clock(clock.clone()).unwrap();
    joiner.create_identity(&IdentityInput { name: name.into(), email, ..Default::default() }).unwrap();
    join(inviter, &mut joiner, circle, &member);
    (joiner, clock)
}

/// Ana's circle and Mal Reyes, a member who joined with Ana's invite, whose laptop then writes
/// with `write` as an altered Kinship could: straight into its tables and log, signed as
/// Mal's. Returns what Ana's laptop says of the bundle Mal shares, and whether Ana's
/// tables, log and dump are as they were.
fn mal_writes_behind_the_forms(write: impl FnOnce(&mut crate::store::Tx<'_>, &str, &str)) -> (crate::Error, bool) {
    let (mut ana, _) = laptop("Ana", "2026-03-01T10:00:00Z");
    let circle = ana.create_circle(&CircleInput { name: "Circle".into(), ..Default::default() }).unwrap().id;
    let (mut mal, _) = person_joins(&mut ana, &circle, "Mal Reyes", "mal", "2026-03-01T10:00:00Z");
    let mal_member = mal.my_member_id(&circle).unwrap();
    mal.write(|tx| {
        write(tx, &circle, &mal_member);
        Ok(())
    })
    .unwrap();
    let (before, dump) = (row_counts(&ana), ana.dump(&circle).unwrap());
    let shared = mal.share_bundle(&circle, false).unwrap();
    let incoming = ana.open_bundle(&shared.bytes).unwrap();
    let preview = ana.apply_bundle(&incoming, true).unwrap_err();
    let err = ana.apply_bundle(&incoming, false).unwrap_err();
    assert_eq!(preview.to_string(), err.to_string(), "the preview refuses it as the import does");
    (err, row_counts(&ana) == before && ana.dump(&circle).unwrap() == dump)
}

#[test]
fn a_link_the_board_would_refuse_refuses_the_whole_bundle_naming_its_author() {
    let (err, unchanged) = mal_writes_behind_the_forms(|tx, circle, mal| {
        let resource = crate::Resource {
            id: crate::ids::new_id(),
            circle_id: circle.into(),
            title: "Career fair".into(),
            url: Some("javascript:alert(document.cookie)".into()),
            kind: "other".into(),
            deadline: None,
            shared_by_id: Some(mal.into()),
            note: String::new(),
            created_at: tx.now(),
        };
        let fields = crate::rows::insert(tx, "resources", &resource).unwrap();
        tx.log(circle, crate::changelog::entity::RESOURCE, &resource.id, fields).unwrap();
    });
    assert_eq!(err.code(), "bad_bundle");
    assert!(
        err.to_string().contains(
            "it holds a link Kinship does not allow in a resource Mal Reyes wrote (javascript:alert(document.cookie))"
        ),
        "{err}"
    );
    assert!(unchanged, "nothing of the bundle was written");
}

/// Like [`mal_writes_behind_the_forms`], Mal's laptop setting `field` of her own member record.
fn mal_sets_her_own(field: &str, value: &str) -> (crate::Error, bool) {
    mal_writes_behind_the_forms(|tx, circle, mal| {
        let fields = serde_json::Map::from_iter([(field.to_string(), value.into())]);
        tx.update("members", crate::changelog::entity::MEMBER, circle, mal, fields).unwrap();
    })
}

#[test]
fn an_address_with_mail_headers_refuses_the_whole_bundle() {
    let (err, unchanged) = mal_sets_her_own("email", "mal@uni.edu?bcc=spy%40evil.example");
    assert!(
        err.to_string()
            .contains("it holds an email Kinship does not allow in a member Mal Reyes wrote (mal@uni.edu?bcc="),
        "{err}"
    );
    assert!(unchanged);
}

#[test]
fn a_name_with_a_direction_override_refuses_the_bundle_and_the_message_shows_it() {
    let (err, unchanged) = mal_sets_her_own("name", "Mal \u{202E}sreyE");
    assert!(err.to_string().contains("in a member Mal Reyes wrote (Mal \\u{202e}sreyE)"), "{err}");
    assert!(unchanged);
}

#[test]
fn every_rule_for_bundled_values_names_a_real_column() {
    let store = Store::open_in_memory().unwrap();
    for (entity, field, _, _) in crate::validate::SHARED_FIELDS {
        let table = crate::changelog::history::table_of(entity).expect("a kind that syncs");
        let exists: bool = store
            .conn()
            .query_row(
                &format!("SELECT EXISTS (SELECT 1 FROM pragma_table_info('{table}') WHERE name = ?1)"),
                [field],
                |r| r.get(0),
            )
            .unwrap();
        assert!(exists, "{entity}.{field} has a rule but {table} has no such column");
    }
}

/// Ana's circle on 4 December 2026, and Ben Okafor's laptop (with its clock) joined to it.
fn ana_and_ben_okafor() -> (Store, Store, Arc<FixedClock>, String) {
    let (mut ana, _) = laptop("Ana", "2026-12-04T10:00:00Z");
    let circle = ana.create_circle(&CircleInput { name: "Circle".into(), ..Default::default() }).unwrap().id;
    let (ben, ben_clock) = person_joins(&mut ana, &circle, "Ben Okafor", "ben", "2026-12-04T10:00:00Z");
    (ana, ben, ben_clock, circle)
}

#[test]
fn a_change_stamped_in_2099_refuses_the_bundle_naming_whose_laptop_says_so() {
    let (mut ana, mut ben, ben_clock, circle) = ana_and_ben_okafor();
    ben_clock.set(t("2099-01-01T09:00:00Z"));
    let me = ben.my_member_id(&circle).unwrap();
    ben.update_member(&me, &crate::MemberPatch { pronouns: Some("he/him".into()), ..Default::default() }).unwrap();
    let (before, dump) = (row_counts(&ana), ana.dump(&circle).unwrap());
    let shared = ben.share_bundle(&circle, false).unwrap();
    let err = ana.apply_bundle(&ana.open_bundle(&shared.bytes).unwrap(), false).unwrap_err();
    assert_eq!(err.code(), "future_clock");
    assert_eq!(
        err.to_string(),
        "Ben Okafor's laptop says it is 1 January 2099 (this laptop says 4 December 2026); ask Ben to set the date \
         and time and share again. Nothing was changed."
    );
    assert_eq!((row_counts(&ana), ana.dump(&circle).unwrap()), (before, dump));
}

#[test]
fn a_change_a_few_minutes_ahead_is_taken_and_a_later_edit_here_still_wins() {
    let (mut ana, mut ben, ben_clock, circle) = ana_and_ben_okafor();
    exchange(&ben, &mut ana, &circle);
    ben_clock.set(t("2026-12-04T10:05:00Z"));
    let purpose = |text: &str| crate::CirclePatch { purpose: Some(text.into()), ..Default::default() };
    ben.update_circle(&circle, &purpose("Monthly support, Ben's words")).unwrap();
    assert_eq!(exchange(&ben, &mut ana, &circle).new_changes, 1);
    assert_eq!(ana.circle(&circle).unwrap().purpose, "Monthly support, Ben's words");
    // Ana's clock still says 10:00, yet her edit orders after the one stamped 10:05 she has seen.
    ana.update_circle(&circle, &purpose("Monthly support, Ana's words")).unwrap();
    exchange(&ana, &mut ben, &circle);
    assert_eq!(ben.circle(&circle).unwrap().purpose, "Monthly support, Ana's words");
    assert_eq!(ana.dump(&circle).unwrap(), ben.dump(&circle).unwrap());
}

#[test]
fn a_laptop_whose_clock_was_set_ahead_says_so_once_it_is_right_again() {
    let (_, mut ben, ben_clock, circle) = ana_and_ben_okafor();
    assert_eq!(ben.clock_set_ahead().unwrap(), None);
    ben_clock.set(t("2099-01-01T09:00:00Z"));
    let me = ben.my_member_id(&circle).unwrap();
    ben.update_member(&me, &crate::MemberPatch { pronouns: Some("he/him".into()), ..Default::default() }).unwrap();
    assert_eq!(ben.clock_set_ahead().unwrap(), None, "while the clock says 2099, nothing looks amiss");
    ben_clock.set(t("2026-12-04T11:00:00Z"));
    assert_eq!(ben.clock_set_ahead().unwrap().as_deref(), Some("1 January 2099"));
}
