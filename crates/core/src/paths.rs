//! Where Kinship keeps its data when not told otherwise. The desktop app and the CLI
//! both use this, so they open the same folder.

use std::path::PathBuf;

/// The app's identifier, also the name of its data folder (matches `tauri.conf.json`).
pub const APP_IDENTIFIER: &str = "org.kinship.desktop";

/// Environment variable that overrides the data folder, for both the app and the CLI.
pub const DATA_DIR_ENV: &str = "KINSHIP_DATA_DIR";

/// The OS data folder for Kinship: `~/.local/share/org.kinship.desktop` on Linux,
/// `~/Library/Application Support/org.kinship.desktop` on macOS, `%APPDATA%\org.kinship.desktop` on Windows.
pub fn default_data_dir() -> PathBuf {
    dirs::data_dir().unwrap_or_else(|| PathBuf::from(".")).join(APP_IDENTIFIER)
}

/// The data folder named by `KINSHIP_DATA_DIR`, else [`default_data_dir`].
pub fn data_dir_from_env() -> PathBuf {
    match std::env::var_os(DATA_DIR_ENV) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => default_data_dir(),
    }
}
