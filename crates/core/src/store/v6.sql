-- Schema version 6: a meeting's video-call link, apart from its place. Syncs like every
-- other meeting column (the merge reads a table's columns from the schema).
ALTER TABLE meetings ADD COLUMN link TEXT;
