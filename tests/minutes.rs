//! A meeting's minutes through the `kinship` CLI: each format against its golden file, a
//! file written once and only for its owner, and minutes refused for a meeting not ended.
//! `KINSHIP_UPDATE_GOLDEN=1 cargo test --test tests minutes` rewrites the goldens.

use crate::util::DataDir;
use serde_json::Value;

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

fn golden(name: &str, actual: &str) {
    let path = crate::util::repo_root().join("tests/fixtures/minutes").join(name);
    if std::env::var_os("KINSHIP_UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(actual, expected, "{name} differs from its golden file (KINSHIP_UPDATE_GOLDEN=1 rewrites it)");
}

/// Ana's circle with Ben and Chi, a meeting held with notes, decisions and action items on
/// its items, a confidential item, one carried to the next meeting, and two reflections of
/// Ana's (one private, one shared). Returns (the meeting held, the next one).
fn held(d: &DataDir) -> (String, String) {
    let circle = d.with_circle();
    let add = |name: &str, email: &str| d.ok(&["member", "add", "--circle", &circle, "--name", name, "--email", email]);
    let ben = add("Ben Okafor", "ben@college.edu");
    let chi = add("Chi Nguyen", "chi@uni.edu");
    let me = json(&d.ok(&["--json", "circle", "show", "--circle", &circle]))["me"].as_str().unwrap().to_string();
    let ids = d.ok(&[
        "meeting",
        "create",
        "--circle",
        &circle,
        "--starts-at",
        "2026-03-05T18:00:00Z",
        "--minutes",
        "60",
        "--place",
        "Room 204",
        "--count",
        "2",
    ]);
    let (meeting, next) = ids.split_once('\n').unwrap();
    let item = |title: &str, extra: &[&str]| {
        let mut args = vec!["agenda", "add", "--meeting", meeting, "--title", title];
        args.extend_from_slice(extra);
        d.ok(&args)
    };
    let job = item("Job talk practice", &["--kind", "member_turn", "--member", &me]);
    let salary = item("Salary <talk>", &["--kind", "member_turn", "--member", &ben]);
    item("SECRET-TOPIC", &["--confidential"]);
    item("Conference proposals", &[]);
    d.ok(&["meeting", "roles", "--meeting", meeting, "--facilitator", &me, "--note-taker", &chi]);
    d.ok(&["meeting", "start", "--meeting", meeting, "--present", &format!("{me},{ben}")]);
    d.ok(&["agenda", "edit", "--item", &job, "--notes", "Slow down on the methods slide.\nEnd with a question."]);
    d.ok(&["decision", "add", "--meeting", meeting, "--item", &job, "--text", "Ana gives the talk on 20 March"]);
    let share = ["--text", "Share slides", "--owner", &me, "--due", "2026-03-19", "--item", &job];
    d.ok(&[&["action", "add", "--meeting", meeting][..], &share].concat());
    d.ok(&["meeting", "next", "--meeting", meeting]);
    d.ok(&["agenda", "edit", "--item", &salary, "--notes=- Ask for the band first"]);
    d.ok(&["meeting", "next", "--meeting", meeting]);
    d.ok(&["meeting", "next", "--meeting", meeting]);
    d.ok(&["meeting", "carry", "--meeting", meeting]);
    d.ok(&["decision", "add", "--meeting", meeting, "--text", "Meet in Room 204 from now on"]);
    d.ok(&["meeting", "end", "--meeting", meeting, "--summary", "A good first meeting."]);
    d.ok(&["reflect", "--meeting", meeting, "--text", "PRIVATE-WORDS about my nerves"]);
    let grateful = ["--prompt", "What am I grateful for?", "--text", "Thank you all.", "--share"];
    d.ok(&[&["reflect", "--meeting", meeting][..], &grateful].concat());
    (meeting.to_string(), next.to_string())
}

#[test]
fn minutes_in_each_format_match_their_golden_files() {
    let d = DataDir::new();
    let (meeting, _) = held(&d);
    let md = d.ok(&["minutes", "--meeting", &meeting]);
    assert_eq!(md, d.ok(&["minutes", "--meeting", &meeting, "--format", "md"]), "Markdown is the default");
    golden("minutes.md", &format!("{md}\n"));
    let txt = d.ok(&["minutes", "--meeting", &meeting, "--format", "txt"]);
    golden("minutes.txt", &format!("{txt}\n"));
    for out in [&md, &txt] {
        assert!(!out.contains("PRIVATE-WORDS"), "a private reflection is never in the minutes: {out}");
        assert!(out.contains("SECRET-TOPIC") && out.contains("Stays in the circle"), "labelled, not hidden: {out}");
    }
    let as_json = json(&d.ok(&["--json", "minutes", "--meeting", &meeting]));
    assert_eq!(as_json["text"].as_str().unwrap().trim_end(), txt);
    assert_eq!(as_json["recipients"], serde_json::json!(["ben@college.edu", "chi@uni.edu"]));
}

#[test]
fn minutes_are_saved_once_for_their_owner_only() {
    let d = DataDir::new();
    let (meeting, _) = held(&d);
    let file = d.path().join("minutes.md");
    let path = file.to_str().unwrap();
    let said = d.ok(&["minutes", "--meeting", &meeting, "--out", path]);
    assert_eq!(said, format!("Saved to {path}"));
    let saved = std::fs::read_to_string(&file).unwrap();
    assert_eq!(saved.trim_end(), d.ok(&["minutes", "--meeting", &meeting]));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let again = d.fails(&["minutes", "--meeting", &meeting, "--out", path]);
    assert!(again.contains("already exists"), "never overwrites: {again}");
}

#[test]
fn minutes_need_an_ended_meeting_and_a_known_format() {
    let d = DataDir::new();
    let (meeting, next) = held(&d);
    let err = d.fails(&["minutes", "--meeting", &next]);
    assert!(err.contains("minutes are made when a meeting ends"), "{err}");
    let err = d.fails(&["minutes", "--meeting", &meeting, "--format", "pdf"]);
    assert!(err.contains("md") && err.contains("txt"), "{err}");
}
