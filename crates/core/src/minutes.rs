//! A meeting's minutes, made from what was recorded and never typed twice: who was there and
//! the roles, each item in order with its notes, decisions and action items, what carried
//! over and where to, the closing summary, and the reflections shared about the meeting.
//! They are one [`Document`]: the window draws it and the Markdown and text are written
//! from it, so the screen, a copy, an email and a file say the same.
//!
//! Items that stay in the circle are in the minutes (they are read on members' own laptops),
//! labelled "Stays in the circle" wherever the minutes go.

use crate::document::{lines, list_section, paragraph, plain, Block, Document, Piece};
use crate::record::{long_date, minutes_held};
use crate::{agenda_kind_label, AgendaItem, Error, Meeting, Result, Store};
use serde::Serialize;
use std::collections::HashMap;

/// The label a confidential item carries in the minutes.
pub const STAYS_IN_THE_CIRCLE_LABEL: &str = "Stays in the circle";

/// A meeting's minutes, ready to show, copy, email or save.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Minutes {
    /// The meeting they are of, and its circle's name.
    pub meeting: Meeting,
    pub circle_name: String,
    /// What the window draws and the Markdown is written from.
    pub document: Document,
    /// The minutes as plain text: what "Copy as text" copies and an email carries.
    pub text: String,
    /// An email's subject line for them.
    pub subject: String,
    /// The other current members' addresses, for "Email the minutes to the circle".
    pub recipients: Vec<String>,
}

/// The formats minutes are written in.
pub const MINUTES_FORMATS: &[&str] = &["md", "txt"];

impl Minutes {
    /// The minutes as Markdown (`md`) or plain text (`txt`).
    pub fn render(&self, format: &str) -> Result<String> {
        match format {
            "md" | "markdown" => Ok(self.document.to_markdown()),
            "txt" | "text" => Ok(self.text.clone()),
            _ => Err(Error::invalid("Format", format!("'{format}' is not a minutes format; use md or txt"))),
        }
    }
}

/// An item's outcome in words.
fn outcome(item: &AgendaItem, carried_to: Option<&str>) -> String {
    match (item.status.as_str(), carried_to) {
        ("done", _) => "Done".into(),
        ("skipped", _) => "Skipped".into(),
        ("carried", Some(to)) => format!("Carried over to {to}"),
        ("carried", None) => "Carried over to the next meeting, once one is scheduled".into(),
        _ => "Not reached".into(),
    }
}

/// "Share slides — Ana Reyes, due 19 March 2026": an action with its owner and due date.
fn action_line(a: &crate::ActionItem, names: &HashMap<String, String>) -> String {
    let owner = a.owner_id.as_ref().and_then(|id| names.get(id)).map_or("no owner yet", String::as_str);
    let due = a.due.as_deref().map(|d| format!(", due {}", long_date(d))).unwrap_or_default();
    format!("{} — {owner}{due}", a.text)
}

impl Store {
    /// The minutes of an ended meeting (see the module docs).
    pub fn minutes(&self, meeting_id: &str) -> Result<Minutes> {
        let meeting = self.meeting(&crate::ids::parse_id("Meeting", meeting_id)?)?;
        match meeting.status.as_str() {
            "ended" => {}
            "cancelled" => return Err(Error::invalid("Meeting", "this meeting was cancelled, so it has no minutes")),
            _ => {
                return Err(Error::invalid(
                    "Meeting",
                    "minutes are made when a meeting ends; run the meeting and end it first",
                ))
            }
        }
        let circle = self.circle(&meeting.circle_id)?;
        let members = self.members(&circle.id)?;
        let names: HashMap<String, String> = members.iter().map(|m| (m.id.clone(), m.name.clone())).collect();
        let me = self.my_member_id(&circle.id)?;
        let recipients = members
            .iter()
            .filter(|m| m.left_at.is_none() && m.id != me && !m.email.trim().is_empty())
            .map(|m| m.email.clone())
            .collect();
        let document = self.minutes_document(&meeting, &circle.name, &names)?;
        Ok(Minutes {
            subject: format!("Minutes: {}", meeting.title),
            text: document.to_text(),
            document,
            recipients,
            circle_name: circle.name,
            meeting,
        })
    }

    fn minutes_document(&self, m: &Meeting, circle_name: &str, names: &HashMap<String, String>) -> Result<Document> {
        let name = |id: &Option<String>| id.as_ref().and_then(|id| names.get(id)).cloned();
        let mut facts =
            format!("{} · {} minutes", long_date(m.starts_at.get(..10).unwrap_or(&m.starts_at)), minutes_held(m));
        if let Some(place) = m.place.as_deref().filter(|p| !p.trim().is_empty()) {
            facts.push_str(&format!(" · {place}"));
        }
        let mut blocks = vec![
            Block::Title { text: format!("Minutes: {}", m.title) },
            Block::Paragraph {
                lines: vec![vec![Piece { text: circle_name.to_string(), strong: true }], vec![plain(facts)]],
            },
        ];

        list_section(&mut blocks, "Who was there", self.who_was_there(m, names)?);

        // Each item in order, with what was noted, decided and taken on about it.
        let agenda = self.agenda(&m.id)?;
        let decisions = self.decisions(&m.id)?;
        let actions = self.action_items(&m.id)?;
        let mut carried = Vec::new();
        if !agenda.is_empty() {
            blocks.push(Block::Heading { text: "Agenda".into() });
        }
        for (index, item) in agenda.iter().enumerate() {
            let carried_to = self.carried_to(&item.id)?;
            let tag = item.confidential.then(|| STAYS_IN_THE_CIRCLE_LABEL.to_string());
            blocks.push(Block::Subheading { text: format!("{}. {}", index + 1, item.title), tag });
            let mut about = vec![agenda_kind_label(&item.kind).to_string()];
            if let Some(whose) = name(&item.member_id) {
                about.push(format!("{whose}’s turn"));
            }
            if item.carried_from_id.is_some() {
                about.push("carried over from an earlier meeting".into());
            }
            about.push(outcome(item, carried_to.as_deref()));
            blocks.push(paragraph(about.join(" · ")));
            if !item.notes.trim().is_empty() {
                blocks.push(lines(&item.notes));
            }
            let on_item = |id: &Option<String>| id.as_deref() == Some(item.id.as_str());
            let outcomes: Vec<String> = decisions
                .iter()
                .filter(|d| on_item(&d.agenda_item_id))
                .map(|d| format!("Decision: {}", d.text))
                .chain(
                    actions
                        .iter()
                        .filter(|a| on_item(&a.agenda_item_id))
                        .map(|a| format!("Action: {}", action_line(a, names))),
                )
                .collect();
            if !outcomes.is_empty() {
                blocks.push(Block::List { items: outcomes });
            }
            if item.status == "carried" {
                let to = carried_to.unwrap_or_else(|| "the next meeting, once one is scheduled".into());
                carried.push(format!("{} → {to}", item.title));
            }
        }

        // Decisions and actions made on no item in particular, what carried over, the summary.
        let on_agenda = |id: &Option<String>| id.as_ref().is_some_and(|id| agenda.iter().any(|i| &i.id == id));
        list_section(
            &mut blocks,
            "Other decisions",
            decisions.iter().filter(|d| !on_agenda(&d.agenda_item_id)).map(|d| d.text.clone()).collect(),
        );
        list_section(
            &mut blocks,
            "Other action items",
            actions.iter().filter(|a| !on_agenda(&a.agenda_item_id)).map(|a| action_line(a, names)).collect(),
        );
        list_section(&mut blocks, "Carried over", carried);
        if !m.summary.trim().is_empty() {
            blocks.push(Block::Heading { text: "Summary".into() });
            blocks.push(lines(&m.summary));
        }

        // The reflections members shared about this meeting, in the order they were written.
        let mut shared = self.shared_reflections_with(&m.circle_id, None, Some(&m.id), i64::MAX)?;
        shared.reverse();
        if !shared.is_empty() {
            blocks.push(Block::Heading { text: "Shared reflections".into() });
        }
        for s in shared {
            let author = s.author_name.unwrap_or_else(|| "A member".into());
            let prompt = s.reflection.prompt.map(|p| format!(" — {p}")).unwrap_or_default();
            blocks.push(paragraph(format!("{author}{prompt}")));
            blocks.push(Block::Quote { lines: s.reflection.text.trim().lines().map(str::to_string).collect() });
        }
        blocks.push(Block::Footer { text: "Made with Kinship from what the circle recorded.".into() });
        Ok(Document { blocks })
    }

    /// Who was there and who was not (by name), then who held each role.
    fn who_was_there(&self, m: &Meeting, names: &HashMap<String, String>) -> Result<Vec<String>> {
        let attendance = self.attendance(&m.id)?;
        let who = |present: bool| -> Vec<String> {
            let mut people: Vec<String> = attendance
                .iter()
                .filter(|a| a.present == present)
                .filter_map(|a| names.get(&a.member_id).cloned())
                .collect();
            people.sort_by_key(|n| n.to_lowercase());
            people
        };
        let mut there = Vec::new();
        if attendance.is_empty() {
            there.push("Attendance was not taken.".to_string());
        } else {
            there.push(format!("Present: {}", who(true).join(", ")));
            let absent = who(false);
            if !absent.is_empty() {
                there.push(format!("Absent: {}", absent.join(", ")));
            }
        }
        for (label, holder) in
            [("Facilitator", &m.facilitator_id), ("Timekeeper", &m.timekeeper_id), ("Note-taker", &m.note_taker_id)]
        {
            if let Some(n) = holder.as_ref().and_then(|id| names.get(id)) {
                there.push(format!("{label}: {n}"));
            }
        }
        Ok(there)
    }

    /// The title of the meeting an item was carried over to, if it has been.
    fn carried_to(&self, item_id: &str) -> Result<Option<String>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT m.title FROM agenda_items a JOIN meetings m ON m.id = a.meeting_id
             WHERE a.carried_from_id = ?1 ORDER BY m.starts_at LIMIT 1",
        )?;
        let mut rows = stmt.query([item_id])?;
        Ok(rows.next()?.map(|r| r.get(0)).transpose()?)
    }
}

#[cfg(test)]
pub(crate) mod tests;
