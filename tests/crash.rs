//! Crash safety, proven by killing: the real `kinship` CLI is killed with SIGKILL at random
//! moments of an import, an undo and a scripted session of edits, and the data folder is
//! checked after each kill.
//!
//! CI runs about 20 kills per test. The full form sets `KINSHIP_CRASH_KILLS` (e.g. 100);
//! `KINSHIP_CRASH_SEED` replays a failure (every failure message names its seed).

use crate::sync_cli::{ana_and_ben, row_counts};
use crate::util::{kinship_bin, DataDir};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Kills per test: `KINSHIP_CRASH_KILLS`, or 20.
fn kills() -> usize {
    std::env::var("KINSHIP_CRASH_KILLS").ok().and_then(|v| v.parse().ok()).unwrap_or(20)
}

/// A small xorshift generator: a failure's seed replays the same kill moments.
struct Rng {
    seed: u64,
    state: u64,
}

impl Rng {
    /// `KINSHIP_CRASH_SEED`, or a fixed seed per test so CI kills at the same moments each run.
    fn new(default_seed: u64) -> Rng {
        let seed = std::env::var("KINSHIP_CRASH_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(default_seed);
        eprintln!("crash test seed: {seed} (replay with KINSHIP_CRASH_SEED={seed})");
        Rng { seed, state: seed.max(1) }
    }

    /// A number in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        self.state % n.max(1)
    }
}

/// What a data folder holds, as far as an interrupted command could have changed it.
#[derive(Debug, Clone, PartialEq)]
struct State {
    dump: String,
    counts: Vec<(String, i64)>,
    /// Imports in the history that are not undone.
    live_imports: i64,
}

fn state(dir: &DataDir, circle: &str) -> State {
    let conn = rusqlite::Connection::open(dir.path().join("kinship.sqlite3")).unwrap();
    let live_imports =
        conn.query_row("SELECT count(*) FROM imports WHERE undone_at IS NULL", [], |r| r.get(0)).unwrap();
    let counts = row_counts(dir);
    State { dump: dir.ok(&["dump", "--circle", circle]), counts, live_imports }
}

/// `PRAGMA integrity_check` of a data folder's database.
fn integrity(dir: &DataDir) -> String {
    let conn = rusqlite::Connection::open(dir.path().join("kinship.sqlite3")).unwrap();
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap()
}

/// Per circle and device, sequence numbers that do not run 1..n (empty when there are none).
fn sequence_gaps(dir: &DataDir) -> Vec<(String, String, i64, i64, i64)> {
    let conn = rusqlite::Connection::open(dir.path().join("kinship.sqlite3")).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT circle_id, author_device, count(*), min(seq), max(seq) FROM change_log
             GROUP BY circle_id, author_device",
        )
        .unwrap();
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))).unwrap();
    rows.map(Result::unwrap).filter(|&(_, _, n, first, last)| first != 1 || last != n).collect()
}

/// Copies folder `from` into `to` (which exists), files and subfolders.
fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Empties `dir` and fills it from `snapshot`, in place: the data folder keeps its path,
/// so Kinship sees the same laptop (a folder in a new place would become a new device).
fn restore(snapshot: &DataDir, dir: &DataDir) {
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            std::fs::remove_dir_all(&path).unwrap();
        } else {
            std::fs::remove_file(&path).unwrap();
        }
    }
    copy_dir(snapshot.path(), dir.path());
}

/// A copy of a data folder as it is now.
fn snapshot(dir: &DataDir) -> DataDir {
    let copy = DataDir::new();
    copy_dir(dir.path(), copy.path());
    copy
}

/// Runs `kinship --data-dir DIR ARGS…` and kills it with SIGKILL after `delay`; true if it
/// was still running when killed (false: it had finished first).
fn run_killed(dir: &DataDir, args: &[&str], delay: Duration) -> bool {
    let mut child = Command::new(kinship_bin())
        .arg("--data-dir")
        .arg(dir.path())
        .args(args)
        .env_remove("KINSHIP_DATA_DIR")
        .env_remove("KINSHIP_PASSPHRASE")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("could not start kinship");
    std::thread::sleep(delay);
    let running = child.try_wait().unwrap().is_none();
    if running {
        // `Child::kill` is SIGKILL on Unix: no destructor, no rollback, as in a power cut.
        child.kill().unwrap();
    }
    child.wait().unwrap();
    running
}

/// How the kills of one test landed.
#[derive(Debug, Default)]
struct Tally {
    /// Killed with the command's writes wholly absent (before or during its transaction).
    absent: usize,
    /// Killed with its writes wholly there (after the commit).
    present: usize,
    /// The command had finished before the kill.
    finished: usize,
}

/// One command killed again and again: each time from `snapshot` (whose state is `before`),
/// after a delay drawn across `duration`. After each kill the database is sound and holds
/// `before` or `after`, nothing in between; then `again(was_done)` runs the command again
/// as a person would, and the folder must hold `after`.
struct KillRun<'a> {
    name: &'a str,
    dir: &'a DataDir,
    circle: &'a str,
    args: &'a [&'a str],
    before: &'a State,
    after: &'a State,
    duration: Duration,
}

impl KillRun<'_> {
    fn run(&self, rng: &mut Rng, again: impl Fn(bool)) -> Tally {
        assert_ne!(self.before, self.after, "{}: the command changes nothing, so killing it proves nothing", self.name);
        let snap = snapshot(self.dir);
        let mut tally = Tally::default();
        // Across the whole run and a little beyond, so some kills land after the end.
        let span = (self.duration.as_millis() as u64 * 11 / 10).max(1);
        for kill in 0..kills() {
            restore(&snap, self.dir);
            let delay = rng.below(span);
            let ctx = format!("{} kill {kill} at {delay} ms (seed {})", self.name, rng.seed);
            let was_running = run_killed(self.dir, self.args, Duration::from_millis(delay));
            assert_eq!(integrity(self.dir), "ok", "{ctx}: the database is damaged");
            let now = state(self.dir, self.circle);
            let done = if now == *self.before {
                false
            } else if now == *self.after {
                true
            } else {
                panic!(
                    "{ctx}: the folder holds neither the state before nor the state after\n{}",
                    differences(&now, self)
                );
            };
            match (was_running, done) {
                (false, _) => tally.finished += 1,
                (true, false) => tally.absent += 1,
                (true, true) => tally.present += 1,
            }
            again(done);
            assert_eq!(
                state(self.dir, self.circle),
                *self.after,
                "{ctx}: running it again did not give the state after"
            );
        }
        println!("{}: {} kills, {tally:?} (one run takes {:?})", self.name, kills(), self.duration);
        tally
    }
}

/// Which tables' row counts differ from before and after (the dumps are long).
fn differences(now: &State, run: &KillRun<'_>) -> String {
    let mut out = format!(
        "live imports: now {}, before {}, after {}\n",
        now.live_imports, run.before.live_imports, run.after.live_imports
    );
    for (i, (table, n)) in now.counts.iter().enumerate() {
        let (b, a) = (run.before.counts.get(i).map(|c| c.1), run.after.counts.get(i).map(|c| c.1));
        if Some(*n) != b || Some(*n) != a {
            out += &format!("{table}: now {n}, before {b:?}, after {a:?}\n");
        }
    }
    out += &format!("dump equals before: {}, after: {}", now.dump == run.before.dump, now.dump == run.after.dump);
    out
}

/// Adds `count` talking points to `meeting` on the laptop in `dir`, through the core in
/// this process (thousands of CLI runs would take minutes).
fn grow(dir: &DataDir, meeting: &str, count: usize) {
    let mut store = kinship_core::Store::open(dir.path()).unwrap();
    for n in 0..count {
        store
            .add_agenda_item(&kinship_core::AgendaItemInput {
                meeting_id: meeting.to_string(),
                title: format!("Talking point {n}: what the search committee asked"),
                details: "Notes from the last meeting, and what to bring next time.".repeat(3),
                ..Default::default()
            })
            .unwrap();
    }
}

/// Talking points the big circle has: its full import takes about a second in a debug build.
const BIG: usize = 1500;

/// Ana's laptop with a big circle and its full bundle, and Ben's joined laptop.
/// Returns (ana, ben, circle, meeting, files, the full bundle's path).
fn big_circle() -> (DataDir, DataDir, String, String, DataDir, String) {
    let (ana, ben, circle, meeting, files) = ana_and_ben();
    grow(&ana, &meeting, BIG);
    let bundle = files.path().join("full.kinship").to_str().unwrap().to_string();
    ana.ok(&["export", "--circle", &circle, "--full", "--out", &bundle]);
    (ana, ben, circle, meeting, files, bundle)
}

/// Runs `args` on `dir` uninterrupted; returns how long it took.
fn timed(dir: &DataDir, args: &[&str]) -> Duration {
    let start = Instant::now();
    dir.ok(args);
    start.elapsed()
}

/// Kills `kinship import BUNDLE` on `ben` again and again (each time from the state it is
/// in now); returns the state an uninterrupted import leaves.
fn kill_import(name: &str, seed: u64, ben: &DataDir, circle: &str, bundle: &str) -> State {
    let before = state(ben, circle);
    let snap = snapshot(ben);
    let import = ["import", bundle];
    let duration = timed(ben, &import);
    let after = state(ben, circle);
    assert_eq!(after.live_imports, before.live_imports + 1, "{name}: the import is in the history");
    restore(&snap, ben);

    let run = KillRun { name, dir: ben, circle, args: &import, before: &before, after: &after, duration };
    let tally = run.run(&mut Rng::new(seed), |_| {
        ben.ok(&import);
    });
    assert!(tally.absent > 0, "{name}: no kill landed during the import: {tally:?}");
    after
}

#[test]
fn a_full_import_killed_is_wholly_there_or_wholly_absent() {
    let (_ana, ben, circle, _meeting, _files, bundle) = big_circle();
    kill_import("full import", 0x5eed_0001, &ben, &circle, &bundle);
}

#[test]
fn an_incremental_import_killed_is_wholly_there_or_wholly_absent() {
    let (ana, ben, circle, meeting, files, bundle) = big_circle();
    ben.ok(&["import", &bundle]);
    // Ana hears from Ben, so her next bundle carries only what he lacks.
    let back = files.path().join("back.kinship").to_str().unwrap().to_string();
    ben.ok(&["export", "--circle", &circle, "--out", &back]);
    ana.ok(&["import", &back]);
    grow(&ana, &meeting, BIG / 3);
    let incremental = files.path().join("incremental.kinship").to_str().unwrap().to_string();
    let made: serde_json::Value =
        serde_json::from_str(&ana.ok(&["--json", "export", "--circle", &circle, "--out", &incremental])).unwrap();
    assert_eq!(made["changes"], BIG / 3, "the bundle holds only the new talking points");

    let after = kill_import("incremental import", 0x5eed_0002, &ben, &circle, &incremental);
    assert_eq!(after.dump, ana.ok(&["dump", "--circle", &circle]));
}

#[test]
fn an_undo_killed_is_wholly_done_or_not_at_all() {
    let (_ana, ben, circle, _meeting, _files, bundle) = big_circle();
    ben.ok(&["import", &bundle]);
    let before = state(&ben, &circle);
    let snap = snapshot(&ben);
    let undo = ["sync", "undo", "--circle", circle.as_str()];
    let duration = timed(&ben, &undo);
    let after = state(&ben, &circle);
    assert_eq!(after.live_imports, before.live_imports - 1, "the undo is in the history");
    restore(&snap, &ben);

    let run =
        KillRun { name: "undo", dir: &ben, circle: &circle, args: &undo, before: &before, after: &after, duration };
    let tally = run.run(&mut Rng::new(0x5eed_0003), |done| {
        if done {
            // The history says it is undone, so there is nothing left to undo.
            let refused = ben.fails(&undo);
            assert!(refused.contains("there is no import to undo"), "{refused}");
        } else {
            ben.ok(&undo);
        }
    });
    assert!(tally.absent > 0, "no kill landed during the undo: {tally:?}");
}

/// Owned CLI arguments.
fn words(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|p| p.to_string()).collect()
}

/// One step of a scripted session of edits: the CLI arguments, given what exists so far.
fn next_edit(rng: &mut Rng, n: usize, ids: (&str, &str, &str), items: &[String], actions: &[String]) -> Vec<String> {
    let (circle, meeting, owner) = ids;
    let pick = |rng: &mut Rng, from: &[String]| from[rng.below(from.len() as u64) as usize].clone();
    // Nothing to edit yet: the first step adds a talking point.
    let kind = if items.is_empty() { 0 } else { rng.below(8) };
    match kind {
        0 | 1 => words(&["agenda", "add", "--meeting", meeting, "--title", &format!("Point {n}")]),
        2 => words(&["agenda", "edit", "--item", &pick(rng, items), "--notes", &format!("Notes written at step {n}")]),
        3 => words(&["agenda", "edit", "--item", &pick(rng, items), "--title", &format!("Renamed at step {n}")]),
        4 => words(&["agenda", "reorder", "--item", &pick(rng, items), "--position", "1"]),
        5 => words(&["action", "add", "--meeting", meeting, "--text", &format!("Action {n}"), "--owner", owner]),
        6 if !actions.is_empty() => words(&["action", "done", "--action", &pick(rng, actions)]),
        6 => words(&["decision", "add", "--meeting", meeting, "--text", &format!("Decision {n}")]),
        _ if n % 2 == 0 => words(&[
            "decision",
            "add",
            "--meeting",
            meeting,
            "--item",
            &pick(rng, items),
            "--text",
            &format!("Decision {n}"),
        ]),
        _ => words(&["reflect", "--circle", circle, "--text", &format!("Reflection {n}"), "--share"]),
    }
}

/// Edits in the scripted session.
const EDITS: usize = 200;

#[test]
fn the_cli_killed_mid_edit_keeps_log_and_records_in_agreement() {
    let (ana, ben, circle, meeting, files) = ana_and_ben();
    let owner = crate::sync_cli::member_id(&ana, &circle, "Ben Okafor");
    let pristine_ben = snapshot(&ben);
    let bundle = files.path().join("full.kinship").to_str().unwrap().to_string();
    let mut rng = Rng::new(0x5eed_0004);
    let seed = rng.seed;

    // Which edits are killed, and how long an edit takes when left alone.
    let kill_count = kills().min(EDITS);
    let mut killed_steps = std::collections::BTreeSet::new();
    while killed_steps.len() < kill_count {
        killed_steps.insert(rng.below(EDITS as u64) as usize);
    }
    let edit_time = timed(&ana, &["agenda", "add", "--meeting", &meeting, "--title", "Timing the CLI"]);
    let span = (edit_time.as_millis() as u64 * 12 / 10).max(1);

    let (mut items, mut actions) = (Vec::new(), Vec::new());
    let mut tally = Tally::default();
    for n in 0..EDITS {
        let args = next_edit(&mut rng, n, (&circle, &meeting, &owner), &items, &actions);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        if !killed_steps.contains(&n) {
            let out = ana.ok(&args);
            match (args[0], args[1]) {
                ("agenda", "add") => items.push(out),
                ("action", "add") => actions.push(out),
                _ => {}
            }
            continue;
        }
        let delay = rng.below(span);
        let ctx = format!("edit {n} `kinship {}` killed at {delay} ms (seed {seed})", args.join(" "));
        let log_before: i64 = rusqlite::Connection::open(ana.path().join("kinship.sqlite3"))
            .unwrap()
            .query_row("SELECT count(*) FROM change_log", [], |r| r.get(0))
            .unwrap();
        let was_running = run_killed(&ana, &args, Duration::from_millis(delay));
        // The restart: the next run opens the folder the killed one left.
        let records = ana.ok(&["dump", "--circle", &circle]);
        assert_eq!(integrity(&ana), "ok", "{ctx}: the database is damaged");
        assert_eq!(sequence_gaps(&ana), vec![], "{ctx}: sequence numbers have gaps");
        // Records rebuilt from the log alone: a fresh copy of Ben's laptop imports all of Ana's log.
        ana.ok(&["export", "--circle", &circle, "--full", "--out", &bundle]);
        restore(&pristine_ben, &ben);
        ben.ok(&["import", &bundle]);
        assert_eq!(ben.ok(&["dump", "--circle", &circle]), records, "{ctx}: the records and the change log disagree");
        std::fs::remove_file(&bundle).unwrap();
        let log_after: i64 = rusqlite::Connection::open(ana.path().join("kinship.sqlite3"))
            .unwrap()
            .query_row("SELECT count(*) FROM change_log", [], |r| r.get(0))
            .unwrap();
        match (was_running, log_after > log_before) {
            (false, _) => tally.finished += 1,
            (true, false) => tally.absent += 1,
            (true, true) => tally.present += 1,
        }
    }
    println!("CLI session: {EDITS} edits, {kill_count} kills, {tally:?} (an edit takes {edit_time:?})");
    assert!(tally.absent > 0, "no kill landed during an edit: {tally:?}");
}
