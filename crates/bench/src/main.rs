//! `kinship-bench WORKLOAD_DIR`: loads the ten-year reference circle (../shared/workloads in
//! the Kinship team's layout; any folder holding `ten-year-circle.json.zst`) into a fresh
//! store and times what each screen asks of the core. Prints one JSON object of figures.
//!
//! Loading writes rows straight into SQLite in one transaction (`workload::load`): it
//! measures the screens, not the import (sync has its own figures, `sync.rs`).

mod sync;

use kinship_bench::workload;
use kinship_core::Store;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::time::Instant;

const RUNS: usize = 25;

fn usage() -> ! {
    eprintln!("{USAGE}");
    std::process::exit(2)
}

/// The meeting with the most recorded (agenda items, action items, reflections about it).
fn largest_meeting(workload: &Value) -> String {
    let about =
        |id: &Value| workload["reflections"].as_array().unwrap().iter().filter(|r| &r["meeting_id"] == id).count();
    let size = |m: &&Value| {
        m["agenda_items"].as_array().unwrap().len() + m["action_items"].as_array().unwrap().len() + about(&m["id"])
    };
    let meetings = workload["meetings"].as_array().unwrap();
    meetings.iter().max_by_key(size).unwrap()["id"].as_str().unwrap().to_string()
}

/// Median and slowest of `RUNS` timed calls, in milliseconds.
fn time<T>(mut f: impl FnMut() -> T) -> Value {
    let mut ms: Vec<f64> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(f());
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    ms.sort_by(|a, b| a.partial_cmp(b).unwrap());
    json!({ "median_ms": (ms[RUNS / 2] * 100.0).round() / 100.0, "max_ms": (ms[RUNS - 1] * 100.0).round() / 100.0 })
}

const USAGE: &str = "usage: kinship-bench WORKLOAD_DIR [--sync-only] [--sync-runs N]
  WORKLOAD_DIR  the folder holding ten-year-circle.json.zst and edits-100.json.zst
  --sync-only   skip the screen timings
  --sync-runs N run the sync benchmark N times on fresh laptops and print medians (default 3)";

fn main() {
    let mut dir: Option<PathBuf> = None;
    let (mut sync_only, mut sync_runs) = (false, 3);
    let mut args = std::env::args_os().skip(1);
    while let Some(arg) = args.next() {
        match arg.to_str() {
            Some("--sync-only") => sync_only = true,
            Some("--sync-runs") => {
                sync_runs = args.next().and_then(|n| n.to_str()?.parse().ok()).unwrap_or_else(|| usage())
            }
            _ if dir.is_none() => dir = Some(PathBuf::from(arg)),
            _ => usage(),
        }
    }
    let dir = dir.unwrap_or_else(|| usage());
    let workload = workload::read(&dir);
    if sync_only {
        let figures = json!({ "workload": "ten-year-circle", "sync": sync::run(&dir, &workload, sync_runs) });
        println!("{}", serde_json::to_string_pretty(&figures).unwrap());
        return;
    }

    let data = tempfile::tempdir().unwrap();
    workload::create_identity(data.path(), &workload);
    let started = Instant::now();
    workload::load(data.path(), &workload).unwrap();
    let load_ms = started.elapsed().as_secs_f64() * 1000.0;

    let store = Store::open(data.path()).unwrap();
    let circle = workload["circle"]["id"].as_str().unwrap().to_string();
    let latest = workload["meetings"].as_array().unwrap().last().unwrap()["id"].as_str().unwrap().to_string();
    let word =
        workload["meetings"][250]["agenda_items"][3]["title"].as_str().unwrap().split(' ').nth(2).unwrap().to_string();
    let largest = largest_meeting(&workload);
    // The page shows the newest 50 at first, as the window asks for them.
    let first_page = kinship_core::ReflectionFilter { limit: Some(50), ..Default::default() };
    // A word from a reflection another member shared: found beside the index, not in it.
    let shared_word = workload["reflections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["visibility"] == "shared" && r["author_member_id"] != workload["members"][0]["id"])
        .and_then(|r| r["text"].as_str()?.split(' ').find(|w| w.len() > 6).map(str::to_string))
        .unwrap_or_default();

    let figures = json!({
        "workload": "ten-year-circle",
        "runs_per_figure": RUNS,
        "load_ms": load_ms.round(),
        "screens": {
            "circle_list": time(|| store.list_circles().unwrap()),
            "circle_home": time(|| store.circle_home(&circle).unwrap()),
            "agenda": time(|| (store.agenda(&latest).unwrap(), store.agenda_minutes(&latest).unwrap())),
            "run_mode": time(|| store.run_view(&latest).unwrap()),
            "journal_all_reflections": time(|| store.reflections().unwrap()),
            "journal": time(|| store.my_reflections().unwrap()),
            "shared_reflections_page": time(|| store.circle_reflections(&circle, &first_page).unwrap()),
            "minutes_of_largest_meeting": time(|| store.minutes(&largest).unwrap().text.len()),
            // What "Email the minutes to the circle" attaches: the minutes written as Markdown.
            "minutes_markdown_of_largest_meeting": time(|| store.minutes(&largest).unwrap().render("md").unwrap().len()),
            "search": time(|| store.search(&word, None).unwrap()),
            "search_shared_reflections": time(|| store.search(&shared_word, None).unwrap()),
            "dump": time(|| store.dump(&circle).unwrap().len()),
        },
        "search_word": word,
        "shared_reflection_word": shared_word,
        "largest_meeting": largest,
        "sync": sync::run(&dir, &workload, sync_runs),
    });
    println!("{}", serde_json::to_string_pretty(&figures).unwrap());
}
