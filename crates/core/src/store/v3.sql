-- Schema version 3: sync.
-- Sequence numbers run per (device, circle), so each circle's log is gap-free per device
-- and "you are missing Ben's changes 14–17" can be said of one circle.
CREATE TABLE change_log_v3 (
    circle_id      TEXT NOT NULL,
    author_device  TEXT NOT NULL,
    seq            INTEGER NOT NULL,
    hlc            TEXT NOT NULL,
    entity         TEXT NOT NULL,
    entity_id      TEXT NOT NULL,
    op             TEXT NOT NULL CHECK (op IN ('put', 'delete')),
    fields         TEXT NOT NULL,
    PRIMARY KEY (circle_id, author_device, seq)
) WITHOUT ROWID;
INSERT INTO change_log_v3 (circle_id, author_device, seq, hlc, entity, entity_id, op, fields)
    SELECT circle_id, author_device,
           row_number() OVER (PARTITION BY author_device, circle_id ORDER BY seq),
           hlc, entity, entity_id, op, fields
    FROM change_log;
DROP TABLE change_log;
ALTER TABLE change_log_v3 RENAME TO change_log;
CREATE INDEX change_log_entity ON change_log(entity_id);
CREATE INDEX change_log_circle_hlc ON change_log(circle_id, hlc);

-- Prose values that lost a concurrent edit, kept until someone resolves them. Derived
-- from the change log (recomputed whenever a record's changes arrive).
CREATE TABLE conflicts (
    circle_id      TEXT NOT NULL,
    entity         TEXT NOT NULL,
    entity_id      TEXT NOT NULL,
    field          TEXT NOT NULL,
    hlc            TEXT NOT NULL,
    author_device  TEXT NOT NULL,
    value          TEXT NOT NULL,
    -- 'concurrent' (an edit made without seeing the winning one) or 'deleted' (an edit
    -- to a record someone deleted).
    reason         TEXT NOT NULL,
    PRIMARY KEY (entity_id, field, hlc)
) WITHOUT ROWID;
CREATE INDEX conflicts_circle ON conflicts(circle_id);
