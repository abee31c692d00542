//! A meeting in the real window, the app killed with SIGKILL mid-way (no clean-up, as in a
//! power cut), then started again on the same data folder: the meeting is still running at
//! the same item, its timer counts from when the item began (not from the restart), and the
//! note, decision and action typed before the kill are there.

use crate::e2e::{App, Display, ONE_AT_A_TIME};
use crate::util::{repo_root, DataDir};
use std::path::Path;
use std::time::{Duration, Instant};

const ITEM: &str = "Job talk practice";
const ITEM_MINUTES: u64 = 20;
const NOTE: &str = "Ana rehearses the first ten minutes; Ben times her";
const DECISION: &str = "Ben sends his slides by Friday";
const ACTION: &str = "Book the seminar room for the mock talk";

/// How long after typing stops the run screen saves a note: read from the one place it is
/// set (`NOTES_AUTOSAVE_MS` in ui/views/run.js), so the test holds the UI to what it says.
fn autosave_interval() -> Duration {
    let source = std::fs::read_to_string(repo_root().join("ui/views/run.js")).unwrap();
    let line = source.lines().find_map(|l| l.strip_prefix("const NOTES_AUTOSAVE_MS = ")).expect("the interval");
    let ms = line.trim_end_matches(';').replace('_', "");
    Duration::from_millis(ms.parse().expect("a number of milliseconds"))
}

/// The ids of `kinship-desktop` on this data folder and every process it started (WebKit's
/// web and network processes), found through /proc: tauri-driver starts the app, so the test
/// never holds its pid.
fn app_processes(data_dir: &Path) -> Vec<u32> {
    let wanted = format!("KINSHIP_DATA_DIR={}", data_dir.display());
    let mut parents: Vec<(u32, u32)> = Vec::new(); // (pid, parent pid)
    let mut apps = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else { continue };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
        // "pid (comm) state ppid …": the name may hold spaces, so split after the last ')'.
        let Some(after) = stat.rsplit_once(')').map(|(_, rest)| rest) else { continue };
        let ppid = after.split_whitespace().nth(1).and_then(|p| p.parse().ok()).unwrap_or(0);
        parents.push((pid, ppid));
        let comm = std::fs::read_to_string(entry.path().join("comm")).unwrap_or_default();
        let environ = std::fs::read(entry.path().join("environ")).unwrap_or_default();
        if comm.trim() == "kinship-desktop" && environ.split(|b| *b == 0).any(|v| v == wanted.as_bytes()) {
            apps.push(pid);
        }
    }
    let mut found = apps.clone();
    let mut i = 0;
    while i < found.len() {
        let parent = found[i];
        found.extend(parents.iter().filter(|(_, pp)| *pp == parent).map(|(p, _)| *p));
        i += 1;
    }
    found
}

fn kill_app(data_dir: &Path) {
    let pids = app_processes(data_dir);
    assert!(!pids.is_empty(), "kinship-desktop on {} is not running", data_dir.display());
    let ids: Vec<String> = pids.iter().map(u32::to_string).collect();
    let status = std::process::Command::new("kill").arg("-KILL").args(&ids).status().unwrap();
    assert!(status.success(), "kill -KILL {ids:?}");
    let started = Instant::now();
    while !app_processes(data_dir).is_empty() {
        assert!(started.elapsed() < Duration::from_secs(10), "the app outlived SIGKILL");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The countdown's "19:42" (or "+0:12 over") as signed seconds left.
fn seconds_left(clock: &str) -> i64 {
    let over = clock.starts_with('+');
    let digits = clock.trim_start_matches('+').trim_end_matches(" over");
    let (m, s) = digits.split_once(':').unwrap_or_else(|| panic!("a clock reading, not {clock:?}"));
    let secs = m.parse::<i64>().unwrap() * 60 + s.parse::<i64>().unwrap();
    if over {
        -secs
    } else {
        secs
    }
}

#[tokio::test]
async fn a_meeting_killed_mid_way_carries_on_after_a_restart() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let display = Display::get();
    let d = DataDir::new();
    let c = d.with_circle();
    d.ok(&["member", "add", "--circle", &c, "--name", "Ben Okafor", "--email", "ben@college.edu"]);
    let m = d.ok(&["meeting", "create", "--circle", &c, "--starts-at", "2026-12-08T18:00:00Z"]);
    for (title, minutes) in [("Opening round", "5"), (ITEM, "20"), ("Closing round", "5")] {
        d.ok(&["agenda", "add", "--meeting", &m, "--title", title, "--minutes", minutes]);
    }

    let app = App::launch(&display, d.path()).await;
    app.wait_for("#circle-list").await;
    app.go(&format!("#/run/{m}")).await;
    app.wait_for("#start-meeting").await.click().await.unwrap();
    app.wait_for_text("#run-item", "Opening round").await;

    // The second item, so "the same item" is not simply the first. Its timer starts between
    // these two instants.
    let before_next = Instant::now();
    app.wait_for("#run-next").await.click().await.unwrap();
    app.wait_for_text("#run-item", ITEM).await;
    let item_shown = Instant::now();

    app.fill("#decision-text", DECISION).await;
    app.wait_for("#decision-form button[type=submit]").await.click().await.unwrap();
    app.wait_for_text("#decision-list", DECISION).await;
    app.fill("#action-text", ACTION).await;
    app.wait_for("#action-owner").await.select_by_label("Ben Okafor").await.unwrap();
    app.wait_for("#action-form button[type=submit]").await.click().await.unwrap();
    app.wait_for_text("#action-list", ACTION).await;

    // The note is typed last and the cursor stays in it: no blur, no moving on, so only
    // the autosave can have saved it. The kill comes one interval after the last key, plus
    // half a second for the write itself.
    app.fill("#item-notes", NOTE).await;
    tokio::time::sleep(autosave_interval() + Duration::from_millis(500)).await;
    kill_app(d.path());
    drop(app);

    // Long enough after the item began that a timer started again would show it.
    let least = Duration::from_secs(8);
    if item_shown.elapsed() < least {
        tokio::time::sleep(least - item_shown.elapsed()).await;
    }

    let app = App::launch(&display, d.path()).await;
    app.wait_for("#circle-list").await;
    app.go(&format!("#/run/{m}")).await;
    let lede = app.wait_for_text(".run-head .lede", "Meeting in progress").await;
    assert!(lede.contains("Meeting in progress"), "{lede}");
    app.wait_for_text("#run-item", ITEM).await;
    let asked_at = Instant::now();
    let clock = app.wait_for_text("#run-clock .clock-digits", ":").await;
    let read_at = Instant::now();
    app.wait_for_text("#decision-list", DECISION).await;
    app.wait_for_text("#action-list", ACTION).await;
    app.wait_for_text("#action-list", "Ben Okafor").await;
    let notes = app.wait_for("#item-notes").await.prop("value").await.unwrap().unwrap_or_default();
    assert_eq!(notes, NOTE, "the note typed one autosave interval before the kill");

    // Time left = timebox − time since the item began, by the wall clock: the item began
    // between `before_next` and `item_shown`, the clock was read between `asked_at` and
    // `read_at`; it shows whole seconds, redrawn 4 times a second, so allow 2 s either way.
    let left = seconds_left(&clock);
    let timebox = (ITEM_MINUTES * 60) as i64;
    let most = timebox - (asked_at - item_shown).as_secs() as i64 + 2;
    let fewest = timebox - (read_at - before_next).as_secs() as i64 - 2;
    assert!(
        (fewest..=most).contains(&left),
        "the clock shows {clock:?} ({left} s left); by the wall clock {fewest}..={most} s are left"
    );
    app.screenshot("run-after-kill.png").await;
    app.quit().await;

    let dump = d.ok(&["dump", "--circle", &c]);
    assert!(dump.contains(NOTE) && dump.contains(DECISION) && dump.contains(ACTION), "{dump}");
}
