use crate::util::{kinship_bin, DataDir};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const PASS: (&str, &str) = ("KINSHIP_PASSPHRASE", "river lantern autumn");

fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Laptops of a circle (Ana founded it, the others joined with invites), each with its shared
/// folder set to `folders[i]` (the same folder, or each its own engine's copy). Returns the
/// laptops, the circle and a meeting. Nothing has passed over the folders yet.
pub(crate) fn circle_through_folders(names: &[&str], folders: &[&Path]) -> (Vec<DataDir>, String, String) {
    let laptops: Vec<DataDir> = names.iter().map(|_| DataDir::new()).collect();
    let files = DataDir::new();
    let ana = &laptops[0];
    ana.ok(&["init", "--name", names[0], "--email", &format!("{}@uni.edu", names[0].to_lowercase())]);
    let circle = ana.ok(&["circle", "create", "Early-career librarians"]);
    let meeting =
        ana.ok(&["meeting", "create", "--circle", &circle, "--starts-at", "2026-12-08T18:00:00Z", "--minutes", "90"]);
    for (laptop, name) in laptops.iter().zip(names).skip(1) {
        let invite = files.path().join(format!("{name}.kinship"));
        let email = format!("{}@uni.edu", name.to_lowercase());
        let args = ["invite", "--circle", &circle, "--name", name, "--email", &email, "--out", path_str(&invite)];
        ana.run_with_env(&args, &[PASS]).success();
        laptop.run_with_env(&["join", path_str(&invite)], &[PASS]).success();
    }
    for (laptop, folder) in laptops.iter().zip(folders) {
        let set = laptop.ok(&["folder", "set", "--circle", &circle, path_str(folder)]);
        assert!(set.contains("now syncs through"), "{set}");
    }
    (laptops, circle, meeting)
}

pub(crate) fn agenda(laptop: &DataDir, meeting: &str) -> String {
    laptop.ok(&["agenda", "list", "--meeting", meeting])
}

/// `kinship folder watch` on a laptop, stopped when dropped.
pub(crate) struct Watching(pub Child);

impl Watching {
    pub fn start(laptop: &DataDir, poll_secs: u64) -> Watching {
        let child = Command::new(kinship_bin())
            .arg("--data-dir")
            .arg(laptop.path())
            .args(["folder", "watch", "--poll", &poll_secs.to_string()])
            .env_remove("KINSHIP_DATA_DIR")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("could not start kinship folder watch");
        Watching(child)
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Waits (up to `limit`) until `check` holds; returns how long it took.
pub(crate) fn until(limit: Duration, what: &str, mut check: impl FnMut() -> bool) -> Duration {
    let started = Instant::now();
    while !check() {
        assert!(started.elapsed() < limit, "{what}: not within {limit:?}");
        std::thread::sleep(Duration::from_millis(200));
    }
    started.elapsed()
}

#[test]
fn a_talking_point_arrives_through_a_shared_folder_with_no_one_importing() {
    let shared = DataDir::new();
    let (l, circle, meeting) = circle_through_folders(&["Ana", "Ben"], &[shared.path(), shared.path()]);
    // Ben's first pass writes his file (which brings Ana his laptop's key) and reads Ana's.
    l[1].ok(&["folder", "sync"]);
    let first = l[0].ok(&["folder", "sync", "--circle", &circle]);
    assert!(first.contains("brought in") && first.contains("from Ben"), "{first}");

    // Ben's laptop watches; Ana adds a point and her pass writes her file.
    let _watch = Watching::start(&l[1], 2);
    l[0].ok(&["agenda", "add", "--meeting", &meeting, "--title", "Job talk nerves"]);
    let wrote = l[0].ok(&["folder", "sync"]);
    assert!(wrote.contains("wrote this laptop's file"), "{wrote}");
    until(Duration::from_secs(60), "Ana's point on Ben's laptop", || {
        agenda(&l[1], &meeting).contains("Job talk nerves")
    });

    // What came in is listed, undoable through the import history.
    let status = l[1].ok(&["folder", "status", "--circle", &circle]);
    assert!(status.contains("brought in 1 new change from Ana"), "{status}");
    assert!(status.contains("Ana (Laptop 1)") && status.contains("Ben (Laptop 1, this laptop)"), "{status}");
}

#[test]
fn refusals_are_listed_once_and_a_missing_folder_says_what_to_do() {
    let shared = DataDir::new();
    let (l, circle, _meeting) = circle_through_folders(&["Ana", "Ben"], &[shared.path(), shared.path()]);
    std::fs::write(shared.path().join("notes.kinship"), b"my own notes, not a bundle at all").unwrap();
    std::fs::write(shared.path().join(".syncthing.notes.kinship.tmp"), b"half").unwrap();
    let first = l[0].ok(&["folder", "sync"]);
    assert!(first.contains("refused notes.kinship: Kinship cannot use this file"), "{first}");
    assert!(!first.contains("syncthing"), "leftovers are never mentioned: {first}");
    let again = l[0].ok(&["folder", "sync"]);
    assert!(!again.contains("refused"), "listed once: {again}");
    assert!(l[0].ok(&["folder", "status", "--circle", &circle]).contains("refused notes.kinship"));

    let before = l[0].ok(&["dump", "--circle", &circle]);
    let gone = shared.path().to_path_buf();
    drop(shared);
    let run = l[0].run(&["folder", "sync"]);
    let said = String::from_utf8(run_stderr(&run)).unwrap();
    assert!(said.contains("is not there") && said.contains("Nothing on this laptop was lost"), "{said}");
    assert!(said.contains(&gone.display().to_string()), "{said}");
    assert_eq!(l[0].ok(&["dump", "--circle", &circle]), before);
    let set_again = l[0].fails(&["folder", "set", "--circle", &circle, path_str(&gone)]);
    assert!(set_again.contains("is not there"), "{set_again}");
    l[0].ok(&["folder", "unset", "--circle", &circle]);
    assert!(l[0].ok(&["folder", "status", "--circle", &circle]).contains("no shared folder"));
}

/// A failed run's standard error (the exit status must say failure).
fn run_stderr(run: &crate::util::Run) -> Vec<u8> {
    assert!(!run.output().status.success(), "a missing folder fails the pass");
    run.output().stderr.clone()
}
