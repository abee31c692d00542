-- Schema version 9: a new member reads the circle's bundles at once (sync/newcomers.rs).
-- The age identity of the invite this laptop joined with (the X25519 form of the invite's
-- one-off key), kept to open bundles sealed to that invite until the circle knows this
-- laptop's own key, or the invite expires. Device state: never logged, never exported.
CREATE TABLE invite_identities (
    circle_id   TEXT NOT NULL,
    invite_id   TEXT NOT NULL,
    identity    TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    PRIMARY KEY (circle_id, invite_id)
) WITHOUT ROWID;
