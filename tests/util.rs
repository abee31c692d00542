use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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
