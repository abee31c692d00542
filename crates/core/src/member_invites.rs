//! Invites waiting for their member: for each current member who has not joined yet, the
//! latest invite any member wrote for them (here, or received through sync), who wrote it and
//! when it expires. The screens show it instead of a bare "Invite", so two members do not
//! invite the same person unawares. Whether a new invite may be made is still decided only
//! where invites are made (`sync::invite`, under the rules of `sync::keys`).

use crate::record::long_date;
use crate::sync::keys::{invite_author, invite_expiry};
use crate::{Result, Store};
use serde::Serialize;

/// The latest invite for a member who has not joined yet.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MemberInvite {
    pub member_id: String,
    pub invite_id: String,
    /// The member whose laptop wrote the invite, if this laptop knows that laptop.
    pub invited_by: Option<String>,
    pub created_at: String,
    pub expires_at: String,
    /// Its expiry has passed (by this laptop's clock): it no longer lets them in.
    pub expired: bool,
    /// "Invited by Ana Reyes on 4 March 2026, expires 18 March 2026."
    pub summary: String,
}

impl Store {
    /// The latest invite for each current member of `circle_id` who has no laptop in the
    /// circle yet and whose invite is unused, in member order.
    pub fn member_invites(&self, circle_id: &str) -> Result<Vec<MemberInvite>> {
        let circle = self.circle(&crate::ids::parse_id("Circle", circle_id)?)?;
        let now = crate::clock::to_stored(self.now());
        let mut stmt = self.conn().prepare(
            "SELECT i.member_id, i.id, i.created_at, i.expires_at
             FROM invites i JOIN members m ON m.id = i.member_id
             WHERE i.circle_id = ?1 AND m.left_at IS NULL
               AND NOT EXISTS (SELECT 1 FROM device_keys k WHERE k.circle_id = i.circle_id AND k.member_id = i.member_id)
             ORDER BY m.name, m.id, i.created_at DESC, i.id DESC",
        )?;
        let rows = stmt.query_map([&circle.id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, Option<String>>(3)?))
        })?;
        let mut invites: Vec<MemberInvite> = Vec::new();
        for row in rows {
            let (member_id, invite_id, created_at, expires_at) = row?;
            if invites.last().is_some_and(|latest| latest.member_id == member_id) {
                continue; // an older invite for the same member
            }
            let expires_at = invite_expiry(&created_at, expires_at);
            let expired = expires_at < now;
            let invited_by = self.invite_writer(&circle.id, &invite_id)?;
            let by = invited_by.as_deref().map_or("Invited".to_string(), |name| format!("Invited by {name}"));
            let day = |stored: &str| long_date(stored.get(..10).unwrap_or(stored));
            let (made, ends) = (day(&created_at), day(&expires_at));
            let summary = if expired {
                format!("{by} on {made}; that invite expired on {ends}.")
            } else {
                format!("{by} on {made}, expires {ends}.")
            };
            invites.push(MemberInvite { member_id, invite_id, invited_by, created_at, expires_at, expired, summary });
        }
        Ok(invites)
    }

    /// The name of the member whose laptop first logged the invite, if that laptop has a key
    /// in the circle (the key checks' own reading of who wrote an invite).
    fn invite_writer(&self, circle_id: &str, invite_id: &str) -> Result<Option<String>> {
        match invite_author(self.conn(), circle_id, invite_id)? {
            Some(member) => Ok(Some(self.member(&member)?.name)),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::{ana_and_ben, deliver, t};
    use crate::{FixedClock, MemberInput};
    use std::sync::Arc;

    #[test]
    fn an_invite_another_member_wrote_is_known_after_sync() {
        let ana_clock = Arc::new(FixedClock::new(t("2026-03-04T12:00:00Z")));
        let ben_clock = Arc::new(FixedClock::new(t("2026-03-04T12:00:00Z")));
        let (mut ana, mut ben, circle, _) = ana_and_ben(ana_clock, ben_clock.clone());
        let input = MemberInput {
            circle_id: circle.clone(),
            name: "Cam Lee".into(),
            email: "cam@uni.edu".into(),
            ..Default::default()
        };
        let cam = ana.add_member(&input).unwrap().id;
        assert!(ana.member_invites(&circle).unwrap().is_empty(), "Ben joined with his; Cam has none yet");
        ana.prepare_invite(&circle, &cam, Some(7)).unwrap();
        deliver(&ana, &mut ben, &circle);

        let seen = ben.member_invites(&circle).unwrap();
        assert_eq!(seen.len(), 1, "{seen:?}");
        assert_eq!((seen[0].member_id.as_str(), seen[0].invited_by.as_deref()), (cam.as_str(), Some("Ana Reyes")));
        assert_eq!(seen[0].summary, "Invited by Ana Reyes on 4 March 2026, expires 11 March 2026.");
        assert!(!seen[0].expired);

        ben_clock.set(t("2026-03-12T09:00:00Z"));
        let seen = ben.member_invites(&circle).unwrap();
        assert!(seen[0].expired);
        assert_eq!(seen[0].summary, "Invited by Ana Reyes on 4 March 2026; that invite expired on 11 March 2026.");
        // Cam has not joined, so Ben may still invite them; the latest invite is the one shown.
        ben.prepare_invite(&circle, &cam, None).unwrap();
        let seen = ben.member_invites(&circle).unwrap();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].summary, "Invited by Ben Okafor on 12 March 2026, expires 26 March 2026.");
    }
}
