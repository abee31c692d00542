//! What Linux says about the processes of one window: which they are, when the app's process
//! started, and the memory they hold.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

/// One process from /proc.
struct Proc {
    pid: u32,
    ppid: u32,
}

fn all() -> Vec<Proc> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else { continue };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
        // "pid (comm) state ppid …": the name may hold spaces, so read after the last ')'.
        let Some((_, rest)) = stat.rsplit_once(')') else { continue };
        let ppid = rest.split_whitespace().nth(1).and_then(|p| p.parse().ok()).unwrap_or(0);
        found.push(Proc { pid, ppid });
    }
    found
}

/// The process running `binary` whose environment holds `marker` (`NAME=value`): the one
/// app this launch started, whoever spawned it.
pub fn find_app(binary: &Path, marker: &str) -> Option<u32> {
    all().into_iter().map(|p| p.pid).find(|pid| {
        let exe = std::fs::read_link(format!("/proc/{pid}/exe")).ok();
        exe.as_deref() == Some(binary) && {
            let environ = std::fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
            environ.split(|b| *b == 0).any(|v| v == marker.as_bytes())
        }
    })
}

/// `pid` and every process below it (WebKit's web and network processes, and any sandbox
/// launcher between them).
pub fn with_descendants(pid: u32) -> Vec<u32> {
    let procs = all();
    let mut found = vec![pid];
    let mut i = 0;
    while i < found.len() {
        let parent = found[i];
        found.extend(procs.iter().filter(|p| p.ppid == parent).map(|p| p.pid));
        i += 1;
    }
    found
}

/// When `pid` started, in milliseconds since the Unix epoch. The kernel keeps a process's
/// start in clock ticks since boot (10 ms here); /proc/uptime, read beside the wall clock,
/// turns that into wall-clock time.
pub fn started_at_epoch_ms(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let (_, rest) = stat.rsplit_once(')').unwrap();
    // Field 22 of stat is starttime; `rest` begins at field 3.
    let ticks: f64 = rest.split_whitespace().nth(19).unwrap().parse().unwrap();
    let uptime: f64 =
        std::fs::read_to_string("/proc/uptime").unwrap().split_whitespace().next().unwrap().parse().unwrap();
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs_f64();
    (now - uptime + ticks / clock_ticks_per_second()) * 1000.0
}

fn clock_ticks_per_second() -> f64 {
    let out = std::process::Command::new("getconf").arg("CLK_TCK").output().expect("getconf");
    String::from_utf8_lossy(&out.stdout).trim().parse().expect("CLK_TCK")
}

/// The proportional set size of these processes together, in KiB: each page shared between
/// them (or with other processes) counted once in all, divided among those sharing it.
pub fn pss_kib(pids: &[u32]) -> u64 {
    pids.iter()
        .filter_map(|pid| std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok())
        .filter_map(|rollup| {
            rollup
                .lines()
                .find_map(|l| l.strip_prefix("Pss:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .sum()
}

/// The processor's model name, from /proc/cpuinfo.
pub fn cpu_model() -> String {
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    info.lines()
        .find_map(|l| l.strip_prefix("model name").and_then(|r| r.split_once(':')).map(|(_, v)| v.trim().to_string()))
        .unwrap_or_else(|| "unknown".into())
}

/// "Debian GNU/Linux 12 (bookworm)", from /etc/os-release.
pub fn os_name() -> String {
    let release = std::fs::read_to_string("/etc/os-release").unwrap_or_default();
    release
        .lines()
        .find_map(|l| l.strip_prefix("PRETTY_NAME="))
        .map(|v| v.trim_matches('"').to_string())
        .unwrap_or_else(|| "unknown".into())
}
