use crate::util::{recipients_and_attachment, DataDir, FakeMailApp};
use serde_json::Value;
use std::path::Path;

const PASS: (&str, &str) = ("KINSHIP_PASSPHRASE", "river lantern autumn");

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// Row counts of every table in a data folder's database: compared before and after a
/// refused import, beside the dump, to prove nothing at all was written.
pub(crate) fn row_counts(dir: &DataDir) -> Vec<(String, i64)> {
    let conn = rusqlite::Connection::open(dir.path().join("kinship.sqlite3")).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'search_index%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    tables
        .into_iter()
        .map(|t| {
            let n = conn.query_row(&format!("SELECT count(*) FROM \"{t}\""), [], |r| r.get(0)).unwrap();
            (t, n)
        })
        .collect()
}

fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The id of the member called `name`, as `dir`'s laptop knows them.
pub(crate) fn member_id(dir: &DataDir, circle: &str, name: &str) -> String {
    let members = json(&dir.ok(&["--json", "member", "list", "--circle", circle]));
    let member = members.as_array().unwrap().iter().find(|m| m["name"] == name).unwrap();
    member["id"].as_str().unwrap().to_string()
}

/// `from` exports what others may lack to `name` among `files`; `to` imports it and says what.
fn send(from: &DataDir, to: &DataDir, circle: &str, files: &DataDir, name: &str) -> String {
    let file = files.path().join(name);
    from.ok(&["export", "--circle", circle, "--out", path_str(&file)]);
    to.ok(&["import", path_str(&file)])
}

/// Ana's laptop with a circle and a meeting, and Ben's laptop joined through an invite
/// and heard from once. Returns (ana, ben, circle, meeting, a scratch folder for files).
pub(crate) fn ana_and_ben() -> (DataDir, DataDir, String, String, DataDir) {
    let (ana, ben, files) = (DataDir::new(), DataDir::new(), DataDir::new());
    let circle = ana.with_circle();
    let meeting =
        ana.ok(&["meeting", "create", "--circle", &circle, "--starts-at", "2026-12-08T18:00:00Z", "--minutes", "60"]);
    ana.ok(&["agenda", "add", "--meeting", &meeting, "--title", "Job talk nerves"]);
    let invite = files.path().join("ben.kinship");
    let made = ana
        .run_with_env(
            &[
                "invite",
                "--circle",
                &circle,
                "--name",
                "Ben Okafor",
                "--email",
                "ben@uni.edu",
                "--out",
                path_str(&invite),
            ],
            &[PASS],
        )
        .success();
    assert!(made.contains("tell them the passphrase"), "{made}");

    let wrong = ben.run_with_env(&["join", path_str(&invite)], &[("KINSHIP_PASSPHRASE", "wrong words here")]).failure();
    assert!(wrong.contains("Passphrase is not valid"), "{wrong}");
    assert!(!ben.path().join("kinship.sqlite3").exists() || row_counts(&ben).iter().all(|(_, n)| *n <= 1));
    let joined = ben.run_with_env(&["join", path_str(&invite)], &[PASS]).success();
    assert!(joined.contains("You joined Early-career librarians (invited by Ana Reyes)"), "{joined}");

    let first = files.path().join("ben-first.kinship");
    ben.ok(&["export", "--circle", &circle, "--out", path_str(&first)]);
    ana.ok(&["import", path_str(&first)]);
    (ana, ben, circle, meeting, files)
}

#[test]
fn a_new_member_reads_the_circle_at_once_and_is_told_to_send_hello() {
    let (ana, chen, files) = (DataDir::new(), DataDir::new(), DataDir::new());
    let circle = ana.with_circle();
    let meeting =
        ana.ok(&["meeting", "create", "--circle", &circle, "--starts-at", "2026-12-08T18:00:00Z", "--minutes", "60"]);
    let invite = files.path().join("chen.kinship");
    let args = ["invite", "--circle", &circle, "--name", "Chen Wu", "--email", "chen@uni.edu", "--out"];
    ana.run_with_env(&[&args[..], &[path_str(&invite)]].concat(), &[PASS]).success();
    let joined = chen.run_with_env(&["join", path_str(&invite)], &[PASS]).success();
    assert!(joined.contains("You joined Early-career librarians (invited by Ana Reyes)"), "{joined}");

    // Ana shares before anything of Chen's reached her: Chen imports it and sees her agenda.
    ana.ok(&["agenda", "add", "--meeting", &meeting, "--title", "Chen's first question"]);
    let from_ana = files.path().join("from-ana.kinship");
    let shared = json(&ana.ok(&["--json", "export", "--circle", &circle, "--out", path_str(&from_ana)]));
    assert_eq!(shared["to"], serde_json::json!(["chen@uni.edu"]));
    let imported = chen.ok(&["import", path_str(&from_ana)]);
    assert!(imported.contains("From Ana Reyes"), "{imported}");
    assert!(chen.ok(&["agenda", "list", "--meeting", &meeting]).contains("Chen's first question"));

    // The join said what to run next; run it as printed (into the scratch folder).
    let next = joined.lines().find(|l| l.trim_start().starts_with("kinship export")).expect(&joined).trim();
    let hello = files.path().join("hello.kinship");
    let printed: Vec<&str> = next.split_whitespace().skip(1).collect();
    assert_eq!(printed, ["export", "--circle", &circle, "--out", "hello.kinship"], "{joined}");
    chen.ok(&[&printed[..4], &[path_str(&hello)]].concat());
    let hello_in = ana.ok(&["import", path_str(&hello)]);
    assert!(hello_in.contains("From Chen Wu"), "{hello_in}");

    // Now Ana writes to Chen's own key, and the two laptops agree.
    ana.ok(&["agenda", "add", "--meeting", &meeting, "--title", "Welcome, Chen"]);
    send(&ana, &chen, &circle, &files, "second.kinship");
    assert_eq!(ana.ok(&["dump", "--circle", &circle]), chen.ok(&["dump", "--circle", &circle]));
}

#[test]
fn two_laptops_converge_through_files_and_pasted_text() {
    let (ana, ben, circle, meeting, files) = ana_and_ben();
    assert_eq!(ana.ok(&["dump", "--circle", &circle]), ben.ok(&["dump", "--circle", &circle]));

    ben.ok(&["agenda", "add", "--meeting", &meeting, "--title", "Writing group"]);
    let text = files.path().join("ben.txt");
    let out = json(&ben.ok(&["--json", "export", "--circle", &circle, "--out", path_str(&text), "--armor"]));
    // Ben has not heard back from Ana since his first bundle, so it goes again with the new item.
    assert_eq!(out["changes"], 3);
    let pasted = std::fs::read_to_string(&text).unwrap();
    assert!(pasted.starts_with("-----BEGIN KINSHIP BUNDLE-----"), "{pasted}");

    let before = (ana.ok(&["dump", "--circle", &circle]), row_counts(&ana));
    let dry = ana.ok(&["import", path_str(&text), "--dry-run"]);
    assert!(dry.contains("From Ben Okafor: 1 new change (2 already here)") && dry.contains("dry run"), "{dry}");
    assert!(dry.contains("adds: 1 agenda item"), "{dry}");
    assert_eq!((ana.ok(&["dump", "--circle", &circle]), row_counts(&ana)), before, "a dry run writes nothing");

    ana.ok(&["import", path_str(&text)]);
    assert_eq!(ana.ok(&["dump", "--circle", &circle]), ben.ok(&["dump", "--circle", &circle]));
    let status = json(&ana.ok(&["--json", "sync", "status", "--circle", &circle]));
    let ben_row = status["members"].as_array().unwrap().iter().find(|m| m["name"] == "Ben Okafor").unwrap();
    assert_eq!(ben_row["joined"], true);
    assert!(ben_row["heard_at"].is_string());

    let undone = ana.ok(&["sync", "undo", "--circle", &circle]);
    assert!(undone.contains("Undid the import from Ben Okafor: 1 change removed"), "{undone}");
    assert_eq!(ana.ok(&["dump", "--circle", &circle]), before.0);
}

#[test]
fn refused_bundles_leave_every_table_as_it_was() {
    let (ana, ben, circle, meeting, files) = ana_and_ben();
    ben.ok(&["agenda", "add", "--meeting", &meeting, "--title", "Writing group"]);
    let good = files.path().join("good.kinship");
    ben.ok(&["export", "--circle", &circle, "--out", path_str(&good)]);
    let bytes = std::fs::read(&good).unwrap();
    let before = (ana.ok(&["dump", "--circle", &circle]), row_counts(&ana));

    let mut cases: Vec<(String, Vec<u8>)> = vec![
        ("cut short".into(), bytes[..bytes.len() / 2].to_vec()),
        ("empty".into(), Vec::new()),
        ("not a bundle".into(), b"hello, this is an email".to_vec()),
    ];
    for i in [0, 7, 8, 40, bytes.len() / 2, bytes.len() - 1] {
        let mut flipped = bytes.clone();
        flipped[i] ^= 0x20;
        cases.push((format!("bit flip at {i}"), flipped));
    }
    for (what, case) in cases {
        let file = files.path().join("bad.kinship");
        std::fs::write(&file, &case).unwrap();
        let err = ana.fails(&["import", path_str(&file)]);
        assert!(err.to_lowercase().contains("nothing was changed"), "{what}: {err}");
        assert_eq!((ana.ok(&["dump", "--circle", &circle]), row_counts(&ana)), before, "{what} changed something");
    }

    // Ben leaves; his later bundles are refused, and Ana's new ones are not for him.
    let ben_id = member_id(&ana, &circle, "Ben Okafor");
    ana.ok(&["member", "remove", "--circle", &circle, "--member", &ben_id]);
    let before = (ana.ok(&["dump", "--circle", &circle]), row_counts(&ana));
    let late = files.path().join("late.kinship");
    ben.ok(&["agenda", "add", "--meeting", &meeting, "--title", "After leaving"]);
    ben.ok(&["export", "--circle", &circle, "--out", path_str(&late)]);
    let err = ana.fails(&["import", path_str(&late)]);
    assert!(err.contains("no longer in the circle"), "{err}");
    assert_eq!((ana.ok(&["dump", "--circle", &circle]), row_counts(&ana)), before);
}

#[test]
fn an_invite_is_not_a_bundle_and_says_so() {
    let (ana, files) = (DataDir::new(), DataDir::new());
    let circle = ana.with_circle();
    let invite = files.path().join("cam.kinship");
    let short = ana
        .run_with_env(
            &["invite", "--circle", &circle, "--name", "Cam", "--email", "cam@uni.edu", "--out", path_str(&invite)],
            &[("KINSHIP_PASSPHRASE", "short")],
        )
        .failure();
    assert!(short.contains("at least 8"), "{short}");
    assert_eq!(
        json(&ana.ok(&["--json", "member", "list", "--circle", &circle])).as_array().unwrap().len(),
        1,
        "a refused passphrase adds nobody"
    );
    ana.run_with_env(
        &["invite", "--circle", &circle, "--name", "Cam", "--email", "cam@uni.edu", "--out", path_str(&invite)],
        &[PASS],
    )
    .success();
    let err = ana.fails(&["--json", "import", path_str(&invite)]);
    assert_eq!(json(&err)["code"], "is_invite", "{err}");
}

#[test]
fn an_invite_is_for_a_member_already_added_or_a_new_person() {
    let (ana, files) = (DataDir::new(), DataDir::new());
    let circle = ana.with_circle();
    let ben = ana.ok(&["member", "add", "--circle", &circle, "--name", "Ben Okafor", "--email", "ben@uni.edu"]);
    let invite = files.path().join("ben.kinship");
    let made = ana
        .run_with_env(&["--json", "invite", "--circle", &circle, "--member", &ben, "--out", path_str(&invite)], &[PASS])
        .success();
    assert_eq!(json(&made)["member_id"], ben.as_str(), "{made}");
    assert!(invite.exists());

    let nobody = files.path().join("nobody.kinship");
    let err =
        ana.run_with_env(&["--json", "invite", "--circle", &circle, "--out", path_str(&nobody)], &[PASS]).failure();
    let err = json(&err);
    assert_eq!((err["code"].as_str(), err["field"].as_str()), (Some("invalid"), Some("Member")), "{err}");
    assert!(err["message"].as_str().unwrap().contains("--member ID, or --name NAME --email EMAIL"), "{err}");
    assert!(!nobody.exists(), "no file for an invite to nobody");
    assert_eq!(json(&ana.ok(&["--json", "member", "list", "--circle", &circle])).as_array().unwrap().len(), 2);
}

#[cfg(unix)]
#[test]
fn a_device_a_pipe_or_a_huge_file_given_as_a_bundle_is_refused_at_once() {
    let ana = DataDir::new();
    ana.with_circle();
    let files = DataDir::new();
    let zero = files.path().join("zero.kinship");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    let started = std::time::Instant::now();
    let err = ana.fails(&["import", path_str(&zero)]);
    assert!(err.contains("is not a regular file"), "{err}");
    assert!(started.elapsed() < std::time::Duration::from_secs(10), "refused without reading /dev/zero");

    let pipe = files.path().join("pipe.kinship");
    assert!(std::process::Command::new("mkfifo").arg(&pipe).status().unwrap().success());
    let err = ana.fails(&["join", path_str(&pipe)]);
    assert!(err.contains("is not a regular file"), "{err}");

    let huge = files.path().join("huge.kinship");
    std::fs::File::create(&huge).unwrap().set_len(3 * 1024 * 1024 * 1024).unwrap(); // sparse: no disk used
    let err = ana.fails(&["import", path_str(&huge)]);
    assert!(err.contains("is 3072 MB, larger than any file Kinship makes (64 MB at most)"), "{err}");
    let err = ana.fails(&["data", "import", path_str(&huge)]);
    assert!(err.contains("larger than any file Kinship makes"), "{err}");
}

#[cfg(unix)]
#[test]
fn the_data_folder_and_every_file_kinship_writes_are_the_owners_alone() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let (ana, _ben, circle, _meeting, files) = ana_and_ben();
    let bundle = files.path().join("updates.kinship");
    ana.ok(&["export", "--circle", &circle, "--out", path_str(&bundle)]);
    let invite = files.path().join("cam.kinship");
    ana.run_with_env(
        &["invite", "--circle", &circle, "--name", "Cam Lee", "--email", "cam@uni.edu", "--out", path_str(&invite)],
        &[PASS],
    )
    .success();
    let data = files.path().join("data.json");
    ana.ok(&["data", "export", "--out", path_str(&data)]);
    let backup = json(&ana.ok(&["--json", "backup"]));
    let backup_path = Path::new(backup["path"].as_str().expect("backup path"));

    assert_eq!(mode(ana.path()), 0o700, "the data folder");
    // (The write-ahead log is gone once the CLI closes the database; the core's tests check it.)
    assert_eq!(mode(&ana.path().join("kinship.sqlite3")), 0o600, "the database");
    for file in [bundle.as_path(), invite.as_path(), data.as_path(), backup_path] {
        assert_eq!(mode(file), 0o600, "{}", file.display());
    }
}

#[test]
fn a_meeting_link_set_on_one_laptop_travels_in_a_bundle_to_the_other() {
    let (ana, ben, circle, meeting, files) = ana_and_ben();
    let link = "https://meet.example.org/early-career";
    ana.ok(&["meeting", "edit", "--meeting", &meeting, "--link", link, "--place", "Room 204"]);
    let bundle = files.path().join("ana-link.kinship");
    ana.ok(&["export", "--circle", &circle, "--out", path_str(&bundle)]);
    ben.ok(&["import", path_str(&bundle)]);
    let on_ben = json(&ben.ok(&["--json", "meeting", "list", "--circle", &circle]));
    assert_eq!(on_ben[0]["link"], link);
    assert_eq!(on_ben[0]["place"], "Room 204");
    assert_eq!(ana.ok(&["dump", "--circle", &circle]), ben.ok(&["dump", "--circle", &circle]));

    // Clearing it travels too.
    ben.ok(&["meeting", "edit", "--meeting", &meeting, "--link", ""]);
    let back = files.path().join("ben-link.kinship");
    ben.ok(&["export", "--circle", &circle, "--out", path_str(&back)]);
    ana.ok(&["import", path_str(&back)]);
    let on_ana = json(&ana.ok(&["--json", "meeting", "list", "--circle", &circle]));
    assert_eq!(on_ana[0]["link"], Value::Null);
}

#[test]
fn only_ben_adds_a_laptop_as_ben_and_the_circle_takes_it_as_his() {
    let (ana, ben, circle, meeting, files) = ana_and_ben();
    // Mal joins too, and hears from Ana, so his laptop knows that Ben has joined.
    let mal = DataDir::new();
    let mal_invite = files.path().join("mal.kinship");
    let args = ["invite", "--circle", &circle, "--name", "Mal", "--email", "mal@uni.edu", "--out"];
    let made = ana.run_with_env(&[&args[..], &[path_str(&mal_invite)]].concat(), &[PASS]).success();
    assert!(made.contains("It works once and expires on "), "{made}");
    mal.run_with_env(&["join", path_str(&mal_invite)], &[PASS]).success();
    send(&mal, &ana, &circle, &files, "mal-first.kinship");
    send(&ana, &mal, &circle, &files, "ana-to-mal.kinship");

    // The attack as it was found: Mal invites Ben, who joined long ago.
    let ben_id = member_id(&mal, &circle, "Ben Okafor");
    let forged = files.path().join("as-ben.kinship");
    let refused = mal
        .run_with_env(&["invite", "--circle", &circle, "--member", &ben_id, "--out", path_str(&forged)], &[PASS])
        .failure();
    assert!(refused.contains("Ben Okafor has already joined this circle"), "{refused}");
    assert!(
        refused.contains("Ben adds it from one of Ben's own laptops (Sync → Add another laptop of mine)"),
        "{refused}"
    );
    assert!(!forged.exists(), "no invite file is written");

    // Ben adds his second laptop himself.
    let file = files.path().join("ben-laptop.kinship");
    let short = ben
        .run_with_env(
            &["laptop", "add", "--circle", &circle, "--out", path_str(&file), "--expires-in-days", "31"],
            &[PASS],
        )
        .failure();
    assert!(short.contains("1 to 30 days"), "{short}");
    let added = ben
        .run_with_env(
            &["laptop", "add", "--circle", &circle, "--out", path_str(&file), "--expires-in-days", "3"],
            &[PASS],
        )
        .success();
    assert!(added.contains("Invite for another laptop of yours") && added.contains("expires on "), "{added}");
    let second = DataDir::new();
    let joined = second.run_with_env(&["join", path_str(&file)], &[PASS]).success();
    assert!(joined.contains("This laptop is now one of yours in Early-career librarians"), "{joined}");

    // Ana hears of the invite from Ben's first laptop, then takes the second laptop's bundle as Ben's.
    send(&ben, &ana, &circle, &files, "ben-again.kinship");
    second.ok(&["agenda", "add", "--meeting", &meeting, "--title", "From the other laptop"]);
    let from = send(&second, &ana, &circle, &files, "second.kinship");
    assert!(from.starts_with("From Ben Okafor:"), "{from}");
    assert!(ana.ok(&["agenda", "list", "--meeting", &meeting]).contains("From the other laptop"));

    // A second join with the same file is refused where it is checked.
    let third = DataDir::new();
    third.run_with_env(&["join", path_str(&file)], &[PASS]).success();
    let before = (ana.ok(&["dump", "--circle", &circle]), row_counts(&ana));
    let third_file = files.path().join("third.kinship");
    third.ok(&["export", "--circle", &circle, "--out", path_str(&third_file)]);
    let err = ana.fails(&["import", path_str(&third_file)]);
    assert!(err.contains("with an invite that was already used by another laptop"), "{err}");
    assert_eq!((ana.ok(&["dump", "--circle", &circle]), row_counts(&ana)), before);

    let status = ana.ok(&["sync", "status", "--circle", &circle]);
    let lines: Vec<&str> = status.lines().map(str::trim).filter(|l| l.starts_with("Laptop ")).collect();
    assert_eq!(lines.len(), 4, "Ana's laptop, Ben's two and Mal's: {status}");
    assert!(lines[0].starts_with("Laptop 1 (this laptop, since ") && lines[0].ends_with("): founded the circle"));
    assert!(lines[1].starts_with("Laptop 1 (since ") && lines[1].ends_with("): invited by Ana Reyes"), "{status}");
    assert!(lines[2].starts_with("Laptop 2 (since ") && lines[2].ends_with("): added from Ben's other laptop"));

    // Ana removes Mal: no laptop Mal set up reads anything after, and Mal's bundles are refused.
    let mal_id = member_id(&ana, &circle, "Mal");
    ana.ok(&["member", "remove", "--circle", &circle, "--member", &mal_id]);
    ana.ok(&["agenda", "add", "--meeting", &meeting, "--title", "After Mal left"]);
    let after = files.path().join("after-mal.kinship");
    ana.ok(&["export", "--circle", &circle, "--out", path_str(&after)]);
    let err = mal.fails(&["import", path_str(&after)]);
    assert!(err.contains("not addressed to you"), "{err}");
    assert!(!mal.ok(&["dump", "--circle", &circle]).contains("After Mal left"));
    mal.ok(&["agenda", "add", "--meeting", &meeting, "--title", "Mal writes on"]);
    let hers = files.path().join("mal-after.kinship");
    mal.ok(&["export", "--circle", &circle, "--out", path_str(&hers)]);
    let before = (ana.ok(&["dump", "--circle", &circle]), row_counts(&ana));
    let err = ana.fails(&["import", path_str(&hers)]);
    assert!(err.contains("it comes from Mal, who is no longer in the circle"), "{err}");
    assert_eq!((ana.ok(&["dump", "--circle", &circle]), row_counts(&ana)), before);
}

/// Ana's and Ben's databases as an earlier Kinship left them (schema 6, before each change was
/// signed): a circle with talking points, Ben's shared reflection, another he took back, and a
/// private one. Both upgrade in place with their history, go on syncing with each other, and a
/// member who joins afterwards gets the whole circle; nothing private or taken back travels.
#[test]
fn laptops_from_before_signed_changes_upgrade_with_their_history_and_sync_on() {
    const CIRCLE: &str = "01a2425b-6d16-7674-9a72-e4c9c741b760";
    const MEETING: &str = "01a2425b-6d21-74e5-ab3d-c288c6b698b4";
    let fixtures = crate::util::repo_root().join("tests/fixtures/schema-v6");
    let (ana, ben, cam, files) = (DataDir::new(), DataDir::new(), DataDir::new(), DataDir::new());
    for (who, dir) in [("ana", &ana), ("ben", &ben)] {
        let db = dir.path().join("kinship.sqlite3");
        std::fs::copy(fixtures.join(format!("{who}.sqlite")), &db).unwrap();
        // As if it had never moved: the same folder on the same laptop (a copied folder would
        // go on as a new device, which is tested elsewhere).
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute("UPDATE local_device SET home = NULL", []).unwrap();
    }

    let before = ana.ok(&["dump", "--circle", CIRCLE]);
    assert_eq!(before, ben.ok(&["dump", "--circle", CIRCLE]), "the two laptops were in step");
    assert!(before.contains("Writing group, before the upgrade") && before.contains("shared before the upgrade"));
    assert!(ben.ok(&["reflection", "list"]).contains("PRIVATE before the upgrade"), "Ben's private reflection is kept");

    ana.ok(&["agenda", "add", "--meeting", MEETING, "--title", "After the upgrade, from Ana"]);
    send(&ana, &ben, CIRCLE, &files, "ana-after.kinship");
    ben.ok(&["agenda", "add", "--meeting", MEETING, "--title", "After the upgrade, from Ben"]);
    let from = send(&ben, &ana, CIRCLE, &files, "ben-after.kinship");
    assert!(from.starts_with("From Ben Okafor:"), "{from}");
    let both = ana.ok(&["dump", "--circle", CIRCLE]);
    assert_eq!(both, ben.ok(&["dump", "--circle", CIRCLE]));
    assert!(both.contains("After the upgrade, from Ana") && both.contains("After the upgrade, from Ben"));

    // Cam joins after the upgrade: the invite carries the older history on Ana's word.
    let invite = files.path().join("cam.kinship");
    let args = ["invite", "--circle", CIRCLE, "--name", "Cam Lee", "--email", "cam@uni.edu", "--out"];
    ana.run_with_env(&[&args[..], &[path_str(&invite)]].concat(), &[PASS]).success();
    cam.run_with_env(&["join", path_str(&invite)], &[PASS]).success();
    cam.ok(&["agenda", "add", "--meeting", MEETING, "--title", "From Cam"]);
    send(&cam, &ana, CIRCLE, &files, "cam-first.kinship");
    send(&ana, &ben, CIRCLE, &files, "ana-to-ben.kinship");
    send(&ben, &cam, CIRCLE, &files, "ben-to-cam.kinship");
    let all = ana.ok(&["dump", "--circle", CIRCLE]);
    assert_eq!(all, cam.ok(&["dump", "--circle", CIRCLE]));
    assert_eq!(all, ben.ok(&["dump", "--circle", CIRCLE]));
    assert!(all.contains("From Cam") && all.contains("Job talk nerves"));
    let cams = std::fs::read(cam.path().join("kinship.sqlite3")).unwrap();
    for never in ["PRIVATE before the upgrade", "WORDS TAKEN BACK"] {
        assert!(!cams.windows(never.len()).any(|w| w == never.as_bytes()), "{never} reached Cam's laptop");
    }
}

#[test]
fn a_bundle_from_a_laptop_whose_clock_ran_ahead_is_refused_and_that_laptop_is_told() {
    let (ana, ben, circle, meeting, files) = ana_and_ben();
    // Ben's laptop was once set to 1 January 2099: its hybrid logical clock still reads so, and
    // what it writes now is stamped then (as after a real wrong date, once set right again).
    let conn = rusqlite::Connection::open(ben.path().join("kinship.sqlite3")).unwrap();
    conn.execute("UPDATE local_device SET hlc_millis = 4070941200000, hlc_counter = 0", []).unwrap();
    drop(conn);
    ben.ok(&["agenda", "add", "--meeting", &meeting, "--title", "Stamped in 2099"]);
    let status = ben.ok(&["sync", "status", "--circle", &circle]);
    assert!(status.contains("this laptop's clock was set ahead to 1 January 2099"), "{status}");
    let ahead = json(&ben.ok(&["--json", "sync", "status", "--circle", &circle]));
    assert_eq!(ahead["clock_set_ahead"], "1 January 2099");

    let bundle = files.path().join("ben-2099.kinship");
    ben.ok(&["export", "--circle", &circle, "--out", path_str(&bundle)]);
    let before = (ana.ok(&["dump", "--circle", &circle]), row_counts(&ana));
    let err = ana.fails(&["import", path_str(&bundle)]);
    assert!(err.contains("Ben Okafor's laptop says it is 1 January 2099 (this laptop says "), "{err}");
    assert!(err.contains("ask Ben to set the date and time and share again. Nothing was changed."), "{err}");
    assert_eq!((ana.ok(&["dump", "--circle", &circle]), row_counts(&ana)), before);
    let refused = json(&ana.fails(&["--json", "import", path_str(&bundle)]));
    assert_eq!(refused["code"], "future_clock");
    let fine = json(&ana.ok(&["--json", "sync", "status", "--circle", &circle]));
    assert_eq!(fine["clock_set_ahead"], Value::Null);
}

/// The laptops of `name` as `dir`'s `sync status --json` lists them.
fn laptops_of(dir: &DataDir, circle: &str, name: &str) -> Vec<Value> {
    let status = json(&dir.ok(&["--json", "sync", "status", "--circle", circle]));
    let member = status["members"].as_array().unwrap().iter().find(|m| m["name"] == name).unwrap();
    member["laptops"].as_array().unwrap().clone()
}

#[test]
fn ben_revokes_his_lost_laptop_and_the_circle_stops_reading_and_taking_from_it() {
    let (ana, ben, circle, meeting, files) = ana_and_ben();
    let invite = files.path().join("ben-laptop.kinship");
    ben.run_with_env(&["laptop", "add", "--circle", &circle, "--out", path_str(&invite)], &[PASS]).success();
    let lost = DataDir::new();
    lost.run_with_env(&["join", path_str(&invite)], &[PASS]).success();
    send(&lost, &ben, &circle, &files, "lost-to-ben.kinship");
    send(&ben, &ana, &circle, &files, "ben-to-ana.kinship");
    send(&lost, &ana, &circle, &files, "lost-to-ana.kinship");

    let on_ben = laptops_of(&ben, &circle, "Ben Okafor");
    assert_eq!(on_ben.len(), 2, "{on_ben:?}");
    let (first_key, lost_key) = (on_ben[0]["key_id"].as_str().unwrap(), on_ben[1]["key_id"].as_str().unwrap());
    assert_eq!((on_ben[0]["this_laptop"].as_bool(), on_ben[1]["name"].as_str()), (Some(true), Some("Laptop 2")));
    assert!(on_ben.iter().all(|l| l["revoked_at"].is_null()), "{on_ben:?}");
    let listed = ben.ok(&["sync", "status", "--circle", &circle]);
    assert!(listed.contains("Laptop 2 (since ") && listed.contains(&format!("; id {lost_key}): ")), "{listed}");

    // The laptop in use cannot revoke itself, and an id the circle does not know says so.
    let err = ben.fails(&["laptop", "revoke", "--circle", &circle, "--laptop", first_key]);
    assert!(err.contains("this is the laptop you are using"), "{err}");
    let err = ben.fails(&["laptop", "revoke", "--circle", &circle, "--laptop", "no-such-laptop"]);
    assert!(err.to_lowercase().contains("laptop") && err.contains("no-such-laptop"), "{err}");

    let said = ben.ok(&["laptop", "revoke", "--circle", &circle, "--laptop", lost_key]);
    assert_eq!(said, "Revoked Laptop 2 of Ben Okafor. Share updates so the others learn of it.");
    let again = ben.fails(&["laptop", "revoke", "--circle", &circle, "--laptop", lost_key]);
    assert!(again.contains("already revoked"), "{again}");
    send(&ben, &ana, &circle, &files, "revoked.kinship");

    // Ana's next bundle is not sealed to the lost laptop.
    ana.ok(&["agenda", "add", "--meeting", &meeting, "--title", "After the laptop was lost"]);
    let after = files.path().join("ana-after.kinship");
    ana.ok(&["export", "--circle", &circle, "--out", path_str(&after)]);
    let err = lost.fails(&["import", path_str(&after)]);
    assert!(err.contains("not addressed to you"), "{err}");
    assert!(!lost.ok(&["dump", "--circle", &circle]).contains("After the laptop was lost"));

    // What the lost laptop writes now is refused whole, and nothing changes on Ana's laptop.
    lost.ok(&["agenda", "add", "--meeting", &meeting, "--title", "Written on the lost laptop"]);
    let from_lost = files.path().join("lost-after.kinship");
    lost.ok(&["export", "--circle", &circle, "--out", path_str(&from_lost)]);
    let before = (ana.ok(&["dump", "--circle", &circle]), row_counts(&ana));
    let err = ana.fails(&["import", path_str(&from_lost)]);
    assert!(err.contains("it comes from a laptop of Ben Okafor's that was revoked"), "{err}");
    assert_eq!((ana.ok(&["dump", "--circle", &circle]), row_counts(&ana)), before);

    // Ana's sync status shows it revoked, with its id.
    let on_ana = laptops_of(&ana, &circle, "Ben Okafor");
    assert_eq!(on_ana[1]["key_id"], lost_key);
    assert!(on_ana[1]["revoked_at"].as_str().is_some_and(|at| at.ends_with('Z')), "{on_ana:?}");
    assert!(on_ana[0]["revoked_at"].is_null(), "Ben's first laptop stands: {on_ana:?}");
    let status = ana.ok(&["sync", "status", "--circle", &circle]);
    let line = status.lines().map(str::trim).find(|l| l.starts_with("Laptop 2 ")).unwrap_or(&status);
    assert!(line.contains(", revoked on ") && line.contains(&format!("; id {lost_key}): ")), "{status}");
    assert!(line.ends_with("): added from Ben's other laptop"), "{status}");
}

#[test]
fn export_with_email_hands_the_bundle_to_the_email_app_attached_or_says_to_attach_it() {
    let (ana, _ben, circle, _, files) = ana_and_ben();
    let mail = FakeMailApp::install();
    let mail_env = mail.env();
    let mut env: Vec<(&str, &str)> = mail_env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    // The stand-in email app needs no screen, but xdg-open asks for one before it looks.
    env.push(("DISPLAY", ":0"));
    let out = files.path().join("emailed.kinship");
    let said = ana.run_with_env(&["export", "--circle", &circle, "--out", path_str(&out), "--email"], &env).success();
    assert!(said.contains("new message with it attached"), "{said}");
    let (to, attached) = recipients_and_attachment(&mail.opened_with());
    assert_eq!(to, ["ben@uni.edu"]);
    assert_eq!(std::fs::read(attached).unwrap(), std::fs::read(&out).unwrap());

    // Nowhere to hand it: the file is saved all the same, and the person is told what to do.
    let bare = DataDir::new();
    let none = [("XDG_DATA_HOME", path_str(bare.path())), ("XDG_CONFIG_HOME", path_str(bare.path())), ("DISPLAY", "")];
    let out = files.path().join("by-hand.kinship");
    let said = ana.run_with_env(&["export", "--circle", &circle, "--out", path_str(&out), "--email"], &none).success();
    assert!(said.contains("attach it to an email to ben@uni.edu yourself"), "{said}");
    assert!(out.exists());
}

#[test]
fn kinship_new_lists_what_an_import_brought_until_marked_seen() {
    let (ana, ben, circle, meeting, files) = ana_and_ben();
    // What the invite brought (Ana's talking point) counts as seen once joined.
    let empty = ben.ok(&["new", "--circle", &circle]);
    assert_eq!(empty, "Since you last looked: Nothing new since you last looked.");

    ana.ok(&["agenda", "add", "--meeting", &meeting, "--title", "Library job market"]);
    ana.ok(&["reflect", "--circle", &circle, "--meeting", &meeting, "--share", "--text", "Good to be heard."]);
    ben.ok(&["agenda", "add", "--meeting", &meeting, "--title", "Ben's own point"]);
    send(&ana, &ben, &circle, &files, "news.kinship");

    let text = ben.ok(&["new", "--circle", &circle]);
    assert!(text.starts_with("Since you last looked: 2 new things from Ana Reyes"), "{text}");
    assert!(text.contains("New talking points\n  Library job market · For "), "{text}");
    assert!(text.contains("Shared reflections\n  Good to be heard. · Shared by Ana Reyes"), "{text}");
    assert!(!text.contains("Ben's own point"), "what Ben wrote is not news to him: {text}");

    let listed = json(&ben.ok(&["--json", "new", "--circle", &circle, "--mark-seen"]));
    assert_eq!(listed["total"], 2);
    assert_eq!(listed["groups"][0]["kind"], "talking_points");
    assert_eq!(
        listed["groups"][0]["items"][0]["opens"],
        serde_json::json!({"screen": "meeting", "meeting_id": meeting})
    );
    let after = json(&ben.ok(&["--json", "new", "--circle", &circle]));
    assert_eq!(after["total"], 0, "marked as seen: {after}");
    // Ana's laptop never heard of it: marks are this laptop's own.
    assert_eq!(json(&ana.ok(&["--json", "new", "--circle", &circle]))["total"], 0);
}
