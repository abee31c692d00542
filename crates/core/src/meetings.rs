//! Meetings of a circle.

use crate::changelog::entity;
use crate::clock::to_stored;
use crate::validate::{self, LINE_MAX};
use crate::{Error, Meeting, MeetingInput, Result, Store};
use rusqlite::{OptionalExtension, Row};

/// A meeting's length when none is given.
pub const DEFAULT_MEETING_MINUTES: i64 = 60;

const COLUMNS: &str =
    "id, circle_id, title, starts_at, minutes, place, facilitator_id, timekeeper_id, note_taker_id, status";

fn from_row(r: &Row) -> rusqlite::Result<Meeting> {
    Ok(Meeting {
        id: r.get(0)?,
        circle_id: r.get(1)?,
        title: r.get(2)?,
        starts_at: r.get(3)?,
        minutes: r.get(4)?,
        place: r.get(5)?,
        facilitator_id: r.get(6)?,
        timekeeper_id: r.get(7)?,
        note_taker_id: r.get(8)?,
        status: r.get(9)?,
    })
}

impl Store {
    /// Schedules a meeting.
    pub fn create_meeting(&mut self, input: &MeetingInput) -> Result<Meeting> {
        let circle = self.circle(&crate::ids::parse_id("Circle", &input.circle_id)?)?;
        let starts_at = validate::timestamp("Start", &input.starts_at)?;
        let title = match input.title.as_deref().map(str::trim) {
            None | Some("") => format!("{} meeting, {}", circle.name, starts_at.format("%-d %B %Y")),
            Some(t) => validate::required("Title", t, LINE_MAX)?,
        };
        let meeting = Meeting {
            id: crate::ids::new_id(),
            circle_id: circle.id,
            title,
            starts_at: to_stored(starts_at),
            minutes: validate::minutes("Length", input.minutes.unwrap_or(DEFAULT_MEETING_MINUTES))?,
            place: validate::optional("Place or link", input.place.as_deref(), LINE_MAX)?,
            facilitator_id: None,
            timekeeper_id: None,
            note_taker_id: None,
            status: "scheduled".into(),
        };
        self.write(|tx| {
            let m = &meeting;
            tx.execute(
                &format!("INSERT INTO meetings ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"),
                rusqlite::params![
                    m.id,
                    m.circle_id,
                    m.title,
                    m.starts_at,
                    m.minutes,
                    m.place,
                    m.facilitator_id,
                    m.timekeeper_id,
                    m.note_taker_id,
                    m.status
                ],
            )?;
            tx.log(&m.circle_id, entity::MEETING, &m.id, serde_json::to_value(m).unwrap())
        })?;
        Ok(meeting)
    }

    /// One meeting by id.
    pub fn meeting(&self, id: &str) -> Result<Meeting> {
        self.conn()
            .query_row(&format!("SELECT {COLUMNS} FROM meetings WHERE id = ?1"), [id], from_row)
            .optional()?
            .ok_or_else(|| Error::not_found("meeting", id))
    }

    /// A circle's meetings in time order.
    pub fn meetings(&self, circle_id: &str) -> Result<Vec<Meeting>> {
        let mut stmt = self
            .conn()
            .prepare(&format!("SELECT {COLUMNS} FROM meetings WHERE circle_id = ?1 ORDER BY starts_at, id"))?;
        let rows = stmt.query_map([circle_id], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::store_with_circle;
    use crate::MeetingInput;

    #[test]
    fn a_meeting_gets_a_title_and_a_utc_start() {
        let (mut store, circle) = store_with_circle();
        let m = store
            .create_meeting(&MeetingInput {
                circle_id: circle.clone(),
                starts_at: "2026-03-05T13:00:00-05:00".into(),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(m.starts_at, "2026-03-05T18:00:00Z");
        assert_eq!(m.minutes, 60);
        assert!(m.title.ends_with("5 March 2026"), "{}", m.title);
        assert_eq!(store.meetings(&circle).unwrap(), vec![m]);
    }

    #[test]
    fn bad_starts_and_lengths_are_refused() {
        let (mut store, circle) = store_with_circle();
        let base = MeetingInput { circle_id: circle.clone(), starts_at: "tomorrow".into(), ..Default::default() };
        assert_eq!(store.create_meeting(&base).unwrap_err().field(), Some("Start"));
        let long = MeetingInput { starts_at: "2026-03-05T18:00:00Z".into(), minutes: Some(100_000), ..base.clone() };
        assert_eq!(store.create_meeting(&long).unwrap_err().field(), Some("Length"));
        assert!(store.meetings(&circle).unwrap().is_empty());
    }
}
