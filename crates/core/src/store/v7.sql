-- Invites expire: an invite is refused once `expires_at` (RFC 3339 UTC) has passed. Rows
-- written before this column read as expiring 14 days after `created_at`.
ALTER TABLE invites ADD COLUMN expires_at TEXT;
