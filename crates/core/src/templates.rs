//! Agenda templates: the built-in ones ("Check-in circle", "Member turns") and those a
//! circle saves from one of its own agendas.

use crate::agenda::{append, blank_item, ensure_open};
use crate::changelog::entity;
use crate::validate::{self, NAME_MAX};
use crate::{AgendaItem, AgendaTemplate, Error, Result, Store, TemplateItem};

/// Id of the built-in "Check-in circle" template.
pub const CHECK_IN: &str = "builtin:check-in";
/// Id of the built-in "Member turns" template.
pub const MEMBER_TURNS: &str = "builtin:member-turns";

fn item(title: &str, kind: &str, minutes: i64, details: &str) -> TemplateItem {
    TemplateItem { title: title.into(), kind: kind.into(), minutes, details: details.into() }
}

/// The templates every circle has (listed first by [`Store::templates`]).
fn builtin_templates() -> Vec<AgendaTemplate> {
    vec![
        AgendaTemplate {
            id: CHECK_IN.into(),
            circle_id: None,
            name: "Check-in circle".into(),
            description: "Opening round, two open topics, a look at last time's actions, closing round.".into(),
            items: vec![
                item("Opening round", "opening_round", 10, "Each person: how are you arriving today? One highlight, one challenge."),
                item("Topic", "topic", 20, ""),
                item("Topic", "topic", 20, ""),
                item("Action review", "action_review", 5, "What did we commit to last time, and how did it go?"),
                item("Closing round", "closing_round", 5, "One word or one takeaway each."),
            ],
        },
        AgendaTemplate {
            id: MEMBER_TURNS.into(),
            circle_id: None,
            name: "Member turns".into(),
            description: "A short opening, then a turn for each member present, then a closing round.".into(),
            items: vec![
                item("Opening round", "opening_round", 5, "A quick check-in from everyone."),
                item(
                    "Turn",
                    "member_turn",
                    10,
                    "The issue (2 min) · the kind of help wanted · clarifying questions · advice or ideas · a one-minute commitment.",
                ),
                item("Closing round", "closing_round", 5, "One commitment each, said aloud."),
            ],
        },
    ]
}

impl Store {
    /// The built-in templates and the circle's own, by name.
    pub fn templates(&self, circle_id: &str) -> Result<Vec<AgendaTemplate>> {
        let mut all = builtin_templates();
        let mut stmt = self.conn().prepare(
            "SELECT id, circle_id, name, items FROM agenda_templates WHERE circle_id = ?1 ORDER BY name, id",
        )?;
        let rows = stmt.query_map([circle_id], |r| {
            let items: String = r.get(3)?;
            Ok(AgendaTemplate {
                id: r.get(0)?,
                circle_id: r.get(1)?,
                name: r.get(2)?,
                description: String::new(),
                items: serde_json::from_str(&items).unwrap_or_default(),
            })
        })?;
        for t in rows {
            let mut t = t?;
            t.description = format!("Saved by the circle: {} items.", t.items.len());
            all.push(t);
        }
        Ok(all)
    }

    /// Adds a template's items to the end of a meeting's agenda. "Member turns" adds one
    /// turn per current member (present ones, once attendance is taken).
    pub fn apply_template(&mut self, meeting_id: &str, template_id: &str) -> Result<Vec<AgendaItem>> {
        let meeting = self.meeting(&crate::ids::parse_id("Meeting", meeting_id)?)?;
        ensure_open(&meeting)?;
        let template = self
            .templates(&meeting.circle_id)?
            .into_iter()
            .find(|t| t.id == template_id.trim())
            .ok_or_else(|| Error::not_found("template", template_id))?;
        let contributor = self.my_member_id(&meeting.circle_id)?;
        let attendance = self.attendance(&meeting.id)?;
        let turn_takers: Vec<_> = self
            .members(&meeting.circle_id)?
            .into_iter()
            .filter(|m| m.left_at.is_none())
            .filter(|m| attendance.is_empty() || attendance.iter().any(|a| a.member_id == m.id && a.present))
            .collect();
        let mut items = Vec::new();
        for t in &template.items {
            let base = AgendaItem {
                details: t.details.clone(),
                contributor_id: Some(contributor.clone()),
                ..blank_item(&meeting.id, t.title.clone(), t.kind.clone(), t.minutes)
            };
            if template.id == MEMBER_TURNS && t.kind == "member_turn" {
                for m in &turn_takers {
                    items.push(AgendaItem {
                        id: crate::ids::new_id(),
                        title: format!("{}’s turn", m.name),
                        member_id: Some(m.id.clone()),
                        ..base.clone()
                    });
                }
            } else {
                items.push(base);
            }
        }
        self.write(|tx| items.into_iter().map(|i| append(tx, &meeting.circle_id, i)).collect::<Result<Vec<_>>>())?;
        self.agenda(&meeting.id)
    }

    /// Saves a meeting's agenda (titles, kinds, timeboxes, details) as a circle template.
    pub fn save_template(&mut self, meeting_id: &str, name: &str) -> Result<AgendaTemplate> {
        let meeting = self.meeting(&crate::ids::parse_id("Meeting", meeting_id)?)?;
        let name = validate::required("Template name", name, NAME_MAX)?;
        let items: Vec<TemplateItem> = self
            .agenda(&meeting.id)?
            .into_iter()
            .map(|i| TemplateItem { title: i.title, kind: i.kind, minutes: i.minutes, details: i.details })
            .collect();
        if items.is_empty() {
            return Err(Error::invalid("Agenda", "this agenda is empty; add items before saving it as a template"));
        }
        let template = AgendaTemplate {
            id: crate::ids::new_id(),
            circle_id: Some(meeting.circle_id.clone()),
            name,
            description: format!("Saved by the circle: {} items.", items.len()),
            items,
        };
        self.write(|tx| {
            let items = serde_json::to_string(&template.items).unwrap();
            let now = tx.now();
            tx.execute(
                "INSERT INTO agenda_templates (id, circle_id, name, items, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                (&template.id, &meeting.circle_id, &template.name, &items, &now),
            )?;
            let fields = serde_json::json!({"circle_id": meeting.circle_id, "name": template.name, "items": template.items, "created_at": now});
            tx.log(&meeting.circle_id, entity::TEMPLATE, &template.id, fields)
        })?;
        Ok(template)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::store_with_meeting;
    use crate::MemberInput;

    #[test]
    fn check_in_builds_an_agenda_in_one_step() {
        let (mut store, meeting) = store_with_meeting();
        let agenda = store.apply_template(&meeting, CHECK_IN).unwrap();
        let kinds: Vec<_> = agenda.iter().map(|i| i.kind.as_str()).collect();
        assert_eq!(kinds, ["opening_round", "topic", "topic", "action_review", "closing_round"]);
        assert_eq!(store.agenda_minutes(&meeting).unwrap(), (60, 60));
    }

    #[test]
    fn member_turns_gives_each_present_member_a_turn() {
        let (mut store, meeting) = store_with_meeting();
        let circle = store.meeting(&meeting).unwrap().circle_id;
        let ben = store
            .add_member(&MemberInput {
                circle_id: circle.clone(),
                name: "Ben".into(),
                email: "ben@x.org".into(),
                ..Default::default()
            })
            .unwrap();
        store
            .add_member(&MemberInput {
                circle_id: circle.clone(),
                name: "Chi".into(),
                email: "chi@x.org".into(),
                ..Default::default()
            })
            .unwrap();
        let agenda = store.apply_template(&meeting, MEMBER_TURNS).unwrap();
        let titles: Vec<_> = agenda.iter().map(|i| i.title.as_str()).collect();
        assert_eq!(titles, ["Opening round", "Ana Reyes’s turn", "Ben’s turn", "Chi’s turn", "Closing round"]);
        assert_eq!(agenda[2].member_id.as_deref(), Some(ben.id.as_str()));
    }

    #[test]
    fn a_saved_template_rebuilds_the_same_agenda_elsewhere() {
        let (mut store, meeting) = store_with_meeting();
        let circle = store.meeting(&meeting).unwrap().circle_id;
        assert!(store.save_template(&meeting, "Ours").is_err(), "an empty agenda is not a template");
        store.apply_template(&meeting, CHECK_IN).unwrap();
        let saved = store.save_template(&meeting, "Our usual").unwrap();
        assert_eq!(store.templates(&circle).unwrap().len(), 3);
        let other = store
            .create_meeting(&crate::MeetingInput {
                circle_id: circle,
                starts_at: "2026-04-02T18:00:00Z".into(),
                ..Default::default()
            })
            .unwrap();
        let rebuilt = store.apply_template(&other.id, &saved.id).unwrap();
        assert_eq!(rebuilt.len(), 5);
        assert_eq!(store.apply_template(&other.id, "builtin:nope").unwrap_err().code(), "not_found");
    }
}
