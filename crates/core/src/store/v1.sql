-- Schema version 1. Frozen once released: later changes are new migrations.

-- Local to this laptop: never synced, never dumped.
CREATE TABLE local_device (
    singleton     INTEGER PRIMARY KEY CHECK (singleton = 1),
    device_id     TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    -- Last hybrid-logical-clock reading and the next change-log sequence number.
    hlc_millis    INTEGER NOT NULL DEFAULT 0,
    hlc_counter   INTEGER NOT NULL DEFAULT 0,
    next_seq      INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE identity (
    singleton     INTEGER PRIMARY KEY CHECK (singleton = 1),
    person_id     TEXT NOT NULL,
    name          TEXT NOT NULL,
    email         TEXT NOT NULL,
    pronouns      TEXT,
    institution   TEXT,
    career_stage  TEXT,
    created_at    TEXT NOT NULL
);

-- Shared circle data: every write also appends to change_log.
CREATE TABLE circles (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    purpose       TEXT NOT NULL DEFAULT '',
    agreement     TEXT NOT NULL DEFAULT '',
    cadence       TEXT NOT NULL,
    created_at    TEXT NOT NULL
);

CREATE TABLE members (
    id            TEXT PRIMARY KEY,
    circle_id     TEXT NOT NULL REFERENCES circles(id),
    person_id     TEXT,
    name          TEXT NOT NULL,
    email         TEXT NOT NULL,
    pronouns      TEXT,
    institution   TEXT,
    role          TEXT NOT NULL,
    contact       TEXT,
    joined_at     TEXT NOT NULL,
    left_at       TEXT
);
CREATE INDEX members_circle ON members(circle_id);

CREATE TABLE meetings (
    id             TEXT PRIMARY KEY,
    circle_id      TEXT NOT NULL REFERENCES circles(id),
    title          TEXT NOT NULL,
    starts_at      TEXT NOT NULL,
    minutes        INTEGER NOT NULL,
    place          TEXT,
    facilitator_id TEXT REFERENCES members(id),
    timekeeper_id  TEXT REFERENCES members(id),
    note_taker_id  TEXT REFERENCES members(id),
    status         TEXT NOT NULL
);
CREATE INDEX meetings_circle_start ON meetings(circle_id, starts_at);

CREATE TABLE agenda_items (
    id             TEXT PRIMARY KEY,
    meeting_id     TEXT NOT NULL REFERENCES meetings(id),
    title          TEXT NOT NULL,
    details        TEXT NOT NULL DEFAULT '',
    contributor_id TEXT REFERENCES members(id),
    kind           TEXT NOT NULL,
    minutes        INTEGER NOT NULL,
    position       INTEGER NOT NULL,
    status         TEXT NOT NULL,
    confidential   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX agenda_items_meeting ON agenda_items(meeting_id, position);

CREATE TABLE action_items (
    id             TEXT PRIMARY KEY,
    meeting_id     TEXT NOT NULL REFERENCES meetings(id),
    text           TEXT NOT NULL,
    owner_id       TEXT REFERENCES members(id),
    due            TEXT,
    done           INTEGER NOT NULL DEFAULT 0,
    created_at     TEXT NOT NULL
);
CREATE INDEX action_items_meeting ON action_items(meeting_id);

-- Private rows never enter change_log; a journal entry outside any circle has no author member.
CREATE TABLE reflections (
    id               TEXT PRIMARY KEY,
    circle_id        TEXT REFERENCES circles(id),
    author_member_id TEXT REFERENCES members(id),
    meeting_id       TEXT REFERENCES meetings(id),
    prompt           TEXT,
    text             TEXT NOT NULL,
    visibility       TEXT NOT NULL CHECK (visibility IN ('private', 'shared')),
    created_at       TEXT NOT NULL,
    CHECK (visibility = 'private' OR circle_id IS NOT NULL)
);
CREATE INDEX reflections_meeting ON reflections(meeting_id);

CREATE TABLE goals (
    id               TEXT PRIMARY KEY,
    circle_id        TEXT REFERENCES circles(id),
    owner_member_id  TEXT REFERENCES members(id),
    text             TEXT NOT NULL,
    target_date      TEXT,
    status           TEXT NOT NULL,
    visibility       TEXT NOT NULL CHECK (visibility IN ('private', 'shared')),
    created_at       TEXT NOT NULL,
    CHECK (visibility = 'private' OR circle_id IS NOT NULL)
);

CREATE TABLE resources (
    id             TEXT PRIMARY KEY,
    circle_id      TEXT NOT NULL REFERENCES circles(id),
    title          TEXT NOT NULL,
    url            TEXT,
    kind           TEXT NOT NULL,
    deadline       TEXT,
    shared_by_id   TEXT REFERENCES members(id),
    note           TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL
);
CREATE INDEX resources_circle ON resources(circle_id);

-- Every change to shared data, per writing device, in sequence. Sync builds on this.
-- `fields` is a JSON object of the fields a `put` wrote (all of them for a new record).
CREATE TABLE change_log (
    author_device  TEXT NOT NULL,
    seq            INTEGER NOT NULL,
    hlc            TEXT NOT NULL,
    circle_id      TEXT NOT NULL,
    entity         TEXT NOT NULL,
    entity_id      TEXT NOT NULL,
    op             TEXT NOT NULL CHECK (op IN ('put', 'delete')),
    fields         TEXT NOT NULL,
    PRIMARY KEY (author_device, seq)
) WITHOUT ROWID;
CREATE INDEX change_log_circle ON change_log(circle_id, hlc);
CREATE INDEX change_log_entity ON change_log(entity_id);
