//! The person using Kinship on this laptop. Local only: it is copied into a member row
//! when they create or join a circle, and that row is what the circle sees.

use crate::rows;
use crate::validate::{self, LINE_MAX, NAME_MAX};
use crate::{Error, Identity, IdentityInput, Result, Store};

impl Store {
    /// This laptop's person, if set up.
    pub fn identity(&self) -> Result<Option<Identity>> {
        Ok(rows::first(self.conn(), "SELECT * FROM identity", [])?)
    }

    /// This laptop's person, or [`Error::NoIdentity`].
    pub(crate) fn require_identity(&self) -> Result<Identity> {
        self.identity()?.ok_or(Error::NoIdentity)
    }

    /// Sets up who uses Kinship on this laptop (once).
    pub fn create_identity(&mut self, input: &IdentityInput) -> Result<Identity> {
        if let Some(existing) = self.identity()? {
            return Err(Error::IdentityExists { name: existing.name, email: existing.email });
        }
        let identity = Identity {
            person_id: crate::ids::new_id(),
            name: validate::required("Name", &input.name, NAME_MAX)?,
            email: validate::email("Email", &input.email)?,
            pronouns: validate::optional("Pronouns", input.pronouns.as_deref(), NAME_MAX)?,
            institution: validate::optional("Institution", input.institution.as_deref(), LINE_MAX)?,
            career_stage: validate::optional("Role or career stage", input.career_stage.as_deref(), LINE_MAX)?,
            created_at: String::new(),
        };
        self.write(|tx| {
            let identity = Identity { created_at: tx.now(), ..identity };
            // `singleton = 1`: one identity per laptop (the table's key).
            let mut row = rows::fields(&identity);
            row.insert("singleton".into(), 1.into());
            rows::insert_fields(tx, "identity", &row)?;
            Ok(identity)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ana() -> IdentityInput {
        IdentityInput {
            name: " Ana Reyes ".into(),
            email: "ana@uni.edu".into(),
            pronouns: Some("she/her".into()),
            institution: Some("".into()),
            career_stage: None,
        }
    }

    #[test]
    fn identity_is_created_once_and_cleaned() {
        let mut store = Store::open_in_memory().unwrap();
        assert!(store.identity().unwrap().is_none());
        let me = store.create_identity(&ana()).unwrap();
        assert_eq!(me.name, "Ana Reyes");
        assert_eq!(me.institution, None, "an empty optional field is stored as absent");
        assert_eq!(store.identity().unwrap(), Some(me));
        let again = store.create_identity(&ana()).unwrap_err();
        assert_eq!(again.code(), "identity_exists");
    }

    #[test]
    fn a_bad_email_writes_nothing() {
        let mut store = Store::open_in_memory().unwrap();
        let err = store.create_identity(&IdentityInput { email: "ana".into(), ..ana() }).unwrap_err();
        assert_eq!(err.field(), Some("Email"));
        assert!(store.identity().unwrap().is_none());
    }
}
