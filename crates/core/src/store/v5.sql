-- Schema version 5: the change log becomes a rowid table.
-- In a WITHOUT ROWID table a row longer than about 1 KB spills into an overflow page of
-- its own, so a text-heavy circle's log took three pages for every page of text (23.5 MB
-- for ten years of one circle, three times its records), and every import wrote,
-- journaled and checkpointed all of it. A rowid table keeps rows up to about 4 KB on
-- their leaf page; the same key stays unique through its index.
CREATE TABLE change_log_v5 (
    circle_id      TEXT NOT NULL,
    author_device  TEXT NOT NULL,
    seq            INTEGER NOT NULL,
    hlc            TEXT NOT NULL,
    entity         TEXT NOT NULL,
    entity_id      TEXT NOT NULL,
    op             TEXT NOT NULL CHECK (op IN ('put', 'delete')),
    fields         TEXT NOT NULL,
    PRIMARY KEY (circle_id, author_device, seq)
);
INSERT INTO change_log_v5 (circle_id, author_device, seq, hlc, entity, entity_id, op, fields)
    SELECT circle_id, author_device, seq, hlc, entity, entity_id, op, fields
    FROM change_log ORDER BY circle_id, author_device, seq;
DROP TABLE change_log;
ALTER TABLE change_log_v5 RENAME TO change_log;
CREATE INDEX change_log_entity ON change_log(entity_id);
CREATE INDEX change_log_circle_hlc ON change_log(circle_id, hlc);

-- How many entries each device has in each circle's log, and its highest number. A
-- device's entries run 1, 2, 3… without a gap exactly when the two are equal, so what a
-- laptop holds and what it misses are known without counting the log on every import.
-- Kept by changelog.rs, which every write to the log goes through (triggers cost a fifth
-- of a whole circle's import).
CREATE TABLE log_extent (
    circle_id      TEXT NOT NULL,
    author_device  TEXT NOT NULL,
    entries        INTEGER NOT NULL,
    highest_seq    INTEGER NOT NULL,
    PRIMARY KEY (circle_id, author_device)
) WITHOUT ROWID;
INSERT INTO log_extent (circle_id, author_device, entries, highest_seq)
    SELECT circle_id, author_device, count(*), max(seq) FROM change_log GROUP BY circle_id, author_device;
