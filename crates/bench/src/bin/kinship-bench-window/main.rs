//! `kinship-bench-window`: Kinship's release window beside a minimal Tauri 2 hello-world
//! (`bench/hello-window`), on the same machine in the same run. `scripts/bench-window` builds
//! both and runs this. Prints one JSON object of figures; the targets are reported, not
//! asserted, so it fails only when it cannot measure.
//!
//! - First screen: from the app process's start (as the kernel recorded it) to the
//!   `kinship-ready` mark the page sets once its first screen is painted (ui/painted.js).
//! - Memory: the proportional set size of the app and every process under it (WebKit's),
//!   after 10 s idle.
//! - Screens: from a click to the next `kinship-painted` mark, with the ten-year circle.

mod procs;
mod window;

use kinship_bench::workload;
use kinship_core::{AgendaItemInput, CircleInput, IdentityInput, MeetingInput, MemberInput, Store};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::Duration;
use window::{Display, Window};

const IDLE: Duration = Duration::from_secs(10);
const SCREEN_RUNS: usize = 5;
const FIRST_SCREEN_TARGET: f64 = 1.25;
const MEMORY_TARGET: f64 = 1.2;
const SCREEN_TARGET_MS: f64 = 100.0;

const USAGE: &str = "usage: kinship-bench-window --kinship BIN --hello BIN --workload DIR [--runs N] [--deb FILE]
  --kinship BIN   Kinship's release binary (kinship-desktop)
  --hello BIN     the hello-world's release binary (bench/hello-window)
  --workload DIR  the folder holding ten-year-circle.json.zst
  --runs N        launches of each case, taken in turn (default 3); figures are medians
  --deb FILE      Kinship's .deb, for its size (absent: null)
  --settle-ms MS   how long each screen is left before the click that is timed (default 500)
  --first-screen-only
                  time the first screens alone (no idle memory, no screens): quicker, for
                  trying a change to the start";

struct Args {
    kinship: PathBuf,
    hello: PathBuf,
    workload: PathBuf,
    runs: usize,
    deb: Option<PathBuf>,
    first_screen_only: bool,
    settle_ms: u64,
}

fn usage() -> ! {
    eprintln!("{USAGE}");
    std::process::exit(2)
}

fn args() -> Args {
    let (mut kinship, mut hello, mut workload, mut runs, mut deb) = (None, None, None, 3, None);
    let mut first_screen_only = false;
    let mut settle_ms = SETTLE_MS;
    let mut it = std::env::args_os().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--first-screen-only" {
            first_screen_only = true;
            continue;
        }
        let value = it.next().unwrap_or_else(|| usage());
        match flag.to_str() {
            Some("--kinship") => kinship = Some(PathBuf::from(value)),
            Some("--hello") => hello = Some(PathBuf::from(value)),
            Some("--workload") => workload = Some(PathBuf::from(value)),
            Some("--runs") => runs = value.to_str().and_then(|n| n.parse().ok()).unwrap_or_else(|| usage()),
            Some("--deb") => deb = Some(PathBuf::from(value)),
            Some("--settle-ms") => settle_ms = value.to_str().and_then(|n| n.parse().ok()).unwrap_or_else(|| usage()),
            _ => usage(),
        }
    }
    let real = |p: Option<PathBuf>, what: &str| {
        let p = p.unwrap_or_else(|| usage());
        p.canonicalize().unwrap_or_else(|e| panic!("{what} {}: {e}", p.display()))
    };
    Args {
        kinship: real(kinship, "Kinship's binary"),
        hello: real(hello, "the hello-world's binary"),
        workload: workload.unwrap_or_else(|| usage()),
        runs,
        deb,
        first_screen_only,
        settle_ms,
    }
}

/// What one launch opens: which binary, on which data folder.
struct Case {
    name: &'static str,
    binary: PathBuf,
    /// `None`: a fresh empty folder for every launch.
    data: Option<PathBuf>,
}

/// One person, one circle of four, one meeting with four talking points.
fn small_circle(dir: &Path) {
    let mut store = Store::open(dir).unwrap();
    store
        .create_identity(&IdentityInput { name: "Ana Reyes".into(), email: "ana@uni.edu".into(), ..Default::default() })
        .unwrap();
    let circle =
        store.create_circle(&CircleInput { name: "Early-career librarians".into(), ..Default::default() }).unwrap();
    for (name, email) in
        [("Ben Okafor", "ben@college.edu"), ("Chen Wei", "chen@lib.org"), ("Dara Flynn", "dara@uni.edu")]
    {
        let member =
            MemberInput { circle_id: circle.id.clone(), name: name.into(), email: email.into(), ..Default::default() };
        store.add_member(&member).unwrap();
    }
    let meeting = MeetingInput { circle_id: circle.id, starts_at: "2027-01-12T18:00:00Z".into(), ..Default::default() };
    let meeting = store.create_meeting(&meeting).unwrap();
    for title in ["Opening round", "Job talk practice", "Conference planning", "Closing round"] {
        let item = AgendaItemInput { meeting_id: meeting.id.clone(), title: title.into(), ..Default::default() };
        store.add_agenda_item(&item).unwrap();
    }
    made_todays_backup(&store);
}

/// The ten-year circle, plus a meeting in progress (its agenda the workload's last meeting's
/// talking points), for run mode. Returns the circle's id and that meeting's.
fn ten_year_circle(dir: &Path, data: &Value) -> (String, String) {
    workload::create_identity(dir, data);
    workload::load(dir, data).unwrap();
    let mut store = Store::open(dir).unwrap();
    let circle = data["circle"]["id"].as_str().unwrap().to_string();
    let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:00Z").to_string();
    let meeting = store
        .create_meeting(&MeetingInput { circle_id: circle.clone(), starts_at: now, ..Default::default() })
        .unwrap();
    let last = data["meetings"].as_array().unwrap().last().unwrap();
    for item in last["agenda_items"].as_array().unwrap() {
        let input = AgendaItemInput {
            meeting_id: meeting.id.clone(),
            title: item["title"].as_str().unwrap().into(),
            minutes: item["minutes"].as_i64(),
            ..Default::default()
        };
        store.add_agenda_item(&input).unwrap();
    }
    store.start_meeting(&meeting.id, None).unwrap();
    made_todays_backup(&store);
    (circle, meeting.id)
}

/// Kinship makes a backup on the first launch of a day; made here, the launches measure
/// opening the window, not copying the database.
fn made_todays_backup(store: &Store) {
    store.backup_if_due(chrono::Duration::days(1)).unwrap();
}

/// One launch: time to the first screen, and memory after `IDLE`.
struct Launch {
    first_screen_ms: f64,
    /// The first screen in three parts: to the page's start (the process, its window and
    /// WebKit's), to the page parsed, to the first screen painted.
    parts_ms: [f64; 3],
    pss_kib: u64,
    processes: usize,
}

async fn launch(display: &Display, case: &Case, config: &Path, n: usize, first_screen_only: bool) -> (Window, Launch) {
    let fresh = tempfile::tempdir().unwrap();
    let data = case.data.clone().unwrap_or_else(|| fresh.path().to_path_buf());
    let marker = format!("KINSHIP_BENCH_LAUNCH={}-{n}", case.name);
    let (name, value) = marker.split_once('=').unwrap();
    // Each app keeps its window state and WebKit's caches under here, not in the person's home.
    let env = [
        (name.to_string(), value.to_string()),
        ("KINSHIP_DATA_DIR".to_string(), data.display().to_string()),
        ("XDG_CONFIG_HOME".to_string(), config.join("config").display().to_string()),
        ("XDG_CACHE_HOME".to_string(), config.join("cache").display().to_string()),
        ("XDG_DATA_HOME".to_string(), config.join("data").display().to_string()),
    ];
    let window = Window::launch(display, &case.binary, &env).await;
    let marks = window.page_marks_epoch_ms().await;
    let pid =
        procs::find_app(&case.binary, &marker).unwrap_or_else(|| panic!("the {} process was not found", case.name));
    let started = procs::started_at_epoch_ms(pid);
    let first_screen_ms = marks.ready - started;
    let parts_ms = [marks.origin - started, marks.parsed - marks.origin, marks.ready - marks.parsed];
    if !first_screen_only {
        tokio::time::sleep(IDLE).await;
    }
    let pids = procs::with_descendants(pid);
    let figures = Launch { first_screen_ms, parts_ms, pss_kib: procs::pss_kib(&pids), processes: pids.len() };
    drop(fresh);
    (window, figures)
}

/// A screen of the ten-year circle: where the click starts from and what it clicks (or,
/// for search results, the word submitted).
struct Screen {
    name: &'static str,
    from: String,
    click: String,
    search: Option<String>,
}

fn screens(circle: &str, running: &str, word: &str) -> Vec<Screen> {
    let home = format!("#/circle/{circle}");
    let s = |name, from: &str, click: String| Screen { name, from: from.into(), click, search: None };
    vec![
        s("circle_home", "#/", format!("#main a[href='#/circle/{circle}']")),
        s("agenda", &home, format!("#main a[href='#/meeting/{running}']")),
        s("run_mode", &home, format!("#main a[href='#/run/{running}']")),
        s("journal", &home, "#site-nav a[href='#/journal']".into()),
        s("search", &home, "#site-nav a[href='#/search']".into()),
        Screen { name: "search_results", from: "#/search".into(), click: String::new(), search: Some(word.into()) },
        s("record_preview", &home, "#site-nav a[href='#/record']".into()),
        s("sync", &home, format!("#main a[href='#/sync/{circle}']")),
    ]
}

/// How long the screen a timing starts from is left before the click, unless --settle-ms says.
const SETTLE_MS: u64 = 500;

async fn time_screens(window: &Window, screens: &[Screen], settle: Duration) -> Result<Value, String> {
    let mut out = serde_json::Map::new();
    for screen in screens {
        let mut runs = Vec::new();
        for _ in 0..SCREEN_RUNS {
            // Start from elsewhere, so the click really changes the screen.
            window.go("#/data").await?;
            window.go(&screen.from).await?;
            // A person looks at a screen before clicking on: what it still loads after its
            // first paint (the share offer, "Since you last looked") is not the next one's cost.
            tokio::time::sleep(settle).await;
            let ms = match &screen.search {
                Some(word) => {
                    let submit = "const input = document.getElementById('search-text'); input.value = arg; \
                                  input.form.requestSubmit()";
                    window.time_to_painted(submit, word).await?
                }
                None => window.click(&screen.click).await?,
            };
            runs.push(ms);
        }
        out.insert(screen.name.into(), summary(&runs));
    }
    Ok(Value::Object(out))
}

fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn summary(values: &[f64]) -> Value {
    let max = values.iter().cloned().fold(f64::MIN, f64::max);
    json!({
        "median": round1(median(values)),
        "max": round1(max),
        "runs": values.iter().map(|v| round1(*v)).collect::<Vec<_>>(),
    })
}

fn file_size(path: &Path) -> Option<u64> {
    std::fs::metadata(path).ok().map(|m| m.len())
}

#[tokio::main]
async fn main() {
    let args = args();
    let data = workload::read(&args.workload);
    let folders = tempfile::tempdir().unwrap();
    let (small, ten_year) = (folders.path().join("small"), folders.path().join("ten-year"));
    small_circle(&small);
    let (circle, running) = ten_year_circle(&ten_year, &data);
    let word =
        data["meetings"][250]["agenda_items"][3]["title"].as_str().unwrap().split(' ').nth(2).unwrap().to_string();

    let cases = [
        Case { name: "hello_world", binary: args.hello.clone(), data: None },
        Case { name: "kinship_no_data", binary: args.kinship.clone(), data: None },
        Case { name: "kinship_small_circle", binary: args.kinship.clone(), data: Some(small) },
        Case { name: "kinship_ten_year", binary: args.kinship.clone(), data: Some(ten_year) },
    ];
    let display = Display::get();
    let config = tempfile::tempdir().unwrap();
    let mut launches: Vec<Vec<Launch>> = cases.iter().map(|_| Vec::new()).collect();
    let mut screen_times = Value::Null;
    // The cases in turn, so a busy moment of the machine falls on all of them alike.
    for n in 0..args.runs {
        for (i, case) in cases.iter().enumerate() {
            let (window, figures) = launch(&display, case, config.path(), n, args.first_screen_only).await;
            eprintln!(
                "{} run {}: first screen {:.0} ms (page started {:.0}, parsed {:.0}, painted {:.0}), {} KiB in {} processes",
                case.name,
                n + 1,
                figures.first_screen_ms,
                figures.parts_ms[0],
                figures.parts_ms[1],
                figures.parts_ms[2],
                figures.pss_kib,
                figures.processes
            );
            if case.name == "kinship_ten_year" && n == 0 && !args.first_screen_only {
                let list = screens(&circle, &running, &word);
                screen_times =
                    time_screens(&window, &list, Duration::from_millis(args.settle_ms)).await.unwrap_or_else(|e| {
                        eprintln!("kinship-bench-window: could not time the screens: {e}");
                        std::process::exit(1)
                    });
            }
            launches[i].push(figures);
            window.close().await;
        }
    }

    let first: Vec<f64> =
        launches.iter().map(|l| median(&l.iter().map(|f| f.first_screen_ms).collect::<Vec<_>>())).collect();
    let memory: Vec<f64> =
        launches.iter().map(|l| median(&l.iter().map(|f| f.pss_kib as f64 / 1024.0).collect::<Vec<_>>())).collect();
    let mut first_screen = serde_json::Map::new();
    let mut first_screen_parts = serde_json::Map::new();
    let mut memory_mib = serde_json::Map::new();
    let mut ratios = serde_json::Map::new();
    let mut met = serde_json::Map::new();
    for (i, case) in cases.iter().enumerate() {
        first_screen
            .insert(case.name.into(), summary(&launches[i].iter().map(|f| f.first_screen_ms).collect::<Vec<_>>()));
        let part = |k: usize| round1(median(&launches[i].iter().map(|f| f.parts_ms[k]).collect::<Vec<_>>()));
        first_screen_parts.insert(
            case.name.into(),
            json!({ "to_page_start": part(0), "page_start_to_parsed": part(1), "parsed_to_painted": part(2) }),
        );
        memory_mib.insert(
            case.name.into(),
            summary(&launches[i].iter().map(|f| f.pss_kib as f64 / 1024.0).collect::<Vec<_>>()),
        );
        if i > 0 {
            let (time_ratio, memory_ratio) = (first[i] / first[0], memory[i] / memory[0]);
            ratios.insert(case.name.into(), json!({ "first_screen": (time_ratio * 100.0).round() / 100.0, "memory": (memory_ratio * 100.0).round() / 100.0 }));
            met.insert(
                case.name.into(),
                json!({ "first_screen": time_ratio <= FIRST_SCREEN_TARGET, "memory": memory_ratio <= MEMORY_TARGET }),
            );
        }
    }
    if let Value::Object(screens) = &screen_times {
        let within: Vec<&String> =
            screens.keys().filter(|k| screens[*k]["max"].as_f64().unwrap() <= SCREEN_TARGET_MS).collect();
        met.insert("screens_within_100_ms".into(), json!(within));
        let missed: Vec<&String> =
            screens.keys().filter(|k| screens[*k]["max"].as_f64().unwrap() > SCREEN_TARGET_MS).collect();
        met.insert("screens_over_100_ms".into(), json!(missed));
    }
    let deb = args.deb.as_deref().and_then(file_size);
    let mut notes = Vec::new();
    if deb.is_none() {
        notes.push("no .deb found: run `bash scripts/package` first for its size");
    }
    if args.first_screen_only {
        notes.push("--first-screen-only: memory was read at the first screen, not after 10 s idle; no screens timed");
    }
    let figures = json!({
        "machine": { "cpu": procs::cpu_model(), "cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0), "os": procs::os_name() },
        "launches_per_case": args.runs,
        "first_screen_ms": first_screen,
        "first_screen_parts_ms_median": first_screen_parts,
        "memory_pss_mib_after_10s_idle": memory_mib,
        "ratio_to_hello_world": ratios,
        "screens_ms_ten_year": screen_times,
        "screen_runs": SCREEN_RUNS,
        "screen_settle_ms": args.settle_ms,
        "targets": { "first_screen_ratio": FIRST_SCREEN_TARGET, "memory_ratio": MEMORY_TARGET, "screen_ms": SCREEN_TARGET_MS, "met": met },
        "sizes_bytes": {
            "kinship_binary": file_size(&args.kinship),
            "hello_world_binary": file_size(&args.hello),
            "kinship_deb": deb,
        },
        "notes": notes,
    });
    println!("{}", serde_json::to_string_pretty(&figures).unwrap());
}
