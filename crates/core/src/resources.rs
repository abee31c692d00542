//! The circle's board of resources and opportunities.

use crate::changelog::entity;
use crate::validate::{self, LINE_MAX};
use crate::{Error, Resource, ResourceInput, Result, Store, RESOURCE_KINDS};
use rusqlite::Row;

const COLUMNS: &str = "id, circle_id, title, url, kind, deadline, shared_by_id, note, created_at";

fn from_row(r: &Row) -> rusqlite::Result<Resource> {
    Ok(Resource {
        id: r.get(0)?,
        circle_id: r.get(1)?,
        title: r.get(2)?,
        url: r.get(3)?,
        kind: r.get(4)?,
        deadline: r.get(5)?,
        shared_by_id: r.get(6)?,
        note: r.get(7)?,
        created_at: r.get(8)?,
    })
}

/// A link must be a web address: it is opened in the person's browser, never in Kinship.
fn web_link(value: Option<&str>) -> Result<Option<String>> {
    let Some(url) = validate::optional("Link", value, LINE_MAX)? else { return Ok(None) };
    let lower = url.to_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) || url.contains(char::is_whitespace) {
        return Err(Error::invalid("Link", format!("'{url}' is not a web address; it should start with https://")));
    }
    Ok(Some(url))
}

impl Store {
    /// Shares a resource or opportunity with a circle.
    pub fn add_resource(&mut self, input: &ResourceInput) -> Result<Resource> {
        let circle = self.circle(&crate::ids::parse_id("Circle", &input.circle_id)?)?;
        let shared_by_id = Some(self.my_member_id(&circle.id)?);
        let deadline = match input.deadline.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(d) => Some(validate::date("Deadline", d)?.to_string()),
        };
        let resource = Resource {
            id: crate::ids::new_id(),
            circle_id: circle.id,
            title: validate::required("Title", &input.title, LINE_MAX)?,
            url: web_link(input.url.as_deref())?,
            kind: validate::one_of("Kind", input.kind.as_deref().unwrap_or("other"), RESOURCE_KINDS)?,
            deadline,
            shared_by_id,
            note: validate::prose("Note", &input.note)?,
            created_at: String::new(),
        };
        self.write(|tx| {
            let r = Resource { created_at: tx.now(), ..resource };
            tx.execute(
                &format!("INSERT INTO resources ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"),
                rusqlite::params![
                    r.id,
                    r.circle_id,
                    r.title,
                    r.url,
                    r.kind,
                    r.deadline,
                    r.shared_by_id,
                    r.note,
                    r.created_at
                ],
            )?;
            tx.log(&r.circle_id, entity::RESOURCE, &r.id, serde_json::to_value(&r).unwrap())?;
            Ok(r)
        })
    }

    /// A circle's board, by id.
    pub fn resources(&self, circle_id: &str) -> Result<Vec<Resource>> {
        let mut stmt =
            self.conn().prepare(&format!("SELECT {COLUMNS} FROM resources WHERE circle_id = ?1 ORDER BY id"))?;
        let rows = stmt.query_map([circle_id], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::store_with_circle;
    use crate::ResourceInput;

    #[test]
    fn links_must_be_web_addresses() {
        let (mut store, circle) = store_with_circle();
        let base = ResourceInput { circle_id: circle.clone(), title: "ACRL mentoring".into(), ..Default::default() };
        for bad in ["javascript:alert(1)", "file:///etc/passwd", "www.example.org"] {
            let input = ResourceInput { url: Some(bad.into()), ..base.clone() };
            assert_eq!(store.add_resource(&input).unwrap_err().field(), Some("Link"), "{bad}");
        }
        let ok = store
            .add_resource(&ResourceInput {
                url: Some("https://acrl.org".into()),
                kind: Some("conference".into()),
                ..base
            })
            .unwrap();
        assert_eq!(store.resources(&circle).unwrap(), vec![ok]);
    }
}
