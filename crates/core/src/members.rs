//! Members of a circle. Nobody is deleted: a member who leaves gets `left_at` and keeps
//! their history.

use crate::changelog::entity;
use crate::rows;
use crate::store::Tx;
use crate::validate::{self, LINE_MAX, NAME_MAX};
use crate::{Error, Member, MemberInput, MemberPatch, Result, Store, MEMBER_ROLES};
use rusqlite::OptionalExtension;

/// Inserts a member row and logs it (inside a caller's transaction).
pub(crate) fn insert(tx: &mut Tx<'_>, m: &Member) -> Result<()> {
    let fields = rows::insert(tx, "members", m)?;
    tx.log(&m.circle_id, entity::MEMBER, &m.id, fields)
}

/// A circle's people, for the screens that only name them (an agenda, run mode, the board,
/// the record), without the rest of the circle home.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CirclePeople {
    pub circle: crate::Circle,
    /// Current members first, then those who left, each by name.
    pub members: Vec<Member>,
    /// This laptop's person's member id here.
    pub me: String,
}

/// The most people one form adds at once (a circle is a handful of colleagues).
pub const PEOPLE_MAX: usize = 20;

/// Each person's fields in a form that adds several ("Person 2" holds the second row's
/// name and email), so an error is shown beside its row.
const PERSON_FIELDS: [&str; PEOPLE_MAX] = [
    "Person 1",
    "Person 2",
    "Person 3",
    "Person 4",
    "Person 5",
    "Person 6",
    "Person 7",
    "Person 8",
    "Person 9",
    "Person 10",
    "Person 11",
    "Person 12",
    "Person 13",
    "Person 14",
    "Person 15",
    "Person 16",
    "Person 17",
    "Person 18",
    "Person 19",
    "Person 20",
];

impl Store {
    /// Adds a person to a circle.
    pub fn add_member(&mut self, input: &MemberInput) -> Result<Member> {
        let circle = self.circle(&crate::ids::parse_id("Circle", &input.circle_id)?)?;
        let member = self.checked_member(&circle.id, input)?;
        self.write(|tx| {
            let member = Member { joined_at: tx.now(), ..member };
            insert(tx, &member)?;
            Ok(member)
        })
    }

    /// Adds several people to a circle at once, all or none. A row whose name and email are
    /// both blank is skipped; a bad row refuses the whole batch, with an error whose field is
    /// its row ("Person 2") and whose message says which person and what to fix.
    pub fn add_members(&mut self, circle_id: &str, people: &[MemberInput]) -> Result<Vec<Member>> {
        let circle = self.circle(&crate::ids::parse_id("Circle", circle_id)?)?;
        if people.len() > PEOPLE_MAX {
            return Err(Error::invalid("People", format!("add at most {PEOPLE_MAX} people at a time")));
        }
        let mut members: Vec<Member> = Vec::new();
        for (row, input) in people.iter().enumerate() {
            if input.name.trim().is_empty() && input.email.trim().is_empty() {
                continue;
            }
            let field = PERSON_FIELDS[row];
            // "Person 3 is not valid: Email: 'cam' does not look like an email address …"
            let in_row = |e: Error| match e {
                Error::Invalid { field: inner, reason } => Error::invalid(field, format!("{inner}: {reason}")),
                other => Error::invalid(field, other.to_string()),
            };
            let member = self.checked_member(&circle.id, input).map_err(in_row)?;
            if let Some(twin) = members.iter().find(|m| m.email.eq_ignore_ascii_case(&member.email)) {
                return Err(in_row(Error::invalid(
                    "Email",
                    format!("{} is also given for {}", member.email, twin.name),
                )));
            }
            members.push(member);
        }
        if members.is_empty() {
            return Err(Error::invalid(PERSON_FIELDS[0], "write a name and an email for at least one person"));
        }
        self.write(|tx| {
            let now = tx.now();
            let mut added = Vec::with_capacity(members.len());
            for member in members {
                let member = Member { joined_at: now.clone(), ..member };
                insert(tx, &member)?;
                added.push(member);
            }
            Ok(added)
        })
    }

    /// A new member of `circle_id` from a form's input, checked (an email another current
    /// member uses is refused), not yet written.
    fn checked_member(&self, circle_id: &str, input: &MemberInput) -> Result<Member> {
        let name = validate::required("Name", &input.name, NAME_MAX)?;
        let email = validate::email("Email", &input.email)?;
        let taken: Option<String> = self
            .conn()
            .query_row(
                "SELECT name FROM members WHERE circle_id = ?1 AND lower(email) = lower(?2) AND left_at IS NULL",
                (circle_id, &email),
                |r| r.get(0),
            )
            .optional()?;
        if let Some(who) = taken {
            return Err(Error::invalid("Email", format!("{who} already uses {email} in this circle")));
        }
        Ok(Member {
            id: crate::ids::new_id(),
            circle_id: circle_id.to_string(),
            person_id: None,
            name,
            email,
            pronouns: validate::optional("Pronouns", input.pronouns.as_deref(), NAME_MAX)?,
            institution: validate::optional("Institution", input.institution.as_deref(), LINE_MAX)?,
            role: validate::one_of("Role", input.role.as_deref().unwrap_or("member"), MEMBER_ROLES)?,
            contact: validate::optional("Contact", input.contact.as_deref(), LINE_MAX)?,
            joined_at: String::new(),
            left_at: None,
        })
    }

    /// Changes a member's details.
    pub fn update_member(&mut self, id: &str, patch: &MemberPatch) -> Result<Member> {
        let member = self.member(&crate::ids::parse_id("Member", id)?)?;
        let mut fields = serde_json::Map::new();
        if let Some(n) = &patch.name {
            fields.insert("name".into(), validate::required("Name", n, NAME_MAX)?.into());
        }
        if let Some(e) = &patch.email {
            fields.insert("email".into(), validate::email("Email", e)?.into());
        }
        for (column, label, value, max) in [
            ("pronouns", "Pronouns", &patch.pronouns, NAME_MAX),
            ("institution", "Institution", &patch.institution, LINE_MAX),
            ("contact", "Contact", &patch.contact, LINE_MAX),
        ] {
            if let Some(v) = value {
                fields.insert(column.into(), validate::optional(label, Some(v), max)?.into());
            }
        }
        if let Some(r) = &patch.role {
            fields.insert("role".into(), validate::one_of("Role", r, MEMBER_ROLES)?.into());
        }
        self.write(|tx| tx.update("members", entity::MEMBER, &member.circle_id, &member.id, fields))?;
        self.member(&member.id)
    }

    /// Marks a member of circle `circle_id` as having left. They keep their history; nothing
    /// of theirs is deleted. A member of another circle is refused.
    pub fn remove_member(&mut self, circle_id: &str, id: &str) -> Result<Member> {
        let circle = self.circle(&crate::ids::parse_id("Circle", circle_id)?)?;
        let member = self.member(&crate::ids::parse_id("Member", id)?)?;
        if member.circle_id != circle.id {
            return Err(Error::invalid(
                "Member",
                format!("{} is not a member of {}; check the circle and member ids", member.name, circle.name),
            ));
        }
        if member.left_at.is_some() {
            return Err(Error::invalid("Member", format!("{} already left this circle", member.name)));
        }
        if self.identity()?.is_some_and(|me| member.person_id.as_deref() == Some(me.person_id.as_str())) {
            return Err(Error::invalid("Member", "you cannot remove yourself; another member can"));
        }
        self.write(|tx| {
            let now = tx.now();
            let mut fields = serde_json::Map::new();
            fields.insert("left_at".into(), now.into());
            tx.update("members", entity::MEMBER, &member.circle_id, &member.id, fields)?;
            // Removal removes: every laptop of theirs is revoked with them.
            for key in crate::sync::keys::key_rows(tx, "circle_id = ?1 AND member_id = ?2", (&circle.id, &member.id))? {
                crate::sync::keys::revoke_device(tx, &circle.id, &key.device_id)?;
            }
            Ok(())
        })?;
        self.member(&member.id)
    }

    /// A circle's members, current and past, by name.
    pub fn members(&self, circle_id: &str) -> Result<Vec<Member>> {
        Ok(rows::all(
            self.conn(),
            "SELECT * FROM members WHERE circle_id = ?1 ORDER BY name COLLATE NOCASE, id",
            [circle_id],
        )?)
    }

    /// A circle's people: the circle, its members current first, and which is this laptop's person.
    pub fn circle_people(&self, circle_id: &str) -> Result<CirclePeople> {
        let circle = self.circle(&crate::ids::parse_id("Circle", circle_id)?)?;
        let mut members = self.members(&circle.id)?;
        members.sort_by_key(|m| m.left_at.is_some()); // stable: each part stays by name
        Ok(CirclePeople { me: self.my_member_id(&circle.id)?, circle, members })
    }

    /// One member by id.
    pub fn member(&self, id: &str) -> Result<Member> {
        rows::first(self.conn(), "SELECT * FROM members WHERE id = ?1", [id])?
            .ok_or_else(|| Error::not_found("member", id))
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::store_with_circle;
    use crate::MemberInput;

    #[test]
    fn members_are_added_with_a_checked_email() {
        let (mut store, circle) = store_with_circle();
        let ben = MemberInput {
            circle_id: circle.clone(),
            name: "Ben Okafor".into(),
            email: "ben@college.edu".into(),
            pronouns: Some("he/him".into()),
            ..Default::default()
        };
        let added = store.add_member(&ben).unwrap();
        assert_eq!(added.role, "member");
        assert_eq!(store.members(&circle).unwrap().len(), 2);
        let twice = store.add_member(&MemberInput { email: "BEN@college.edu".into(), ..ben.clone() }).unwrap_err();
        assert!(twice.to_string().contains("already uses"), "{twice}");
        let bad = store.add_member(&MemberInput { email: "ben".into(), ..ben }).unwrap_err();
        assert_eq!(bad.field(), Some("Email"));
        assert_eq!(store.members(&circle).unwrap().len(), 2);
    }

    #[test]
    fn several_people_are_added_at_once_or_none_are() {
        let (mut store, circle) = store_with_circle();
        let person = |name: &str, email: &str| MemberInput {
            circle_id: circle.clone(),
            name: name.into(),
            email: email.into(),
            ..Default::default()
        };
        let log = |store: &crate::Store| store.changes(&circle).unwrap().len();
        let logged = log(&store);
        // The third row's email is bad: nobody is added, and the error names that row.
        let rows = [person("Ben Okafor", "ben@college.edu"), person("", ""), person("Cam Lee", "cam")];
        let err = store.add_members(&circle, &rows).unwrap_err();
        assert_eq!((err.code(), err.field()), ("invalid", Some("Person 3")));
        assert!(err.to_string().starts_with("Person 3 is not valid: Email: 'cam' does not look like"), "{err}");
        assert_eq!(store.members(&circle).unwrap().len(), 1, "only Ana, still");
        assert_eq!(log(&store), logged, "nothing was logged");
        // The same email twice in one batch is refused on the second row.
        let twice = [person("Ben Okafor", "ben@college.edu"), person("Benjamin", "BEN@college.edu")];
        let err = store.add_members(&circle, &twice).unwrap_err();
        assert_eq!(err.field(), Some("Person 2"));
        assert!(err.to_string().contains("also given for Ben Okafor"), "{err}");
        // Empty rows are skipped; the others are added together.
        let rows = [person("Ben Okafor", "ben@college.edu"), person(" ", ""), person("Cam Lee", "cam@uni.edu")];
        let added = store.add_members(&circle, &rows).unwrap();
        let names: Vec<_> = added.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["Ben Okafor", "Cam Lee"]);
        assert_eq!(store.members(&circle).unwrap().len(), 3);
        assert_eq!(log(&store), logged + 2, "one logged change each");
        // Nothing but empty rows: says what to write.
        let err = store.add_members(&circle, &[person("", "")]).unwrap_err();
        assert_eq!(err.field(), Some("Person 1"));
        // An email already in the circle refuses its row.
        let err =
            store.add_members(&circle, &[person("Dee", "dee@uni.edu"), person("Ben", "ben@college.edu")]).unwrap_err();
        assert!(err.to_string().starts_with("Person 2 is not valid: Email: Ben Okafor already uses"), "{err}");
        assert_eq!(store.members(&circle).unwrap().len(), 3);
    }

    #[test]
    fn a_member_who_leaves_keeps_their_history() {
        let (mut store, circle) = store_with_circle();
        let ben = store
            .add_member(&MemberInput {
                circle_id: circle.clone(),
                name: "Ben".into(),
                email: "ben@x.org".into(),
                ..Default::default()
            })
            .unwrap();
        let edited = store
            .update_member(
                &ben.id,
                &crate::MemberPatch {
                    pronouns: Some("he/him".into()),
                    institution: Some("".into()),
                    ..Default::default()
                },
            )
            .unwrap();
        assert_eq!((edited.pronouns.as_deref(), edited.institution), (Some("he/him"), None));
        let left = store.remove_member(&circle, &ben.id).unwrap();
        assert!(left.left_at.is_some());
        assert_eq!(store.members(&circle).unwrap().len(), 2, "still listed, as having left");
        assert!(store.remove_member(&circle, &ben.id).unwrap_err().to_string().contains("already left"));
        let me = store.my_member_id(&circle).unwrap();
        assert!(store.remove_member(&circle, &me).is_err());
    }

    #[test]
    fn a_member_of_another_circle_is_not_removed() {
        let (mut store, circle) = store_with_circle();
        let other =
            store.create_circle(&crate::CircleInput { name: "Other circle".into(), ..Default::default() }).unwrap();
        let ben = store
            .add_member(&MemberInput {
                circle_id: other.id.clone(),
                name: "Ben".into(),
                email: "ben@x.org".into(),
                ..Default::default()
            })
            .unwrap();
        let err = store.remove_member(&circle, &ben.id).unwrap_err();
        assert_eq!((err.code(), err.field()), ("invalid", Some("Member")));
        assert!(err.to_string().contains("Ben is not a member of"), "{err}");
        assert!(store.member(&ben.id).unwrap().left_at.is_none(), "Ben is still in the other circle");
        assert!(store.remove_member(&other.id, &ben.id).unwrap().left_at.is_some());
    }

    #[test]
    fn an_unknown_circle_is_named_in_the_error() {
        let (mut store, _) = store_with_circle();
        let input = MemberInput {
            circle_id: "0192f3a4-0000-7000-8000-000000000000".into(),
            name: "X".into(),
            email: "x@y.org".into(),
            ..Default::default()
        };
        let err = store.add_member(&input).unwrap_err();
        assert_eq!(err.code(), "not_found");
        assert!(err.to_string().contains("0192f3a4-0000-7000-8000-000000000000"));
    }
}
