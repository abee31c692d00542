//! Goals: personal, private by default, optionally shared with a circle.

use crate::changelog::entity;
use crate::validate::{self, LINE_MAX};
use crate::{Error, Goal, GoalInput, Result, Store};
use rusqlite::Row;

const COLUMNS: &str = "id, circle_id, owner_member_id, text, target_date, status, visibility, created_at";

fn from_row(r: &Row) -> rusqlite::Result<Goal> {
    Ok(Goal {
        id: r.get(0)?,
        circle_id: r.get(1)?,
        owner_member_id: r.get(2)?,
        text: r.get(3)?,
        target_date: r.get(4)?,
        status: r.get(5)?,
        visibility: r.get(6)?,
        created_at: r.get(7)?,
    })
}

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
            tx.execute(
                &format!("INSERT INTO goals ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"),
                rusqlite::params![
                    g.id,
                    g.circle_id,
                    g.owner_member_id,
                    g.text,
                    g.target_date,
                    g.status,
                    g.visibility,
                    g.created_at
                ],
            )?;
            if let (Some(circle_id), "shared") = (&g.circle_id, g.visibility.as_str()) {
                tx.log(circle_id, entity::GOAL, &g.id, serde_json::to_value(&g).unwrap())?;
            }
            Ok(g)
        })
    }

    /// Goals on this laptop, oldest first.
    pub fn goals(&self) -> Result<Vec<Goal>> {
        let mut stmt = self.conn().prepare(&format!("SELECT {COLUMNS} FROM goals ORDER BY created_at, id"))?;
        let rows = stmt.query_map([], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The goals shared with a circle, by id.
    pub(crate) fn shared_goals(&self, circle_id: &str) -> Result<Vec<Goal>> {
        let mut stmt = self.conn().prepare(&format!(
            "SELECT {COLUMNS} FROM goals WHERE circle_id = ?1 AND visibility = 'shared' ORDER BY id"
        ))?;
        let rows = stmt.query_map([circle_id], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
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
        let bad = GoalInput { circle_id: None, text: "x".into(), target_date: Some("soon".into()), shared: false };
        assert_eq!(store.add_goal(&bad).unwrap_err().field(), Some("Target date"));
    }
}
