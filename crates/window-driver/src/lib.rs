//! A Tauri window under Xvfb, driven through WebDriver: an X display of our own (unless one is
//! set), tauri-driver (which drives Debian's WebKitWebDriver, which starts the app) on free
//! ports, and a WebDriver session with the window. Shared by the end-to-end tests and
//! `kinship-bench-window`, so both start the app the same way.

use fantoccini::{Client, ClientBuilder};
use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long tauri-driver may take to listen.
const DRIVER_WAIT: Duration = Duration::from_secs(60);

/// A free TCP port on loopback (free when asked; taken by whoever binds it next).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// `program` on `PATH`, or in `~/.cargo/bin` (where `cargo install` puts tauri-driver).
pub fn find_on_path(program: &str) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()).collect();
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(Path::new(&home).join(".cargo/bin"));
    }
    dirs.into_iter().map(|d| d.join(program)).find(|p| p.is_file())
}

/// A program started in a process group of its own, and ended with everything it started
/// (tauri-driver starts WebKitWebDriver, which starts the app) when dropped.
pub struct KillOnDrop(pub Child);

impl KillOnDrop {
    pub fn spawn(command: &mut Command, what: &str) -> KillOnDrop {
        use std::os::unix::process::CommandExt;
        KillOnDrop(command.process_group(0).spawn().unwrap_or_else(|e| panic!("could not start {what}: {e}")))
    }
}

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let group = format!("-{}", self.0.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).stderr(Stdio::null()).status();
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A virtual X display of our own (stopped when dropped), or the one `DISPLAY` names.
pub struct Display {
    pub name: String,
    _server: Option<KillOnDrop>,
}

impl Display {
    pub fn get() -> Display {
        if let Some(name) = std::env::var("DISPLAY").ok().filter(|n| !n.is_empty()) {
            return Display { name, _server: None };
        }
        let xvfb =
            find_on_path("Xvfb").expect("Xvfb is missing: install the xvfb package (the README's test command does)");
        // -displayfd: Xvfb picks a free display and prints its number when ready.
        let mut server = KillOnDrop::spawn(
            Command::new(xvfb)
                .args(["-displayfd", "1", "-screen", "0", "1280x860x24", "-nolisten", "tcp"])
                .stdout(Stdio::piped())
                .stderr(Stdio::null()),
            "Xvfb",
        );
        let mut line = String::new();
        BufReader::new(server.0.stdout.take().unwrap()).read_line(&mut line).unwrap();
        Display { name: format!(":{}", line.trim()), _server: Some(server) }
    }
}

/// A window of `application` (started with `args` and `env`) on `display`, and the WebDriver
/// session with it. Dropping the driver ends the app.
pub async fn open_window(
    display: &Display,
    application: &Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> (Client, KillOnDrop) {
    let driver_bin = find_on_path("tauri-driver")
        .expect("tauri-driver is missing: `cargo install tauri-driver --locked` (the README's test command does)");
    let (port, native_port) = (free_port(), free_port());
    let driver = KillOnDrop::spawn(
        Command::new(driver_bin)
            .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .env("DISPLAY", &display.name)
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
        "tauri-driver",
    );
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed() < DRIVER_WAIT, "tauri-driver did not listen on port {port}");
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), "wry".into());
    caps.insert("tauri:options".into(), serde_json::json!({ "application": application, "args": args }));
    let client = ClientBuilder::native()
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("a WebDriver session with the window");
    (client, driver)
}
