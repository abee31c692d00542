//! Schema migrations, tracked in SQLite's `user_version` by rusqlite_migration.

use crate::{Error, Result};
use rusqlite::Connection;
use rusqlite_migration::{Migrations, M};

/// Each entry is one schema version; append, never edit a released one.
const MIGRATIONS: &[M<'static>] = &[
    M::up(include_str!("v1.sql")),
    M::up(include_str!("v2.sql")),
    M::up(include_str!("v3.sql")),
    M::up(include_str!("v4.sql")),
    M::up(include_str!("v5.sql")),
    M::up(include_str!("v6.sql")),
    M::up(include_str!("v7.sql")),
    M::up(include_str!("v8.sql")),
    M::up(include_str!("v9.sql")),
    M::up(include_str!("v10.sql")),
    M::up(include_str!("v11.sql")),
    M::up(include_str!("v12.sql")),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The newest schema version that changed what a bundle carries, written in each bundle's
/// head. A migration that adds only device state (v9's invite identities, v10's seen marks,
/// v11's shared folder, v12's shared marks)
/// leaves it, so a laptop a version behind still takes this laptop's bundles.
pub const SHARED_SCHEMA: i64 = 8;

/// The schema version recorded in a database.
pub fn schema_version(conn: &Connection) -> Result<i64> {
    Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
}

/// Refuses a database written by a newer Kinship, whose schema this build cannot know.
pub(super) fn refuse_newer(conn: &Connection) -> Result<()> {
    let found = schema_version(conn)?;
    if found > SCHEMA_VERSION {
        return Err(Error::NewerDatabase { found, supported: SCHEMA_VERSION });
    }
    Ok(())
}

/// Brings the database up to [`SCHEMA_VERSION`], in one transaction per step.
pub(super) fn migrate(conn: &mut Connection) -> Result<()> {
    refuse_newer(conn)?;
    Migrations::from_slice(MIGRATIONS).to_latest(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        Migrations::from_slice(MIGRATIONS).validate().unwrap();
    }
}
