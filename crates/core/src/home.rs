//! The circle home: everything a member wants at a glance, in one call.

use crate::{ActionItem, Circle, Meeting, Member, Resource, Result, Store};
use serde::Serialize;

/// An open action item with where it came from, for the circle home and run mode.
#[derive(Debug, Clone, Serialize)]
pub struct OpenAction {
    #[serde(flatten)]
    pub action: ActionItem,
    pub meeting_title: String,
    pub meeting_starts_at: String,
    pub owner_name: Option<String>,
}

/// The circle home screen.
#[derive(Debug, Clone, Serialize)]
pub struct CircleHome {
    pub circle: Circle,
    /// Current members first, then those who left, each by name.
    pub members: Vec<Member>,
    /// This laptop's person's member id here.
    pub me: String,
    pub next_meeting: Option<Meeting>,
    /// Every meeting, newest first.
    pub meetings: Vec<Meeting>,
    pub open_actions: Vec<OpenAction>,
    /// Resources whose deadline is today or later, soonest first.
    pub upcoming_deadlines: Vec<Resource>,
}

impl Store {
    /// Open action items of a circle, oldest due date first (undated last).
    pub fn open_actions(&self, circle_id: &str) -> Result<Vec<OpenAction>> {
        let mut stmt = self.conn().prepare(
            "SELECT a.*, m.title AS meeting_title, m.starts_at AS meeting_starts_at, o.name AS owner_name
             FROM action_items a
             JOIN meetings m ON m.id = a.meeting_id LEFT JOIN members o ON o.id = a.owner_id
             WHERE m.circle_id = ?1 AND a.done = 0
             ORDER BY a.due IS NULL, a.due, m.starts_at, a.id",
        )?;
        let rows = stmt.query_map([circle_id], |r| {
            Ok(OpenAction {
                action: crate::rows::from_row(r)?,
                meeting_title: r.get("meeting_title")?,
                meeting_starts_at: r.get("meeting_starts_at")?,
                owner_name: r.get("owner_name")?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The circle home screen's data.
    pub fn circle_home(&self, circle_id: &str) -> Result<CircleHome> {
        let circle = self.circle(&crate::ids::parse_id("Circle", circle_id)?)?;
        let now = crate::clock::to_stored(self.now());
        let mut members = self.members(&circle.id)?;
        members.sort_by_key(|m| m.left_at.is_some());
        let mut meetings = self.meetings(&circle.id)?;
        meetings.reverse();
        let next_meeting = meetings
            .iter()
            .filter(|m| m.status == "running" || (m.status == "scheduled" && m.starts_at >= now[..10].to_string()))
            .min_by_key(|m| (m.status != "running", m.starts_at.clone()))
            .cloned();
        let today = &now[..10];
        let mut upcoming_deadlines: Vec<Resource> = self
            .resources(&circle.id)?
            .into_iter()
            .filter(|r| r.deadline.as_deref().is_some_and(|d| d >= today))
            .collect();
        upcoming_deadlines.sort_by(|a, b| a.deadline.cmp(&b.deadline));
        Ok(CircleHome {
            me: self.my_member_id(&circle.id)?,
            open_actions: self.open_actions(&circle.id)?,
            circle,
            members,
            next_meeting,
            meetings,
            upcoming_deadlines,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::store_with_meeting_and_clock;
    use crate::{ActionItemInput, ResourceInput};

    #[test]
    fn home_shows_the_next_meeting_open_actions_and_deadlines() {
        let (mut store, _clock, meeting) = store_with_meeting_and_clock();
        let circle = store.meeting(&meeting).unwrap().circle_id;
        store
            .add_action_item(&ActionItemInput {
                meeting_id: meeting.clone(),
                text: "Draft the call".into(),
                ..Default::default()
            })
            .unwrap();
        for (title, deadline) in [("Past CFP", "2026-01-01"), ("ACRL 2027", "2026-06-01")] {
            store
                .add_resource(&ResourceInput {
                    circle_id: circle.clone(),
                    title: title.into(),
                    deadline: Some(deadline.into()),
                    ..Default::default()
                })
                .unwrap();
        }
        let home = store.circle_home(&circle).unwrap();
        assert_eq!(home.next_meeting.unwrap().id, meeting);
        assert_eq!(home.open_actions.len(), 1);
        assert_eq!(home.open_actions[0].owner_name, None);
        let titles: Vec<_> = home.upcoming_deadlines.iter().map(|r| r.title.as_str()).collect();
        assert_eq!(titles, ["ACRL 2027"]);
    }
}
