-- Schema version 10: "Since you last looked" (since_last_looked.rs). Per circle, how far
-- into each laptop's change log this laptop's person has looked: "seen up to number N of
-- device D". Numbers, not clock readings: a sender's clock can neither hide a change nor
-- show an old one again. Device state: never logged, never exported, never in a bundle.
CREATE TABLE seen_marks (
    circle_id      TEXT NOT NULL,
    author_device  TEXT NOT NULL,
    seq            INTEGER NOT NULL,
    PRIMARY KEY (circle_id, author_device)
) WITHOUT ROWID;
-- Everything already here when this version arrives counts as seen: the first look after
-- an update lists what comes next, not years of history.
INSERT INTO seen_marks (circle_id, author_device, seq)
    SELECT circle_id, author_device, highest_seq FROM log_extent;
