//! Kinship's desktop shell: opens the core's store and exposes it to the web UI through
//! Tauri commands. Nothing here decides anything; the core does.

mod commands;
mod desktop;
mod error;
mod folder_watch;
mod sync_commands;

pub use commands::NAMES as COMMAND_NAMES;
pub use error::CommandError;

use kinship_core::Store;
use std::sync::{Arc, Mutex, OnceLock};

/// The open store, or why it could not be opened (shown in the UI instead of crashing, e.g. a
/// database from a newer Kinship).
type OpenedStore = Result<Mutex<Store>, CommandError>;

/// What every command reaches: the store, opened beside the window's start.
pub struct AppState {
    /// Filled once by the thread [`AppState::open`] starts; commands wait for it.
    store: Arc<OnceLock<OpenedStore>>,
    /// Tells the shared-folder watcher that the window used the store (a pass follows).
    folder_nudge: folder_watch::Nudge,
}

impl AppState {
    /// Starts opening the store in `KINSHIP_DATA_DIR`, or the OS data folder, on a thread of
    /// its own: the window and its web view start meanwhile instead of after it (a fresh
    /// folder's migrations, a moved folder's new keys, the day's first backup).
    pub fn open() -> AppState {
        let store: Arc<OnceLock<OpenedStore>> = Arc::default();
        let filling = Arc::clone(&store);
        std::thread::Builder::new()
            .name("kinship-open-store".into())
            .spawn(move || {
                let dir = kinship_core::paths::data_dir_from_env();
                // A panic must not leave every command waiting for a store that never comes.
                let opened = std::panic::catch_unwind(|| Store::open(&dir)).unwrap_or_else(|_| {
                    Err(kinship_core::Error::Io {
                        path: dir.display().to_string(),
                        source: std::io::Error::other("opening the data folder failed unexpectedly"),
                    })
                });
                let opened = filling.get_or_init(|| opened.map(Mutex::new).map_err(CommandError::from));
                if let Ok(store) = opened {
                    // A daily safety copy, before the window's first command (which waits for
                    // the lock); failing to make one must not keep the person out.
                    let store = store.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                    if let Err(err) = store.backup_if_due(chrono::Duration::days(1)) {
                        eprintln!("Kinship: could not make today's backup: {err}");
                    }
                }
            })
            .expect("Kinship could not start opening its data");
        AppState { store, folder_nudge: Default::default() }
    }

    /// Runs `f` on the store, mapping the core's error to the wire shape. A shared-folder
    /// pass follows soon, so what the window changed reaches the circle's folder.
    pub fn with_store<T>(&self, f: impl FnOnce(&mut Store) -> kinship_core::Result<T>) -> Result<T, CommandError> {
        let result = self.with_store_quietly(f);
        self.folder_nudge.set();
        result
    }

    /// Like [`AppState::with_store`], without asking for a shared-folder pass (the watcher's own).
    fn with_store_quietly<T>(&self, f: impl FnOnce(&mut Store) -> kinship_core::Result<T>) -> Result<T, CommandError> {
        let store = self.store.wait().as_ref().map_err(Clone::clone)?;
        let mut store = store.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut store).map_err(CommandError::from)
    }
}

/// Starts the desktop app.
pub fn run() {
    let state = AppState::open();
    let nudge = state.folder_nudge.clone();
    desktop::setup(tauri::Builder::default())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .setup(move |app| {
            folder_watch::start(app.handle().clone(), nudge);
            Ok(())
        })
        .manage(state)
        .manage(sync_commands::Pending::default())
        .invoke_handler(commands::handler())
        .run(tauri::generate_context!())
        .expect("Kinship could not start its window");
}
