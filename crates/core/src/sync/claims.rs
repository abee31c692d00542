//! What each device says it holds of a circle, as its own signed claim (`sync::signed`). A
//! laptop passes on the newest claim it has of every device, unaltered; each laptop turns
//! the claims into what each member is known to hold, and so what it need not send them. A
//! claim can only come from the device it is about: no one can make the circle stop
//! sending to someone by claiming on their behalf that they already hold everything.

use super::authorship::circle_key_of;
use super::bundle::{Bundle, Claim, VersionVector};
use super::signed::{self, HaveClaim};
use crate::{Error, Result, Store};
use rusqlite::Connection;

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

    /// Keeps the (checked) claims of an applied bundle that are newer than those held, and
    /// notes what each claiming device's member holds.
    /// A claim dated ahead of this laptop's clock is not kept: it would never give way to
    /// the device's real later claims.
    pub(crate) fn accept_claims(&self, bundle: &Bundle) -> Result<()> {
        let latest = self.now() + chrono::Duration::milliseconds(super::exchange::FUTURE_TOLERANCE_MS);
        let in_time = |c: &&Claim| crate::validate::timestamp("Claim", &c.at).is_ok_and(|at| at <= latest);
        for claim in bundle.claims.iter().filter(|c| c.device != self.device_id()).filter(in_time) {
            let Some(member) = self.member_of_device(&bundle.circle_id, &claim.device)? else { continue };
            let Some(signed) = to_signed(claim) else { continue };
            self.conn().execute(
                "INSERT INTO have_claims (circle_id, device, at, have, signature) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (circle_id, device) DO UPDATE SET at = excluded.at, have = excluded.have,
                     signature = excluded.signature WHERE excluded.at > have_claims.at",
                (
                    &bundle.circle_id,
                    &claim.device,
                    &claim.at,
                    serde_json::to_string(&claim.have).expect("vectors serialise"),
                    signed.signature.as_slice(),
                ),
            )?;
            let direct = claim.device == bundle.sender_device;
            self.note_member_has(&bundle.circle_id, &member, &claim.have, direct)?;
        }
        Ok(())
    }
}
