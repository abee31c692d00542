//! A new member reads the circle's bundles at once. A laptop's own key reaches the others
//! only with its first bundle; until then every laptop also seals to the one-off key of the
//! invite made for it (that key's X25519 form, [`seal::invite_recipient`]), and the joining
//! laptop keeps that invite's age identity (device state, never logged) to open them.
//!
//! An invite's key is a recipient, as the sealing laptop knows the circle, while the invite:
//! - is unused: no laptop key in the circle was proved with it (once the joiner's first
//!   bundle arrives, its own key takes over);
//! - has not expired, by the sealing laptop's clock;
//! - is for a member still in the circle, and was written by a laptop of a member still in
//!   it (an invite of someone who left can no longer prove a key);
//! - can still be used: one another member wrote is dead once its member has joined (a
//!   second entry is refused, see `keys`), so only an "another laptop of mine" invite stays
//!   live beside its member's keys.
//!
//! The joining laptop forgets the identity when the invite expires (nobody seals to it
//! after that), or, for a member's first laptop, once every other member with a laptop in
//! the circle is known (`peer_have`) to hold this laptop's key.

use super::claims;
use super::keys::{self, invite_expiry};
use super::seal;
use crate::changelog::entity;
use crate::Result;
use age::secrecy::ExposeSecret;
use ed25519_dalek::SigningKey;
use rusqlite::Connection;
use std::str::FromStr;

/// A live invite's key as a recipient: the member it lets read, and its age recipient.
pub(crate) struct InviteRecipient {
    pub member_id: String,
    pub age_recipient: String,
}

/// The age recipients of the live invites of a circle (see the module doc), judged at `now`.
pub(crate) fn invite_recipients(conn: &Connection, circle_id: &str, now: &str) -> Result<Vec<InviteRecipient>> {
    let mut stmt = conn.prepare_cached(
        "SELECT i.id, i.member_id, i.invite_key, i.created_at, i.expires_at,
                EXISTS (SELECT 1 FROM device_keys k WHERE k.circle_id = i.circle_id AND k.member_id = i.member_id)
         FROM invites i JOIN members m ON m.id = i.member_id
         WHERE i.circle_id = ?1 AND m.left_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM device_keys k
                           WHERE k.circle_id = i.circle_id AND k.authorized_by = 'invite:' || i.id)
         ORDER BY i.id",
    )?;
    let rows = stmt.query_map([circle_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            invite_expiry(&r.get::<_, String>(3)?, r.get(4)?),
            r.get::<_, bool>(5)?,
        ))
    })?;
    let mut live = Vec::new();
    for row in rows {
        let (invite_id, member_id, invite_key, expires_at, member_has_key) = row?;
        if expires_at.as_str() <= now {
            continue;
        }
        let Some(author) = keys::invite_author(conn, circle_id, &invite_id)? else { continue };
        let author_left: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM members WHERE id = ?1 AND left_at IS NOT NULL)",
            [&author],
            |r| r.get(0),
        )?;
        let another_laptop_of_theirs = author == member_id;
        if author_left || (member_has_key && !another_laptop_of_theirs) {
            continue;
        }
        if let Some(age_recipient) = seal::invite_recipient(&invite_key) {
            live.push(InviteRecipient { member_id, age_recipient });
        }
    }
    Ok(live)
}

/// Keeps the age identity of the invite this laptop joined `circle_id` with, until
/// `expires_at` at the latest.
pub(crate) fn keep_invite_identity(
    conn: &Connection,
    circle_id: &str,
    invite_id: &str,
    invite_key: &SigningKey,
    expires_at: &str,
) -> Result<()> {
    let identity = seal::invite_identity(invite_key).to_string();
    conn.execute(
        "INSERT OR REPLACE INTO invite_identities (circle_id, invite_id, identity, expires_at) VALUES (?1, ?2, ?3, ?4)",
        (circle_id, invite_id, identity.expose_secret(), expires_at),
    )?;
    Ok(())
}

/// The kept invite identities that may still open something at `now` (unexpired).
pub(crate) fn invite_identities(conn: &Connection, now: &str) -> Result<Vec<age::x25519::Identity>> {
    let mut stmt = conn.prepare_cached("SELECT identity FROM invite_identities WHERE expires_at > ?1")?;
    let stored = stmt.query_map([now], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
    // A damaged row can only mean a bundle this laptop cannot open; the device key still works.
    Ok(stored.iter().filter_map(|s| age::x25519::Identity::from_str(s).ok()).collect())
}

/// Whether every other member with a laptop in the circle is known to hold `device`'s key.
fn everyone_holds_key_of(conn: &Connection, circle_id: &str, device: &str, my_member: &str) -> Result<bool> {
    let key_change: Option<i64> = conn.query_row(
        "SELECT min(l.seq) FROM change_log l JOIN device_keys k ON k.id = l.entity_id
         WHERE l.circle_id = ?1 AND l.author_device = ?2 AND l.entity = ?3 AND l.op = 'put' AND k.device_id = ?2",
        (circle_id, device, entity::DEVICE_KEY),
        |r| r.get(0),
    )?;
    let Some(key_change) = key_change else { return Ok(false) };
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT k.member_id FROM device_keys k JOIN members m ON m.id = k.member_id
         WHERE k.circle_id = ?1 AND k.revoked_after IS NULL AND m.left_at IS NULL AND k.member_id <> ?2",
    )?;
    let others =
        stmt.query_map((circle_id, my_member), |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
    for member in others {
        let has = claims::member_has(conn, circle_id, &member)?;
        if has.get(device).is_none_or(|&seq| seq < key_change) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Forgets the invite identities no laptop seals to any more: expired ones, and in
/// `circle_id` the one of this laptop's (`my_device`) first entry once every other member
/// holds its key. Runs inside an import's transaction, so a crash keeps both or neither.
pub(crate) fn forget_spent_invite_identities(
    conn: &Connection,
    circle_id: &str,
    my_device: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    conn.execute("DELETE FROM invite_identities WHERE expires_at <= ?1", [crate::clock::to_stored(now)])?;
    let kept: Vec<String> = conn
        .prepare("SELECT invite_id FROM invite_identities WHERE circle_id = ?1")?
        .query_map([circle_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let Some(me) = keys::member_of_device(conn, circle_id, my_device)? else { return Ok(()) };
    for invite_id in kept {
        // "Another laptop of mine": my own laptops' knowledge of this one is not tracked
        // apart from mine, so that identity is kept until its invite expires.
        let first_laptop = keys::invite_author(conn, circle_id, &invite_id)?.is_some_and(|a| a != me);
        if first_laptop && everyone_holds_key_of(conn, circle_id, my_device, &me)? {
            conn.execute(
                "DELETE FROM invite_identities WHERE circle_id = ?1 AND invite_id = ?2",
                (circle_id, &invite_id),
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
impl crate::Store {
    /// How many invite identities this laptop keeps (for tests of when they are forgotten).
    pub(crate) fn kept_invite_identities(&self) -> usize {
        self.conn().query_row("SELECT count(*) FROM invite_identities", [], |r| r.get::<_, i64>(0)).unwrap() as usize
    }
}
