//! What each device says it holds of a circle, as its own signed claim (`sync::signed`). A
//! laptop passes on the newest claim it has of every device, unaltered; each laptop turns
//! the claims into what each member is known to hold, and so what it need not send them. A
//! claim can only come from the device it is about: no one can make the circle stop
//! sending to someone by claiming on their behalf that they already hold everything.

use super::authorship::circle_key_of;
use super::bundle::{Bundle, Claim, VersionVector};
use super::signed::{self, HaveClaim};
use crate::{Error, Result, Store};
use rusqlite::{Connection, OptionalExtension};

fn to_signed(claim: &Claim) -> Option<HaveClaim> {
    Some(HaveClaim {
        device: claim.device.clone(),
        at: claim.at.clone(),
        have: claim.have.clone(),
        signature: hex::decode(&claim.signature).ok()?.try_into().ok()?,
    })
}

/// Checks every claim in `bundle` against the key this circle holds for its device (or the
/// bundle introduces for it). One that does not check out refuses the whole bundle; one of a
/// device this laptop has no key for yet cannot be checked, and is left unused.
pub(crate) fn check(conn: &Connection, bundle: &Bundle) -> Result<()> {
    for claim in &bundle.claims {
        let Some(key) = circle_key_of(conn, bundle, &claim.device)? else { continue };
        let valid = to_signed(claim).is_some_and(|signed| signed::verify_claim(&key, &bundle.circle_id, &signed));
        if !valid {
            return Err(Error::Bundle(
                "it holds a claim of what a laptop has that the laptop did not sign (forged or altered)".into(),
            ));
        }
    }
    Ok(())
}

/// What member `member_id` is known to have of a circle's log (`peer_have`).
pub(crate) fn member_has(conn: &Connection, circle_id: &str, member_id: &str) -> Result<VersionVector> {
    let have: Option<String> = conn
        .prepare_cached("SELECT have FROM peer_have WHERE circle_id = ?1 AND member_id = ?2")?
        .query_row((circle_id, member_id), |r| r.get(0))
        .optional()?;
    Ok(have.and_then(|h| serde_json::from_str(&h).ok()).unwrap_or_default())
}

/// Records that a member has at least `have`; `heard_at` when it came from them directly.
pub(crate) fn note_member_has(
    conn: &Connection,
    circle_id: &str,
    member_id: &str,
    have: &VersionVector,
    heard_at: Option<&str>,
) -> Result<()> {
    let mut merged = member_has(conn, circle_id, member_id)?;
    for (device, seq) in have {
        // Holdings only grow: a claim passed on late never lowers what is known.
        let held = merged.entry(device.clone()).or_insert(0);
        *held = (*held).max(*seq);
    }
    conn.prepare_cached(
        "INSERT INTO peer_have (circle_id, member_id, have, heard_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (circle_id, member_id) DO UPDATE SET have = excluded.have,
             heard_at = coalesce(excluded.heard_at, peer_have.heard_at)",
    )?
    .execute((circle_id, member_id, serde_json::to_string(&merged).expect("vectors serialise"), heard_at))?;
    Ok(())
}

/// Records what an applied bundle says its sender (`sender_member`, heard from at `now`) and
/// the devices whose claims it carries hold; a claim is kept if newer than the one held. A
/// claim dated ahead of this laptop's clock is not kept: it would never give way to the
/// device's real later claims. `me` is this laptop's device, whose own claims are not kept.
pub(crate) fn record_holdings(
    conn: &Connection,
    me: &str,
    now: chrono::DateTime<chrono::Utc>,
    bundle: &Bundle,
    sender_member: &str,
) -> Result<()> {
    let heard_at = crate::clock::to_stored(now);
    note_member_has(conn, &bundle.circle_id, sender_member, &bundle.have, Some(&heard_at))?;
    let latest = now + chrono::Duration::milliseconds(crate::clock::FUTURE_TOLERANCE_MS);
    let in_time = |c: &&Claim| crate::validate::timestamp("Claim", &c.at).is_ok_and(|at| at <= latest);
    for claim in bundle.claims.iter().filter(|c| c.device != me).filter(in_time) {
        let Some(member) = super::keys::member_of_device(conn, &bundle.circle_id, &claim.device)? else { continue };
        let Some(signed) = to_signed(claim) else { continue };
        conn.prepare_cached(
            "INSERT INTO have_claims (circle_id, device, at, have, signature) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (circle_id, device) DO UPDATE SET at = excluded.at, have = excluded.have,
                 signature = excluded.signature WHERE excluded.at > have_claims.at",
        )?
        .execute((
            &bundle.circle_id,
            &claim.device,
            &claim.at,
            serde_json::to_string(&claim.have).expect("vectors serialise"),
            signed.signature.as_slice(),
        ))?;
        let direct = (claim.device == bundle.sender_device).then_some(heard_at.as_str());
        note_member_has(conn, &bundle.circle_id, &member, &claim.have, direct)?;
    }
    Ok(())
}

impl Store {
    /// The newest claims this laptop holds from other devices of a circle, to pass on.
    pub(crate) fn stored_claims(&self, circle_id: &str) -> Result<Vec<Claim>> {
        let mut stmt = self
            .conn()
            .prepare("SELECT device, at, have, signature FROM have_claims WHERE circle_id = ?1 AND device != ?2")?;
        let rows = stmt.query_map((circle_id, self.device_id()), |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, Vec<u8>>(3)?))
        })?;
        let mut claims = Vec::new();
        for row in rows {
            let (device, at, have, signature) = row?;
            let have: VersionVector = serde_json::from_str(&have).unwrap_or_default();
            claims.push(Claim { device, at, have, signature: hex::encode(signature) });
        }
        Ok(claims)
    }
}
