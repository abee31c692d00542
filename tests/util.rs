use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// The repository root (where the root Cargo.toml is).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The folder the binaries of this build are in (`target/debug` for `cargo test`).
pub fn bin_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    exe.parent().and_then(Path::parent).expect("target/<profile>/deps/..").to_path_buf()
}

/// The `kinship` CLI built alongside these tests.
pub fn kinship_bin() -> PathBuf {
    let bin = bin_dir().join(format!("kinship{}", std::env::consts::EXE_SUFFIX));
    assert!(bin.exists(), "{} is missing: run `cargo build --workspace` before `cargo test`", bin.display());
    bin
}

/// A fresh data folder for one test, removed when dropped.
pub struct DataDir {
    pub dir: tempfile::TempDir,
}

impl DataDir {
    pub fn new() -> DataDir {
        DataDir { dir: tempfile::tempdir().expect("temporary folder") }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs `kinship --data-dir <this> ARGS…` and returns its output, whatever the exit code.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with_env(args, &[])
    }

    /// Like [`DataDir::run`] with extra environment variables.
    pub fn run_with_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let output = Command::new(kinship_bin())
            .arg("--data-dir")
            .arg(self.path())
            .args(args)
            .env_remove("KINSHIP_DATA_DIR")
            .env_remove("KINSHIP_PASSPHRASE")
            .envs(env.iter().copied())
            .output()
            .expect("could not start kinship");
        Run { args: args.iter().map(|s| s.to_string()).collect(), output }
    }

    /// Runs the CLI and insists that it succeeds; returns stdout without the final newline.
    pub fn ok(&self, args: &[&str]) -> String {
        self.run(args).success()
    }

    /// Runs the CLI and insists that it fails; returns stderr.
    pub fn fails(&self, args: &[&str]) -> String {
        self.run(args).failure()
    }

    /// Sets up an identity and one circle; returns the circle id.
    pub fn with_circle(&self) -> String {
        self.ok(&["init", "--name", "Ana Reyes", "--email", "ana@uni.edu"]);
        self.ok(&["circle", "create", "Early-career librarians"])
    }
}

/// One finished CLI run; its report names the command, stdout and stderr on failure.
pub struct Run {
    args: Vec<String>,
    output: Output,
}

impl Run {
    fn report(&self) -> String {
        format!(
            "command: kinship {}\nexit: {}\n--- stdout\n{}\n--- stderr\n{}",
            self.args.join(" "),
            self.output.status,
            String::from_utf8_lossy(&self.output.stdout),
            String::from_utf8_lossy(&self.output.stderr)
        )
    }

    /// The process's output, whatever its exit status.
    pub fn output(&self) -> &Output {
        &self.output
    }

    pub fn success(self) -> String {
        assert!(self.output.status.success(), "expected success\n{}", self.report());
        String::from_utf8(self.output.stdout).unwrap().trim_end_matches('\n').to_string()
    }

    pub fn failure(self) -> String {
        assert!(!self.output.status.success(), "expected failure\n{}", self.report());
        assert!(self.output.stdout.is_empty(), "a failing command printed to stdout\n{}", self.report());
        String::from_utf8(self.output.stderr).unwrap()
    }
}

/// A stand-in email app: a desktop entry made the default `mailto` handler (with `xdg-mime`,
/// in a home of its own) whose program writes down the address it is opened with.
pub struct FakeMailApp {
    home: tempfile::TempDir,
}

impl FakeMailApp {
    pub fn install() -> FakeMailApp {
        let home = tempfile::tempdir().unwrap();
        let (data, config) = (home.path().join("data"), home.path().join("config"));
        std::fs::create_dir_all(data.join("applications")).unwrap();
        std::fs::create_dir_all(&config).unwrap();
        let program = home.path().join("record-mail");
        let calls = home.path().join("calls.txt");
        std::fs::write(&program, format!("#!/bin/sh\nprintf '%s\\n' \"$@\" >> '{}'\n", calls.display())).unwrap();
        std::fs::set_permissions(&program, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
        std::fs::write(
            data.join("applications/fake-mail.desktop"),
            format!(
                "[Desktop Entry]\nType=Application\nName=Fake mail\nExec={} %u\nMimeType=x-scheme-handler/mailto;\n",
                program.display()
            ),
        )
        .unwrap();
        let app = FakeMailApp { home };
        let made = Command::new("xdg-mime")
            .args(["default", "fake-mail.desktop", "x-scheme-handler/mailto"])
            .envs(app.env())
            .status()
            .expect("xdg-mime (xdg-utils; the README's test command installs it)");
        assert!(made.success());
        app
    }

    /// The environment under which the app finds this email app.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        let at = |dir: &str| self.home.path().join(dir).display().to_string();
        vec![("XDG_DATA_HOME", at("data")), ("XDG_CONFIG_HOME", at("config")), ("XDG_CURRENT_DESKTOP", String::new())]
    }

    /// The one `mailto:` address it was opened with, once it has been.
    pub fn opened_with(&self) -> String {
        let calls = self.home.path().join("calls.txt");
        let started = Instant::now();
        loop {
            if let Ok(text) = std::fs::read_to_string(&calls) {
                if text.ends_with('\n') {
                    let lines: Vec<&str> = text.lines().collect();
                    assert_eq!(lines.len(), 1, "opened once: {text}");
                    return lines[0].to_string();
                }
            }
            assert!(started.elapsed() < Duration::from_secs(30), "the email app was never opened");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// A `mailto:` address's recipients and its `attach` file, percent-decoded.
pub fn recipients_and_attachment(mailto: &str) -> (Vec<String>, PathBuf) {
    let rest = mailto.strip_prefix("mailto:").expect(mailto);
    let (to, query) = rest.split_once('?').expect(mailto);
    let to = to.split(',').map(percent_decode).collect();
    let attach = query.split('&').find_map(|p| p.strip_prefix("attach=")).expect("a file attached");
    (to, PathBuf::from(percent_decode(attach)))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}
