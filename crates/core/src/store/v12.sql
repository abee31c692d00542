-- Schema version 12: what this laptop last shared (share_reminder.rs). Per circle, the
-- highest change number of each laptop's log it held when it last saved a bundle, so
-- "Share updates" is offered for changes made since, not again for ones already sent.
-- Device state: never logged, never exported, never in a bundle.
CREATE TABLE shared_marks (
    circle_id      TEXT NOT NULL,
    author_device  TEXT NOT NULL,
    seq            INTEGER NOT NULL,
    PRIMARY KEY (circle_id, author_device)
) WITHOUT ROWID;
-- What is here when this version arrives counts as shared: an update does not ask to share
-- the whole history again.
INSERT INTO shared_marks (circle_id, author_device, seq)
    SELECT circle_id, author_device, highest_seq FROM log_extent;
