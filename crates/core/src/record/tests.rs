//! The mentoring record on a fixed data set: golden files for each format, and private
//! reflections kept out unless picked. `KINSHIP_UPDATE_GOLDEN=1 cargo test` rewrites the goldens.

use super::*;
use crate::test_support::t;
use crate::*;
use std::sync::Arc;

/// A circle with a known history, made on a fixed clock (see the assertions below for what
/// it holds). Shared by the record, calendar and export tests.
#[allow(dead_code)] // each test uses the parts it needs
pub(crate) struct Fixture {
    pub store: Store,
    pub clock: Arc<FixedClock>,
    pub circle: String,
    pub me: String,
    pub ben: String,
    pub meetings: Vec<String>,
    pub private_reflection: String,
    pub shared_reflection: String,
}

pub(crate) const PRIVATE_WORDS: &str = "PRIVATE-WORDS: I was nervous about the job talk";

pub(crate) fn fixture() -> Fixture {
    let clock = Arc::new(FixedClock::new(t("2026-03-01T09:00:00Z")));
    let mut store = Store::open_in_memory_with_clock(clock.clone()).unwrap();
    store
        .create_identity(&IdentityInput {
            name: "Ana Reyes".into(),
            email: "ana@uni.edu".into(),
            pronouns: Some("she/her".into()),
            institution: Some("State University".into()),
            career_stage: None,
        })
        .unwrap();
    let circle = store
        .create_circle(&CircleInput {
            name: "Early-career librarians".into(),
            purpose: "Monthly support for new librarians".into(),
            ..Default::default()
        })
        .unwrap()
        .id;
    let me = store.my_member_id(&circle).unwrap();
    let add = |store: &mut Store, name: &str, email: &str| {
        store
            .add_member(&MemberInput {
                circle_id: circle.clone(),
                name: name.into(),
                email: email.into(),
                ..Default::default()
            })
            .unwrap()
            .id
    };
    let ben = add(&mut store, "Ben Okafor", "ben@college.edu");
    let chi = add(&mut store, "Chi Nguyen", "chi@uni.edu");
    let meetings: Vec<String> = store
        .create_series(
            &MeetingInput {
                circle_id: circle.clone(),
                starts_at: "2026-03-05T18:00:00Z".into(),
                minutes: Some(90),
                place: Some("Room 204, Main Library".into()),
                ..Default::default()
            },
            4,
        )
        .unwrap()
        .into_iter()
        .map(|m| m.id)
        .collect();
    let item = |store: &mut Store,
                meeting: &str,
                title: &str,
                kind: &str,
                minutes: i64,
                member: Option<&str>,
                confidential: bool| {
        store
            .add_agenda_item(&AgendaItemInput {
                meeting_id: meeting.into(),
                title: title.into(),
                kind: Some(kind.into()),
                minutes: Some(minutes),
                member_id: member.map(str::to_string),
                confidential,
                ..Default::default()
            })
            .unwrap()
    };
    let m1 = &meetings[0];
    item(&mut store, m1, "Opening round", "opening_round", 10, None, false);
    item(&mut store, m1, "Job talk practice", "member_turn", 20, Some(&me), false);
    item(&mut store, m1, "Negotiating a <first> offer & salary", "member_turn", 20, Some(&ben), false);
    item(&mut store, m1, "Trouble with my supervisor", "topic", 15, None, true);
    item(&mut store, m1, "Closing round", "closing_round", 10, None, false);
    store
        .assign_roles(
            m1,
            &Roles {
                facilitator_id: Some(me.clone()),
                timekeeper_id: Some(ben.clone()),
                note_taker_id: Some(chi.clone()),
            },
        )
        .unwrap();
    let share = store
        .add_action_item(&ActionItemInput {
            meeting_id: m1.clone(),
            text: "Share slides with the circle".into(),
            owner_id: Some(me.clone()),
            due: Some("2026-03-19".into()),
            agenda_item_id: None,
        })
        .unwrap();
    store
        .add_action_item(&ActionItemInput {
            meeting_id: m1.clone(),
            text: "Send salary survey link".into(),
            owner_id: Some(ben.clone()),
            due: None,
            agenda_item_id: None,
        })
        .unwrap();
    // Meeting 1 runs from 18:00 to 19:25 with everyone there.
    clock.set(t("2026-03-05T18:00:00Z"));
    store.start_meeting(m1, None).unwrap();
    for minute in [10, 30, 50, 65] {
        clock.set(t("2026-03-05T18:00:00Z") + chrono::Duration::minutes(minute));
        store.next_item(m1).unwrap();
    }
    clock.set(t("2026-03-05T19:25:00Z"));
    store.end_meeting(m1, "A good first meeting").unwrap();
    let private_reflection = store
        .add_reflection(&ReflectionInput {
            meeting_id: Some(m1.clone()),
            text: PRIVATE_WORDS.into(),
            ..Default::default()
        })
        .unwrap()
        .id;
    let shared_reflection = store
        .add_reflection(&ReflectionInput {
            meeting_id: Some(m1.clone()),
            prompt: Some("What am I grateful for?".into()),
            text: "Thank you all for the practice run.".into(),
            shared: true,
            ..Default::default()
        })
        .unwrap()
        .id;
    clock.set(t("2026-03-18T10:00:00Z"));
    store.set_action_done(&share.id, true).unwrap();
    store
        .add_resource(&ResourceInput {
            circle_id: circle.clone(),
            title: "ACRL 2027 call for proposals".into(),
            url: Some("https://acrl.example.org/cfp".into()),
            kind: Some("conference".into()),
            deadline: Some("2026-05-15".into()),
            note: String::new(),
        })
        .unwrap();
    // Meeting 2: Ana is away.
    let m2 = &meetings[1];
    store.assign_roles(m2, &Roles { timekeeper_id: Some(me.clone()), ..Default::default() }).unwrap();
    clock.set(t("2026-04-02T18:00:00Z"));
    store.start_meeting(m2, Some(&[ben.clone(), chi.clone()])).unwrap();
    clock.set(t("2026-04-02T19:30:00Z"));
    store.end_meeting(m2, "").unwrap();
    // Meeting 3 was held but never run in Kinship: no attendance, planned length counts.
    let m3 = &meetings[2];
    item(&mut store, m3, "Conference proposals", "topic", 30, None, false);
    store.conn().execute("UPDATE meetings SET status = 'ended' WHERE id = ?1", [m3]).unwrap();
    // Meeting 4 is cancelled.
    store.conn().execute("UPDATE meetings SET status = 'cancelled' WHERE id = ?1", [&meetings[3]]).unwrap();
    clock.set(t("2026-12-01T12:00:00Z"));
    Fixture { store, clock, circle, me, ben, meetings, private_reflection, shared_reflection }
}

fn options(f: &Fixture) -> RecordOptions {
    RecordOptions {
        member_id: f.me.clone(),
        from: Some("2026-01-01".into()),
        to: Some("2026-12-31".into()),
        narrative: "I co-founded this circle & facilitated its first meeting.".into(),
        ..Default::default()
    }
}

fn golden(name: &str, actual: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/record/golden").join(name);
    if std::env::var_os("KINSHIP_UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(actual, expected, "{name} differs from its golden file (KINSHIP_UPDATE_GOLDEN=1 rewrites it)");
}

#[test]
fn the_record_counts_what_the_member_did() {
    let f = fixture();
    let r = f.store.mentoring_record(&options(&f)).unwrap();
    let s = &r.summary;
    assert_eq!(s.meetings_attended, 2, "meeting 1 (present) and meeting 3 (no attendance taken), not meeting 2");
    assert_eq!(s.minutes, 85 + 90, "meeting 1 ran 85 minutes; meeting 3 counts as planned");
    assert_eq!((s.facilitator, s.timekeeper, s.note_taker), (1, 0, 0), "timekeeper at meeting 2 was not there");
    assert_eq!((s.turns_taken, s.turns_supported), (1, 1));
    assert_eq!((s.resources_shared, s.commitments_made, s.commitments_kept), (1, 1, 1));
    assert_eq!(s.confidential_left_out, 1);
    let titles: Vec<&str> = r.topics.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(titles, ["Job talk practice", "Negotiating a <first> offer & salary", "Conference proposals"]);

    let narrower = RecordOptions { from: Some("2026-04-01".into()), ..options(&f) };
    assert_eq!(f.store.mentoring_record(&narrower).unwrap().summary.meetings_attended, 1);
    let by_kind = RecordOptions { confidential: Some("kind".into()), ..options(&f) };
    let r = f.store.mentoring_record(&by_kind).unwrap();
    assert!(r.topics.iter().any(|t| t.confidential && t.title == STAYS_IN_THE_CIRCLE && t.kind == "Topic"));
    assert!(!r.to_markdown().contains("supervisor"), "a confidential title never shows");
}

#[test]
fn bad_options_are_refused_with_what_to_do() {
    let f = fixture();
    let bad = RecordOptions { from: Some("2026-13-01".into()), ..options(&f) };
    assert_eq!(f.store.mentoring_record(&bad).unwrap_err().field(), Some("From"));
    let swapped = RecordOptions { from: Some("2026-12-31".into()), to: Some("2026-01-01".into()), ..options(&f) };
    assert!(f.store.mentoring_record(&swapped).unwrap_err().to_string().contains("swap"));
    let conf = RecordOptions { confidential: Some("show".into()), ..options(&f) };
    assert_eq!(f.store.mentoring_record(&conf).unwrap_err().field(), Some("Confidential items"));
    let r = f.store.mentoring_record(&options(&f)).unwrap();
    assert_eq!(r.render("pdf").unwrap_err().field(), Some("Format"));
}

#[test]
fn golden_markdown() {
    let f = fixture();
    golden("record.md", &f.store.mentoring_record(&options(&f)).unwrap().to_markdown());
}

#[test]
fn golden_csv() {
    let f = fixture();
    golden("record.csv", &f.store.mentoring_record(&options(&f)).unwrap().to_csv().unwrap());
}

#[test]
fn golden_html() {
    let f = fixture();
    let html = f.store.mentoring_record(&options(&f)).unwrap().to_html();
    assert!(html.contains("Negotiating a &lt;first&gt; offer &amp; salary"), "text is escaped");
    assert!(!html.contains("<first>"));
    golden("record.html", &html);
}

#[test]
fn a_private_reflection_appears_only_when_picked_and_only_ones_own() {
    let f = fixture();
    for format in ["md", "csv", "html"] {
        let out = f.store.mentoring_record(&options(&f)).unwrap().render(format).unwrap();
        assert!(!out.contains("PRIVATE-WORDS"), "{format} must not hold an unpicked reflection");
        assert!(!out.contains("practice run"), "{format} must not hold an unpicked shared reflection either");
    }
    let picked = RecordOptions { reflection_ids: vec![f.private_reflection.clone()], ..options(&f) };
    for format in ["md", "csv", "html"] {
        let out = f.store.mentoring_record(&picked).unwrap().render(format).unwrap();
        assert!(out.contains("PRIVATE-WORDS"), "{format} holds the picked reflection");
        assert!(!out.contains("practice run"), "{format} holds only the picked one");
    }
    // Ben's record cannot carry Ana's reflections.
    let bens = RecordOptions { member_id: f.ben.clone(), ..picked };
    assert_eq!(f.store.mentoring_record(&bens).unwrap_err().field(), Some("Reflections"));
}

#[test]
fn csv_cells_never_start_a_formula() {
    assert_eq!(csv_cell("=HYPERLINK(1)"), "'=HYPERLINK(1)");
    assert_eq!(csv_cell("2026-03-05"), "2026-03-05");
}

#[test]
fn markdown_shows_markup_as_text() {
    assert_eq!(md_escape("a *b* [c](d) <e> #f"), r"a \*b\* \[c\](d) \<e\> \#f");
}

#[test]
fn the_document_holds_every_word_the_markdown_writes_in_order() {
    let f = fixture();
    let picked = RecordOptions { reflection_ids: vec![f.shared_reflection.clone()], ..options(&f) };
    let doc = f.store.mentoring_record(&picked).unwrap().document();
    let md = doc.to_markdown();
    assert!(
        md.ends_with(
            "\n## Reflections\n\n2026-03-05 — What am I grateful for?\n\n> Thank you all for the practice run.\n\n\
             _Made with Kinship on 1 December 2026._\n"
        ),
        "{md}"
    );
    // The preview draws the blocks as they are serialized: tagged by type, texts unescaped.
    let json = serde_json::to_value(&doc).unwrap();
    assert_eq!(json["blocks"][0], serde_json::json!({"type": "title", "text": "Service: peer mentoring — Ana Reyes"}));
    assert_eq!(
        json["blocks"][1]["lines"][1][1],
        serde_json::json!({"text": "Early-career librarians", "strong": true})
    );
    let topics = doc.blocks.iter().find_map(|b| match b {
        Block::List { items } if items[0].contains("Member turn") => Some(items),
        _ => None,
    });
    assert_eq!(topics.unwrap()[1], "2026-03-05 — Member turn: Negotiating a <first> offer & salary");
    assert!(md.contains("Negotiating a \\<first\\> offer & salary"), "escaped only in the Markdown");
}

#[test]
fn member_text_with_markup_goes_into_the_markdown_as_text() {
    let mut f = fixture();
    let payload = "<img src=x onerror=alert(1)> [click](javascript:alert(2))";
    f.store.update_circle(&f.circle, &CirclePatch { name: Some(payload.into()), ..Default::default() }).unwrap();
    let md = f.store.mentoring_record(&options(&f)).unwrap().document().to_markdown();
    assert!(md.contains(r"\<img src=x onerror=alert(1)\> \[click\](javascript:alert(2))"), "{md}");
    let unescaped = |c: char| md.match_indices(c).any(|(i, _)| !md[..i].ends_with('\\'));
    assert!(!unescaped('<') && !unescaped('['), "raw markup in the Markdown record:\n{md}");
}

#[test]
fn the_record_offers_only_ones_own_reflections() {
    let f = crate::minutes::tests::fixture();
    let anas = RecordOptions { member_id: f.me.clone(), ..Default::default() };
    let choices = f.ana.record_reflection_choices(&anas).unwrap();
    let written = f.ana.reflection(&choices[0].id).unwrap().created_at;
    let day = chrono::NaiveDate::parse_from_str(&written[..10], "%Y-%m-%d").unwrap();
    assert_eq!(choices[0].date, day.format("%-d %B %Y").to_string(), "each choice is dated in words");
    assert!(choices.iter().all(|c| c.date.ends_with(" 2026")), "{choices:?}");
    let mut offered: Vec<String> = choices.into_iter().map(|r| r.id).collect();
    offered.sort();
    let mut own = vec![f.ana_private.clone(), f.ana_shared.clone()];
    own.sort();
    assert_eq!(offered, own, "Ben's shared reflection is never offered in Ana's record");
    let bens = RecordOptions { member_id: f.ben_member.clone(), ..Default::default() };
    assert!(f.ana.record_reflection_choices(&bens).unwrap().is_empty(), "nothing is offered for another's record");
    let later = RecordOptions { from: Some("2026-03-06".into()), ..anas.clone() };
    assert!(f.ana.record_reflection_choices(&later).unwrap().is_empty(), "only those in the period");
    let picked = RecordOptions { reflection_ids: vec![f.ben_shared.clone()], ..anas };
    assert_eq!(f.ana.mentoring_record(&picked).unwrap_err().field(), Some("Reflections"));
}
