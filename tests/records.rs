//! The mentoring record, calendar files, backups and restore, and the whole-data export and
//! import, through the `kinship` CLI as a person (or a script) runs it.

use crate::util::DataDir;
use serde_json::Value;

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// A circle with Ana and Ben, one meeting held (Ana's turn, Ben's turn, a confidential
/// topic, an action of Ana's) and a private reflection. Returns (circle, Ana's member id, meeting).
fn seeded(d: &DataDir) -> (String, String, String) {
    let circle = d.with_circle();
    let ben = d.ok(&["member", "add", "--circle", &circle, "--name", "Ben Okafor", "--email", "ben@college.edu"]);
    let members = json(&d.ok(&["--json", "member", "list", "--circle", &circle]));
    let me = members.as_array().unwrap().iter().find(|m| !m["person_id"].is_null()).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let meeting = d.ok(&[
        "meeting",
        "create",
        "--circle",
        &circle,
        "--starts-at",
        "2026-03-05T18:00:00Z",
        "--minutes",
        "90",
        "--place",
        "Room 204",
    ]);
    d.ok(&[
        "agenda",
        "add",
        "--meeting",
        &meeting,
        "--title",
        "Job talk practice",
        "--kind",
        "member_turn",
        "--member",
        &me,
    ]);
    d.ok(&[
        "agenda",
        "add",
        "--meeting",
        &meeting,
        "--title",
        "Salary <talk>",
        "--kind",
        "member_turn",
        "--member",
        &ben,
    ]);
    d.ok(&["agenda", "add", "--meeting", &meeting, "--title", "SECRET-TOPIC", "--confidential"]);
    d.ok(&["action", "add", "--meeting", &meeting, "--text", "Share slides", "--owner", &me]);
    d.ok(&["meeting", "roles", "--meeting", &meeting, "--facilitator", &me]);
    d.ok(&["meeting", "start", "--meeting", &meeting]);
    d.ok(&["meeting", "next", "--meeting", &meeting]);
    d.ok(&["meeting", "next", "--meeting", &meeting]);
    d.ok(&["meeting", "end", "--meeting", &meeting]);
    d.ok(&["reflect", "--meeting", &meeting, "--text", "PRIVATE-WORDS about my nerves"]);
    (circle, me, meeting)
}

#[test]
fn a_record_in_each_format_without_private_reflections_or_confidential_titles() {
    let d = DataDir::new();
    let (_, me, _) = seeded(&d);
    let md =
        d.ok(&["record", "--member", &me, "--from", "2026-01-01", "--to", "2026-12-31", "--narrative", "My service."]);
    assert!(md.contains("# Service: peer mentoring — Ana Reyes"), "{md}");
    assert!(md.contains("| Meetings attended | 1 |") && md.contains("| Times facilitator | 1 |"), "{md}");
    assert!(md.contains("| Own turns taken | 1 |") && md.contains("| Colleagues’ turns supported | 1 |"), "{md}");
    assert!(md.contains("My service."));
    let by_kind = d.ok(&["record", "--member", &me, "--confidential", "kind"]);
    assert!(by_kind.contains("(stays in the circle)"), "{by_kind}");
    for out in [&md, &by_kind] {
        assert!(!out.contains("PRIVATE-WORDS") && !out.contains("SECRET-TOPIC"), "{out}");
    }

    let csv = d.path().join("record.csv");
    let said = d.ok(&["record", "--member", &me, "--format", "csv", "--out", csv.to_str().unwrap()]);
    assert!(said.starts_with("Saved to"), "{said}");
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(
        text.starts_with("section,date,item,detail,value\n") && text.contains("summary,,Commitments made,,1"),
        "{text}"
    );
    let again = d.fails(&["record", "--member", &me, "--format", "csv", "--out", csv.to_str().unwrap()]);
    assert!(again.contains("already exists"), "never overwrites: {again}");

    let html = d.ok(&["record", "--member", &me, "--format", "html"]);
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("Salary &lt;talk&gt;"), "{html}");
    let reflections = json(&d.ok(&["--json", "reflection", "list"]));
    let picked = reflections[0]["id"].as_str().unwrap();
    let with = d.ok(&["record", "--member", &me, "--reflection", picked]);
    assert!(with.contains("PRIVATE-WORDS"), "a picked reflection is included: {with}");

    let bad = d.fails(&["record", "--member", &me, "--format", "pdf"]);
    assert!(bad.contains("use md, csv or html"), "{bad}");
    let bad = d.fails(&["record", "--member", &me, "--from", "March"]);
    assert!(bad.contains("From"), "{bad}");
}

#[test]
fn calendar_files_for_a_meeting_and_a_circle() {
    let d = DataDir::new();
    let (circle, _, meeting) = seeded(&d);
    let one = d.path().join("meeting.ics");
    d.ok(&["calendar", "--meeting", &meeting, "--out", one.to_str().unwrap()]);
    let ics = std::fs::read_to_string(&one).unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"), "{ics}");
    assert!(ics.contains(&format!("UID:{meeting}@kinship")), "{ics}");
    assert!(ics.contains("DTSTART:20260305T180000Z") && ics.contains("LOCATION:Room 204"), "{ics}");
    assert!(!ics.contains("SECRET-TOPIC") && !ics.contains("PRIVATE-WORDS"), "{ics}");
    let all = d.path().join("circle.ics");
    d.ok(&["calendar", "--circle", &circle, "--out", all.to_str().unwrap()]);
    assert!(std::fs::read_to_string(&all).unwrap().contains(&format!("UID:{meeting}@kinship")));
    let neither = d.fails(&["calendar", "--out", "x.ics"]);
    assert!(neither.contains("--meeting") || neither.contains("required"), "{neither}");
}

#[test]
fn a_meeting_link_goes_into_its_calendar_file() {
    let d = DataDir::new();
    let circle = d.with_circle();
    let meeting =
        d.ok(&["meeting", "create", "--circle", &circle, "--starts-at", "2026-03-05T18:00:00Z", "--place", "Room 204"]);
    let link = "https://meet.example.org/early-career";
    d.ok(&["meeting", "edit", "--meeting", &meeting, "--link", link]);
    let file = d.path().join("with-link.ics");
    d.ok(&["calendar", "--meeting", &meeting, "--out", file.to_str().unwrap()]);
    let ics = std::fs::read_to_string(&file).unwrap();
    assert!(ics.contains(&format!("\r\nURL:{link}\r\n")), "{ics}");
    let unfolded = ics.replace("\r\n ", "");
    assert!(unfolded.contains(&format!("Join: {link}")), "the description carries it for apps that ignore URL: {ics}");
    assert!(ics.contains("LOCATION:Room 204"), "the place stays the location: {ics}");
}

#[test]
fn backup_list_and_restore_bring_back_the_same_data() {
    let d = DataDir::new();
    let (circle, _, _) = seeded(&d);
    let before = d.ok(&["dump", "--circle", &circle]);
    let made = json(&d.ok(&["--json", "backup"]));
    let path = made["path"].as_str().unwrap().to_string();
    assert!(path.contains("backups"), "{path}");
    d.ok(&["circle", "edit", "--circle", &circle, "--name", "Renamed"]);
    let list = d.ok(&["backup", "--list"]);
    assert!(list.contains("1 circle, 1 meeting, 1 reflection"), "{list}");
    assert!(!list.contains("PRIVATE-WORDS"));
    let said = d.ok(&["restore", &path]);
    assert!(said.contains("just before"), "{said}");
    assert_eq!(d.ok(&["dump", "--circle", &circle]), before);
    let junk = d.path().join("junk.sqlite3");
    std::fs::write(&junk, "not a database, only words and more words to fill it up").unwrap();
    let err = d.fails(&["restore", junk.to_str().unwrap()]);
    assert!(err.contains("not a Kinship backup"), "{err}");
    assert_eq!(d.ok(&["dump", "--circle", &circle]), before, "a refused restore changes nothing");
}

#[test]
fn export_imports_into_a_fresh_install_and_only_there() {
    let d = DataDir::new();
    let (circle, _, _) = seeded(&d);
    let file = d.path().join("all.json");
    d.ok(&["data", "export", "--out", file.to_str().unwrap()]);
    let md = d.path().join("all.md");
    d.ok(&["data", "export", "--markdown", "--out", md.to_str().unwrap()]);
    assert!(std::fs::read_to_string(&md).unwrap().contains("PRIVATE-WORDS"), "it is the person's own file");

    let fresh = DataDir::new();
    let said = fresh.ok(&["data", "import", file.to_str().unwrap()]);
    assert!(said.contains("Imported 1 circle, 1 meeting, 1 reflection and 0 goals"), "{said}");
    assert_eq!(fresh.ok(&["dump", "--circle", &circle]), d.ok(&["dump", "--circle", &circle]));
    assert!(fresh.ok(&["reflection", "list"]).contains("PRIVATE-WORDS"));

    let err = d.fails(&["data", "import", file.to_str().unwrap()]);
    assert!(err.contains("fresh install"), "{err}");
    let other = DataDir::new();
    let err = other.fails(&["data", "import", md.to_str().unwrap()]);
    assert!(err.contains("not JSON"), "{err}");
}
