-- Schema version 4: who may send bundles to a circle, and what each member has.

-- This laptop's secret keys (`kinship-device-keys/1:…`) and where its database lives, so a
-- data folder copied to another laptop is noticed and takes a new device identity.
ALTER TABLE local_device ADD COLUMN secret_keys TEXT;
ALTER TABLE local_device ADD COLUMN home TEXT;

-- Shared: the public keys of each member's devices. A key is accepted only with a proof:
-- signed by an invite's key (a new member's first device), by another device of the same
-- member (a copied laptop's new identity), or by itself for the circle's founding device.
CREATE TABLE device_keys (
    id             TEXT PRIMARY KEY,
    circle_id      TEXT NOT NULL REFERENCES circles(id),
    member_id      TEXT NOT NULL REFERENCES members(id),
    device_id      TEXT NOT NULL,
    signing_key    TEXT NOT NULL,
    age_recipient  TEXT NOT NULL,
    -- 'founder', 'invite:<invite id>' or 'device:<device id>'.
    authorized_by  TEXT NOT NULL,
    proof          TEXT NOT NULL,
    added_at       TEXT NOT NULL
);
CREATE INDEX device_keys_device ON device_keys(device_id);
CREATE INDEX device_keys_circle ON device_keys(circle_id);

-- Shared: invites. Only the public half of an invite's one-off key is in the circle; the
-- secret half travels in the passphrase-locked invite file.
CREATE TABLE invites (
    id             TEXT PRIMARY KEY,
    circle_id      TEXT NOT NULL REFERENCES circles(id),
    member_id      TEXT NOT NULL REFERENCES members(id),
    invite_key     TEXT NOT NULL,
    created_at     TEXT NOT NULL
);

-- Local: what each member is known to have of a circle's log (from their own bundles, or
-- passed on in others'), so a bundle carries only what someone may still lack.
CREATE TABLE peer_have (
    circle_id      TEXT NOT NULL,
    member_id      TEXT NOT NULL,
    have           TEXT NOT NULL,
    -- When this laptop last imported a bundle sent by this member (NULL: never directly).
    heard_at       TEXT,
    PRIMARY KEY (circle_id, member_id)
) WITHOUT ROWID;

-- Local: imports applied here, newest last; the last one can be undone by removing the
-- change-log entries it added (`added`: device → [[from, to], …]).
CREATE TABLE imports (
    id             INTEGER PRIMARY KEY,
    circle_id      TEXT NOT NULL,
    sender_member  TEXT,
    sender_device  TEXT NOT NULL,
    imported_at    TEXT NOT NULL,
    new_changes    INTEGER NOT NULL,
    added          TEXT NOT NULL,
    backup_file    TEXT,
    undone_at      TEXT
);
