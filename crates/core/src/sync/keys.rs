//! Which devices may send a circle bundles, and with which keys.
//!
//! Every device has one pair of keys (Ed25519 to sign what it sends, age X25519 to read
//! what it receives), kept secret in `local_device`. A circle records the public halves of
//! its members' devices in `device_keys`, a shared table that syncs like any other, but a
//! key row is accepted only with a proof, a signature over the key by:
//! - `founder`: the key itself, and only for the device that wrote the circle's creation,
//!   for the member that device wrote first (the founding member);
//! - `invite:<id>`: the one-off key of an invite for that same member (the secret half
//!   travels only inside the passphrase-locked invite file);
//! - `device:<id>`: another device of the same member (a copied laptop's new identity).
//!
//! An invite key proves a laptop only if, judged on every laptop inside the import:
//! - the invite is in this circle and names this member;
//! - it is used once: no other key in the circle names the same invite;
//! - it was written (its `put` in the change log) by a device of a member who had not left
//!   when the key was added;
//! - the member has not joined yet, unless the invite was written by one of the member's own
//!   devices ("Add another laptop of mine"). A member has joined when they hold an *entry*
//!   key: the founder's, or one from an invite written by another member's device. Keys a
//!   member adds from their own laptops are not entries, so keys arriving in any order agree;
//! - the key was added before the invite expired (`expires_at`, else 14 days after it was
//!   made).
//!
//! The invite's author is read from the change log's `author_device`, which is as
//! trustworthy as the log's authorship: once changes carry their author's signed chain,
//! no member can pass off an invite as another's.
//!
//! A bundle is accepted only from a device of a member who has not left the circle.

use super::seal::{DeviceKeys, PublicKeys};
use crate::changelog::entity;
use crate::store::Tx;
use crate::{Error, Result, Store};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Whom a circle's bundles are sealed to ([`Store::recipients`]).
#[derive(Debug, Default)]
pub(crate) struct Recipients {
    /// Each age recipient once (`age1…`): laptops' keys, then live invites' keys.
    pub keys: Vec<String>,
    /// The members who can read them (with a laptop, or as soon as they join).
    pub members: BTreeSet<String>,
}

/// `authorized_by` of the device that founded a circle.
pub const FOUNDER: &str = "founder";
/// Domain separation for key proofs.
const PROOF_CONTEXT: &[u8] = b"kinship-device-key/1\0";

/// A device's public keys as a circle records them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceKey {
    pub id: String,
    pub circle_id: String,
    pub member_id: String,
    pub device_id: String,
    pub signing_key: String,
    pub age_recipient: String,
    pub authorized_by: String,
    pub proof: String,
    pub added_at: String,
    /// The device's last change that stands, once it is revoked (its member removed, or the
    /// laptop lost): later ones are refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_after: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<String>,
}

const COLUMNS: &str =
    "id, circle_id, member_id, device_id, signing_key, age_recipient, authorized_by, proof, added_at, revoked_after, revoked_at";

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<DeviceKey> {
    Ok(DeviceKey {
        id: r.get(0)?,
        circle_id: r.get(1)?,
        member_id: r.get(2)?,
        device_id: r.get(3)?,
        signing_key: r.get(4)?,
        age_recipient: r.get(5)?,
        authorized_by: r.get(6)?,
        proof: r.get(7)?,
        added_at: r.get(8)?,
        revoked_after: r.get(9)?,
        revoked_at: r.get(10)?,
    })
}

/// What a key proof signs: the circle, the member, the device and both public keys.
fn proof_message(circle_id: &str, member_id: &str, device_id: &str, keys: &PublicKeys) -> Vec<u8> {
    [
        PROOF_CONTEXT,
        circle_id.as_bytes(),
        b"\0",
        member_id.as_bytes(),
        b"\0",
        device_id.as_bytes(),
        b"\0",
        keys.signing_key.as_bytes(),
        b"\0",
        keys.age_recipient.as_bytes(),
    ]
    .concat()
}

/// Signs a device's public keys for a member of a circle with `signer`.
pub fn sign_key(signer: &SigningKey, circle_id: &str, member_id: &str, device_id: &str, keys: &PublicKeys) -> String {
    hex::encode(signer.sign(&proof_message(circle_id, member_id, device_id, keys)).to_bytes())
}

/// An Ed25519 verifying key from hex.
pub(crate) fn verifying_key(hex_key: &str) -> Option<VerifyingKey> {
    let bytes: [u8; 32] = hex::decode(hex_key).ok()?.try_into().ok()?;
    VerifyingKey::from_bytes(&bytes).ok()
}

pub(crate) fn key_rows(conn: &Connection, sql_where: &str, params: impl rusqlite::Params) -> Result<Vec<DeviceKey>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM device_keys WHERE {sql_where}"))?;
    let rows = stmt.query_map(params, from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Whether `device`'s first change to the circle (its change 1, whose place its signed
/// chain proves) created the circle: only such a device may found its keys. A clock stamp
/// proves nothing here, since anyone can backdate one.
fn created_circle(conn: &Connection, circle_id: &str, device: &str) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM change_log WHERE circle_id = ?1 AND author_device = ?2 AND seq = 1
             AND entity = ?3 AND entity_id = ?1 AND op = 'put'",
            (circle_id, device, entity::CIRCLE),
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// The member the founding device wrote first (by its own numbering): who founded the circle.
fn founding_member(conn: &Connection, circle_id: &str, founder_device: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT entity_id FROM change_log WHERE circle_id = ?1 AND entity = ?2 AND author_device = ?3
             AND op = 'put' ORDER BY seq LIMIT 1",
            (circle_id, entity::MEMBER, founder_device),
            |r| r.get(0),
        )
        .optional()?)
}

/// How long an invite lasts when its maker does not say.
pub const INVITE_DAYS: i64 = 14;

/// An invite as key checks read it.
struct InviteRow {
    member_id: String,
    invite_key: String,
    expires_at: String,
}

/// When an invite stops working: its `expires_at`, or for an invite written before invites
/// expired, [`INVITE_DAYS`] after it was made.
pub(crate) fn invite_expiry(created_at: &str, expires_at: Option<String>) -> String {
    expires_at.unwrap_or_else(|| {
        chrono::DateTime::parse_from_rfc3339(created_at)
            .map(|t| crate::clock::to_stored((t + chrono::Duration::days(INVITE_DAYS)).to_utc()))
            .unwrap_or_default()
    })
}

fn invite_row(conn: &Connection, circle_id: &str, invite_id: &str) -> Result<Option<InviteRow>> {
    Ok(conn
        .query_row(
            "SELECT member_id, invite_key, created_at, expires_at FROM invites WHERE id = ?1 AND circle_id = ?2",
            (invite_id, circle_id),
            |r| {
                Ok(InviteRow {
                    member_id: r.get(0)?,
                    invite_key: r.get(1)?,
                    expires_at: invite_expiry(&r.get::<_, String>(2)?, r.get(3)?),
                })
            },
        )
        .optional()?)
}

/// The member whose device wrote an invite (its first `put` in the log), if that device has
/// a key in the circle.
pub(crate) fn invite_author(conn: &Connection, circle_id: &str, invite_id: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT k.member_id FROM change_log l JOIN device_keys k
               ON k.circle_id = l.circle_id AND k.device_id = l.author_device
             WHERE l.circle_id = ?1 AND l.entity = ?2 AND l.entity_id = ?3 AND l.op = 'put'
             ORDER BY l.hlc LIMIT 1",
            (circle_id, entity::INVITE, invite_id),
            |r| r.get(0),
        )
        .optional()?)
}

/// Whether `key` let its member into the circle (rather than adding a laptop of theirs): the
/// founder's key, or one from an invite another member's device wrote.
fn is_entry(conn: &Connection, key: &DeviceKey) -> Result<bool> {
    Ok(match key.authorized_by.split_once(':') {
        None => key.authorized_by == FOUNDER,
        Some(("invite", invite_id)) => {
            invite_author(conn, &key.circle_id, invite_id)?.as_deref() != Some(key.member_id.as_str())
        }
        Some(_) => false,
    })
}

/// Checks the rules for a key proved by invite `invite_id` (see the module doc); returns the
/// invite's public key, which must have signed the proof.
fn check_invite_use(conn: &Connection, key: &DeviceKey, invite_id: &str) -> std::result::Result<String, String> {
    let db = |e: Error| e.to_string();
    let invite = match invite_row(conn, &key.circle_id, invite_id).map_err(db)? {
        Some(invite) if invite.member_id == key.member_id => invite,
        Some(_) => return Err("with an invite made for someone else".into()),
        None => return Err("with an invite this laptop has not heard of".into()),
    };
    let others = key_rows(conn, "circle_id = ?1 AND id <> ?2", (&key.circle_id, &key.id)).map_err(db)?;
    if others.iter().any(|k| k.authorized_by == key.authorized_by) {
        return Err("with an invite that was already used by another laptop".into());
    }
    let Some(author) = invite_author(conn, &key.circle_id, invite_id).map_err(db)? else {
        return Err("with an invite from a laptop this circle does not know".into());
    };
    let left_at: Option<String> = conn
        .query_row("SELECT left_at FROM members WHERE id = ?1", [&author], |r| r.get(0))
        .optional()
        .map_err(|e| e.to_string())?
        .flatten();
    if left_at.is_some_and(|left| key.added_at >= left) {
        return Err("with an invite from someone who had left the circle".into());
    }
    if author != key.member_id {
        for other in others.iter().filter(|k| k.member_id == key.member_id) {
            if is_entry(conn, other).map_err(db)? {
                return Err("for a member who has already joined, with an invite from someone else \
                            (only the member can add another laptop of theirs)"
                    .into());
            }
        }
    }
    if key.added_at > invite.expires_at {
        return Err("with an invite that had expired".into());
    }
    Ok(invite.invite_key)
}

/// How a device key came into its circle, for people to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HowAdded {
    /// The device that created the circle.
    Founded,
    /// Through an invite another member (this one) wrote.
    InvitedBy(String),
    /// From another laptop of the same member (their own invite, or a copied data folder).
    FromOwnLaptop,
    /// Through an invite whose writer this laptop does not know.
    Unknown,
}

/// How `key` came into its circle (read from its authorisation and the invite's author).
pub(crate) fn how_added(conn: &Connection, key: &DeviceKey) -> Result<HowAdded> {
    Ok(match key.authorized_by.split_once(':') {
        Some(("invite", invite_id)) => match invite_author(conn, &key.circle_id, invite_id)? {
            Some(author) if author == key.member_id => HowAdded::FromOwnLaptop,
            Some(author) => HowAdded::InvitedBy(author),
            None => HowAdded::Unknown,
        },
        Some(("device", _)) => HowAdded::FromOwnLaptop,
        _ if key.authorized_by == FOUNDER => HowAdded::Founded,
        _ => HowAdded::Unknown,
    })
}

/// The key row a bundle brings for `device` in its own circle (a new member's first bundle,
/// a new laptop), if any. Its proof is checked when the bundle is imported.
pub(crate) fn introduced_in<'b>(bundle: &'b super::Bundle, device: &str) -> Option<&'b crate::Change> {
    let field = |c: &'b crate::Change, name: &str| c.fields.get(name).and_then(|v| v.as_str());
    bundle.changes.iter().find(|c| {
        c.entity == entity::DEVICE_KEY
            && c.op == "put"
            && field(c, "device_id") == Some(device)
            && field(c, "circle_id") == Some(bundle.circle_id.as_str())
    })
}

/// The member a device belongs to in a circle, by the keys this laptop holds.
pub(crate) fn member_of_device(conn: &Connection, circle_id: &str, device: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT member_id FROM device_keys WHERE circle_id = ?1 AND device_id = ?2 LIMIT 1")?
        .query_row((circle_id, device), |r| r.get(0))
        .optional()?)
}

/// Checks one key row's proof against what the circle already holds.
pub(crate) fn verify_key(conn: &Connection, key: &DeviceKey) -> Result<()> {
    let refuse = |why: &str| Err(Error::Bundle(format!("it adds a device key {why}")));
    let signer = match key.authorized_by.split_once(':') {
        None if key.authorized_by == FOUNDER => {
            if !created_circle(conn, &key.circle_id, &key.device_id)? {
                return refuse("claiming to found the circle from a device that did not create it");
            }
            let others = key_rows(
                conn,
                "circle_id = ?1 AND authorized_by = ?2 AND id != ?3",
                (&key.circle_id, FOUNDER, &key.id),
            )?;
            if !others.is_empty() {
                return refuse("claiming to found a circle that already has its founder");
            }
            if founding_member(conn, &key.circle_id, &key.device_id)?.as_deref() != Some(key.member_id.as_str()) {
                return refuse("claiming to found the circle for someone other than its founder");
            }
            key.signing_key.clone()
        }
        Some(("invite", invite_id)) => match check_invite_use(conn, key, invite_id) {
            Ok(invite_key) => invite_key,
            Err(why) => return refuse(&why),
        },
        Some(("device", device_id)) => {
            let sponsors = key_rows(conn, "circle_id = ?1 AND device_id = ?2", (&key.circle_id, device_id))?;
            match sponsors.into_iter().find(|s| s.member_id == key.member_id) {
                Some(sponsor) => sponsor.signing_key,
                None => return refuse("vouched for by a device of another member"),
            }
        }
        _ => return refuse("with an unknown kind of authorisation"),
    };
    let public = PublicKeys { signing_key: key.signing_key.clone(), age_recipient: key.age_recipient.clone() };
    let message = proof_message(&key.circle_id, &key.member_id, &key.device_id, &public);
    let signature = hex::decode(&key.proof).ok().and_then(|b| Signature::from_slice(&b).ok());
    let valid = match (verifying_key(&signer), signature, verifying_key(&key.signing_key)) {
        (Some(signer), Some(signature), Some(_)) => signer.verify(&message, &signature).is_ok(),
        _ => false,
    };
    let recipient_ok = key.age_recipient.parse::<age::x25519::Recipient>().is_ok();
    if !valid || !recipient_ok {
        return refuse("whose proof does not match (forged or altered)");
    }
    Ok(())
}

/// Checks every device key a bundle touched (after merging, inside the import's
/// transaction), so a forged key refuses the whole bundle.
pub(crate) fn check_touched(conn: &Connection, circle_id: &str, touched: &BTreeSet<(String, String)>) -> Result<()> {
    for (_, id) in touched.iter().filter(|(e, _)| e == entity::DEVICE_KEY) {
        for key in key_rows(conn, "id = ?1 AND circle_id = ?2", (id, circle_id))? {
            verify_key(conn, &key)?;
        }
    }
    Ok(())
}

/// Reads this device's secret keys, creating them on first use.
pub(crate) fn ensure_secret_keys(conn: &Connection) -> Result<DeviceKeys> {
    let stored: Option<String> = conn.query_row("SELECT secret_keys FROM local_device", [], |r| r.get(0))?;
    if let Some(stored) = stored {
        return DeviceKeys::from_secret_string(&stored);
    }
    let keys = DeviceKeys::generate();
    conn.execute("UPDATE local_device SET secret_keys = ?1", [keys.to_secret_string()])?;
    Ok(keys)
}

/// Adds `device_id`'s key to a circle for `member_id`, authorised as `authorized_by` with
/// a proof signed by `signer`. Logged, so it travels with the next bundle.
pub(crate) fn add_key(
    tx: &mut Tx<'_>,
    circle_id: &str,
    member_id: &str,
    device_id: &str,
    public: &PublicKeys,
    authorized_by: &str,
    signer: &SigningKey,
) -> Result<DeviceKey> {
    let key = DeviceKey {
        id: crate::ids::new_id(),
        circle_id: circle_id.into(),
        member_id: member_id.into(),
        device_id: device_id.into(),
        signing_key: public.signing_key.clone(),
        age_recipient: public.age_recipient.clone(),
        authorized_by: authorized_by.into(),
        proof: sign_key(signer, circle_id, member_id, device_id, public),
        added_at: tx.now(),
        revoked_after: None,
        revoked_at: None,
    };
    let fields = crate::rows::insert(tx, "device_keys", &key)?;
    tx.log(circle_id, entity::DEVICE_KEY, &key.id, fields)?;
    Ok(key)
}

/// Records the founding device's key when a circle is created.
pub(crate) fn add_founder_key(tx: &mut Tx<'_>, circle_id: &str, member_id: &str) -> Result<()> {
    let keys = ensure_secret_keys(tx)?;
    let device_id = tx.device_id().to_string();
    add_key(tx, circle_id, member_id, &device_id, &keys.public(), FOUNDER, &keys.signing)?;
    Ok(())
}

impl Store {
    /// This device's secret keys.
    pub(crate) fn secret_keys(&self) -> Result<DeviceKeys> {
        ensure_secret_keys(self.conn())
    }

    /// A circle's device keys, oldest first.
    pub fn device_keys(&self, circle_id: &str) -> Result<Vec<DeviceKey>> {
        key_rows(self.conn(), "circle_id = ?1 ORDER BY added_at, id", [circle_id])
    }

    /// Whom a bundle of the circle is sealed to, as this laptop knows the circle: every
    /// unrevoked laptop of its current members, and the live invites of members whose
    /// laptop's key has not reached this one yet (see `newcomers`). The one place that
    /// decides who can read what this laptop sends.
    pub(crate) fn recipients(&self, circle_id: &str) -> Result<Recipients> {
        let keys = key_rows(
            self.conn(),
            "circle_id = ?1 AND revoked_after IS NULL AND member_id IN (SELECT id FROM members WHERE left_at IS NULL) ORDER BY id",
            [circle_id],
        )?;
        let now = crate::clock::to_stored(self.now());
        let invites = super::newcomers::invite_recipients(self.conn(), circle_id, &now)?;
        let mut recipients = Recipients::default();
        for (member_id, age_recipient) in keys
            .into_iter()
            .map(|k| (k.member_id, k.age_recipient))
            .chain(invites.into_iter().map(|i| (i.member_id, i.age_recipient)))
        {
            recipients.members.insert(member_id);
            if !recipients.keys.contains(&age_recipient) {
                recipients.keys.push(age_recipient);
            }
        }
        Ok(recipients)
    }

    /// Makes sure this device has a key in a circle founded here before sync existed.
    pub(crate) fn ensure_my_key(&mut self, circle_id: &str) -> Result<()> {
        let me = self.device_id().to_string();
        if !key_rows(self.conn(), "circle_id = ?1 AND device_id = ?2", (circle_id, &me))?.is_empty() {
            return Ok(());
        }
        if !created_circle(self.conn(), circle_id, &me)? {
            return Err(Error::invalid(
                "Circle",
                "this laptop has no key in this circle yet; ask a member to send you a new invite",
            ));
        }
        let member_id = self.my_member_id(circle_id)?;
        self.write(|tx| add_founder_key(tx, circle_id, &member_id))
    }
}

/// Revokes every key of `device`'s in a circle as of now: its changes up to the highest
/// number this laptop holds stand, later ones are refused, and nothing is sealed to it again.
pub(crate) fn revoke_device(tx: &mut Tx<'_>, circle_id: &str, device: &str) -> Result<()> {
    let held: i64 = tx.query_row(
        "SELECT coalesce(max(seq), 0) FROM change_log WHERE circle_id = ?1 AND author_device = ?2",
        (circle_id, device),
        |r| r.get(0),
    )?;
    for key in key_rows(tx, "circle_id = ?1 AND device_id = ?2 AND revoked_after IS NULL", (circle_id, device))? {
        let mut fields = serde_json::Map::new();
        fields.insert("revoked_after".into(), held.into());
        fields.insert("revoked_at".into(), tx.now().into());
        tx.update("device_keys", entity::DEVICE_KEY, circle_id, &key.id, fields)?;
    }
    Ok(())
}

/// The number after which each revoked device's changes to a circle are refused.
pub(crate) fn revoked_after(conn: &Connection, circle_id: &str) -> Result<std::collections::HashMap<String, i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT device_id, min(revoked_after) FROM device_keys
         WHERE circle_id = ?1 AND revoked_after IS NOT NULL GROUP BY device_id",
    )?;
    let rows = stmt.query_map([circle_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Store {
    /// Revokes a laptop of a current member ("This laptop is lost"): its changes so far stand,
    /// later ones are refused everywhere, and nothing is sealed to it again. Its owner does it
    /// from another laptop of theirs, or asks any member to. A laptop cannot revoke itself.
    pub fn revoke_laptop(&mut self, circle_id: &str, device_key_id: &str) -> Result<DeviceKey> {
        let key = key_rows(self.conn(), "id = ?1 AND circle_id = ?2", (device_key_id, circle_id))?
            .into_iter()
            .next()
            .ok_or_else(|| Error::not_found("laptop", device_key_id))?;
        if key.device_id == self.device_id() {
            return Err(Error::invalid(
                "Laptop",
                "this is the laptop you are using; revoke it from another laptop of yours, or ask a member to",
            ));
        }
        if key.revoked_after.is_some() {
            return Err(Error::invalid("Laptop", "that laptop is already revoked"));
        }
        self.my_member_id(circle_id)?;
        self.write(|tx| revoke_device(tx, circle_id, &key.device_id))?;
        Ok(key_rows(self.conn(), "id = ?1", [device_key_id])?.into_iter().next().expect("the key is still there"))
    }
}
