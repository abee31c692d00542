//! Agenda items: talking points members bring to a meeting.

use crate::changelog::entity;
use crate::validate::{self, LINE_MAX};
use crate::{AgendaItem, AgendaItemInput, Error, Meeting, Result, Store, AGENDA_KINDS};
use rusqlite::Row;

/// A talking point's timebox when none is given.
pub const DEFAULT_ITEM_MINUTES: i64 = 10;

const COLUMNS: &str = "id, meeting_id, title, details, contributor_id, kind, minutes, position, status, confidential";

fn from_row(r: &Row) -> rusqlite::Result<AgendaItem> {
    Ok(AgendaItem {
        id: r.get(0)?,
        meeting_id: r.get(1)?,
        title: r.get(2)?,
        details: r.get(3)?,
        contributor_id: r.get(4)?,
        kind: r.get(5)?,
        minutes: r.get(6)?,
        position: r.get(7)?,
        status: r.get(8)?,
        confidential: r.get(9)?,
    })
}

/// Refuses changes to the agenda of a meeting that is over.
pub(crate) fn ensure_open(meeting: &Meeting) -> Result<()> {
    match meeting.status.as_str() {
        "ended" => Err(Error::invalid("Meeting", "this meeting has ended; add it to the next meeting instead")),
        "cancelled" => Err(Error::invalid("Meeting", "this meeting was cancelled; add it to another meeting")),
        _ => Ok(()),
    }
}

impl Store {
    /// Adds a talking point at the end of a meeting's agenda, contributed by this laptop's person.
    pub fn add_agenda_item(&mut self, input: &AgendaItemInput) -> Result<AgendaItem> {
        let meeting = self.meeting(&crate::ids::parse_id("Meeting", &input.meeting_id)?)?;
        ensure_open(&meeting)?;
        let contributor = self.my_member_id(&meeting.circle_id)?;
        let item = AgendaItem {
            id: crate::ids::new_id(),
            meeting_id: meeting.id,
            title: validate::required("Title", &input.title, LINE_MAX)?,
            details: validate::prose("Details", &input.details)?,
            contributor_id: Some(contributor),
            kind: validate::one_of("Kind", input.kind.as_deref().unwrap_or("topic"), AGENDA_KINDS)?,
            minutes: validate::minutes("Timebox", input.minutes.unwrap_or(DEFAULT_ITEM_MINUTES))?,
            position: 0,
            status: "open".into(),
            confidential: input.confidential,
        };
        self.write(|tx| {
            let position: i64 = tx.query_row(
                "SELECT coalesce(max(position) + 1, 0) FROM agenda_items WHERE meeting_id = ?1",
                [&item.meeting_id],
                |r| r.get(0),
            )?;
            let item = AgendaItem { position, ..item };
            tx.execute(
                &format!("INSERT INTO agenda_items ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"),
                rusqlite::params![
                    item.id,
                    item.meeting_id,
                    item.title,
                    item.details,
                    item.contributor_id,
                    item.kind,
                    item.minutes,
                    item.position,
                    item.status,
                    item.confidential
                ],
            )?;
            tx.log(&meeting.circle_id, entity::AGENDA_ITEM, &item.id, serde_json::to_value(&item).unwrap())?;
            Ok(item)
        })
    }

    /// A meeting's agenda in order.
    pub fn agenda(&self, meeting_id: &str) -> Result<Vec<AgendaItem>> {
        let mut stmt = self
            .conn()
            .prepare(&format!("SELECT {COLUMNS} FROM agenda_items WHERE meeting_id = ?1 ORDER BY position, id"))?;
        let rows = stmt.query_map([meeting_id], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::store_with_meeting;
    use crate::AgendaItemInput;

    #[test]
    fn items_are_appended_in_order_with_defaults() {
        let (mut store, meeting) = store_with_meeting();
        for title in ["Opening round", "Grant writing", "Closing"] {
            store
                .add_agenda_item(&AgendaItemInput {
                    meeting_id: meeting.clone(),
                    title: title.into(),
                    ..Default::default()
                })
                .unwrap();
        }
        let agenda = store.agenda(&meeting).unwrap();
        let order: Vec<_> = agenda.iter().map(|i| (i.position, i.title.as_str())).collect();
        assert_eq!(order, [(0, "Opening round"), (1, "Grant writing"), (2, "Closing")]);
        assert!(agenda.iter().all(|i| i.kind == "topic" && i.minutes == 10 && i.contributor_id.is_some()));
    }

    #[test]
    fn empty_titles_and_absurd_timeboxes_are_refused() {
        let (mut store, meeting) = store_with_meeting();
        let base = AgendaItemInput { meeting_id: meeting.clone(), title: "".into(), ..Default::default() };
        assert_eq!(store.add_agenda_item(&base).unwrap_err().code(), "empty");
        for minutes in [0, -5, 100_000] {
            let input = AgendaItemInput { title: "T".into(), minutes: Some(minutes), ..base.clone() };
            assert_eq!(store.add_agenda_item(&input).unwrap_err().field(), Some("Timebox"));
        }
        assert!(store.agenda(&meeting).unwrap().is_empty());
    }
}
