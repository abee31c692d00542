//! Files on the person's disk: what Kinship writes is theirs alone (a data folder only they
//! can enter, files only they can read, on Unix), and what it is handed to read is checked
//! for kind and size before a byte is read.
//!
//! Private reflections and the device's secret keys live in the database and its backups;
//! exports, bundles and invites hold the circle's confidential talk. Other accounts on the
//! same laptop must not read any of them.

use crate::{Error, Result};
use std::io::{Read, Write};
use std::path::Path;

/// The largest file Kinship will read when handed one (a bundle, an invite, an export):
/// the bundle decoder's own cap. A ten-year circle's full bundle is about 1.6 MB.
pub const MAX_RECEIVED_FILE: u64 = 64 * 1024 * 1024;

fn io(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Io { path: path.display().to_string(), source }
}

/// Creates `dir` (and its parents) if needed and makes it private: only its owner may list
/// or enter it (0700 on Unix). An existing folder is made private too.
pub fn create_private_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    set_mode(dir, 0o700)
}

/// Makes an existing file readable and writable by its owner only (0600 on Unix).
pub fn make_private(file: &Path) -> Result<()> {
    set_mode(file, 0o600)
}

/// Writes `contents` into a new file at `path` that only its owner can read, and syncs it to
/// disk. Never overwrites: an existing `path` is an `AlreadyExists` I/O error.
pub fn write_new_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    let written = file.write_all(contents).and_then(|_| file.sync_all());
    if written.is_err() {
        let _ = std::fs::remove_file(path);
    }
    written
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).map_err(io(path))
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) -> Result<()> {
    // Windows and macOS keep a user's profile folders private by default.
    Ok(())
}

/// Reads a file someone handed to Kinship (opened, dropped, given on the command line).
/// Only a regular file of at most `cap` bytes is read; a device (`/dev/zero`, also through a
/// symlink), a named pipe, a folder or a larger file is refused at once, without reading it.
pub fn read_received_file(path: &Path, cap: u64) -> Result<Vec<u8>> {
    let name = path.display().to_string();
    let refuse = |why: String| Error::invalid("File", format!("{name} {why}"));
    // `metadata` follows symlinks: a link to a device is judged by the device.
    let meta = std::fs::metadata(path).map_err(io(path))?;
    if meta.is_dir() {
        return Err(refuse("is a folder; choose a .kinship file inside it".into()));
    }
    if !meta.is_file() {
        return Err(refuse("is not a regular file (a device or a pipe); save the file to disk and open that".into()));
    }
    if meta.len() > cap {
        return Err(refuse(format!(
            "is {} MB, larger than any file Kinship makes ({} MB at most); it cannot be a Kinship file",
            meta.len().div_ceil(1024 * 1024),
            cap / (1024 * 1024)
        )));
    }
    // The file may grow between the check and the read: never read past the cap.
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::fs::File::open(path).map_err(io(path))?.take(cap + 1).read_to_end(&mut bytes).map_err(io(path))?;
    if bytes.len() as u64 > cap {
        return Err(refuse("grew past the largest size Kinship reads while it was being read".into()));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[cfg(unix)]
    #[test]
    fn private_folders_and_files_are_the_owners_alone() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("data/inner");
        create_private_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);
        // An existing open folder is closed too.
        let open = tmp.path().join("open");
        std::fs::create_dir(&open).unwrap();
        std::fs::set_permissions(&open, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
        create_private_dir(&open).unwrap();
        assert_eq!(mode(&open), 0o700);

        let file = dir.join("secret.txt");
        write_new_private(&file, b"private").unwrap();
        assert_eq!(mode(&file), 0o600);
        assert_eq!(std::fs::read(&file).unwrap(), b"private");
        let again = write_new_private(&file, b"other").unwrap_err();
        assert_eq!(again.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&file).unwrap(), b"private", "never overwritten");
    }

    #[test]
    fn a_regular_file_within_the_cap_is_read() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("b.kinship");
        std::fs::write(&file, b"KINSHIP bytes").unwrap();
        assert_eq!(read_received_file(&file, 100).unwrap(), b"KINSHIP bytes");
    }

    #[test]
    fn a_file_over_the_cap_is_refused_with_its_size() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("big.kinship");
        std::fs::write(&file, vec![0u8; 3 * 1024 * 1024]).unwrap();
        let err = read_received_file(&file, 1024 * 1024).unwrap_err().to_string();
        assert!(err.contains("is 3 MB, larger than any file Kinship makes (1 MB at most)"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn devices_pipes_and_folders_are_refused_without_reading() {
        let tmp = tempfile::tempdir().unwrap();
        let link = tmp.path().join("zero.kinship");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        let started = std::time::Instant::now();
        let err = read_received_file(&link, MAX_RECEIVED_FILE).unwrap_err().to_string();
        assert!(err.contains("is not a regular file"), "{err}");
        assert!(started.elapsed() < std::time::Duration::from_secs(5), "refused without reading");

        let fifo = tmp.path().join("pipe.kinship");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(made.success());
        // Opening a pipe with no writer would block forever: it must be refused before opening.
        let err = read_received_file(&fifo, MAX_RECEIVED_FILE).unwrap_err().to_string();
        assert!(err.contains("is not a regular file"), "{err}");

        let err = read_received_file(tmp.path(), MAX_RECEIVED_FILE).unwrap_err().to_string();
        assert!(err.contains("is a folder"), "{err}");
    }
}
