//! Rows by column name. A table's record struct (in `model.rs`) is the one list of its
//! columns: reading fills each field from the column of the same name, and inserting
//! writes each field into the column of the same name. A new column is a new field.

use rusqlite::{Connection, Params, Row};
use serde::{de::DeserializeOwned, Serialize};
use serde_json::{Map, Value};

/// Reads a record from a row by column name; columns the record has no field for are ignored.
pub(crate) fn from_row<T: DeserializeOwned>(row: &Row) -> rusqlite::Result<T> {
    serde_rusqlite::from_row(row).map_err(to_sqlite_error)
}

/// Every row a query returns, as records.
pub(crate) fn all<T: DeserializeOwned>(conn: &Connection, sql: &str, params: impl Params) -> rusqlite::Result<Vec<T>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query(params)?;
    serde_rusqlite::from_rows(rows).collect::<Result<_, _>>().map_err(to_sqlite_error)
}

/// The first row a query returns, as a record, if there is one.
pub(crate) fn first<T: DeserializeOwned>(
    conn: &Connection,
    sql: &str,
    params: impl Params,
) -> rusqlite::Result<Option<T>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query(params)?;
    rows.next()?.map(from_row).transpose()
}

/// A record's fields as a JSON object (field name → value): what is inserted and logged.
pub(crate) fn fields<T: Serialize>(record: &T) -> Map<String, Value> {
    match serde_json::to_value(record) {
        Ok(Value::Object(fields)) => fields,
        _ => unreachable!("every record is a struct of plain values"),
    }
}

/// Inserts a record into `table`, each field into the column of its name, and returns the
/// fields written (for the change log).
pub(crate) fn insert<T: Serialize>(conn: &Connection, table: &str, record: &T) -> rusqlite::Result<Value> {
    let fields = fields(record);
    insert_fields(conn, table, &fields)?;
    Ok(Value::Object(fields))
}

/// Inserts one row of `table` from column name → value. Names come from code, never input.
pub(crate) fn insert_fields(conn: &Connection, table: &str, fields: &Map<String, Value>) -> rusqlite::Result<()> {
    let columns: Vec<&str> = fields.keys().map(String::as_str).collect();
    let places: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
    let sql = format!("INSERT INTO {table} ({}) VALUES ({})", columns.join(", "), places.join(", "));
    conn.prepare_cached(&sql)?.execute(rusqlite::params_from_iter(fields.values().map(crate::sql::sql_value)))?;
    Ok(())
}

/// A row that does not fit its record (a column of the wrong type) as a storage error.
fn to_sqlite_error(e: serde_rusqlite::Error) -> rusqlite::Error {
    match e {
        serde_rusqlite::Error::Rusqlite(e) => e,
        other => rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Null, Box::new(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::store_with_meeting;
    use crate::{ActionItem, ActionItemInput, AgendaItem, AgendaItemInput, Meeting};

    /// The columns of `table`, sorted, leaving out those kept for this laptop alone.
    fn columns(conn: &Connection, table: &str, local: &[&str]) -> Vec<String> {
        let mut stmt = conn.prepare(&format!("SELECT name FROM pragma_table_info('{table}')")).unwrap();
        let mut names: Vec<String> = stmt
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .filter(|n: &String| !local.contains(&n.as_str()))
            .collect();
        names.sort();
        names
    }

    fn field_names<T: Serialize>(record: &T) -> Vec<String> {
        let mut names: Vec<String> = fields(record).keys().cloned().collect();
        names.sort();
        names
    }

    #[test]
    fn each_record_has_a_field_for_every_column_of_its_table() {
        let (mut store, meeting_id) = store_with_meeting();
        let meeting = store.meeting(&meeting_id).unwrap();
        let item = store
            .add_agenda_item(&AgendaItemInput {
                meeting_id: meeting_id.clone(),
                title: "T".into(),
                ..Default::default()
            })
            .unwrap();
        let action = store
            .add_action_item(&ActionItemInput {
                meeting_id: meeting_id.clone(),
                text: "A".into(),
                ..Default::default()
            })
            .unwrap();
        let circle = store.circle(&meeting.circle_id).unwrap();
        let member = store.members(&circle.id).unwrap().remove(0);
        let reflection =
            store.add_reflection(&crate::ReflectionInput { text: "R".into(), ..Default::default() }).unwrap();
        let goal = store.add_goal(&crate::GoalInput { text: "G".into(), ..Default::default() }).unwrap();
        let note = store.add_goal_note(&goal.id, "N").unwrap();
        let resource = store
            .add_resource(&crate::ResourceInput {
                circle_id: circle.id.clone(),
                title: "R".into(),
                ..Default::default()
            })
            .unwrap();
        let identity = store.identity().unwrap().unwrap();
        // (table, its record's fields, columns kept for this laptop alone)
        let tables: [(&str, Vec<String>, &[&str]); 10] = [
            ("circles", field_names(&circle), &[]),
            ("members", field_names(&member), &[]),
            ("meetings", field_names(&meeting), &[]),
            ("agenda_items", field_names(&item), &[]),
            ("action_items", field_names(&action), &[]),
            ("reflections", field_names(&reflection), &["local"]),
            ("goals", field_names(&goal), &[]),
            ("goal_notes", field_names(&note), &[]),
            ("resources", field_names(&resource), &[]),
            ("identity", field_names(&identity), &["singleton"]),
        ];
        for (table, fields, local) in tables {
            assert_eq!(fields, columns(store.conn(), table, local), "{table}");
        }
    }

    #[test]
    fn rows_are_read_by_column_name_whatever_their_order() {
        let (store, meeting_id) = store_with_meeting();
        let meeting = store.meeting(&meeting_id).unwrap();
        let reversed: Meeting = first(
            store.conn(),
            "SELECT summary, status, title, minutes, circle_id, starts_at, place, facilitator_id, timekeeper_id,
                    note_taker_id, started_at, ended_at, paused_at, current_item_id, 'ignored' AS extra, id
             FROM meetings WHERE id = ?1",
            [&meeting_id],
        )
        .unwrap()
        .unwrap();
        assert_eq!(reversed, meeting);
        let none: Option<AgendaItem> = first(store.conn(), "SELECT * FROM agenda_items", []).unwrap();
        assert_eq!(none, None);
    }

    #[test]
    fn insert_writes_each_field_to_its_column_and_returns_what_it_wrote() {
        let (mut store, meeting_id) = store_with_meeting();
        let action = store
            .add_action_item(&ActionItemInput {
                meeting_id: meeting_id.clone(),
                text: "A".into(),
                ..Default::default()
            })
            .unwrap();
        let copy = ActionItem { id: crate::ids::new_id(), done: true, due: Some("2026-04-01".into()), ..action };
        let written = insert(store.conn(), "action_items", &copy).unwrap();
        assert_eq!(written["done"], Value::Bool(true));
        let read: ActionItem =
            first(store.conn(), "SELECT * FROM action_items WHERE id = ?1", [&copy.id]).unwrap().unwrap();
        assert_eq!(read, copy, "a bool goes in as 1 and comes back as true");
        let mismatched = first::<ActionItem>(
            store.conn(),
            "SELECT id, meeting_id, text, owner_id, due, 'x' AS done, created_at, agenda_item_id, done_at FROM action_items",
            [],
        );
        assert!(mismatched.is_err(), "a column of the wrong type is an error, not a default");
    }
}
