//! Reflections. Private by default: a private reflection is written to this laptop's
//! database and nowhere else; it never enters the change log, so no bundle can carry it.

use crate::changelog::entity;
use crate::rows;
use crate::validate::{self, LINE_MAX};
use crate::{Error, Reflection, ReflectionInput, Result, Store};

impl Store {
    /// The circle a reflection or goal belongs to: the meeting's, or the one named (checked),
    /// or none. Naming both a meeting and a different circle is an error.
    pub(crate) fn resolve_circle(
        &self,
        circle_id: Option<&str>,
        meeting_id: Option<&str>,
    ) -> Result<(Option<String>, Option<String>)> {
        let meeting = match meeting_id.map(str::trim).filter(|s| !s.is_empty()) {
            Some(id) => Some(self.meeting(&crate::ids::parse_id("Meeting", id)?)?),
            None => None,
        };
        let circle = match circle_id.map(str::trim).filter(|s| !s.is_empty()) {
            Some(id) => Some(self.circle(&crate::ids::parse_id("Circle", id)?)?.id),
            None => None,
        };
        match (circle, meeting) {
            (Some(c), Some(m)) if c != m.circle_id => {
                Err(Error::invalid("Meeting", "that meeting belongs to a different circle"))
            }
            (_, Some(m)) => Ok((Some(m.circle_id), Some(m.id))),
            (c, None) => Ok((c, None)),
        }
    }

    /// Writes a reflection by this laptop's person. Shared only if `input.shared`.
    pub fn add_reflection(&mut self, input: &ReflectionInput) -> Result<Reflection> {
        self.require_identity()?;
        let (circle_id, meeting_id) = self.resolve_circle(input.circle_id.as_deref(), input.meeting_id.as_deref())?;
        if input.shared && circle_id.is_none() {
            return Err(Error::invalid(
                "Share",
                "a reflection can only be shared with a circle; choose the circle or meeting it belongs to",
            ));
        }
        let author_member_id = match &circle_id {
            Some(c) => Some(self.my_member_id(c)?),
            None => None,
        };
        let reflection = Reflection {
            id: crate::ids::new_id(),
            circle_id,
            author_member_id,
            meeting_id,
            prompt: validate::optional("Prompt", input.prompt.as_deref(), LINE_MAX)?,
            text: validate::required_prose("Reflection", &input.text)?,
            visibility: if input.shared { "shared" } else { "private" }.into(),
            created_at: String::new(),
        };
        self.write(|tx| {
            let r = Reflection { created_at: tx.now(), ..reflection };
            let fields = rows::fields(&r);
            // `local = 1`: written here, so it is this person's own and goes into their search.
            let mut row = fields.clone();
            row.insert("local".into(), 1.into());
            rows::insert_fields(tx, "reflections", &row)?;
            if let (Some(circle_id), "shared") = (&r.circle_id, r.visibility.as_str()) {
                tx.log(circle_id, entity::REFLECTION, &r.id, fields.into())?;
            }
            Ok(r)
        })
    }

    /// Shares a reflection with its circle, or makes it private again. Making it private
    /// sends a deletion in later syncs; copies already sent cannot be recalled.
    pub fn set_reflection_shared(&mut self, id: &str, shared: bool) -> Result<Reflection> {
        let r = self.reflection(&crate::ids::parse_id("Reflection", id)?)?;
        let me = self.require_identity()?;
        let mine = match &r.author_member_id {
            None => true,
            Some(author) => self.member(author)?.person_id.as_deref() == Some(me.person_id.as_str()),
        };
        if !mine {
            return Err(Error::invalid("Reflection", "only its author can change who sees a reflection"));
        }
        let Some(circle_id) = r.circle_id.clone() else {
            return Err(Error::invalid("Share", "a journal entry outside any circle cannot be shared"));
        };
        let visibility = if shared { "shared" } else { "private" };
        if r.visibility == visibility {
            return Ok(r);
        }
        self.write(|tx| {
            tx.execute("UPDATE reflections SET visibility = ?2 WHERE id = ?1", (&r.id, visibility))?;
            if shared {
                let now_shared = Reflection { visibility: visibility.into(), ..r.clone() };
                tx.log(&circle_id, entity::REFLECTION, &r.id, serde_json::to_value(&now_shared).unwrap())
            } else {
                tx.log_delete(&circle_id, entity::REFLECTION, &r.id)
            }
        })?;
        self.reflection(&r.id)
    }

    /// One reflection by id.
    pub fn reflection(&self, id: &str) -> Result<Reflection> {
        rows::first(self.conn(), "SELECT * FROM reflections WHERE id = ?1", [id])?
            .ok_or_else(|| Error::not_found("reflection", id))
    }

    /// The prompt to offer next: the one after the prompt of this person's latest reflection.
    pub fn next_prompt(&self) -> Result<&'static str> {
        let last: Option<String> = self
            .conn()
            .query_row(
                "SELECT prompt FROM reflections WHERE local = 1 AND prompt IS NOT NULL ORDER BY created_at DESC, id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .ok();
        let index = last.and_then(|p| crate::REFLECTION_PROMPTS.iter().position(|q| *q == p)).map_or(0, |i| i + 1);
        Ok(crate::REFLECTION_PROMPTS[index % crate::REFLECTION_PROMPTS.len()])
    }

    /// Reflections on this laptop, newest first: one's own (private and shared) and those shared by others.
    pub fn reflections(&self) -> Result<Vec<Reflection>> {
        Ok(rows::all(self.conn(), "SELECT * FROM reflections ORDER BY created_at DESC, id", [])?)
    }

    /// The reflections shared with a circle (what every member can see), by id.
    pub(crate) fn shared_reflections(&self, circle_id: &str) -> Result<Vec<Reflection>> {
        Ok(rows::all(
            self.conn(),
            "SELECT * FROM reflections WHERE circle_id = ?1 AND visibility = 'shared' ORDER BY id",
            [circle_id],
        )?)
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::store_with_meeting;
    use crate::ReflectionInput;

    #[test]
    fn reflections_are_private_by_default_and_never_logged() {
        let (mut store, meeting) = store_with_meeting();
        let circle = store.meeting(&meeting).unwrap().circle_id;
        let before = store.changes(&circle).unwrap().len();
        let secret = "I felt out of my depth at the budget meeting";
        let r = store
            .add_reflection(&ReflectionInput {
                meeting_id: Some(meeting.clone()),
                text: secret.into(),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(r.visibility, "private");
        assert_eq!(r.circle_id.as_deref(), Some(circle.as_str()));
        let log = store.changes(&circle).unwrap();
        assert_eq!(log.len(), before);
        assert!(!log.iter().any(|c| c.fields.to_string().contains(secret)));
    }

    #[test]
    fn unsharing_sends_a_deletion_and_prompts_rotate() {
        let (mut store, meeting) = store_with_meeting();
        let circle = store.meeting(&meeting).unwrap().circle_id;
        assert_eq!(store.next_prompt().unwrap(), "What did I learn?");
        let r = store
            .add_reflection(&ReflectionInput {
                meeting_id: Some(meeting),
                prompt: Some("What did I learn?".into()),
                text: "Lots".into(),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(store.next_prompt().unwrap(), "What will I try?");
        let before = store.changes(&circle).unwrap().len();
        assert_eq!(store.set_reflection_shared(&r.id, true).unwrap().visibility, "shared");
        assert_eq!(store.set_reflection_shared(&r.id, false).unwrap().visibility, "private");
        let log = store.changes(&circle).unwrap();
        let ops: Vec<_> = log[before..].iter().map(|c| c.op.as_str()).collect();
        assert_eq!(ops, ["put", "delete"]);
    }

    #[test]
    fn shared_reflections_are_logged() {
        let (mut store, meeting) = store_with_meeting();
        let circle = store.meeting(&meeting).unwrap().circle_id;
        store
            .add_reflection(&ReflectionInput {
                meeting_id: Some(meeting),
                text: "Grateful".into(),
                shared: true,
                ..Default::default()
            })
            .unwrap();
        assert_eq!(store.changes(&circle).unwrap().last().unwrap().entity, "reflection");
    }

    #[test]
    fn a_journal_entry_needs_no_circle_but_cannot_be_shared_without_one() {
        let (mut store, _) = store_with_meeting();
        let entry =
            store.add_reflection(&ReflectionInput { text: "Note to self".into(), ..Default::default() }).unwrap();
        assert_eq!((entry.circle_id, entry.author_member_id), (None, None));
        let err = store
            .add_reflection(&ReflectionInput { text: "Hello all".into(), shared: true, ..Default::default() })
            .unwrap_err();
        assert_eq!(err.field(), Some("Share"));
        let empty = store.add_reflection(&ReflectionInput { text: " \n ".into(), ..Default::default() }).unwrap_err();
        assert_eq!(empty.code(), "empty");
    }
}
