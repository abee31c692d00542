//! The ten-year reference circle: read from its file, and written into a data folder.

use kinship_core::{IdentityInput, Store};
use rusqlite::{params, Connection};
use serde_json::Value;
use std::path::Path;

/// `ten-year-circle.json.zst` in `dir`, decoded.
pub fn read(dir: &Path) -> Value {
    let path = dir.join("ten-year-circle.json.zst");
    let compressed = std::fs::read(&path).unwrap_or_else(|e| panic!("could not read {}: {e}", path.display()));
    serde_json::from_slice(&zstd::decode_all(&compressed[..]).unwrap()).unwrap()
}

/// Sets up the data folder's person as the workload's first member.
pub fn create_identity(dir: &Path, workload: &Value) {
    let mut store = Store::open(dir).unwrap();
    let first = &workload["members"][0];
    store
        .create_identity(&IdentityInput {
            name: first["name"].as_str().unwrap().into(),
            email: first["email"].as_str().unwrap().into(),
            ..Default::default()
        })
        .unwrap();
}

/// Writes the workload's rows into the data folder (after [`create_identity`]), in one transaction.
pub fn load(dir: &std::path::Path, workload: &Value) -> rusqlite::Result<()> {
    let mut conn = Connection::open(kinship_core::store::db_path(dir))?;
    let tx = conn.transaction()?;
    let c = &workload["circle"];
    let circle_id = c["id"].as_str().unwrap();
    tx.execute(
        "INSERT INTO circles (id, name, purpose, agreement, cadence, created_at) VALUES (?1, ?2, '', ?3, 'weekly', '2016-01-01T00:00:00Z')",
        params![circle_id, c["name"].as_str(), kinship_core::DEFAULT_AGREEMENT],
    )?;
    let person: String = tx.query_row("SELECT person_id FROM identity", [], |r| r.get(0))?;
    for (i, m) in workload["members"].as_array().unwrap().iter().enumerate() {
        // The first member is this laptop's person, so their reflections are their own.
        let person_id = (i == 0).then(|| person.clone());
        tx.execute(
            "INSERT INTO members (id, circle_id, person_id, name, email, role, joined_at) VALUES (?1, ?2, ?3, ?4, ?5, 'member', '2016-01-01T00:00:00Z')",
            params![m["id"].as_str(), circle_id, person_id, m["name"].as_str(), m["email"].as_str()],
        )?;
    }
    for m in workload["meetings"].as_array().unwrap() {
        let id = m["id"].as_str().unwrap();
        tx.execute(
            "INSERT INTO meetings (id, circle_id, title, starts_at, minutes, status, started_at, ended_at) VALUES (?1, ?2, ?3, ?4, 90, 'ended', ?4, ?4)",
            params![id, circle_id, m["title"].as_str(), m["starts_at"].as_str()],
        )?;
        for a in m["agenda_items"].as_array().unwrap() {
            let status = if a["done"].as_bool().unwrap() { "done" } else { "open" };
            tx.execute(
                "INSERT INTO agenda_items (id, meeting_id, title, kind, minutes, position, status) VALUES (?1, ?2, ?3, 'topic', ?4, ?5, ?6)",
                params![a["id"].as_str(), id, a["title"].as_str(), a["minutes"].as_i64(), a["position"].as_i64(), status],
            )?;
        }
        for a in m["action_items"].as_array().unwrap() {
            tx.execute(
                "INSERT INTO action_items (id, meeting_id, text, owner_id, due, done, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![a["id"].as_str(), id, a["text"].as_str(), a["owner_member_id"].as_str(), a["due"].as_str(), a["done"].as_bool(), m["starts_at"].as_str()],
            )?;
        }
    }
    let me = workload["members"][0]["id"].as_str().unwrap();
    for r in workload["reflections"].as_array().unwrap() {
        let author = r["author_member_id"].as_str().unwrap();
        tx.execute(
            "INSERT INTO reflections (id, circle_id, author_member_id, meeting_id, text, visibility, created_at, local) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![r["id"].as_str(), circle_id, author, r["meeting_id"].as_str(), r["text"].as_str(), r["visibility"].as_str(), r["created_at"].as_str(), author == me],
        )?;
    }
    tx.commit()
}
