-- Schema version 8: authorship that survives relaying.
-- Each device's changes to a circle form a hash chain (changelog/chain.rs); `chain` is the
-- value after this change, NULL only for a change held after a gap in its device's numbers.
ALTER TABLE change_log ADD COLUMN chain BLOB;

-- Signed heads of devices' chains: a device's Ed25519 signature over (circle, device, seq,
-- legacy_upto, chain at seq). Kept so that this laptop can pass the changes on with proof.
CREATE TABLE chain_heads (
    circle_id      TEXT NOT NULL,
    author_device  TEXT NOT NULL,
    seq            INTEGER NOT NULL,
    legacy_upto    INTEGER NOT NULL,
    signature      BLOB NOT NULL,
    PRIMARY KEY (circle_id, author_device, seq)
) WITHOUT ROWID;

-- For the devices this laptop writes or wrote as: the last change written before chains
-- existed (its fields are chained by a zero digest). Filled when the chains are filled.
CREATE TABLE chain_legacy (
    circle_id      TEXT NOT NULL,
    author_device  TEXT NOT NULL,
    legacy_upto    INTEGER NOT NULL,
    PRIMARY KEY (circle_id, author_device)
) WITHOUT ROWID;

-- Each device's newest signed claim of what it holds of a circle, passed on unaltered.
CREATE TABLE have_claims (
    circle_id      TEXT NOT NULL,
    device         TEXT NOT NULL,
    at             TEXT NOT NULL,
    have           TEXT NOT NULL,
    signature      BLOB NOT NULL,
    PRIMARY KEY (circle_id, device)
) WITHOUT ROWID;

-- Whether the chains of the log held before schema 8 have been computed (done in Rust once).
ALTER TABLE local_device ADD COLUMN chains_filled INTEGER NOT NULL DEFAULT 0;

-- Revoking a laptop (its member removed, or the laptop lost): its changes up to number
-- `revoked_after` stand, later ones are refused everywhere, and nothing is sealed to it again.
-- Once set, a revocation cannot be undone by a later write (see merge/decide.rs).
ALTER TABLE device_keys ADD COLUMN revoked_after INTEGER;
ALTER TABLE device_keys ADD COLUMN revoked_at TEXT;
