//! Reflections. Private by default: a private reflection is written to this laptop's
//! database and nowhere else; it never enters the change log, so no bundle can carry it.

use crate::changelog::entity;
use crate::rows;
use crate::validate::{self, LINE_MAX};
use crate::{
    CircleReflections, Error, FilterChoice, JournalEntry, Reflection, ReflectionFilter, ReflectionInput, Result,
    SharedReflection, Store,
};

/// SQL that is true when reflection `r` is this laptop's person's own: written here, or
/// written by them on another laptop and shared (its author is one of their members).
pub(crate) const MINE: &str = "(r.local = 1 OR r.author_member_id IN \
     (SELECT m.id FROM members m JOIN identity i ON m.person_id = i.person_id))";

/// A shared reflection with its author and meeting, from a row of [`shared_select`].
fn shared_from_row(row: &rusqlite::Row) -> rusqlite::Result<SharedReflection> {
    Ok(SharedReflection {
        reflection: rows::from_row(row)?,
        author_name: row.get("author_name")?,
        meeting_title: row.get("meeting_title")?,
        meeting_starts_at: row.get("meeting_starts_at")?,
        mine: row.get("mine")?,
    })
}

/// A circle's shared reflections (`?1`), optionally only by one member (`?2`) or about one
/// meeting (`?3`).
const SHARED_WHERE: &str = "r.circle_id = ?1 AND r.visibility = 'shared'
    AND (?2 IS NULL OR r.author_member_id = ?2) AND (?3 IS NULL OR r.meeting_id = ?3)";

/// [`SHARED_WHERE`]'s reflections with author and meeting, newest first, at most `?4`. The
/// newest are chosen first, so only those are joined to their author and meeting.
fn shared_select() -> String {
    format!(
        "SELECT r.*, a.name AS author_name, m.title AS meeting_title, m.starts_at AS meeting_starts_at, {MINE} AS mine
         FROM (SELECT * FROM reflections r WHERE {SHARED_WHERE} ORDER BY r.created_at DESC, r.id DESC LIMIT ?4) r
         LEFT JOIN members a ON a.id = r.author_member_id LEFT JOIN meetings m ON m.id = r.meeting_id
         ORDER BY r.created_at DESC, r.id DESC"
    )
}

/// An id given to a filter: blank means no filter; anything else must look like an id.
fn filter_id(label: &'static str, id: Option<&str>) -> Result<Option<String>> {
    match id.map(str::trim).filter(|s| !s.is_empty()) {
        Some(id) => Ok(Some(crate::ids::parse_id(label, id)?)),
        None => Ok(None),
    }
}

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

    /// This laptop's person's own reflections, private and shared, newest first: their journal.
    pub fn my_reflections(&self) -> Result<Vec<Reflection>> {
        let sql = format!("SELECT r.* FROM reflections r WHERE {MINE} ORDER BY r.created_at DESC, r.id");
        Ok(rows::all(self.conn(), &sql, [])?)
    }

    /// The journal: [`Store::my_reflections`], each with where it came from in words, in one
    /// query (a journal of years needs no circle's whole home to name its meetings).
    pub fn journal(&self) -> Result<Vec<JournalEntry>> {
        let sql = format!(
            "SELECT r.*, c.name AS circle_name, m.title AS meeting_title FROM reflections r
             LEFT JOIN circles c ON c.id = r.circle_id LEFT JOIN meetings m ON m.id = r.meeting_id
             WHERE {MINE} ORDER BY r.created_at DESC, r.id"
        );
        let mut stmt = self.conn().prepare(&sql)?;
        let entries = stmt.query_map([], |row| {
            let circle_name: Option<String> = row.get("circle_name")?;
            let meeting_title: Option<String> = row.get("meeting_title")?;
            let from = match (&meeting_title, &circle_name) {
                (Some(meeting), Some(circle)) => format!("After {meeting} ({circle})"),
                (Some(meeting), None) => format!("After {meeting}"),
                (None, Some(circle)) => circle.clone(),
                (None, None) => "Journal entry, not tied to a circle".to_string(),
            };
            Ok(JournalEntry { reflection: rows::from_row(row)?, from, circle_name })
        })?;
        Ok(entries.collect::<rusqlite::Result<_>>()?)
    }

    /// Up to `limit` of a circle's shared reflections, newest first, filtered by author and meeting.
    pub(crate) fn shared_reflections_with(
        &self,
        circle_id: &str,
        member_id: Option<&str>,
        meeting_id: Option<&str>,
        limit: i64,
    ) -> Result<Vec<SharedReflection>> {
        let mut stmt = self.conn().prepare_cached(&shared_select())?;
        let rows = stmt.query_map((circle_id, member_id, meeting_id, limit), shared_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The circle's reflections page: the reflections shared with the circle (anyone's),
    /// newest first, narrowed by `filter` (and at most its `limit`), how many there are in
    /// all, and the members and meetings the filters can choose.
    pub fn circle_reflections(&self, circle_id: &str, filter: &ReflectionFilter) -> Result<CircleReflections> {
        let circle = self.circle(&crate::ids::parse_id("Circle", circle_id)?)?;
        let member = filter_id("Member", filter.member_id.as_deref())?;
        let meeting = filter_id("Meeting", filter.meeting_id.as_deref())?;
        let choices = |sql: &str| -> Result<Vec<FilterChoice>> {
            let mut stmt = self.conn().prepare_cached(sql)?;
            let rows = stmt.query_map([&circle.id], |r| Ok(FilterChoice { value: r.get(0)?, label: r.get(1)? }))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        };
        let limit = filter.limit.filter(|n| *n > 0).unwrap_or(i64::MAX);
        let total = self.conn().query_row(
            &format!("SELECT count(*) FROM reflections r WHERE {SHARED_WHERE}"),
            (&circle.id, &member, &meeting),
            |r| r.get(0),
        )?;
        Ok(CircleReflections {
            reflections: self.shared_reflections_with(&circle.id, member.as_deref(), meeting.as_deref(), limit)?,
            total,
            authors: choices(
                "SELECT DISTINCT a.id, a.name FROM reflections r JOIN members a ON a.id = r.author_member_id
                 WHERE r.circle_id = ?1 AND r.visibility = 'shared' ORDER BY a.name, a.id",
            )?,
            meetings: choices(
                "SELECT DISTINCT m.id, m.title, m.starts_at FROM reflections r JOIN meetings m ON m.id = r.meeting_id
                 WHERE r.circle_id = ?1 AND r.visibility = 'shared' ORDER BY m.starts_at DESC, m.id",
            )?,
            circle,
        })
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
    use crate::{ReflectionFilter, ReflectionInput};

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

    #[test]
    fn the_circle_sees_every_shared_reflection_newest_first_and_filters_them() {
        let f = crate::minutes::tests::fixture();
        let all = f.ana.circle_reflections(&f.circle, &ReflectionFilter::default()).unwrap();
        let ids: Vec<&str> = all.reflections.iter().map(|s| s.reflection.id.as_str()).collect();
        assert_eq!(ids, [f.ben_shared.as_str(), f.ana_shared.as_str()], "newest first, no private ones");
        let ben = &all.reflections[0];
        assert_eq!((ben.author_name.as_deref(), ben.mine), (Some("Ben Okafor"), false));
        assert_eq!(ben.meeting_title, Some(f.ana.meeting(&f.meeting).unwrap().title));
        assert!(all.reflections[1].mine);
        let authors: Vec<&str> = all.authors.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(authors, ["Ana Reyes", "Ben Okafor"]);
        assert_eq!(all.meetings.iter().map(|c| c.value.as_str()).collect::<Vec<_>>(), [f.meeting.as_str()]);

        let by_ben = ReflectionFilter { member_id: Some(f.ben_member.clone()), ..Default::default() };
        let only = f.ana.circle_reflections(&f.circle, &by_ben).unwrap().reflections;
        assert_eq!(only.iter().map(|s| s.reflection.id.as_str()).collect::<Vec<_>>(), [f.ben_shared.as_str()]);
        let other_meeting = ReflectionFilter { meeting_id: Some(f.next.clone()), ..Default::default() };
        assert!(f.ana.circle_reflections(&f.circle, &other_meeting).unwrap().reflections.is_empty());
        let newest = f.ana.circle_reflections(&f.circle, &ReflectionFilter { limit: Some(1), ..Default::default() });
        let newest = newest.unwrap();
        assert_eq!((newest.reflections.len(), newest.total), (1, 2), "one shown of two");
        assert_eq!(newest.reflections[0].reflection.id, f.ben_shared);
        let blank = ReflectionFilter { member_id: Some(" ".into()), meeting_id: Some(String::new()), limit: None };
        assert_eq!(f.ana.circle_reflections(&f.circle, &blank).unwrap().reflections.len(), 2, "blank is no filter");
        let bad = ReflectionFilter { member_id: Some("Ben".into()), ..Default::default() };
        assert_eq!(f.ana.circle_reflections(&f.circle, &bad).unwrap_err().field(), Some("Member"));
    }

    #[test]
    fn the_journal_holds_ones_own_reflections_only() {
        let f = crate::minutes::tests::fixture();
        let ids = |store: &crate::Store| store.my_reflections().unwrap().into_iter().map(|r| r.id).collect::<Vec<_>>();
        let mut anas = ids(&f.ana);
        anas.sort();
        let mut expected = vec![f.ana_private.clone(), f.ana_shared.clone()];
        expected.sort();
        assert_eq!(anas, expected, "Ben's shared reflection is on Ana's laptop but not in her journal");
        let mut bens = ids(&f.ben);
        bens.sort();
        let mut expected = vec![f.ben_private.clone(), f.ben_shared.clone()];
        expected.sort();
        assert_eq!(bens, expected);
        // The journal serves the same entries, newest first, each saying where it came from.
        let journal: Vec<String> = f.ana.journal().unwrap().into_iter().map(|e| e.reflection.id).collect();
        assert_eq!(journal, f.ana.my_reflections().unwrap().into_iter().map(|r| r.id).collect::<Vec<_>>());
    }

    #[test]
    fn a_journal_entry_says_where_it_came_from() {
        let (mut store, meeting) = store_with_meeting();
        let m = store.meeting(&meeting).unwrap();
        let circle = store.circle(&m.circle_id).unwrap().name;
        let after = ReflectionInput { meeting_id: Some(meeting), text: "After".into(), ..Default::default() };
        let after = store.add_reflection(&after).unwrap().id;
        let own = store.add_reflection(&ReflectionInput { text: "Own".into(), ..Default::default() }).unwrap().id;
        let journal = store.journal().unwrap();
        let from =
            |id: &str| journal.iter().find(|e| e.reflection.id == id).map(|e| (e.from.clone(), e.circle_name.clone()));
        assert_eq!(from(&after), Some((format!("After {} ({circle})", m.title), Some(circle.clone()))));
        assert_eq!(from(&own), Some(("Journal entry, not tied to a circle".to_string(), None)));
    }
}
