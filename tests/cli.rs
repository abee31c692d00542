use crate::util::DataDir;
use serde_json::Value;

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

#[test]
fn init_create_and_list_a_circle() {
    let d = DataDir::new();
    let out = d.ok(&["init", "--name", "Ana Reyes", "--email", "ana@uni.edu", "--pronouns", "she/her"]);
    assert!(out.contains("Welcome, Ana Reyes"), "{out}");
    let id = d.ok(&["circle", "create", "Archivists of color", "--purpose", "Support each other"]);
    assert_eq!(id.len(), 36, "circle create prints the new id: {id}");
    let list = d.ok(&["circle", "list"]);
    assert!(list.contains(&id) && list.contains("Archivists of color") && list.contains("1 member,"), "{list}");
    let listed = json(&d.ok(&["--json", "circle", "list"]));
    assert_eq!(listed[0]["id"], id.as_str());
    assert_eq!(listed[0]["purpose"], "Support each other");
    assert_eq!(listed[0]["member_count"], 1);
}

#[test]
fn a_whole_meeting_round_trips_through_the_cli_and_dump() {
    let d = DataDir::new();
    let circle = d.with_circle();
    let ben = d.ok(&["member", "add", "--circle", &circle, "--name", "Ben Okafor", "--email", "ben@college.edu"]);
    let meeting = d.ok(&[
        "meeting",
        "create",
        "--circle",
        &circle,
        "--starts-at",
        "2026-03-05T13:00:00-05:00",
        "--minutes",
        "90",
    ]);
    let item = d.ok(&[
        "agenda",
        "add",
        "--meeting",
        &meeting,
        "--title",
        "Job talk practice",
        "--minutes",
        "20",
        "--kind",
        "member turn",
    ]);
    let action = d.ok(&[
        "action",
        "add",
        "--meeting",
        &meeting,
        "--text",
        "Share slides",
        "--owner",
        &ben,
        "--due",
        "2026-03-19",
    ]);
    d.ok(&["reflect", "--meeting", &meeting, "--text", "I was nervous; PRIVATE-7f3a"]);
    d.ok(&["reflect", "--meeting", &meeting, "--text", "Thank you all; SHARED-91c2", "--share"]);

    let dump = d.ok(&["dump", "--circle", &circle]);
    assert_eq!(dump, d.ok(&["dump", "--circle", &circle]), "dump is stable");
    let v = json(&dump);
    assert_eq!(v["format"], "kinship-dump/1");
    assert_eq!(v["members"].as_array().unwrap().len(), 2);
    assert_eq!(v["meetings"][0]["starts_at"], "2026-03-05T18:00:00Z");
    assert_eq!(v["meetings"][0]["minutes"], 90);
    assert_eq!(v["agenda_items"][0]["id"], item.as_str());
    assert_eq!(v["agenda_items"][0]["kind"], "member_turn");
    assert_eq!(v["action_items"][0]["id"], action.as_str());
    assert_eq!(v["action_items"][0]["owner_id"], ben.as_str());
    assert!(dump.contains("SHARED-91c2"));
    assert!(!dump.contains("PRIVATE-7f3a"), "a private reflection must never be in a dump");

    let members = &v["members"].as_array().unwrap();
    let ids: Vec<&str> = members.iter().map(|m| m["id"].as_str().unwrap()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "records are sorted by id");
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert!(dump.starts_with("{\"action_items\""), "keys are sorted: {keys:?}");

    let listed = d.ok(&["agenda", "list", "--meeting", &meeting]);
    assert!(listed.contains("Job talk practice") && listed.contains("20 min"), "{listed}");
}

#[test]
fn the_data_folder_can_come_from_the_environment() {
    let d = DataDir::new();
    let out = std::process::Command::new(crate::util::kinship_bin())
        .args(["init", "--name", "Ana", "--email", "ana@uni.edu"])
        .env("KINSHIP_DATA_DIR", d.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(d.path().join("kinship.sqlite3").exists());
    assert!(d.fails(&["init", "--name", "Ana", "--email", "ana@uni.edu"]).contains("already set up"));
}

#[test]
fn bad_input_gets_a_clear_error_and_changes_nothing() {
    let d = DataDir::new();
    let no_identity = d.fails(&["circle", "create", "Too soon"]);
    assert!(no_identity.contains("kinship init"), "says what to do first: {no_identity}");

    let circle = d.with_circle();
    let meeting = d.ok(&["meeting", "create", "--circle", &circle, "--starts-at", "2026-03-05T18:00:00Z"]);
    let before = d.ok(&["dump", "--circle", &circle]);

    let cases: &[(&[&str], &str)] = &[
        (&["circle", "create", "   "], "Circle name cannot be empty"),
        (&["member", "add", "--circle", &circle, "--name", "Ben", "--email", "ben"], "does not look like an email"),
        (&["member", "add", "--circle", "not-an-id", "--name", "Ben", "--email", "ben@x.org"], "is not an id"),
        (
            &["member", "add", "--circle", "01934d6e-0000-7000-8000-000000000000", "--name", "B", "--email", "b@x.org"],
            "No circle with id",
        ),
        (
            &["meeting", "create", "--circle", &circle, "--starts-at", "next tuesday"],
            "write it like 2026-03-05T18:00:00Z",
        ),
        (
            &["meeting", "create", "--circle", &circle, "--starts-at", "2026-03-05T18:00:00Z", "--minutes", "-30"],
            "not a usable length",
        ),
        (&["agenda", "add", "--meeting", &meeting, "--title", ""], "Title cannot be empty"),
        (&["agenda", "add", "--meeting", &meeting, "--title", "T", "--minutes", "100000"], "Timebox is not valid"),
        (&["agenda", "add", "--meeting", &meeting, "--title", "T", "--kind", "party"], "is not one of"),
        (&["action", "add", "--meeting", &meeting, "--text", "Do it", "--due", "2026-02-01"], "before the meeting"),
        (&["action", "add", "--meeting", &meeting, "--text", "Do it", "--due", "March"], "write it like 2026-03-19"),
        (&["reflect", "--text", "To all", "--share"], "only be shared with a circle"),
    ];
    for (args, expected) in cases {
        let err = d.fails(args);
        assert!(err.contains(expected), "`kinship {}` should say {expected:?}, said: {err}", args.join(" "));
    }
    let huge = "x".repeat(60_000);
    let err = d.fails(&["reflect", "--meeting", &meeting, "--text", &huge]);
    assert!(err.contains("60000 characters") && err.contains("limit is 50000"), "{err}");
    assert_eq!(d.ok(&["dump", "--circle", &circle]), before, "nothing was written by any failed command");
}

#[test]
fn errors_are_json_on_stderr_with_a_stable_code_under_json() {
    let d = DataDir::new();
    d.with_circle();
    let err = json(&d.fails(&[
        "--json",
        "meeting",
        "create",
        "--circle",
        "01934d6e-0000-7000-8000-000000000000",
        "--starts-at",
        "2026-03-05T18:00:00Z",
    ]));
    assert_eq!(err["code"], "not_found");
    assert!(err["message"].as_str().unwrap().contains("01934d6e-0000-7000-8000-000000000000"));
    assert_eq!(err["field"], Value::Null, "not about one input: {err}");
}

#[test]
fn a_meeting_runs_from_a_template_to_its_end_and_carries_what_was_left() {
    let d = DataDir::new();
    let circle = d.with_circle();
    let ben = d.ok(&["member", "add", "--circle", &circle, "--name", "Ben Okafor", "--email", "ben@college.edu"]);
    let series =
        d.ok(&["meeting", "create", "--circle", &circle, "--starts-at", "2026-01-13T18:00:00Z", "--count", "2"]);
    let ids: Vec<&str> = series.lines().collect();
    let (first, second) = (ids[0], ids[1]);
    assert_eq!(
        json(&d.ok(&["--json", "meeting", "list", "--circle", &circle]))[1]["starts_at"],
        "2026-02-10T18:00:00Z"
    );

    let templates = d.ok(&["template", "list", "--circle", &circle]);
    assert!(templates.contains("builtin:check-in") && templates.contains("Member turns"), "{templates}");
    let applied = d.ok(&["template", "apply", "--meeting", first, "--template", "builtin:member-turns"]);
    assert!(applied.contains("Ana Reyes’s turn") && applied.contains("Ben Okafor’s turn"), "{applied}");
    let listed = d.ok(&["agenda", "list", "--meeting", first]);
    // Its 30 minutes stretch to the meeting's 60: 10, 20 and 20, 10.
    assert!(listed.contains("timeboxes: 60 of 60 minutes") && listed.contains("20 min  member_turn"), "{listed}");

    let roles = d.ok(&["meeting", "roles", "--meeting", first, "--suggest"]);
    assert!(roles.contains("facilitator: ") && !roles.contains("-\n"), "{roles}");

    let started = d.ok(&["meeting", "start", "--meeting", first, "--present", &ben]);
    assert!(started.contains("> 1. Opening round") && started.contains("timer: "), "{started}");
    let running = json(&d.ok(&["--json", "meeting", "show", "--meeting", first]));
    let present: Vec<bool> =
        running["attendance"].as_array().unwrap().iter().map(|a| a["present"].as_bool().unwrap()).collect();
    assert_eq!(present.iter().filter(|p| **p).count(), 1, "only Ben was marked present");

    d.ok(&["meeting", "next", "--meeting", first]);
    d.ok(&["meeting", "carry", "--meeting", first]);
    d.ok(&["decision", "add", "--meeting", first, "--text", "Meet in person in March"]);
    d.ok(&["meeting", "pause", "--meeting", first]);
    assert!(d.fails(&["meeting", "pause", "--meeting", first]).contains("already paused"));
    let ended = d.ok(&["meeting", "end", "--meeting", first, "--summary", "Good first meeting"]);
    assert!(ended.contains("decision: Meet in person in March"), "{ended}");
    assert!(ended.contains("carried over: Ana Reyes’s turn"), "{ended}");
    assert!(ended.contains("next meeting: 2026-02-10T18:00:00Z"), "{ended}");
    assert!(d.fails(&["meeting", "end", "--meeting", first]).contains("already ended"));

    let next_agenda = d.ok(&["agenda", "list", "--meeting", second]);
    assert!(next_agenda.contains("Ana Reyes’s turn") && next_agenda.contains("(carried over)"), "{next_agenda}");
    assert!(d.fails(&["agenda", "add", "--meeting", first, "--title", "Late"]).contains("has ended"));
}

#[test]
fn reordering_past_the_end_says_how_many_places_there_are() {
    let d = DataDir::new();
    let circle = d.with_circle();
    let m = d.ok(&["meeting", "create", "--circle", &circle, "--starts-at", "2026-01-13T18:00:00Z"]);
    let a = d.ok(&["agenda", "add", "--meeting", &m, "--title", "A"]);
    d.ok(&["agenda", "add", "--meeting", &m, "--title", "B"]);
    assert_eq!(d.ok(&["agenda", "reorder", "--item", &a, "--position", "2"]), "1. B\n2. A");
    let err = d.fails(&["agenda", "reorder", "--item", &a, "--position", "7"]);
    assert!(err.contains("7 is past the end: this agenda has places 1 to 2"), "{err}");
}

#[test]
fn private_things_stay_out_of_the_dump_and_search_finds_notes() {
    let d = DataDir::new();
    let circle = d.with_circle();
    let m = d.ok(&["meeting", "create", "--circle", &circle, "--starts-at", "2026-01-13T18:00:00Z"]);
    let item = d.ok(&["agenda", "add", "--meeting", &m, "--title", "Portfolio review"]);
    d.ok(&["agenda", "edit", "--item", &item, "--notes", "Consider the digital humanities angle"]);
    let private = d.ok(&["reflect", "--meeting", &m, "--text", "I doubt myself, PRIVATE-c0ffee"]);
    d.ok(&["goal", "add", "--circle", &circle, "--text", "Private goal GOAL-beef"]);
    let shared_goal = d.ok(&["goal", "add", "--circle", &circle, "--text", "Lead a workshop", "--share"]);
    d.ok(&["goal", "note", "--goal", &shared_goal, "--text", "Proposal sent"]);
    d.ok(&[
        "resource",
        "add",
        "--circle",
        &circle,
        "--title",
        "ACRL 2027 CFP",
        "--kind",
        "conference",
        "--deadline",
        "2027-01-15",
        "--url",
        "https://acrl.example.org/cfp",
    ]);

    let dump = d.ok(&["dump", "--circle", &circle]);
    assert!(!dump.contains("PRIVATE-c0ffee") && !dump.contains("GOAL-beef"), "private text leaked into dump");
    assert!(dump.contains("Lead a workshop") && dump.contains("ACRL 2027 CFP") && dump.contains("digital humanities"));

    let hits = d.ok(&["search", "humanit"]);
    let lines: Vec<&str> = hits.lines().collect();
    assert_eq!(
        lines,
        [
            "Talking point: Portfolio review",
            "  in Early-career librarians · Early-career librarians meeting, 13 January 2026 (2026-01-13)",
            "  Consider the digital [humanities] angle",
            &format!("  id {item}"),
        ],
        "{hits}"
    );
    let full = json(&d.ok(&["--json", "search", "humanit"]));
    assert_eq!(full[0]["record_id"], item.as_str());
    assert_eq!(full[0]["meeting_id"], m.as_str());
    assert_eq!(full[0]["circle_name"], "Early-career librarians");
    assert_eq!(full[0]["meeting_starts_at"], "2026-01-13T18:00:00Z");
    let board = d.ok(&["search", "ACRL", "--circle", &circle]);
    assert!(board.starts_with("Resource: ACRL 2027 CFP\n  in Early-career librarians\n"), "{board}");
    assert_eq!(d.ok(&["search", "zeppelin"]), "Nothing found for “zeppelin”.");
    assert!(d.ok(&["search", "doubt"]).contains(&private), "one's own private reflection is searchable locally");

    assert_eq!(d.ok(&["reflection", "share", "--reflection", &private]), "shared");
    assert!(d.ok(&["dump", "--circle", &circle]).contains("PRIVATE-c0ffee"));
    assert_eq!(d.ok(&["reflection", "share", "--reflection", &private, "--private"]), "private");
    assert!(!d.ok(&["dump", "--circle", &circle]).contains("PRIVATE-c0ffee"), "made private again");
}

#[test]
fn a_member_who_leaves_is_listed_as_left_and_keeps_their_actions() {
    let d = DataDir::new();
    let circle = d.with_circle();
    let ben = d.ok(&["member", "add", "--circle", &circle, "--name", "Ben", "--email", "ben@x.org"]);
    let m = d.ok(&["meeting", "create", "--circle", &circle, "--starts-at", "2026-01-13T18:00:00Z"]);
    let action = d.ok(&["action", "add", "--meeting", &m, "--text", "Send the syllabus", "--owner", &ben]);
    let out = d.ok(&["member", "remove", "--circle", &circle, "--member", &ben]);
    assert!(out.contains("history stays"), "{out}");
    assert!(d.ok(&["member", "list", "--circle", &circle]).contains("Ben <ben@x.org>  member  (left)"));
    assert!(d.ok(&["action", "list", "--meeting", &m]).contains(&action));
    assert_eq!(d.ok(&["action", "done", "--action", &action]), "done");
    assert!(d.fails(&["member", "remove", "--circle", &circle, "--member", &ben]).contains("already left"));
}

#[test]
fn a_member_is_removed_only_from_their_own_circle() {
    let d = DataDir::new();
    let circle = d.with_circle();
    let other = d.ok(&["circle", "create", "Writing group"]);
    let ben = d.ok(&["member", "add", "--circle", &other, "--name", "Ben", "--email", "ben@x.org"]);
    let err = json(&d.fails(&["--json", "member", "remove", "--circle", &circle, "--member", &ben]));
    assert_eq!(err["code"], "invalid");
    assert_eq!(err["field"], "Member");
    assert!(err["message"].as_str().unwrap().contains("Ben is not a member of Early-career librarians"), "{err}");
    assert!(!d.ok(&["member", "list", "--circle", &other]).contains("(left)"), "Ben is still in the writing group");
}

#[test]
fn meeting_edit_changes_only_the_details_given() {
    let d = DataDir::new();
    let circle = d.with_circle();
    let meeting =
        d.ok(&["meeting", "create", "--circle", &circle, "--starts-at", "2026-03-05T18:00:00Z", "--place", "Room 204"]);
    let out = d.ok(&["meeting", "edit", "--meeting", &meeting, "--title", "Tenure files", "--minutes", "90"]);
    assert_eq!(out, meeting, "meeting edit prints the meeting's id");
    let edited =
        json(&d.ok(&["--json", "meeting", "edit", "--meeting", &meeting, "--starts-at", "2026-03-05T14:00:00-05:00"]));
    assert_eq!(edited["title"], "Tenure files");
    assert_eq!(edited["starts_at"], "2026-03-05T19:00:00Z");
    assert_eq!(edited["minutes"], 90);
    assert_eq!(edited["place"], "Room 204", "a detail not given stays as it was");
    let err = d.fails(&["meeting", "edit", "--meeting", &meeting, "--minutes", "0"]);
    assert!(err.contains("Length") && err.contains("0 minutes"), "{err}");
    let cleared = json(&d.ok(&["--json", "meeting", "edit", "--meeting", &meeting, "--place", ""]));
    assert_eq!(cleared["place"], Value::Null, "an empty place clears it");
    assert_eq!(cleared["minutes"], 90, "the refused edit changed nothing");
}

#[test]
fn a_meeting_link_must_be_a_web_address_and_an_empty_one_clears_it() {
    let d = DataDir::new();
    let circle = d.with_circle();
    let link = "https://meet.example.org/abc";
    let meeting =
        d.ok(&["meeting", "create", "--circle", &circle, "--starts-at", "2026-03-05T18:00:00Z", "--link", link]);
    let err = d.fails(&["meeting", "edit", "--meeting", &meeting, "--link", "javascript:alert(1)"]);
    assert!(err.contains("Link must start with https:// or http://"), "{err}");
    let listed = json(&d.ok(&["--json", "meeting", "list", "--circle", &circle]));
    assert_eq!(listed[0]["link"], link, "the refused link changed nothing");
    let moved =
        json(&d.ok(&["--json", "meeting", "edit", "--meeting", &meeting, "--link", "http://call.example.org/x"]));
    assert_eq!(moved["link"], "http://call.example.org/x");
    let cleared = json(&d.ok(&["--json", "meeting", "edit", "--meeting", &meeting, "--link", ""]));
    assert_eq!(cleared["link"], Value::Null);
    let err = d.fails(&[
        "meeting",
        "create",
        "--circle",
        &circle,
        "--starts-at",
        "2026-04-05T18:00:00Z",
        "--link",
        "ftp://x.org",
    ]);
    assert!(err.contains("Link must start with https:// or http://"), "{err}");
}
