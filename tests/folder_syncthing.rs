//! A circle syncing through real Syncthing (the Debian package): three instances on loopback
//! only, each Kinship data folder pointing at its own instance's copy of the shared folder,
//! each laptop running `kinship folder watch`. No discovery, relays, NAT, global announce or
//! usage reporting: every instance knows the others' static `tcp://127.0.0.1:PORT` addresses.

use crate::folder_cli::{agenda, circle_through_folders, until, Watching};
use crate::util::DataDir;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

/// A free port on loopback (bound, then let go for Syncthing to take).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// One Syncthing instance: its home (keys, config, index), its copy of the folder, its ports.
struct Instance {
    home: tempfile::TempDir,
    folder: tempfile::TempDir,
    device_id: String,
    listen: u16,
    gui: u16,
    api_key: String,
    process: Option<Child>,
}

impl Instance {
    fn generate(n: usize) -> Instance {
        let home = tempfile::tempdir().unwrap();
        let made = Command::new("syncthing")
            .args(["generate", "--no-default-folder", "--skip-port-probing"])
            .arg(format!("--home={}", home.path().display()))
            .output()
            .expect("syncthing is not installed (Debian: apt-get install syncthing; scripts/test installs it)");
        assert!(made.status.success(), "syncthing generate: {}", String::from_utf8_lossy(&made.stderr));
        let config = std::fs::read_to_string(home.path().join("config.xml")).unwrap();
        let device_id = config.split("<device id=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
        let folder = tempfile::tempdir().unwrap();
        // Syncthing shares a folder only where its marker is (it guards against an unmounted drive).
        std::fs::create_dir(folder.path().join(".stfolder")).unwrap();
        Instance {
            home,
            folder,
            device_id,
            listen: free_port(),
            gui: free_port(),
            api_key: format!("kinship-test-key-{n}"),
            process: None,
        }
    }

    /// Writes config.xml: the shared folder with every instance, static loopback addresses,
    /// the REST API on loopback with an API key, and nothing that reaches the network.
    fn configure(&self, all: &[&Instance]) {
        let folder_devices: String = all.iter().map(|i| format!("<device id=\"{}\"></device>", i.device_id)).collect();
        let devices: String = all
            .iter()
            .enumerate()
            .map(|(n, i)| {
                format!(
                    "<device id=\"{}\" name=\"laptop-{n}\" compression=\"metadata\">\
                     <address>tcp://127.0.0.1:{}</address><autoAcceptFolders>false</autoAcceptFolders></device>",
                    i.device_id, i.listen
                )
            })
            .collect();
        let config = format!(
            r#"<configuration version="36">
    <folder id="kinship-circle" label="Kinship" path="{path}" type="sendreceive" rescanIntervalS="5" fsWatcherEnabled="true" fsWatcherDelayS="1" ignorePerms="false" autoNormalize="true">
        {folder_devices}
        <markerName>.stfolder</markerName>
        <minDiskFree unit="%">0</minDiskFree>
    </folder>
    {devices}
    <gui enabled="true" tls="false"><address>127.0.0.1:{gui}</address><apikey>{key}</apikey></gui>
    <options>
        <listenAddress>tcp://127.0.0.1:{listen}</listenAddress>
        <globalAnnounceEnabled>false</globalAnnounceEnabled>
        <localAnnounceEnabled>false</localAnnounceEnabled>
        <relaysEnabled>false</relaysEnabled>
        <natEnabled>false</natEnabled>
        <urAccepted>-1</urAccepted>
        <autoUpgradeIntervalH>0</autoUpgradeIntervalH>
        <startBrowser>false</startBrowser>
        <crashReportingEnabled>false</crashReportingEnabled>
        <reconnectionIntervalS>1</reconnectionIntervalS>
        <minHomeDiskFree unit="%">0</minHomeDiskFree>
        <setLowPriority>false</setLowPriority>
    </options>
</configuration>
"#,
            path = self.folder.path().display(),
            gui = self.gui,
            key = self.api_key,
            listen = self.listen,
        );
        std::fs::write(self.home.path().join("config.xml"), config).unwrap();
    }

    fn start(&mut self) {
        let log = std::fs::File::create(self.home.path().join("syncthing.log")).unwrap();
        let child = Command::new("syncthing")
            .args(["serve", "--no-browser", "--no-restart", "--no-upgrade", "--no-default-folder"])
            .arg(format!("--home={}", self.home.path().display()))
            .env("STNOUPGRADE", "1")
            .env("STNODEFAULTFOLDER", "1")
            .stdout(Stdio::from(log.try_clone().unwrap()))
            .stderr(Stdio::from(log))
            .spawn()
            .unwrap();
        self.process = Some(child);
    }

    /// GET on the REST API (plain HTTP on loopback); `None` until it answers 200.
    fn rest(&self, path: &str) -> Option<String> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.gui)).ok()?;
        stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
        let request = format!(
            "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nX-API-Key: {}\r\nConnection: close\r\n\r\n",
            self.api_key
        );
        stream.write_all(request.as_bytes()).ok()?;
        let mut answer = String::new();
        stream.read_to_string(&mut answer).ok()?;
        let (head, body) = answer.split_once("\r\n\r\n")?;
        head.starts_with("HTTP/1.0 200")
            .then(|| body.to_string())
            .or_else(|| head.starts_with("HTTP/1.1 200").then(|| body.to_string()))
    }

    /// How many other instances this one is connected to.
    fn connected(&self) -> usize {
        self.rest("/rest/system/connections").map_or(0, |body| body.matches("\"connected\": true").count())
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.home.path().join("syncthing.log")).unwrap_or_default()
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        if let Some(mut child) = self.process.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Three Syncthing instances sharing one folder, started and connected to each other.
fn three_instances() -> Vec<Instance> {
    let mut all: Vec<Instance> = (0..3).map(Instance::generate).collect();
    let refs: Vec<&Instance> = all.iter().collect();
    for i in &refs {
        i.configure(&refs);
    }
    for i in &mut all {
        i.start();
    }
    let started = Instant::now();
    while !all.iter().all(|i| i.connected() == 2) {
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "the Syncthing instances did not connect; first log:\n{}",
            all[0].log()
        );
        std::thread::sleep(Duration::from_millis(300));
    }
    all
}

fn folders(all: &[Instance]) -> Vec<PathBuf> {
    all.iter().map(|i| i.folder.path().to_path_buf()).collect()
}

/// A tiny deterministic generator, so a failing run can be replayed.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

fn agenda_ids(laptop: &DataDir, meeting: &str) -> Vec<String> {
    let list: serde_json::Value =
        serde_json::from_str(&laptop.ok(&["--json", "agenda", "list", "--meeting", meeting])).unwrap();
    list.as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_string()).collect()
}

/// The name of a laptop's own file in the folder, as `folder status` lists it.
fn kinship_file_name(laptop: &DataDir, circle: &str) -> String {
    let status: serde_json::Value =
        serde_json::from_str(&laptop.ok(&["--json", "folder", "status", "--circle", circle])).unwrap();
    let mine = status["member_files"].as_array().unwrap().iter().find(|f| f["this_laptop"] == true).unwrap();
    mine["file_name"].as_str().unwrap().to_string()
}

#[test]
fn three_laptops_stay_in_step_through_syncthing_with_no_one_importing() {
    let st = three_instances();
    let dirs = folders(&st);
    let dir_refs: Vec<&Path> = dirs.iter().map(PathBuf::as_path).collect();
    let (l, circle, meeting) = circle_through_folders(&["Ana", "Ben", "Chen"], &dir_refs);
    // Every laptop runs Kinship (here its folder watch), which catches up on start.
    let _watches: Vec<Watching> = l.iter().map(|laptop| Watching::start(laptop, 2)).collect();
    let dumps = || l.iter().map(|x| x.ok(&["dump", "--circle", &circle])).collect::<Vec<_>>();
    until(Duration::from_secs(120), "the three laptops meet through the folder", || {
        let d = dumps();
        d[0] == d[1]
            && d[1] == d[2]
            && l[0].ok(&["sync", "status", "--circle", &circle]).matches("last heard").count() == 2
    });

    // A talking point added on Ana's laptop appears on Ben's: nobody imports anything. Timed
    // from when Ana's file last changed (her watch or her pass wrote it) to Ben's laptop
    // holding the point (checked every 0.2 s, through the CLI).
    let ana_file = dirs[0].join(kinship_file_name(&l[0], &circle));
    let mut timings = Vec::new();
    for n in 0..3 {
        let title = format!("Job talk nerves {n}");
        l[0].ok(&["agenda", "add", "--meeting", &meeting, "--title", &title, "--minutes", "1"]);
        l[0].ok(&["folder", "sync", "--circle", &circle]);
        until(Duration::from_secs(60), "Ana's point on Ben's laptop", || agenda(&l[1], &meeting).contains(&title));
        let arrived = SystemTime::now();
        let written = std::fs::metadata(&ana_file).unwrap().modified().unwrap();
        timings.push(arrived.duration_since(written).unwrap_or_default());
    }
    let shown: Vec<String> = timings.iter().map(|t| format!("{:.1} s", t.as_secs_f64())).collect();
    eprintln!("[figure] write on Ana's laptop to import on Ben's through Syncthing: {}", shown.join(", "));

    // Twenty rounds of edits on all three laptops at once; they converge, nothing is lost.
    let mut rng = Lcg(7);
    let mut added = Vec::new();
    for round in 0..20 {
        for (who, laptop) in l.iter().enumerate() {
            if rng.below(3) < 2 {
                let title = format!("Point {round}.{who}");
                added.push(laptop.ok(&["agenda", "add", "--meeting", &meeting, "--title", &title, "--minutes", "1"]));
            } else {
                let ids = agenda_ids(laptop, &meeting);
                let id = &ids[rng.below(ids.len() as u64) as usize];
                laptop.ok(&["agenda", "edit", "--item", id, "--title", &format!("Edited {round}.{who}")]);
            }
        }
        std::thread::sleep(Duration::from_millis(rng.below(1500)));
    }
    let converged = until(Duration::from_secs(180), "the three laptops converge", || {
        let d = dumps();
        d[0] == d[1] && d[1] == d[2] && added.iter().all(|id| d[0].contains(id.as_str()))
    });
    eprintln!("[figure] after the last of 20 rounds, the three laptops agreed within {:.1} s", converged.as_secs_f64());
    for laptop in &l {
        let status = laptop.ok(&["folder", "status", "--circle", &circle]);
        assert!(!status.contains("refused") && !status.contains("problem"), "{status}");
    }
}
