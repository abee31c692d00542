//! Action items: commitments made at a meeting, with an owner and a due date.

use crate::changelog::entity;
use crate::rows;
use crate::validate::{self, LINE_MAX};
use crate::{ActionItem, ActionItemInput, Error, Result, Store};

impl Store {
    /// Records an action item from a meeting.
    pub fn add_action_item(&mut self, input: &ActionItemInput) -> Result<ActionItem> {
        let meeting = self.meeting(&crate::ids::parse_id("Meeting", &input.meeting_id)?)?;
        let text = validate::required("Action", &input.text, LINE_MAX)?;
        let owner_id = match input.owner_id.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(id) => {
                let owner = self.member(&crate::ids::parse_id("Owner", id)?)?;
                if owner.circle_id != meeting.circle_id {
                    return Err(Error::invalid(
                        "Owner",
                        format!("{} is not a member of this meeting's circle", owner.name),
                    ));
                }
                Some(owner.id)
            }
        };
        let due = match input.due.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(d) => {
                let due = validate::date("Due date", d)?;
                let meeting_day = validate::timestamp("Start", &meeting.starts_at)?.date_naive();
                if due < meeting_day {
                    return Err(Error::invalid(
                        "Due date",
                        format!("{due} is before the meeting ({meeting_day}); pick a later date"),
                    ));
                }
                Some(due.to_string())
            }
        };
        let agenda_item_id = self.item_on_meeting(&meeting.id, input.agenda_item_id.as_deref())?;
        let item = ActionItem {
            id: crate::ids::new_id(),
            meeting_id: meeting.id,
            text,
            owner_id,
            due,
            done: false,
            created_at: String::new(),
            agenda_item_id,
            done_at: None,
        };
        self.write(|tx| {
            let item = ActionItem { created_at: tx.now(), ..item };
            let fields = rows::insert(tx, "action_items", &item)?;
            tx.log(&meeting.circle_id, entity::ACTION_ITEM, &item.id, fields)?;
            Ok(item)
        })
    }

    /// Marks an action item done or not done.
    pub fn set_action_done(&mut self, id: &str, done: bool) -> Result<ActionItem> {
        let item = self.action_item(&crate::ids::parse_id("Action", id)?)?;
        let meeting = self.meeting(&item.meeting_id)?;
        self.write(|tx| {
            let mut fields = serde_json::Map::new();
            fields.insert("done".into(), done.into());
            fields.insert("done_at".into(), if done { tx.now().into() } else { serde_json::Value::Null });
            tx.update("action_items", entity::ACTION_ITEM, &meeting.circle_id, &item.id, fields)
        })?;
        self.action_item(&item.id)
    }

    /// One action item by id.
    pub fn action_item(&self, id: &str) -> Result<ActionItem> {
        rows::first(self.conn(), "SELECT * FROM action_items WHERE id = ?1", [id])?
            .ok_or_else(|| Error::not_found("action item", id))
    }

    /// A meeting's action items in the order they were made.
    pub fn action_items(&self, meeting_id: &str) -> Result<Vec<ActionItem>> {
        Ok(rows::all(
            self.conn(),
            "SELECT * FROM action_items WHERE meeting_id = ?1 ORDER BY created_at, id",
            [meeting_id],
        )?)
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::store_with_meeting;
    use crate::{ActionItemInput, CircleInput};

    #[test]
    fn owner_must_belong_to_the_circle_and_due_must_follow_the_meeting() {
        let (mut store, meeting) = store_with_meeting();
        let circle_id = store.meeting(&meeting).unwrap().circle_id;
        let me = store.my_member_id(&circle_id).unwrap();
        let ok = store
            .add_action_item(&ActionItemInput {
                meeting_id: meeting.clone(),
                text: "Send the CV template".into(),
                owner_id: Some(me.clone()),
                due: Some("2026-03-19".into()),
                agenda_item_id: None,
            })
            .unwrap();
        assert_eq!(ok.due.as_deref(), Some("2026-03-19"));

        let early = ActionItemInput {
            meeting_id: meeting.clone(),
            text: "x".into(),
            owner_id: None,
            due: Some("2026-03-01".into()),
            agenda_item_id: None,
        };
        assert!(store.add_action_item(&early).unwrap_err().to_string().contains("before the meeting"));

        let other = store.create_circle(&CircleInput { name: "Other".into(), ..Default::default() }).unwrap();
        let stranger = store.my_member_id(&other.id).unwrap();
        let wrong = ActionItemInput {
            meeting_id: meeting.clone(),
            text: "x".into(),
            owner_id: Some(stranger),
            due: None,
            agenda_item_id: None,
        };
        assert_eq!(store.add_action_item(&wrong).unwrap_err().field(), Some("Owner"));
        assert_eq!(store.action_items(&meeting).unwrap(), vec![ok]);
    }
}
