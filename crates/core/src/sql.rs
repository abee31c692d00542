//! SQL helpers that know nothing of Kinship's tables: running batched statements and
//! turning JSON values into SQLite values. The change log, the store and merge share them.

use rusqlite::Connection;

/// Statements of up to this many rows stay compiled whatever their size: everyday imports
/// write a few rows at a time, in batches of many sizes.
const CACHED_ROWS: usize = 16;

/// Runs `sql`, a statement writing `rows` rows in batches of at most `full`. It stays
/// compiled if small or full (it recurs); otherwise it is compiled for this once: a
/// statement for hundreds of rows takes hundreds of kilobytes, and a partial batch's size
/// seldom recurs.
pub(crate) fn execute_rows(
    conn: &Connection,
    sql: &str,
    rows: usize,
    full: usize,
    params: impl rusqlite::Params,
) -> rusqlite::Result<usize> {
    if rows <= CACHED_ROWS || rows == full {
        conn.prepare_cached(sql)?.execute(params)
    } else {
        conn.prepare(sql)?.execute(params)
    }
}

/// A JSON field value as the SQLite value stored for it.
pub(crate) fn sql_value(v: &serde_json::Value) -> rusqlite::types::Value {
    use rusqlite::types::Value as Sql;
    match v {
        serde_json::Value::Null => Sql::Null,
        serde_json::Value::Bool(b) => Sql::Integer(*b as i64),
        serde_json::Value::Number(n) => {
            n.as_i64().map(Sql::Integer).unwrap_or_else(|| Sql::Real(n.as_f64().unwrap_or(0.0)))
        }
        serde_json::Value::String(s) => Sql::Text(s.clone()),
        other => Sql::Text(other.to_string()),
    }
}
