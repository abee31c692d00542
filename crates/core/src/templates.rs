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
                item("First topic", "topic", 20, ""),
                item("Second topic", "topic", 20, ""),
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

/// Scales timeboxes to fill `left` minutes in proportion, in whole minutes: each gets the
/// whole part of its share, at least 1, and the minutes still free go to the largest
/// remainders (ties to the earlier item), so the total is exactly `left`. `None` when `left`
/// cannot give every item a minute. An empty list fits anywhere.
pub fn fit_timeboxes(minutes: &[i64], left: i64) -> Option<Vec<i64>> {
    let count = minutes.len() as i64;
    if count == 0 {
        return Some(Vec::new());
    }
    if left < count {
        return None;
    }
    let weights: Vec<i64> = minutes.iter().map(|m| (*m).max(1)).collect();
    let whole: i64 = weights.iter().sum();
    let mut fitted: Vec<i64> = weights.iter().map(|w| (w * left / whole).max(1)).collect();
    let mut by_remainder: Vec<usize> = (0..weights.len()).collect();
    by_remainder.sort_by_key(|&i| std::cmp::Reverse(weights[i] * left % whole));
    let mut total: i64 = fitted.iter().sum();
    for &i in by_remainder.iter().cycle() {
        if total >= left {
            break;
        }
        fitted[i] += 1;
        total += 1;
    }
    // Items raised to their one minute are paid for by the longest timeboxes.
    while total > left {
        let longest = (0..fitted.len()).max_by_key(|&i| (fitted[i], std::cmp::Reverse(i))).unwrap();
        fitted[longest] -= 1;
        total -= 1;
    }
    Some(fitted)
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

    /// Adds a template's items to the end of a meeting's agenda, their timeboxes scaled to the
    /// minutes the agenda leaves of the meeting (see [`fit_timeboxes`]). "Member turns" adds
    /// one turn per current member (present ones, once attendance is taken).
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
        let (planned, length) = self.agenda_minutes(&meeting.id)?;
        let left = length - planned;
        let minutes: Vec<i64> = items.iter().map(|i| i.minutes).collect();
        let Some(fitted) = fit_timeboxes(&minutes, left) else {
            return Err(Error::invalid(
                "Template",
                format!(
                    "the agenda already fills {planned} of the meeting's {length} minutes, which leaves too few for \
                     this template's {} items (at least a minute each); shorten or remove a talking point, or \
                     make the meeting longer",
                    items.len()
                ),
            ));
        };
        let items: Vec<AgendaItem> =
            items.into_iter().zip(fitted).map(|(item, minutes)| AgendaItem { minutes, ..item }).collect();
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
    fn check_in_names_its_two_topics_apart() {
        let (mut store, meeting) = store_with_meeting();
        let agenda = store.apply_template(&meeting, CHECK_IN).unwrap();
        let titles: Vec<_> = agenda.iter().map(|i| i.title.as_str()).collect();
        assert_eq!(titles, ["Opening round", "First topic", "Second topic", "Action review", "Closing round"]);
    }

    #[test]
    fn timeboxes_scale_to_the_minutes_left_in_whole_minutes() {
        // Check-in's 10, 20, 20, 5, 5 (60 minutes) into 90, 45 and 7 minutes.
        let check_in = [10, 20, 20, 5, 5];
        assert_eq!(fit_timeboxes(&check_in, 60), Some(check_in.to_vec()), "a template that fits is kept");
        assert_eq!(fit_timeboxes(&check_in, 90), Some(vec![15, 30, 30, 8, 7]));
        assert_eq!(fit_timeboxes(&check_in, 45), Some(vec![7, 15, 15, 4, 4]));
        // Short items keep a minute; the longest pay for it.
        assert_eq!(fit_timeboxes(&check_in, 7), Some(vec![1, 2, 2, 1, 1]));
        assert_eq!(fit_timeboxes(&check_in, 5), Some(vec![1, 1, 1, 1, 1]));
        assert_eq!(fit_timeboxes(&check_in, 4), None, "five items cannot share four minutes");
        assert_eq!(fit_timeboxes(&[], 0), Some(vec![]));
        for left in 5..=300 {
            let fitted = fit_timeboxes(&check_in, left).unwrap();
            assert_eq!(fitted.iter().sum::<i64>(), left, "{left}: {fitted:?}");
            assert!(fitted.iter().all(|m| *m >= 1), "{left}: {fitted:?}");
        }
    }

    #[test]
    fn a_template_fills_what_the_agenda_leaves_of_the_meeting() {
        let (mut store, meeting) = store_with_meeting();
        let input = crate::AgendaItemInput {
            meeting_id: meeting.clone(),
            title: "Welcome Chi".into(),
            minutes: Some(30),
            ..Default::default()
        };
        store.add_agenda_item(&input).unwrap();
        // 30 of 60 minutes are planned: Check-in's 60 minutes are halved into the 30 left.
        let agenda = store.apply_template(&meeting, CHECK_IN).unwrap();
        assert_eq!(agenda.iter().map(|i| i.minutes).collect::<Vec<_>>(), [30, 5, 10, 10, 3, 2]);
        assert_eq!(store.agenda_minutes(&meeting).unwrap(), (60, 60));
        // Nothing is left: a second template is refused, saying what to do.
        let err = store.apply_template(&meeting, MEMBER_TURNS).unwrap_err();
        assert_eq!(err.field(), Some("Template"));
        assert!(err.to_string().contains("fills 60 of the meeting's 60 minutes"), "{err}");
        assert_eq!(store.agenda(&meeting).unwrap().len(), 6, "nothing was added");
    }

    #[test]
    fn member_turns_for_a_large_circle_fit_a_one_hour_meeting() {
        let (mut store, meeting) = store_with_meeting();
        let circle = store.meeting(&meeting).unwrap().circle_id;
        for (name, email) in [("Ben", "ben@x.org"), ("Chi", "chi@x.org"), ("Dee", "dee@x.org"), ("Eli", "eli@x.org")] {
            let input =
                MemberInput { circle_id: circle.clone(), name: name.into(), email: email.into(), ..Default::default() };
            store.add_member(&input).unwrap();
        }
        // 5 + 5 turns of 10 + 5 = 60 fits; a sixth member makes 70, scaled to 60.
        let input =
            MemberInput { circle_id: circle, name: "Fay".into(), email: "fay@x.org".into(), ..Default::default() };
        store.add_member(&input).unwrap();
        let agenda = store.apply_template(&meeting, MEMBER_TURNS).unwrap();
        let minutes: Vec<_> = agenda.iter().map(|i| i.minutes).collect();
        assert_eq!(minutes, [4, 9, 9, 9, 9, 8, 8, 4]);
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
