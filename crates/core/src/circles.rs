//! Circles: creating one (its creator becomes its convener) and listing them.

use crate::changelog::entity;
use crate::rows;
use crate::validate::{self, NAME_MAX};
use crate::{
    Circle, CircleInput, CirclePatch, CircleSummary, Error, Member, Result, Store, CADENCES, DEFAULT_AGREEMENT,
};
use rusqlite::OptionalExtension;

impl Store {
    /// Creates a circle with this laptop's person as its first member and convener.
    pub fn create_circle(&mut self, input: &CircleInput) -> Result<Circle> {
        let me = self.require_identity()?;
        let name = validate::required("Circle name", &input.name, NAME_MAX)?;
        let purpose = validate::prose("Purpose", &input.purpose)?;
        let agreement = match &input.agreement {
            Some(text) => validate::prose("Agreement", text)?,
            None => DEFAULT_AGREEMENT.to_string(),
        };
        let cadence = validate::one_of("Cadence", input.cadence.as_deref().unwrap_or("monthly"), CADENCES)?;
        self.write(|tx| {
            let now = tx.now();
            let circle =
                Circle { id: crate::ids::new_id(), name, purpose, agreement, cadence, created_at: now.clone() };
            let fields = rows::insert(tx, "circles", &circle)?;
            tx.log(&circle.id, entity::CIRCLE, &circle.id, fields)?;
            let founder = Member {
                id: crate::ids::new_id(),
                circle_id: circle.id.clone(),
                person_id: Some(me.person_id),
                name: me.name,
                email: me.email,
                pronouns: me.pronouns,
                institution: me.institution,
                role: "convener".into(),
                contact: None,
                joined_at: now,
                left_at: None,
            };
            crate::members::insert(tx, &founder)?;
            crate::sync::keys::add_founder_key(tx, &circle.id, &founder.id)?;
            Ok(circle)
        })
    }

    /// Changes a circle's name, purpose, agreement or cadence (`None` leaves one as it is).
    pub fn update_circle(&mut self, id: &str, patch: &CirclePatch) -> Result<Circle> {
        let circle = self.circle(&crate::ids::parse_id("Circle", id)?)?;
        let mut fields = serde_json::Map::new();
        if let Some(n) = &patch.name {
            fields.insert("name".into(), validate::required("Circle name", n, NAME_MAX)?.into());
        }
        if let Some(p) = &patch.purpose {
            fields.insert("purpose".into(), validate::prose("Purpose", p)?.into());
        }
        if let Some(a) = &patch.agreement {
            fields.insert("agreement".into(), validate::prose("Agreement", a)?.into());
        }
        if let Some(c) = &patch.cadence {
            fields.insert("cadence".into(), validate::one_of("Cadence", c, CADENCES)?.into());
        }
        self.write(|tx| tx.update("circles", entity::CIRCLE, &circle.id, &circle.id, fields))?;
        self.circle(&circle.id)
    }

    /// One circle by id.
    pub fn circle(&self, id: &str) -> Result<Circle> {
        rows::first(self.conn(), "SELECT * FROM circles WHERE id = ?1", [id])?
            .ok_or_else(|| Error::not_found("circle", id))
    }

    /// All circles on this laptop, by name, with their member count and next meeting (by the
    /// one upcoming rule, [`crate::home::is_upcoming`], that the circle home uses too).
    pub fn list_circles(&self) -> Result<Vec<CircleSummary>> {
        let now = self.now();
        let mut stmt = self.conn().prepare(
            "SELECT c.*,
               (SELECT count(*) FROM members m WHERE m.circle_id = c.id AND m.left_at IS NULL) AS member_count
             FROM circles c ORDER BY name COLLATE NOCASE, id",
        )?;
        let rows = stmt.query_map([], |r| Ok((rows::from_row::<Circle>(r)?, r.get("member_count")?)))?;
        let circles: Vec<(Circle, i64)> = rows.collect::<rusqlite::Result<_>>()?;
        // Only meetings that may not have ended yet (no meeting lasts more than a day).
        let since = crate::clock::to_stored(now - chrono::Duration::days(1));
        let mut candidates = self.conn().prepare_cached(
            "SELECT * FROM meetings WHERE circle_id = ?1 AND (status = 'running' OR (status = 'scheduled' AND starts_at >= ?2))
             ORDER BY status = 'running' DESC, starts_at, id",
        )?;
        let mut out = Vec::with_capacity(circles.len());
        for (circle, member_count) in circles {
            let meetings: Vec<crate::Meeting> =
                candidates.query_map((&circle.id, &since), rows::from_row)?.collect::<rusqlite::Result<_>>()?;
            let next = meetings.into_iter().find(|m| crate::home::is_upcoming(m, now));
            out.push(CircleSummary { circle, member_count, next_meeting_at: next.map(|m| m.starts_at) });
        }
        Ok(out)
    }

    /// This laptop's person's member id in a circle.
    pub fn my_member_id(&self, circle_id: &str) -> Result<String> {
        let me = self.require_identity()?;
        self.circle(circle_id)?;
        self.conn()
            .query_row(
                "SELECT id FROM members WHERE circle_id = ?1 AND person_id = ?2",
                (circle_id, &me.person_id),
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| Error::invalid("Circle", "you are not a member of this circle"))
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::store_with_identity;
    use crate::CircleInput;

    #[test]
    fn creating_a_circle_makes_you_its_convener_and_logs_both_records() {
        let mut store = store_with_identity();
        let circle =
            store.create_circle(&CircleInput { name: "Early-career librarians".into(), ..Default::default() }).unwrap();
        assert_eq!(circle.cadence, "monthly");
        assert!(circle.agreement.contains("stays in the circle"));
        let members = store.members(&circle.id).unwrap();
        assert_eq!(members.len(), 1);
        assert_eq!(members[0].role, "convener");
        assert_eq!(store.my_member_id(&circle.id).unwrap(), members[0].id);
        let log = store.changes(&circle.id).unwrap();
        let kinds: Vec<_> = log.iter().map(|c| (c.entity.as_str(), c.seq)).collect();
        assert_eq!(kinds, [("circle", 1), ("member", 2), ("device_key", 3)]);
        let keys = store.device_keys(&circle.id).unwrap();
        assert_eq!((keys[0].device_id.as_str(), keys[0].authorized_by.as_str()), (store.device_id(), "founder"));
        assert_eq!(keys[0].member_id, members[0].id);
    }

    #[test]
    fn circles_need_a_name_and_a_known_cadence() {
        let mut store = store_with_identity();
        let empty = store.create_circle(&CircleInput { name: "  ".into(), ..Default::default() }).unwrap_err();
        assert_eq!(empty.code(), "empty");
        let cadence = CircleInput { name: "A".into(), cadence: Some("hourly".into()), ..Default::default() };
        assert_eq!(store.create_circle(&cadence).unwrap_err().code(), "invalid");
        assert!(store.list_circles().unwrap().is_empty());
    }

    #[test]
    fn a_circle_needs_an_identity_first() {
        let mut store = crate::Store::open_in_memory().unwrap();
        let err = store.create_circle(&CircleInput { name: "A".into(), ..Default::default() }).unwrap_err();
        assert_eq!(err.code(), "no_identity");
    }

    #[test]
    fn circles_are_listed_by_name_with_member_counts() {
        let mut store = store_with_identity();
        for name in ["zine club", "Archivists"] {
            store.create_circle(&CircleInput { name: name.into(), ..Default::default() }).unwrap();
        }
        let list = store.list_circles().unwrap();
        let names: Vec<_> = list.iter().map(|c| c.circle.name.as_str()).collect();
        assert_eq!(names, ["Archivists", "zine club"]);
        assert!(list.iter().all(|c| c.member_count == 1));
    }
}
