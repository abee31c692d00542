//! The shared folder on disk: which of its files are bundles to read (and which are a sync
//! engine's leftovers), the name of each laptop's own file, writing that file whole or not at
//! all, and what a folder that is gone, read-only or full means to the person.

use crate::{Error, Result};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

/// A file in the folder that may be a bundle.
#[derive(Debug, Clone)]
pub(super) struct Listed {
    pub name: String,
    pub path: PathBuf,
    pub size: u64,
    /// When it last changed, in nanoseconds since 1970 (what tells a rewritten file).
    pub modified_ns: i64,
}

/// The file a laptop writes for a circle: a hash of the circle and the device, so two laptops
/// never write the same name, and the name reveals no id (nor which circle it is for) to
/// anyone who sees the folder.
pub fn device_file_name(circle_id: &str, device_id: &str) -> String {
    let digest = Sha256::new()
        .chain_update(b"kinship-folder-file/1\0")
        .chain_update(circle_id.as_bytes())
        .chain_update(b"\0")
        .chain_update(device_id.as_bytes())
        .finalize();
    format!("kinship-{}.kinship", hex::encode(&digest[..8]))
}

/// The part of a laptop's file name that its conflict copies keep ("kinship-ab12…").
pub(super) fn stem(file_name: &str) -> &str {
    file_name.strip_suffix(".kinship").unwrap_or(file_name)
}

/// Whether a file name can be a bundle: a `.kinship` file that is not a sync engine's
/// temporary or a lock file. Conflict copies keep the extension ("… (conflicted copy
/// 2026-05-01).kinship", OneDrive's "kinship-…-LAPTOP.kinship", Syncthing's
/// "….sync-conflict-….kinship") and are read like any bundle.
pub(super) fn may_be_bundle(name: &str) -> bool {
    let leftover = name.starts_with('.') // .syncthing.*.tmp, .~lock…#, Dropbox's and ours while writing
        || name.starts_with("~$")
        || name.starts_with('~')
        || name.ends_with(".partial")
        || name.ends_with(".tmp");
    !leftover && name.to_lowercase().ends_with(".kinship")
}

/// The regular files in `dir` that may be bundles, by name.
pub(super) fn list(dir: &Path) -> Result<Vec<Listed>> {
    let entries = std::fs::read_dir(dir).map_err(|e| problem(dir, &e))?;
    let mut found = Vec::new();
    for entry in entries {
        // An entry that vanishes while the folder is read was a temporary file.
        let Ok(entry) = entry else { continue };
        let Ok(name) = entry.file_name().into_string() else { continue };
        if !may_be_bundle(&name) {
            continue;
        }
        let path = entry.path();
        let Ok(meta) = std::fs::metadata(&path) else { continue };
        if !meta.is_file() {
            continue;
        }
        found.push(Listed { name, path, size: meta.len(), modified_ns: modified_ns(&meta) });
    }
    found.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(found)
}

/// When a file last changed, in nanoseconds since 1970 (0 where the system cannot say).
pub(super) fn modified_ns(meta: &std::fs::Metadata) -> i64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos().min(i64::MAX as u128) as i64)
}

/// Checks that `dir` is a folder Kinship can list (before it is remembered for a circle).
pub(super) fn check_folder(dir: &Path) -> Result<()> {
    let meta = std::fs::metadata(dir).map_err(|e| problem(dir, &e))?;
    if !meta.is_dir() {
        return Err(Error::Folder {
            path: dir.display().to_string(),
            problem: "is a file, not a folder; choose the folder your sync service keeps in step".into(),
        });
    }
    std::fs::read_dir(dir).map_err(|e| problem(dir, &e))?;
    Ok(())
}

/// Writes `name` in `dir` whole or not at all: into a hidden temporary file (which every
/// laptop skips), synced to disk, then renamed over the old one. A sync engine sees either the
/// old file or the new one, never half of it. The file is readable by its owner only.
pub(super) fn write_whole(dir: &Path, name: &str, contents: &[u8]) -> Result<()> {
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = (|| {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&tmp)?;
        file.write_all(contents)?;
        file.sync_all()?;
        std::fs::rename(&tmp, dir.join(name))?;
        // The rename itself is durable once the folder is synced (not possible everywhere).
        if let Ok(folder) = std::fs::File::open(dir) {
            let _ = folder.sync_all();
        }
        Ok(())
    })();
    written.map_err(|e: std::io::Error| {
        let _ = std::fs::remove_file(&tmp);
        problem(dir, &e)
    })
}

/// What an I/O error on the shared folder means to the person, and what to do.
pub(super) fn problem(dir: &Path, err: &std::io::Error) -> Error {
    use std::io::ErrorKind as K;
    let problem = match err.kind() {
        K::NotFound => "is not there (moved, renamed, or on a drive that is not connected); connect it, or choose \
                        the folder again on the Sync screen (kinship folder set)"
            .to_string(),
        K::PermissionDenied | K::ReadOnlyFilesystem => "cannot be written to (it is read-only, or belongs to another \
                                                        account); make it writable, or choose another folder"
            .to_string(),
        K::StorageFull | K::QuotaExceeded => "is full (its disk, or the sync service's storage); free some space \
                                             there, and Kinship writes its file again on the next pass"
            .to_string(),
        K::NotADirectory => "is a file, not a folder; choose the folder your sync service keeps in step".to_string(),
        _ => format!("could not be used ({err}); check it, or choose another folder"),
    };
    Error::Folder { path: dir.display().to_string(), problem }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leftovers_are_never_bundles_and_conflict_copies_are() {
        for leftover in [
            ".syncthing.kinship-ab.kinship.tmp",
            "~$kinship-ab.kinship",
            ".~lock.kinship-ab.kinship#",
            "kinship-ab.kinship.partial",
            ".kinship-ab.kinship.123.tmp",
            "notes.txt",
            "kinship-ab.kinship.tmp",
        ] {
            assert!(!may_be_bundle(leftover), "{leftover}");
        }
        for bundle in [
            "kinship-ab.kinship",
            "kinship-ab (conflicted copy 2026-05-01).kinship",
            "kinship-ab-LAPTOP.kinship",
            "kinship-ab.sync-conflict-20260501-101010-ABCDEFG.kinship",
            "Early-circle-from-ana-20260501.kinship",
        ] {
            assert!(may_be_bundle(bundle), "{bundle}");
        }
    }

    #[test]
    fn file_names_differ_per_laptop_and_circle_and_reveal_no_id() {
        let a = device_file_name("circle-1", "device-1");
        assert_eq!(a, device_file_name("circle-1", "device-1"));
        assert_ne!(a, device_file_name("circle-1", "device-2"));
        assert_ne!(a, device_file_name("circle-2", "device-1"));
        assert!(!a.contains("device") && !a.contains("circle"), "{a}");
        assert_eq!(stem(&a).len() + ".kinship".len(), a.len());
    }

    #[test]
    fn a_missing_folder_says_what_to_do() {
        let gone = Path::new("/nonexistent/kinship-shared");
        let err = check_folder(gone).unwrap_err();
        assert_eq!(err.code(), "folder");
        let message = err.to_string();
        assert!(message.contains("is not there") && message.contains("Nothing on this laptop was lost"), "{message}");
    }
}
