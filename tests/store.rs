use kinship_core::store::{db_path, schema_version, SCHEMA_VERSION};
use kinship_core::{CircleInput, IdentityInput, Store};
use rusqlite::Connection;

fn schema_of(conn: &Connection) -> Vec<(String, String)> {
    let mut stmt = conn
        .prepare("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap();
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    rows.map(Result::unwrap).collect()
}

#[test]
fn circles_are_still_there_after_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let id = {
        let mut store = Store::open(dir.path()).unwrap();
        store
            .create_identity(&IdentityInput { name: "Ana".into(), email: "ana@uni.edu".into(), ..Default::default() })
            .unwrap();
        store.create_circle(&CircleInput { name: "Kept".into(), ..Default::default() }).unwrap().id
    };
    let store = Store::open(dir.path()).unwrap();
    let circles = store.list_circles().unwrap();
    assert_eq!(circles.len(), 1);
    assert_eq!(circles[0].circle.id, id);
    assert_eq!(store.identity().unwrap().unwrap().name, "Ana");
}

#[test]
fn the_device_id_is_kept_and_sequence_numbers_continue_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let device = store.device_id().to_string();
    store
        .create_identity(&IdentityInput { name: "Ana".into(), email: "ana@uni.edu".into(), ..Default::default() })
        .unwrap();
    let c = store.create_circle(&CircleInput { name: "One".into(), ..Default::default() }).unwrap();
    drop(store);
    let mut store = Store::open(dir.path()).unwrap();
    assert_eq!(store.device_id(), device);
    let c2 = store.create_circle(&CircleInput { name: "Two".into(), ..Default::default() }).unwrap();
    let seqs: Vec<Vec<i64>> =
        [&c.id, &c2.id].iter().map(|id| store.changes(id).unwrap().iter().map(|ch| ch.seq).collect()).collect();
    // circle, founding member, this device's key.
    assert_eq!(seqs, [[1, 2, 3], [1, 2, 3]], "one gap-free sequence per device and circle");
}

#[test]
fn a_version_1_database_upgrades_with_its_data_and_matches_a_fresh_schema() {
    let dir = tempfile::tempdir().unwrap();
    let frozen = Connection::open(db_path(dir.path())).unwrap();
    frozen.execute_batch(include_str!("fixtures/schema-v1.sql")).unwrap();
    drop(frozen);

    let store = Store::open(dir.path()).unwrap();
    let circles = store.list_circles().unwrap();
    assert_eq!(circles[0].circle.name, "Frozen circle");
    assert_eq!(circles[0].member_count, 1);
    assert_eq!(store.device_id(), "01934d6e-0000-7000-8000-00000000d001");
    // What the upgraded laptop says it holds (kept in a table since version 5) is what its log holds.
    let log = store.changes(&circles[0].circle.id).unwrap();
    assert!(!log.is_empty());
    let mut highest = std::collections::BTreeMap::new();
    for change in &log {
        let top = highest.entry(change.author_device.clone()).or_insert(0);
        *top = change.seq.max(*top);
    }
    assert_eq!(highest.values().sum::<i64>(), log.len() as i64, "the upgraded log has no gaps");
    assert_eq!(store.version_vector(&circles[0].circle.id).unwrap(), highest);
    drop(store);

    let upgraded = Connection::open(db_path(dir.path())).unwrap();
    assert_eq!(schema_version(&upgraded).unwrap(), SCHEMA_VERSION);
    let fresh_dir = tempfile::tempdir().unwrap();
    drop(Store::open(fresh_dir.path()).unwrap());
    let fresh = Connection::open(db_path(fresh_dir.path())).unwrap();
    assert_eq!(schema_of(&upgraded), schema_of(&fresh));
}

#[test]
fn a_database_from_a_newer_kinship_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    drop(Store::open(dir.path()).unwrap());
    let conn = Connection::open(db_path(dir.path())).unwrap();
    conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1).unwrap();
    conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    drop(conn);
    let before = std::fs::read(db_path(dir.path())).unwrap();

    let err = Store::open(dir.path()).unwrap_err();
    assert_eq!(err.code(), "newer_database");
    assert!(err.to_string().contains("Update Kinship"), "{err}");
    assert_eq!(std::fs::read(db_path(dir.path())).unwrap(), before, "the file must not change");
}
