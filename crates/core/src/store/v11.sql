-- Schema version 11: a shared folder that a sync engine (Syncthing, or a folder inside
-- OneDrive, Google Drive, Dropbox, Nextcloud) keeps in step between laptops (sync/folder).
-- Device state, like invite_identities: never logged, never exported, never in a dump.

-- The folder a circle syncs through on this laptop, and how the last pass went.
CREATE TABLE sync_folders (
    circle_id    TEXT PRIMARY KEY,
    path         TEXT NOT NULL,
    -- 1: bring new files in by themselves; 0: each waits for a preview.
    auto_import  INTEGER NOT NULL DEFAULT 1,
    -- What this laptop's file was last written from (its log and its recipients), as JSON:
    -- the file is written again only when that changes or the file is gone.
    written_from TEXT,
    written_at   TEXT,
    passed_at    TEXT,
    -- Why the last pass could not use the folder, worded for the person; NULL when it could.
    problem      TEXT
) WITHOUT ROWID;

-- What each file in the folder was found to be, remembered by name, size and time of last
-- change, so a file is read once (not on every pass) and a refused one is listed once.
CREATE TABLE folder_files (
    circle_id    TEXT NOT NULL,
    name         TEXT NOT NULL,
    size         INTEGER NOT NULL,
    modified_ns  INTEGER NOT NULL,
    -- imported, nothing_new, waiting, refused, incomplete, other_circle
    outcome      TEXT NOT NULL,
    reason       TEXT,
    sender_member TEXT,
    -- The highest change number per device the file carries (JSON), for a waiting file.
    carries      TEXT,
    import_id    INTEGER,
    new_changes  INTEGER NOT NULL DEFAULT 0,
    seen_at      TEXT NOT NULL,
    PRIMARY KEY (circle_id, name)
) WITHOUT ROWID;

-- Which imports a folder pass made (the file's name): the Sync screen lists them as brought
-- in by themselves, with Undo through the same history.
ALTER TABLE imports ADD COLUMN from_folder TEXT;
