//! "My actions": the open action items this laptop's person owns, in every circle, so one
//! list says what they promised and what is late. Marking one done is the usual
//! [`Store::set_action_done`], so it syncs like any other change.

use crate::home::OpenAction;
use crate::{Result, Store};
use serde::Serialize;

/// One circle's open actions of mine.
#[derive(Debug, Clone, Serialize)]
pub struct CircleActions {
    pub circle_id: String,
    pub circle_name: String,
    /// Overdue first, then by due date, undated last.
    pub actions: Vec<OpenAction>,
}

impl Store {
    /// My open action items by circle (circles by name; those where I owe nothing are left
    /// out). "Mine" are those owned by a member who is this laptop's person.
    pub fn my_actions(&self) -> Result<Vec<CircleActions>> {
        let me = self.require_identity()?;
        let mut circles = self.list_circles()?.into_iter().map(|c| c.circle).collect::<Vec<_>>();
        circles.sort_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
        let mut mine = Vec::new();
        for circle in circles {
            let actions = self.open_actions_where(
                "m.circle_id = ?1 AND a.owner_id IN (SELECT id FROM members WHERE circle_id = ?1 AND person_id = ?2)",
                (&circle.id, &me.person_id),
            )?;
            if !actions.is_empty() {
                mine.push(CircleActions { circle_id: circle.id, circle_name: circle.name, actions });
            }
        }
        Ok(mine)
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::{store_with_meeting_and_clock, t};
    use crate::{ActionItemInput, CircleInput, MeetingInput, MemberInput};

    #[test]
    fn my_actions_are_mine_only_by_circle_and_overdue_first() {
        // Today is 4 March 2026.
        let (mut store, clock, meeting) = store_with_meeting_and_clock();
        let circle = store.meeting(&meeting).unwrap().circle_id;
        let me = store.my_member_id(&circle).unwrap();
        let ben = store
            .add_member(&MemberInput {
                circle_id: circle.clone(),
                name: "Ben".into(),
                email: "ben@x.org".into(),
                ..Default::default()
            })
            .unwrap()
            .id;
        let add = |store: &mut crate::Store, meeting: &str, text: &str, owner: Option<&str>, due: Option<&str>| {
            let input = ActionItemInput {
                meeting_id: meeting.into(),
                text: text.into(),
                owner_id: owner.map(String::from),
                due: due.map(String::from),
                agenda_item_id: None,
            };
            store.add_action_item(&input).unwrap().id
        };
        add(&mut store, &meeting, "Undated", Some(&me), None);
        add(&mut store, &meeting, "Next month", Some(&me), Some("2026-04-10"));
        add(&mut store, &meeting, "Ben's", Some(&ben), Some("2026-03-06"));
        add(&mut store, &meeting, "Nobody's", None, Some("2026-03-06"));
        let soon = add(&mut store, &meeting, "Soon", Some(&me), Some("2026-03-06"));

        let other = store.create_circle(&CircleInput { name: "Archivists".into(), ..Default::default() }).unwrap();
        let there = store
            .create_meeting(&MeetingInput {
                circle_id: other.id.clone(),
                starts_at: "2026-03-05T09:00:00Z".into(),
                ..Default::default()
            })
            .unwrap()
            .id;
        let my_there = store.my_member_id(&other.id).unwrap();
        add(&mut store, &there, "Scan the letters", Some(&my_there), Some("2026-03-20"));

        // A week later "Soon" is overdue and comes first.
        clock.set(t("2026-03-11T09:00:00Z"));
        let mine = store.my_actions().unwrap();
        let names: Vec<_> = mine.iter().map(|c| c.circle_name.as_str()).collect();
        assert_eq!(names, ["Archivists", "Circle"], "circles by name");
        let texts: Vec<_> = mine[1].actions.iter().map(|a| (a.action.text.as_str(), a.overdue)).collect();
        assert_eq!(texts, [("Soon", true), ("Next month", false), ("Undated", false)]);

        // Done here, gone from the list (and logged, so it syncs).
        let logged = |store: &crate::Store| store.export_bundle(&circle, None).unwrap().changes.len();
        let before = logged(&store);
        store.set_action_done(&soon, true).unwrap();
        assert_eq!(logged(&store), before + 1, "marking done is a change the circle gets");
        let texts: Vec<_> = store.my_actions().unwrap()[1].actions.iter().map(|a| a.action.text.clone()).collect();
        assert_eq!(texts, ["Next month", "Undated"]);
    }
}
