//! Goals: personal, private by default, optionally shared with a circle.

use crate::changelog::entity;
use crate::rows;
use crate::validate::{self, LINE_MAX};
use crate::{Error, Goal, GoalInput, GoalNote, Result, Store, GOAL_STATUSES};

impl Store {
    /// Sets a goal for this laptop's person.
    pub fn add_goal(&mut self, input: &GoalInput) -> Result<Goal> {
        self.require_identity()?;
        let (circle_id, _) = self.resolve_circle(input.circle_id.as_deref(), None)?;
        if input.shared && circle_id.is_none() {
            return Err(Error::invalid("Share", "a goal can only be shared with a circle; choose the circle"));
        }
        let owner_member_id = match &circle_id {
            Some(c) => Some(self.my_member_id(c)?),
            None => None,
        };
        let target_date = match input.target_date.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(d) => Some(validate::date("Target date", d)?.to_string()),
        };
        let goal = Goal {
            id: crate::ids::new_id(),
            circle_id,
            owner_member_id,
            text: validate::required("Goal", &input.text, LINE_MAX)?,
            target_date,
            status: "active".into(),
            visibility: if input.shared { "shared" } else { "private" }.into(),
            created_at: String::new(),
        };
        self.write(|tx| {
            let g = Goal { created_at: tx.now(), ..goal };
            let fields = rows::insert(tx, "goals", &g)?;
            if let (Some(circle_id), "shared") = (&g.circle_id, g.visibility.as_str()) {
                tx.log(circle_id, entity::GOAL, &g.id, fields)?;
            }
            Ok(g)
        })
    }

    /// Sets a goal's status (active, achieved, dropped).
    pub fn set_goal_status(&mut self, id: &str, status: &str) -> Result<Goal> {
        let goal = self.goal(&crate::ids::parse_id("Goal", id)?)?;
        let status = validate::one_of("Status", status, GOAL_STATUSES)?;
        self.write(|tx| {
            tx.execute("UPDATE goals SET status = ?2 WHERE id = ?1", (&goal.id, &status))?;
            match (&goal.circle_id, goal.visibility.as_str()) {
                (Some(circle), "shared") => {
                    tx.log(circle, entity::GOAL, &goal.id, serde_json::json!({"status": status}))
                }
                _ => Ok(()),
            }
        })?;
        self.goal(&goal.id)
    }

    /// Adds a progress note to a goal (private with a private goal, shared with a shared one).
    pub fn add_goal_note(&mut self, goal_id: &str, text: &str) -> Result<GoalNote> {
        let goal = self.goal(&crate::ids::parse_id("Goal", goal_id)?)?;
        let text = validate::required_prose("Progress note", text)?;
        self.write(|tx| {
            let note = GoalNote { id: crate::ids::new_id(), goal_id: goal.id.clone(), text, created_at: tx.now() };
            let fields = rows::insert(tx, "goal_notes", &note)?;
            if let (Some(circle), "shared") = (&goal.circle_id, goal.visibility.as_str()) {
                tx.log(circle, entity::GOAL_NOTE, &note.id, fields)?;
            }
            Ok(note)
        })
    }

    /// A goal's progress notes, oldest first.
    pub fn goal_notes(&self, goal_id: &str) -> Result<Vec<GoalNote>> {
        Ok(rows::all(self.conn(), "SELECT * FROM goal_notes WHERE goal_id = ?1 ORDER BY created_at, id", [goal_id])?)
    }

    /// One goal by id.
    pub fn goal(&self, id: &str) -> Result<Goal> {
        rows::first(self.conn(), "SELECT * FROM goals WHERE id = ?1", [id])?.ok_or_else(|| Error::not_found("goal", id))
    }

    /// Goals on this laptop, oldest first.
    pub fn goals(&self) -> Result<Vec<Goal>> {
        Ok(rows::all(self.conn(), "SELECT * FROM goals ORDER BY created_at, id", [])?)
    }

    /// The goals shared with a circle, by id.
    pub(crate) fn shared_goals(&self, circle_id: &str) -> Result<Vec<Goal>> {
        Ok(rows::all(
            self.conn(),
            "SELECT * FROM goals WHERE circle_id = ?1 AND visibility = 'shared' ORDER BY id",
            [circle_id],
        )?)
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::store_with_circle;
    use crate::GoalInput;

    #[test]
    fn private_goals_stay_out_of_the_log() {
        let (mut store, circle) = store_with_circle();
        let before = store.changes(&circle).unwrap().len();
        let g = store
            .add_goal(&GoalInput {
                circle_id: Some(circle.clone()),
                text: "Publish a paper".into(),
                target_date: Some("2027-06-01".into()),
                shared: false,
            })
            .unwrap();
        assert_eq!(g.visibility, "private");
        assert_eq!(store.changes(&circle).unwrap().len(), before);
        store
            .add_goal(&GoalInput {
                circle_id: Some(circle.clone()),
                text: "Lead a workshop".into(),
                target_date: None,
                shared: true,
            })
            .unwrap();
        assert_eq!(store.changes(&circle).unwrap().len(), before + 1);
        assert_eq!(store.goals().unwrap().len(), 2);
        let g = store.goals().unwrap()[0].clone();
        store.add_goal_note(&g.id, "Sent the abstract").unwrap();
        assert_eq!(store.set_goal_status(&g.id, "achieved").unwrap().status, "achieved");
        assert_eq!(
            store.changes(&circle).unwrap().len(),
            before + 1,
            "a private goal's notes and status stay off the log"
        );
        assert_eq!(store.goal_notes(&g.id).unwrap().len(), 1);
        let bad = GoalInput { circle_id: None, text: "x".into(), target_date: Some("soon".into()), shared: false };
        assert_eq!(store.add_goal(&bad).unwrap_err().field(), Some("Target date"));
    }
}
