//! Minutes on a fixed meeting held on Ana's laptop, with Ben's laptop syncing: golden files
//! for each format, and what the minutes must and must never hold.
//! `KINSHIP_UPDATE_GOLDEN=1 cargo test` rewrites the goldens.

use crate::test_support::{ana_and_ben, deliver, t};
use crate::*;
use std::sync::Arc;

/// Ana's and Ben's laptops after a meeting run on Ana's (see `fixture` for what it holds).
#[allow(dead_code)] // each test uses the parts it needs
pub(crate) struct Fixture {
    pub ana: Store,
    pub ben: Store,
    pub ana_clock: Arc<FixedClock>,
    pub ben_clock: Arc<FixedClock>,
    pub circle: String,
    pub me: String,
    pub ben_member: String,
    /// The meeting that was run, and the next one (where an item was carried).
    pub meeting: String,
    pub next: String,
    pub ana_private: String,
    pub ana_shared: String,
    pub ben_shared: String,
    pub ben_private: String,
}

pub(crate) const ANA_PRIVATE: &str = "ANA-PRIVATE: I was nervous about the job talk";
pub(crate) const BEN_PRIVATE: &str = "BEN-PRIVATE: money talk makes me anxious";
pub(crate) const BEN_SHARED: &str = "Ask for the band before naming a number.";

fn at(clock: &FixedClock, time: &str) {
    clock.set(t(time));
}

pub(crate) fn fixture() -> Fixture {
    let ana_clock = Arc::new(FixedClock::new(t("2026-03-01T09:00:00Z")));
    let ben_clock = Arc::new(FixedClock::new(t("2026-03-01T09:05:00Z")));
    let (mut ana, mut ben, circle, ben_member) = ana_and_ben(ana_clock.clone(), ben_clock.clone());
    let me = ana.my_member_id(&circle).unwrap();
    let chi = ana
        .add_member(&MemberInput {
            circle_id: circle.clone(),
            name: "Chi Nguyen".into(),
            email: "chi@uni.edu".into(),
            ..Default::default()
        })
        .unwrap()
        .id;
    let meetings: Vec<String> = ana
        .create_series(
            &MeetingInput {
                circle_id: circle.clone(),
                starts_at: "2026-03-05T18:00:00Z".into(),
                minutes: Some(60),
                place: Some("Room 204, Main Library".into()),
                ..Default::default()
            },
            2,
        )
        .unwrap()
        .into_iter()
        .map(|m| m.id)
        .collect();
    let m = meetings[0].clone();
    let mut item = |title: &str, kind: &str, minutes: i64, member: Option<&str>, confidential: bool| {
        ana.add_agenda_item(&AgendaItemInput {
            meeting_id: m.clone(),
            title: title.into(),
            kind: Some(kind.into()),
            minutes: Some(minutes),
            member_id: member.map(str::to_string),
            confidential,
            ..Default::default()
        })
        .unwrap()
        .id
    };
    item("Opening round", "opening_round", 5, None, false);
    let job = item("Job talk practice", "member_turn", 20, Some(&me), false);
    let offer = item("Negotiating a <first> offer & salary", "member_turn", 15, Some(&ben_member), false);
    let trouble = item("Trouble with my supervisor", "topic", 10, None, true);
    item("Conference proposals", "topic", 5, None, false);
    item("Closing round", "closing_round", 5, None, false);
    let roles = Roles {
        facilitator_id: Some(me.clone()),
        timekeeper_id: Some(ben_member.clone()),
        note_taker_id: Some(chi.clone()),
    };
    ana.assign_roles(&m, &roles).unwrap();
    let notes = |ana: &mut Store, id: &str, text: &str| {
        ana.update_agenda_item(id, &AgendaItemPatch { notes: Some(text.into()), ..Default::default() }).unwrap();
    };
    let action = |ana: &mut Store, text: &str, owner: &str, due: Option<&str>, on: Option<&str>| {
        ana.add_action_item(&ActionItemInput {
            meeting_id: m.clone(),
            text: text.into(),
            owner_id: Some(owner.into()),
            due: due.map(str::to_string),
            agenda_item_id: on.map(str::to_string),
        })
        .unwrap();
    };

    // Chi is away. The meeting runs from 18:00 to 19:02.
    at(&ana_clock, "2026-03-05T18:00:00Z");
    ana.start_meeting(&m, Some(&[me.clone(), ben_member.clone()])).unwrap();
    at(&ana_clock, "2026-03-05T18:05:00Z");
    ana.next_item(&m).unwrap();
    notes(&mut ana, &job, "Slow down on the methods slide.\nEnd with a question for the committee.");
    ana.add_decision(&m, Some(&job), "Ana gives the talk on 20 March").unwrap();
    action(&mut ana, "Share slides with the circle", &me, Some("2026-03-19"), Some(&job));
    at(&ana_clock, "2026-03-05T18:25:00Z");
    ana.next_item(&m).unwrap();
    notes(&mut ana, &offer, "- Ask for the salary band first\n*Then* name a number");
    action(&mut ana, "Send the salary survey link", &ben_member, None, Some(&offer));
    at(&ana_clock, "2026-03-05T18:40:00Z");
    ana.next_item(&m).unwrap();
    notes(&mut ana, &trouble, "Talk to the ombudsperson.");
    at(&ana_clock, "2026-03-05T18:50:00Z");
    ana.next_item(&m).unwrap();
    ana.carry_item(&m).unwrap();
    ana.add_decision(&m, None, "Meet in Room 204 from now on").unwrap();
    action(&mut ana, "Book the room for April", &chi, Some("2026-03-30"), None);
    at(&ana_clock, "2026-03-05T19:02:00Z");
    ana.end_meeting(&m, "A good first meeting.\nEveryone left with a next step.").unwrap();

    at(&ana_clock, "2026-03-05T19:30:00Z");
    let reflect = |store: &mut Store, prompt: Option<&str>, text: &str, shared: bool| {
        store
            .add_reflection(&ReflectionInput {
                meeting_id: Some(m.clone()),
                prompt: prompt.map(str::to_string),
                text: text.into(),
                shared,
                ..Default::default()
            })
            .unwrap()
            .id
    };
    let ana_private = reflect(&mut ana, None, ANA_PRIVATE, false);
    let ana_shared = reflect(&mut ana, Some("What am I grateful for?"), "Thank you all for the practice run.", true);
    at(&ben_clock, "2026-03-05T19:31:00Z"); // (a bundle stamped ahead of a laptop's clock is refused)
    deliver(&ana, &mut ben, &circle);

    at(&ben_clock, "2026-03-06T08:00:00Z");
    let ben_shared = reflect(&mut ben, Some("What did I learn?"), BEN_SHARED, true);
    let ben_private = reflect(&mut ben, None, BEN_PRIVATE, false);
    at(&ana_clock, "2026-03-10T12:00:00Z");
    deliver(&ben, &mut ana, &circle);
    Fixture {
        ana,
        ben,
        ana_clock,
        ben_clock,
        circle,
        me,
        ben_member,
        meeting: m,
        next: meetings[1].clone(),
        ana_private,
        ana_shared,
        ben_shared,
        ben_private,
    }
}

fn golden(name: &str, actual: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/minutes/golden").join(name);
    if std::env::var_os("KINSHIP_UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(actual, expected, "{name} differs from its golden file (KINSHIP_UPDATE_GOLDEN=1 rewrites it)");
}

#[test]
fn golden_markdown() {
    let f = fixture();
    golden("minutes.md", &f.ana.minutes(&f.meeting).unwrap().render("md").unwrap());
}

#[test]
fn golden_text() {
    let f = fixture();
    golden("minutes.txt", &f.ana.minutes(&f.meeting).unwrap().render("txt").unwrap());
}

#[test]
fn the_minutes_hold_what_was_recorded_and_no_private_words() {
    let f = fixture();
    let minutes = f.ana.minutes(&f.meeting).unwrap();
    let next_title = f.ana.meeting(&f.next).unwrap().title;
    let text = &minutes.text;
    for expected in [
        "Present: Ana Reyes, Ben Okafor",
        "Absent: Chi Nguyen",
        "Facilitator: Ana Reyes",
        "Note-taker: Chi Nguyen",
        "2. Job talk practice",
        "Member turn · Ana Reyes’s turn · Done",
        "End with a question for the committee.",
        "- Decision: Ana gives the talk on 20 March",
        "- Action: Share slides with the circle — Ana Reyes, due 19 March 2026",
        "- Action: Send the salary survey link — Ben Okafor",
        "4. Trouble with my supervisor [Stays in the circle]",
        "Talk to the ombudsperson.",
        "- Meet in Room 204 from now on",
        "- Book the room for April — Chi Nguyen, due 30 March 2026",
        &format!("- Conference proposals → {next_title}"),
        "Everyone left with a next step.",
        "Ben Okafor — What did I learn?",
        BEN_SHARED,
        "Ana Reyes — What am I grateful for?",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    let order: Vec<usize> = ["Opening round", "Job talk", "Negotiating", "Trouble", "Conference"]
        .iter()
        .map(|w| text.find(w).unwrap())
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "items in agenda order");
    assert!(text.find("What am I grateful").unwrap() < text.find("What did I learn").unwrap(), "oldest first");
    for format in ["md", "txt"] {
        let out = minutes.render(format).unwrap();
        assert!(!out.contains("ANA-PRIVATE") && !out.contains("BEN-PRIVATE"), "{format} holds a private reflection");
    }
    assert_eq!(minutes.subject, format!("Minutes: {}", minutes.meeting.title));
    assert_eq!(minutes.recipients, ["ben@college.edu", "chi@uni.edu"], "the others, not Ana herself");
}

#[test]
fn both_laptops_make_the_same_minutes() {
    let f = fixture();
    let (a, b) = (f.ana.minutes(&f.meeting).unwrap(), f.ben.minutes(&f.meeting).unwrap());
    assert_eq!(a.document, b.document);
    assert_eq!(b.recipients, ["ana@uni.edu", "chi@uni.edu"]);
}

#[test]
fn only_an_ended_meeting_has_minutes_and_formats_are_checked() {
    let f = fixture();
    let err = f.ana.minutes(&f.next).unwrap_err();
    assert_eq!(err.field(), Some("Meeting"));
    assert!(err.to_string().contains("end it first"), "{err}");
    assert_eq!(f.ana.minutes("not-an-id").unwrap_err().field(), Some("Meeting"));
    let minutes = f.ana.minutes(&f.meeting).unwrap();
    assert_eq!(minutes.render("pdf").unwrap_err().field(), Some("Format"));
}

#[test]
fn the_markdown_shows_member_text_as_text() {
    let f = fixture();
    let md = f.ana.minutes(&f.meeting).unwrap().render("md").unwrap();
    assert!(md.contains("### 3. Negotiating a \\<first\\> offer & salary\n"), "{md}");
    assert!(md.contains("\\- Ask for the salary band first  \n\\*Then\\* name a number"), "{md}");
    assert!(md.contains("### 4. Trouble with my supervisor \\[Stays in the circle\\]"), "{md}");
}
