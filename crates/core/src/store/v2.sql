-- Schema version 2: running meetings, decisions, attendance, templates, goal notes, search.

-- Run mode: times are stored, never ticks, so the timer is right after sleep or a crash.
ALTER TABLE meetings ADD COLUMN started_at TEXT;
ALTER TABLE meetings ADD COLUMN ended_at TEXT;
-- Set while the meeting is paused.
ALTER TABLE meetings ADD COLUMN paused_at TEXT;
ALTER TABLE meetings ADD COLUMN current_item_id TEXT;
-- Agreed at the end: what the facilitator wants remembered about the meeting as a whole.
ALTER TABLE meetings ADD COLUMN summary TEXT NOT NULL DEFAULT '';

ALTER TABLE agenda_items ADD COLUMN notes TEXT NOT NULL DEFAULT '';
ALTER TABLE agenda_items ADD COLUMN started_at TEXT;
ALTER TABLE agenda_items ADD COLUMN ended_at TEXT;
-- Seconds the meeting was paused while this item was current.
ALTER TABLE agenda_items ADD COLUMN paused_secs INTEGER NOT NULL DEFAULT 0;
-- The item this one continues, when it was carried over from an earlier meeting.
ALTER TABLE agenda_items ADD COLUMN carried_from_id TEXT REFERENCES agenda_items(id);
-- Member turns: whose turn, what help they want, and the goal it serves.
ALTER TABLE agenda_items ADD COLUMN member_id TEXT REFERENCES members(id);
ALTER TABLE agenda_items ADD COLUMN help_wanted TEXT;
ALTER TABLE agenda_items ADD COLUMN goal_id TEXT REFERENCES goals(id);

ALTER TABLE action_items ADD COLUMN agenda_item_id TEXT REFERENCES agenda_items(id);
ALTER TABLE action_items ADD COLUMN done_at TEXT;

CREATE TABLE decisions (
    id             TEXT PRIMARY KEY,
    meeting_id     TEXT NOT NULL REFERENCES meetings(id),
    agenda_item_id TEXT REFERENCES agenda_items(id),
    text           TEXT NOT NULL,
    created_at     TEXT NOT NULL
);
CREATE INDEX decisions_meeting ON decisions(meeting_id);

CREATE TABLE attendance (
    meeting_id     TEXT NOT NULL REFERENCES meetings(id),
    member_id      TEXT NOT NULL REFERENCES members(id),
    present        INTEGER NOT NULL,
    PRIMARY KEY (meeting_id, member_id)
) WITHOUT ROWID;

-- A circle's own agenda templates (the built-in ones live in code).
CREATE TABLE agenda_templates (
    id             TEXT PRIMARY KEY,
    circle_id      TEXT NOT NULL REFERENCES circles(id),
    name           TEXT NOT NULL,
    -- JSON array of {title, kind, minutes, details}.
    items          TEXT NOT NULL,
    created_at     TEXT NOT NULL
);

CREATE TABLE goal_notes (
    id             TEXT PRIMARY KEY,
    goal_id        TEXT NOT NULL REFERENCES goals(id),
    text           TEXT NOT NULL,
    created_at     TEXT NOT NULL
);
CREATE INDEX goal_notes_goal ON goal_notes(goal_id);

-- Full-text search over what a person may look for. Kept current by triggers, so no write
-- path can forget it. Reflections from other members are left out: search is for one's own.
CREATE VIRTUAL TABLE search_index USING fts5(
    kind UNINDEXED, record_id UNINDEXED, circle_id UNINDEXED, title, body,
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER agenda_items_ai AFTER INSERT ON agenda_items BEGIN
    INSERT INTO search_index (kind, record_id, circle_id, title, body)
    VALUES ('agenda_item', new.id, (SELECT circle_id FROM meetings WHERE id = new.meeting_id), new.title, new.details || ' ' || new.notes);
END;
CREATE TRIGGER agenda_items_au AFTER UPDATE OF title, details, notes ON agenda_items BEGIN
    UPDATE search_index SET title = new.title, body = new.details || ' ' || new.notes WHERE record_id = new.id;
END;
CREATE TRIGGER agenda_items_ad AFTER DELETE ON agenda_items BEGIN
    DELETE FROM search_index WHERE record_id = old.id;
END;

CREATE TRIGGER action_items_ai AFTER INSERT ON action_items BEGIN
    INSERT INTO search_index (kind, record_id, circle_id, title, body)
    VALUES ('action_item', new.id, (SELECT circle_id FROM meetings WHERE id = new.meeting_id), new.text, '');
END;
CREATE TRIGGER action_items_au AFTER UPDATE OF text ON action_items BEGIN
    UPDATE search_index SET title = new.text WHERE record_id = new.id;
END;
CREATE TRIGGER action_items_ad AFTER DELETE ON action_items BEGIN
    DELETE FROM search_index WHERE record_id = old.id;
END;

CREATE TRIGGER decisions_ai AFTER INSERT ON decisions BEGIN
    INSERT INTO search_index (kind, record_id, circle_id, title, body)
    VALUES ('decision', new.id, (SELECT circle_id FROM meetings WHERE id = new.meeting_id), new.text, '');
END;
CREATE TRIGGER decisions_au AFTER UPDATE OF text ON decisions BEGIN
    UPDATE search_index SET title = new.text WHERE record_id = new.id;
END;
CREATE TRIGGER decisions_ad AFTER DELETE ON decisions BEGIN
    DELETE FROM search_index WHERE record_id = old.id;
END;

CREATE TRIGGER resources_ai AFTER INSERT ON resources BEGIN
    INSERT INTO search_index (kind, record_id, circle_id, title, body)
    VALUES ('resource', new.id, new.circle_id, new.title, new.note || ' ' || coalesce(new.url, ''));
END;
CREATE TRIGGER resources_au AFTER UPDATE OF title, note, url ON resources BEGIN
    UPDATE search_index SET title = new.title, body = new.note || ' ' || coalesce(new.url, '') WHERE record_id = new.id;
END;
CREATE TRIGGER resources_ad AFTER DELETE ON resources BEGIN
    DELETE FROM search_index WHERE record_id = old.id;
END;

-- Only one's own reflections (those written on this laptop) are indexed: `local` marks them.
ALTER TABLE reflections ADD COLUMN local INTEGER NOT NULL DEFAULT 0;
UPDATE reflections SET local = 1 WHERE author_member_id IS NULL
    OR author_member_id IN (SELECT m.id FROM members m JOIN identity i ON m.person_id = i.person_id);
CREATE TRIGGER reflections_ai AFTER INSERT ON reflections WHEN new.local = 1 BEGIN
    INSERT INTO search_index (kind, record_id, circle_id, title, body)
    VALUES ('reflection', new.id, new.circle_id, coalesce(new.prompt, ''), new.text);
END;
CREATE TRIGGER reflections_au AFTER UPDATE OF prompt, text ON reflections WHEN new.local = 1 BEGIN
    UPDATE search_index SET title = coalesce(new.prompt, ''), body = new.text WHERE record_id = new.id;
END;
CREATE TRIGGER reflections_ad AFTER DELETE ON reflections BEGIN
    DELETE FROM search_index WHERE record_id = old.id;
END;

-- Index what version 1 already held.
INSERT INTO search_index (kind, record_id, circle_id, title, body)
    SELECT 'agenda_item', a.id, m.circle_id, a.title, a.details FROM agenda_items a JOIN meetings m ON m.id = a.meeting_id;
INSERT INTO search_index (kind, record_id, circle_id, title, body)
    SELECT 'action_item', a.id, m.circle_id, a.text, '' FROM action_items a JOIN meetings m ON m.id = a.meeting_id;
INSERT INTO search_index (kind, record_id, circle_id, title, body)
    SELECT 'resource', id, circle_id, title, note || ' ' || coalesce(url, '') FROM resources;
INSERT INTO search_index (kind, record_id, circle_id, title, body)
    SELECT 'reflection', id, circle_id, coalesce(prompt, ''), text FROM reflections WHERE local = 1;
