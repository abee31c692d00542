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

-- Records whose changes arrived before their parent: rebuilt again after each import.
CREATE TABLE sync_waiting (
    circle_id      TEXT NOT NULL,
    entity         TEXT NOT NULL,
    entity_id      TEXT NOT NULL,
    PRIMARY KEY (entity_id, entity)
) WITHOUT ROWID;

-- Search: FTS5 finds rows by rowid only, so the index is keyed through `search_map`
-- (record id → rowid); updating or deleting one record's entry no longer scans the index.
DROP TRIGGER agenda_items_ai; DROP TRIGGER agenda_items_au; DROP TRIGGER agenda_items_ad;
DROP TRIGGER action_items_ai; DROP TRIGGER action_items_au; DROP TRIGGER action_items_ad;
DROP TRIGGER decisions_ai; DROP TRIGGER decisions_au; DROP TRIGGER decisions_ad;
DROP TRIGGER resources_ai; DROP TRIGGER resources_au; DROP TRIGGER resources_ad;
DROP TRIGGER reflections_ai; DROP TRIGGER reflections_au; DROP TRIGGER reflections_ad;

CREATE TABLE search_map (
    id        INTEGER PRIMARY KEY,
    record_id TEXT NOT NULL UNIQUE
);
CREATE TABLE search_rebuild AS SELECT kind, record_id, circle_id, title, body FROM search_index;
DELETE FROM search_index;
INSERT INTO search_map (record_id) SELECT record_id FROM search_rebuild;
INSERT INTO search_index (rowid, kind, record_id, circle_id, title, body)
    SELECT m.id, r.kind, r.record_id, r.circle_id, r.title, r.body FROM search_rebuild r JOIN search_map m USING (record_id);
DROP TABLE search_rebuild;

CREATE TRIGGER agenda_items_ai AFTER INSERT ON agenda_items BEGIN
    INSERT INTO search_map (record_id) VALUES (new.id);
    INSERT INTO search_index (rowid, kind, record_id, circle_id, title, body)
    VALUES (last_insert_rowid(), 'agenda_item', new.id, (SELECT circle_id FROM meetings WHERE id = new.meeting_id),
            new.title, new.details || ' ' || new.notes);
END;
CREATE TRIGGER agenda_items_au AFTER UPDATE OF title, details, notes ON agenda_items
    WHEN old.title IS NOT new.title OR old.details IS NOT new.details OR old.notes IS NOT new.notes BEGIN
    UPDATE search_index SET title = new.title, body = new.details || ' ' || new.notes
    WHERE rowid = (SELECT id FROM search_map WHERE record_id = new.id);
END;
CREATE TRIGGER agenda_items_ad AFTER DELETE ON agenda_items BEGIN
    DELETE FROM search_index WHERE rowid = (SELECT id FROM search_map WHERE record_id = old.id);
    DELETE FROM search_map WHERE record_id = old.id;
END;

CREATE TRIGGER action_items_ai AFTER INSERT ON action_items BEGIN
    INSERT INTO search_map (record_id) VALUES (new.id);
    INSERT INTO search_index (rowid, kind, record_id, circle_id, title, body)
    VALUES (last_insert_rowid(), 'action_item', new.id, (SELECT circle_id FROM meetings WHERE id = new.meeting_id), new.text, '');
END;
CREATE TRIGGER action_items_au AFTER UPDATE OF text ON action_items WHEN old.text IS NOT new.text BEGIN
    UPDATE search_index SET title = new.text WHERE rowid = (SELECT id FROM search_map WHERE record_id = new.id);
END;
CREATE TRIGGER action_items_ad AFTER DELETE ON action_items BEGIN
    DELETE FROM search_index WHERE rowid = (SELECT id FROM search_map WHERE record_id = old.id);
    DELETE FROM search_map WHERE record_id = old.id;
END;

CREATE TRIGGER decisions_ai AFTER INSERT ON decisions BEGIN
    INSERT INTO search_map (record_id) VALUES (new.id);
    INSERT INTO search_index (rowid, kind, record_id, circle_id, title, body)
    VALUES (last_insert_rowid(), 'decision', new.id, (SELECT circle_id FROM meetings WHERE id = new.meeting_id), new.text, '');
END;
CREATE TRIGGER decisions_au AFTER UPDATE OF text ON decisions WHEN old.text IS NOT new.text BEGIN
    UPDATE search_index SET title = new.text WHERE rowid = (SELECT id FROM search_map WHERE record_id = new.id);
END;
CREATE TRIGGER decisions_ad AFTER DELETE ON decisions BEGIN
    DELETE FROM search_index WHERE rowid = (SELECT id FROM search_map WHERE record_id = old.id);
    DELETE FROM search_map WHERE record_id = old.id;
END;

CREATE TRIGGER resources_ai AFTER INSERT ON resources BEGIN
    INSERT INTO search_map (record_id) VALUES (new.id);
    INSERT INTO search_index (rowid, kind, record_id, circle_id, title, body)
    VALUES (last_insert_rowid(), 'resource', new.id, new.circle_id, new.title, new.note || ' ' || coalesce(new.url, ''));
END;
CREATE TRIGGER resources_au AFTER UPDATE OF title, note, url ON resources
    WHEN old.title IS NOT new.title OR old.note IS NOT new.note OR old.url IS NOT new.url BEGIN
    UPDATE search_index SET title = new.title, body = new.note || ' ' || coalesce(new.url, '')
    WHERE rowid = (SELECT id FROM search_map WHERE record_id = new.id);
END;
CREATE TRIGGER resources_ad AFTER DELETE ON resources BEGIN
    DELETE FROM search_index WHERE rowid = (SELECT id FROM search_map WHERE record_id = old.id);
    DELETE FROM search_map WHERE record_id = old.id;
END;

CREATE TRIGGER reflections_ai AFTER INSERT ON reflections WHEN new.local = 1 BEGIN
    INSERT INTO search_map (record_id) VALUES (new.id);
    INSERT INTO search_index (rowid, kind, record_id, circle_id, title, body)
    VALUES (last_insert_rowid(), 'reflection', new.id, new.circle_id, coalesce(new.prompt, ''), new.text);
END;
CREATE TRIGGER reflections_au AFTER UPDATE OF prompt, text ON reflections
    WHEN new.local = 1 AND (old.prompt IS NOT new.prompt OR old.text IS NOT new.text) BEGIN
    UPDATE search_index SET title = coalesce(new.prompt, ''), body = new.text
    WHERE rowid = (SELECT id FROM search_map WHERE record_id = new.id);
END;
CREATE TRIGGER reflections_ad AFTER DELETE ON reflections BEGIN
    DELETE FROM search_index WHERE rowid = (SELECT id FROM search_map WHERE record_id = old.id);
    DELETE FROM search_map WHERE record_id = old.id;
END;
