//! Desktop integration: one Kinship window per data folder (launching again focuses it),
//! the window's size and position remembered, and `.kinship` files opened from the system
//! (a double-click, `kinship-desktop FILE`, or a second launch with a file) handed to the UI.

use kinship_core::paths::{data_dir_from_env, default_data_dir, APP_IDENTIFIER};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tauri::plugin::TauriPlugin;
use tauri::{AppHandle, Builder, Emitter, Manager, Wry};

/// Emitted (payload: the file's path) when a file is opened while Kinship is running.
pub const OPEN_FILE_EVENT: &str = "kinship://open-file";

/// `.kinship` files opened so far that the UI has not taken yet. A queue, not only the event:
/// a file that arrives before the page listens (the first launch's) still reaches the UI.
#[derive(Default)]
pub struct OpenedFiles(Mutex<Vec<String>>);

impl OpenedFiles {
    /// Empties the queue, returning what was in it.
    pub fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()))
    }

    fn push(&self, path: String) {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push(path);
    }
}

/// Adds the desktop plugins and the queue of opened files, holding the first launch's files.
pub fn setup(builder: Builder<Wry>) -> Builder<Wry> {
    let cwd = std::env::current_dir().unwrap_or_default();
    let args = std::env::args_os().skip(1).filter_map(|arg| arg.into_string().ok());
    let first_launch_files = kinship_files(args, &cwd);
    let builder = builder
        // First: a second instance hands over its files and exits before the rest starts.
        .plugin(single_instance())
        .plugin(window_state())
        .manage(OpenedFiles(Mutex::new(first_launch_files)));
    // macOS gives files to the running app as an event, never in argv.
    #[cfg(target_os = "macos")]
    let builder = builder.plugin(macos_open_events());
    builder
}

/// A later launch (a double-clicked file, or the app icon again) reaches this instance instead
/// of opening a second window on the same database.
fn single_instance() -> TauriPlugin<Wry> {
    let plugin = tauri_plugin_single_instance::Builder::new().callback(|app, argv, cwd| {
        open(app, kinship_files(argv.into_iter().skip(1), Path::new(&cwd)));
        if let Some(window) = app.get_webview_window("main") {
            let _ = window.unminimize();
            let _ = window.show();
            let _ = window.set_focus();
        }
    });
    // One instance per data folder, not per machine: Kinship started on another folder
    // (KINSHIP_DATA_DIR, as every end-to-end test does with a fresh one) is a separate app and
    // must not be swallowed by, or forward its files to, a window showing other data.
    // (The D-Bus name is used on Linux; Windows and macOS key on the app identifier alone.)
    match chosen_data_dir() {
        Some(dir) => plugin.dbus_id(instance_id(&dir)).build(),
        None => plugin.build(),
    }
}

/// Remembers size, position and maximized (not visibility or fullscreen, which could strand a
/// person with an invisible or unclosable window). With KINSHIP_DATA_DIR the state is kept
/// inside that folder, so each folder remembers its own window and a fresh folder (every
/// end-to-end test's) always starts at the configured size: tests never see each other's state.
fn window_state() -> TauriPlugin<Wry> {
    use tauri_plugin_window_state::{Builder, StateFlags};
    let plugin = Builder::new().with_state_flags(StateFlags::SIZE | StateFlags::POSITION | StateFlags::MAXIMIZED);
    match chosen_data_dir() {
        // An absolute file name replaces the plugin's default folder (the OS config folder).
        Some(dir) => plugin.with_filename(dir.join("window-state.json").to_string_lossy()).build(),
        None => plugin.build(),
    }
}

/// The data folder KINSHIP_DATA_DIR names, when it is not the default one.
fn chosen_data_dir() -> Option<PathBuf> {
    let dir = std::path::absolute(data_dir_from_env()).ok()?;
    (dir != default_data_dir()).then_some(dir)
}

/// A D-Bus name for one data folder: the identifier plus a stable hash (FNV-1a) of the path.
fn instance_id(dir: &Path) -> String {
    let hash =
        dir.as_os_str().as_encoded_bytes().iter().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(*byte)).wrapping_mul(0x0000_0100_0000_01b3)
        });
    format!("{APP_IDENTIFIER}.data_{hash:016x}")
}

/// Queues each file for the UI and tells a page that is already listening.
fn open(app: &AppHandle, files: Vec<String>) {
    let queue = app.state::<OpenedFiles>();
    for path in files {
        queue.push(path.clone());
        let _ = app.emit(OPEN_FILE_EVENT, path);
    }
}

/// The absolute paths of the Kinship files among command-line arguments: paths (relative ones
/// against the launch's working folder) or `file://` URIs, as file managers pass either.
fn kinship_files(args: impl IntoIterator<Item = String>, cwd: &Path) -> Vec<String> {
    args.into_iter()
        .filter(|arg| !arg.starts_with('-'))
        .filter_map(|arg| {
            let path = if arg.starts_with("file://") {
                tauri::Url::parse(&arg).ok()?.to_file_path().ok()?
            } else {
                cwd.join(arg)
            };
            is_kinship_file(&path).then(|| path.into_os_string().into_string().ok()).flatten()
        })
        .collect()
}

/// Named `….kinship`, or starting with a Kinship bundle's or invite's magic bytes (the MIME
/// type declares both, so a renamed file opened from a file manager still counts).
fn is_kinship_file(path: &Path) -> bool {
    let named = path.extension().is_some_and(|ext| ext.eq_ignore_ascii_case("kinship"));
    // Only a regular file is opened to read its first bytes: opening a named pipe would block.
    named
        || path.metadata().is_ok_and(|m| m.is_file()) && {
            use std::io::Read;
            let mut magic = [0u8; 7];
            std::fs::File::open(path).and_then(|mut file| file.read_exact(&mut magic)).is_ok() && &magic == b"KINSHIP"
        }
}

/// macOS delivers opened files as `RunEvent::Opened`, at first launch and later alike.
#[cfg(target_os = "macos")]
fn macos_open_events() -> TauriPlugin<Wry> {
    tauri::plugin::Builder::new("kinship-open-files")
        .on_event(|app, event| {
            if let tauri::RunEvent::Opened { urls } = event {
                let args = urls.iter().map(|url| url.to_string());
                open(app, kinship_files(args, Path::new("/")));
            }
        })
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(unix)]
    fn kinship_files_are_picked_from_arguments_as_absolute_paths() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("renamed.bin"), b"KINSHIP\x02rest").unwrap();
        std::fs::write(dir.path().join("notes.txt"), b"hello").unwrap();
        let args =
            ["a.kinship", "--flag", "notes.txt", "renamed.bin", "/elsewhere/B.KINSHIP", "file:///tmp/x%20y.kinship"];
        let found = kinship_files(args.map(String::from), dir.path());
        let inside = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
        assert_eq!(
            found,
            [inside("a.kinship"), inside("renamed.bin"), "/elsewhere/B.KINSHIP".into(), "/tmp/x y.kinship".into()]
        );
    }

    #[test]
    fn each_data_folder_is_its_own_instance() {
        let a = instance_id(Path::new("/tmp/a"));
        assert_eq!(a, instance_id(Path::new("/tmp/a")));
        assert_ne!(a, instance_id(Path::new("/tmp/b")));
        assert!(a.starts_with("org.kinship.desktop.data_") && a.len() == "org.kinship.desktop.data_".len() + 16);
    }
}
