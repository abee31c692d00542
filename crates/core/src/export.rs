//! All of a person's data as one JSON document that re-imports into an empty install, and
//! a readable Markdown version of the same. It is their own file, so it holds everything on
//! this laptop: identity, circles, members, meetings, agendas, actions, decisions,
//! attendance, saved templates, reflections (private ones too), goals with notes, resources.
//! It never holds device-local state (this laptop's device id, change log, search index).
//!
//! The JSON keeps each table's rows as stored (column → value), so nothing is lost in
//! translation; import checks every table and column name against the schema and writes
//! everything in one transaction, or nothing.

use crate::store::SCHEMA_VERSION;
use crate::{Error, Result, Store};
use rusqlite::types::Value as Sql;
use serde::Serialize;
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};

/// The format name of an export, its first key.
pub const EXPORT_FORMAT: &str = "kinship-export";
/// The version of the export format this build writes and reads.
pub const EXPORT_VERSION: i64 = 1;

/// The tables exported, in an order where every row's references come before it.
pub const TABLES: &[&str] = &[
    "identity",
    "circles",
    "members",
    "meetings",
    "goals",
    "agenda_items",
    "action_items",
    "decisions",
    "attendance",
    "agenda_templates",
    "reflections",
    "goal_notes",
    "resources",
];

/// What an import brought in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportSummary {
    pub circles: i64,
    pub meetings: i64,
    pub reflections: i64,
    pub goals: i64,
}

fn to_json(v: Sql) -> Value {
    match v {
        Sql::Null => Value::Null,
        Sql::Integer(i) => Value::from(i),
        Sql::Real(f) => Value::from(f),
        Sql::Text(s) => Value::String(s),
        Sql::Blob(b) => Value::from(b),
    }
}

fn to_sql(v: &Value) -> Sql {
    match v {
        Value::Null => Sql::Null,
        Value::Bool(b) => Sql::Integer(*b as i64),
        Value::Number(n) => n.as_i64().map(Sql::Integer).unwrap_or_else(|| Sql::Real(n.as_f64().unwrap_or(0.0))),
        Value::String(s) => Sql::Text(s.clone()),
        other => Sql::Text(other.to_string()),
    }
}

fn bad_file(why: impl std::fmt::Display) -> Error {
    Error::invalid("Import file", format!("{why}; choose a file made by Kinship's 'Export all my data'"))
}

impl Store {
    fn columns(&self, table: &str) -> Result<Vec<String>> {
        let mut stmt = self.conn().prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Everything on this laptop as one JSON document (see the module docs).
    pub fn export_json(&self) -> Result<String> {
        let mut tables = Map::new();
        for table in TABLES {
            let columns = self.columns(table)?;
            let mut stmt = self.conn().prepare(&format!("SELECT * FROM {table} ORDER BY 1, 2"))?;
            let rows = stmt.query_map([], |r| {
                let mut row = Map::new();
                for (i, c) in columns.iter().enumerate() {
                    row.insert(c.clone(), to_json(r.get::<_, Sql>(i)?));
                }
                Ok(Value::Object(row))
            })?;
            tables.insert(table.to_string(), Value::Array(rows.collect::<rusqlite::Result<_>>()?));
        }
        let doc = serde_json::json!({
            "format": EXPORT_FORMAT,
            "version": EXPORT_VERSION,
            "schema_version": SCHEMA_VERSION,
            "exported_at": crate::clock::to_stored(self.now()),
            "tables": tables,
        });
        Ok(serde_json::to_string_pretty(&doc).expect("JSON values serialize"))
    }

    /// Imports an export into this install, which must be empty (no identity, no circle).
    /// All of it lands in one transaction, or nothing does.
    pub fn import_json(&mut self, text: &str) -> Result<ImportSummary> {
        if let Some(me) = self.identity()? {
            return Err(Error::invalid(
                "Import",
                format!(
                    "this laptop already has data (set up for {} <{}>); import only into a fresh install: \
                     start Kinship with an empty data folder (KINSHIP_DATA_DIR) first",
                    me.name, me.email
                ),
            ));
        }
        let circles: i64 = self.conn().query_row("SELECT count(*) FROM circles", [], |r| r.get(0))?;
        if circles > 0 {
            return Err(Error::invalid(
                "Import",
                "this laptop already has circles; import only into a fresh install (an empty data folder)",
            ));
        }
        let doc: Value = serde_json::from_str(text).map_err(|e| bad_file(format!("it is not JSON ({e})")))?;
        match (doc["format"].as_str(), doc["version"].as_i64()) {
            (Some(EXPORT_FORMAT), Some(EXPORT_VERSION)) => {}
            (Some(EXPORT_FORMAT), Some(v)) => {
                return Err(bad_file(format!(
                    "it is export version {v}, and this Kinship reads version {EXPORT_VERSION}; update Kinship"
                )))
            }
            _ => return Err(bad_file("it is not a Kinship export (its format is not 'kinship-export')")),
        }
        let schema = doc["schema_version"].as_i64().unwrap_or(i64::MAX);
        if schema > SCHEMA_VERSION {
            return Err(Error::NewerDatabase { found: schema, supported: SCHEMA_VERSION });
        }
        let Some(tables) = doc["tables"].as_object() else { return Err(bad_file("it has no tables")) };
        if let Some(unknown) = tables.keys().find(|k| !TABLES.contains(&k.as_str())) {
            return Err(bad_file(format!("it holds an unknown table '{unknown}'")));
        }
        let mut plan = Vec::new();
        for table in TABLES {
            let columns = self.columns(table)?;
            let rows = match tables.get(*table) {
                None => continue,
                Some(Value::Array(rows)) => rows,
                Some(_) => return Err(bad_file(format!("'{table}' is not a list"))),
            };
            for row in rows {
                let Some(row) = row.as_object() else {
                    return Err(bad_file(format!("a row of '{table}' is not an object")));
                };
                if let Some(unknown) = row.keys().find(|k| !columns.contains(k)) {
                    return Err(bad_file(format!("'{table}' has an unknown field '{unknown}'")));
                }
                plan.push((*table, row.clone()));
            }
        }
        self.write(|tx| {
            // References are checked at commit, once every row is in.
            tx.execute_batch("PRAGMA defer_foreign_keys = ON")?;
            for (table, row) in &plan {
                let names: Vec<&str> = row.keys().map(String::as_str).collect();
                let marks: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
                let sql = format!("INSERT INTO {table} ({}) VALUES ({})", names.join(", "), marks.join(", "));
                tx.execute(&sql, rusqlite::params_from_iter(row.values().map(to_sql)))
                    .map_err(|e| bad_file(format!("a row of '{table}' cannot be stored ({e})")))?;
            }
            Ok(())
        })
        .map_err(|e| match e {
            Error::Storage(e) => bad_file(format!("its records do not fit together ({e})")),
            other => other,
        })?;
        let count = |table: &str| -> Result<i64> {
            Ok(self.conn().query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
        };
        Ok(ImportSummary {
            circles: count("circles")?,
            meetings: count("meetings")?,
            reflections: count("reflections")?,
            goals: count("goals")?,
        })
    }

    /// Everything on this laptop as readable Markdown (reflections and goals included).
    pub fn export_markdown(&self) -> Result<String> {
        use crate::record::md_escape as e;
        let mut out = String::from("# My Kinship data\n\n");
        out.push_str(&format!("Exported on {}.\n", crate::clock::to_stored(self.now())));
        if let Some(me) = self.identity()? {
            out.push_str(&format!("\n## Me\n\n{} <{}>\n", e(&me.name), e(&me.email)));
            for (label, v) in [("Pronouns", &me.pronouns), ("Institution", &me.institution), ("Role", &me.career_stage)]
            {
                if let Some(v) = v {
                    out.push_str(&format!("- {label}: {}\n", e(v)));
                }
            }
        }
        let mut member_names = std::collections::HashMap::new();
        for summary in self.list_circles()? {
            let c = summary.circle;
            out.push_str(&format!("\n## Circle: {}\n\n", e(&c.name)));
            if !c.purpose.is_empty() {
                out.push_str(&format!("{}\n\n", e(&c.purpose)));
            }
            out.push_str(&format!("Meets {}.\n\n### Agreement\n\n{}\n\n### Members\n\n", c.cadence, e(&c.agreement)));
            for m in self.members(&c.id)? {
                let left = if m.left_at.is_some() { " (left)" } else { "" };
                out.push_str(&format!("- {} <{}>{left}\n", e(&m.name), e(&m.email)));
                member_names.insert(m.id.clone(), m.name.clone());
            }
            let name = |id: &Option<String>| id.as_ref().and_then(|i| member_names.get(i)).cloned();
            for m in self.meetings(&c.id)? {
                out.push_str(&format!("\n### {} ({}, {})\n\n", e(&m.title), m.starts_at, m.status));
                if let Some(p) = &m.place {
                    out.push_str(&format!("Place: {}\n\n", e(p)));
                }
                for item in self.agenda(&m.id)? {
                    let whose = name(&item.member_id).map(|n| format!(" — {}", e(&n))).unwrap_or_default();
                    let conf = if item.confidential { " (stays in the circle)" } else { "" };
                    out.push_str(&format!(
                        "- {}{whose} ({} min, {}){conf}\n",
                        e(&item.title),
                        item.minutes,
                        item.status
                    ));
                    for line in item.notes.lines().filter(|l| !l.trim().is_empty()) {
                        out.push_str(&format!("  - {}\n", e(line)));
                    }
                }
                for d in self.decisions(&m.id)? {
                    out.push_str(&format!("- Decision: {}\n", e(&d.text)));
                }
                for a in self.action_items(&m.id)? {
                    let owner = name(&a.owner_id).map(|n| format!(" ({})", e(&n))).unwrap_or_default();
                    let done = if a.done { "x" } else { " " };
                    out.push_str(&format!("- [{done}] {}{owner}\n", e(&a.text)));
                }
                if !m.summary.is_empty() {
                    out.push_str(&format!("\n{}\n", e(&m.summary)));
                }
            }
            let resources = self.resources(&c.id)?;
            if !resources.is_empty() {
                out.push_str("\n### Resources\n\n");
                for r in resources {
                    let url = r.url.map(|u| format!(" — {}", e(&u))).unwrap_or_default();
                    out.push_str(&format!("- {} ({}){url}\n", e(&r.title), r.kind));
                }
            }
        }
        let reflections = self.reflections()?;
        if !reflections.is_empty() {
            out.push_str("\n## Reflections\n");
            for r in reflections {
                let prompt = r.prompt.map(|p| format!(" — {}", e(&p))).unwrap_or_default();
                out.push_str(&format!("\n{} ({}){prompt}\n\n", r.created_at, r.visibility));
                for line in r.text.lines() {
                    out.push_str(&format!("> {}\n", e(line)));
                }
            }
        }
        let goals = self.goals()?;
        if !goals.is_empty() {
            out.push_str("\n## Goals\n");
            for g in goals {
                let target = g.target_date.map(|d| format!(", by {d}")).unwrap_or_default();
                out.push_str(&format!("\n- {} ({}, {}{target})\n", e(&g.text), g.status, g.visibility));
                for n in self.goal_notes(&g.id)? {
                    out.push_str(&format!("  - {}: {}\n", n.created_at, e(&n.text)));
                }
            }
        }
        Ok(out)
    }
}

/// A name for a file: lowercase words joined by `-` ("Ana Reyes" → "ana-reyes").
fn slug(s: &str) -> String {
    let words: Vec<String> =
        s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
    if words.is_empty() {
        "kinship".into()
    } else {
        words.join("-")
    }
}

impl Store {
    /// Saves a mentoring record (`md`, `csv` or `html`) as a new file in the person's
    /// Documents (else Downloads) folder; returns its path.
    pub fn save_record(&self, options: &crate::record::RecordOptions, format: &str) -> Result<String> {
        let record = self.mentoring_record(options)?;
        let text = record.render(format)?;
        let ext = if format == "markdown" { "md" } else { format };
        let until = record.to.clone().unwrap_or_else(|| record.generated_on.clone());
        let name = format!("mentoring-record-{}-{until}.{ext}", slug(&record.name));
        Ok(save_new_file(&name, text.as_bytes())?.display().to_string())
    }

    /// Saves a meeting's minutes as a new Markdown file (see [`Store::save_record`]).
    pub fn save_minutes(&self, meeting_id: &str) -> Result<String> {
        let minutes = self.minutes(meeting_id)?;
        Ok(save_new_file(&minutes.file_name(), minutes.render("md")?.as_bytes())?.display().to_string())
    }

    /// Saves a circle's meetings as a new `.ics` file (see [`Store::save_record`]).
    pub fn save_circle_calendar(&self, circle_id: &str) -> Result<String> {
        let ics = self.circle_calendar(circle_id)?;
        let name = format!("{}.ics", slug(&self.circle(circle_id)?.name));
        Ok(save_new_file(&name, ics.as_bytes())?.display().to_string())
    }

    /// Saves all data as a new JSON (or Markdown) file (see [`Store::save_record`]).
    pub fn save_data_export(&self, markdown: bool) -> Result<String> {
        let (text, ext) = if markdown { (self.export_markdown()?, "md") } else { (self.export_json()?, "json") };
        let name = format!("kinship-data-{}.{ext}", self.now().date_naive());
        Ok(save_new_file(&name, text.as_bytes())?.display().to_string())
    }
}

impl crate::Minutes {
    /// The name their Markdown file is saved under ("minutes-<meeting title>.md").
    pub fn file_name(&self) -> String {
        format!("minutes-{}.md", slug(&self.meeting.title))
    }
}

/// Environment variable naming the folder files are saved into (else Documents, Downloads, home).
pub const EXPORT_DIR_ENV: &str = "KINSHIP_EXPORT_DIR";

/// Where files made for the person go: `KINSHIP_EXPORT_DIR`, else their Documents folder,
/// else Downloads, else home.
pub fn export_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os(EXPORT_DIR_ENV).filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    dirs::document_dir().or_else(dirs::download_dir).or_else(dirs::home_dir).ok_or_else(|| {
        Error::invalid("Save", "no Documents, Downloads or home folder was found; use the command line's --out FILE")
    })
}

/// Saves `contents` as `name` in [`export_dir`], never over an existing file (`name-2.ext`,
/// `name-3.ext`, …). Returns the path written.
pub fn save_new_file(name: &str, contents: &[u8]) -> Result<PathBuf> {
    let dir = export_dir()?;
    std::fs::create_dir_all(&dir).map_err(|source| Error::Io { path: dir.display().to_string(), source })?;
    save_in(&dir, name, contents)
}

/// Like [`save_new_file`] into `dir`. The name is reduced to a plain file name first.
pub fn save_in(dir: &Path, name: &str, contents: &[u8]) -> Result<PathBuf> {
    let clean: String =
        name.chars().map(|c| if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '-' }).collect();
    let clean = clean.trim_start_matches('.');
    let (stem, ext) = match clean.rsplit_once('.') {
        Some((s, x)) if !s.is_empty() => (s.to_string(), format!(".{x}")),
        _ => (clean.to_string(), String::new()),
    };
    let stem = if stem.is_empty() { "kinship".to_string() } else { stem };
    for n in 1..1000 {
        let file = if n == 1 { format!("{stem}{ext}") } else { format!("{stem}-{n}{ext}") };
        let path = dir.join(file);
        // Only the person may read it: it holds the circle's confidential talk.
        match crate::files::write_new_private(&path, contents) {
            Ok(()) => return Ok(path),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(source) => return Err(Error::Io { path: path.display().to_string(), source }),
        }
    }
    Err(Error::invalid(
        "Save",
        format!("{} already holds 999 files named {stem}; tidy it up and try again", dir.display()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::tests::{fixture, PRIVATE_WORDS};
    use crate::GoalInput;

    #[test]
    fn export_then_import_into_an_empty_install_gives_the_same_data() {
        let mut f = fixture();
        let goal = f
            .store
            .add_goal(&GoalInput {
                text: "Publish a paper".into(),
                target_date: Some("2027-06-01".into()),
                ..Default::default()
            })
            .unwrap();
        f.store.add_goal_note(&goal.id, "Outline done").unwrap();
        let json = f.store.export_json().unwrap();
        assert!(json.contains(PRIVATE_WORDS), "it is the person's own file: private reflections too");
        assert!(!json.contains(f.store.device_id()), "no device-local state");

        let dir = tempfile::tempdir().unwrap();
        let mut fresh = Store::open(dir.path()).unwrap();
        let summary = fresh.import_json(&json).unwrap();
        assert_eq!(summary, ImportSummary { circles: 1, meetings: 4, reflections: 2, goals: 1 });
        for c in f.store.list_circles().unwrap() {
            assert_eq!(fresh.dump(&c.circle.id).unwrap(), f.store.dump(&c.circle.id).unwrap());
        }
        assert_eq!(fresh.identity().unwrap(), f.store.identity().unwrap());
        assert_eq!(fresh.reflections().unwrap(), f.store.reflections().unwrap());
        assert_eq!(fresh.goals().unwrap(), f.store.goals().unwrap());
        assert_eq!(fresh.goal_notes(&goal.id).unwrap().len(), 1);
        assert!(!fresh.search("nervous", None).unwrap().is_empty(), "search works on imported reflections");
        // The imported install works as usual afterwards.
        let me = fresh.my_member_id(&f.circle).unwrap();
        assert_eq!(me, f.me);
        // Exporting again gives the same tables.
        let again: Value = serde_json::from_str(&fresh.export_json().unwrap()).unwrap();
        let first: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(again["tables"], first["tables"]);
    }

    #[test]
    fn import_refuses_a_used_install_and_unknown_files_and_writes_nothing() {
        let f = fixture();
        let json = f.store.export_json().unwrap();
        let mut used = crate::test_support::store_with_identity();
        assert!(used.import_json(&json).unwrap_err().to_string().contains("fresh install"));

        let mut fresh = Store::open_in_memory().unwrap();
        let err = fresh.import_json("{\"format\":\"something-else\"}").unwrap_err();
        assert!(err.to_string().contains("not a Kinship export"), "{err}");
        let err = fresh.import_json(&json.replacen("\"version\": 1", "\"version\": 9", 1)).unwrap_err();
        assert!(err.to_string().contains("version 9"), "{err}");
        assert_eq!(fresh.import_json("not json").unwrap_err().field(), Some("Import file"));
        // A bad row late in the file: nothing of the earlier tables stays.
        let mut doc: Value = serde_json::from_str(&json).unwrap();
        doc["tables"]["resources"][0]["circle_id"] = Value::from("no-such-circle");
        let err = fresh.import_json(&doc.to_string()).unwrap_err();
        assert!(
            err.to_string().contains("do not fit together") || err.to_string().contains("cannot be stored"),
            "{err}"
        );
        let mut doc: Value = serde_json::from_str(&json).unwrap();
        doc["tables"]["goals"] = serde_json::json!([{"id": "x", "sneaky": 1}]);
        assert!(fresh.import_json(&doc.to_string()).unwrap_err().to_string().contains("unknown field 'sneaky'"));
        assert!(fresh.identity().unwrap().is_none());
        assert!(fresh.list_circles().unwrap().is_empty());
        // …and the good file still imports afterwards.
        fresh.import_json(&json).unwrap();
    }

    #[test]
    fn markdown_export_reads_well_and_holds_everything() {
        let f = fixture();
        let md = f.store.export_markdown().unwrap();
        for expected in [
            "# My Kinship data",
            "## Circle: Early-career librarians",
            "Job talk practice",
            PRIVATE_WORDS,
            "Ben Okafor",
        ] {
            assert!(md.contains(&crate::record::md_escape(expected)) || md.contains(expected), "{expected} in\n{md}");
        }
    }

    #[test]
    fn saving_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let a = save_in(dir.path(), "record.md", b"one").unwrap();
        let b = save_in(dir.path(), "record.md", b"two").unwrap();
        let c = save_in(dir.path(), "../evil name.md", b"three").unwrap();
        assert_eq!(a.file_name().unwrap(), "record.md");
        assert_eq!(b.file_name().unwrap(), "record-2.md");
        assert_eq!(c.parent().unwrap(), dir.path());
        assert_eq!(std::fs::read_to_string(a).unwrap(), "one");
    }
}
