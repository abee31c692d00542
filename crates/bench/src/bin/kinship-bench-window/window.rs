//! A window under Xvfb, started through tauri-driver (which drives WebKitWebDriver) as the
//! end-to-end tests start Kinship, and the marks its page sets, read through WebDriver.

use fantoccini::{Client, ClientBuilder};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(60);

/// A program in a process group of its own, ended with all it started when dropped.
pub struct Group(Child);

impl Group {
    fn spawn(command: &mut Command, what: &str) -> Group {
        Group(command.process_group(0).spawn().unwrap_or_else(|e| panic!("could not start {what}: {e}")))
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        let group = format!("-{}", self.0.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).stderr(Stdio::null()).status();
        let _ = self.0.wait();
    }
}

pub fn find_on_path(program: &str) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()).collect();
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(Path::new(&home).join(".cargo/bin"));
    }
    dirs.into_iter().map(|d| d.join(program)).find(|p| p.is_file())
}

/// An X display of our own (Xvfb), or the one already set.
pub struct Display {
    pub name: String,
    _server: Option<Group>,
}

impl Display {
    pub fn get() -> Display {
        if let Some(name) = std::env::var("DISPLAY").ok().filter(|n| !n.is_empty()) {
            return Display { name, _server: None };
        }
        let xvfb = find_on_path("Xvfb").expect("Xvfb is missing: install the xvfb package");
        let mut server = Group::spawn(
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

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Moments of a page's first load, in milliseconds since the Unix epoch.
pub struct PageMarks {
    pub origin: f64,
    pub parsed: f64,
    pub ready: f64,
}

/// One launched window and its WebDriver session.
pub struct Window {
    pub client: Client,
    _driver: Group,
}

impl Window {
    /// Starts `binary` through tauri-driver with `env` (the marker that finds its process among them).
    pub async fn launch(display: &Display, binary: &Path, env: &[(String, String)]) -> Window {
        let driver_bin =
            find_on_path("tauri-driver").expect("tauri-driver is missing: cargo install tauri-driver --locked");
        let (port, native_port) = (free_port(), free_port());
        let driver = Group::spawn(
            Command::new(driver_bin)
                .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
                .env("DISPLAY", &display.name)
                .envs(env.iter().map(|(k, v)| (k, v)))
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
            "tauri-driver",
        );
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < WAIT, "tauri-driver did not listen on port {port}");
            std::thread::sleep(Duration::from_millis(20));
        }
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "wry".into());
        caps.insert("tauri:options".into(), json!({ "application": binary }));
        let client = ClientBuilder::native()
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("a WebDriver session with the window");
        Window { client, _driver: driver }
    }

    /// When the page began loading (`performance.timeOrigin`), when its document was parsed
    /// (`DOMContentLoaded` ended) and when it set `kinship-ready`, in milliseconds since the
    /// Unix epoch.
    pub async fn page_marks_epoch_ms(&self) -> PageMarks {
        let script = "const m = performance.getEntriesByName('kinship-ready')[0]; \
                      const nav = performance.getEntriesByType('navigation')[0]; \
                      return m ? [performance.timeOrigin, \
                                  performance.timeOrigin + (nav ? nav.domContentLoadedEventEnd : 0), \
                                  performance.timeOrigin + m.startTime] : null;";
        let started = Instant::now();
        loop {
            if let Ok(Value::Array(at)) = self.client.execute(script, vec![]).await {
                let at: Vec<f64> = at.iter().map(|v| v.as_f64().unwrap()).collect();
                return PageMarks { origin: at[0], parsed: at[1], ready: at[2] };
            }
            assert!(started.elapsed() < WAIT, "the page never set the kinship-ready mark");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Runs `trigger` (a statement using `arg`) in the page and returns the milliseconds from
    /// it to the next `kinship-painted` mark, by the page's own clock.
    pub async fn time_to_painted(&self, trigger: &str, arg: &str) -> Result<f64, String> {
        let script = format!(
            "const arg = arguments[0]; const done = arguments[arguments.length - 1];
             const marks = () => performance.getEntriesByName('kinship-painted');
             const before = marks().length;
             const t0 = performance.now();
             try {{ {trigger}; }} catch (e) {{ done({{ error: String(e) }}); return; }}
             (function poll() {{
               const all = marks();
               if (all.length > before) done({{ ms: all[all.length - 1].startTime - t0 }});
               else if (performance.now() - t0 > 30000) done({{ error: 'never painted' }});
               else setTimeout(poll, 2);
             }})();"
        );
        let got = self.client.execute_async(&script, vec![json!(arg)]).await.map_err(|e| e.to_string())?;
        match got["ms"].as_f64() {
            Some(ms) => Ok(ms),
            None => Err(format!("{trigger} ({arg}): {}", got["error"])),
        }
    }

    /// Clicks the element `css` and times it to painted.
    pub async fn click(&self, css: &str) -> Result<f64, String> {
        self.time_to_painted(
            "const el = document.querySelector(arg); if (!el) throw new Error('no ' + arg); el.click()",
            css,
        )
        .await
    }

    /// Goes to an address of the app unless it is there already, and waits for it to be painted.
    pub async fn go(&self, hash: &str) -> Result<(), String> {
        let here = self.client.execute("return window.location.hash", vec![]).await.map_err(|e| e.to_string())?;
        if here.as_str() == Some(hash) {
            return Ok(());
        }
        self.time_to_painted("window.location.hash = arg", hash).await.map(|_| ())
    }

    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}
