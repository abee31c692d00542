//! The circle's board of resources and opportunities.

use crate::changelog::entity;
use crate::rows;
use crate::validate::{self, LINE_MAX};
use crate::{Resource, ResourceInput, Result, Store, RESOURCE_KINDS};

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
            url: validate::web_link("Link", input.url.as_deref())?,
            kind: validate::one_of("Kind", input.kind.as_deref().unwrap_or("other"), RESOURCE_KINDS)?,
            deadline,
            shared_by_id,
            note: validate::prose("Note", &input.note)?,
            created_at: String::new(),
        };
        self.write(|tx| {
            let r = Resource { created_at: tx.now(), ..resource };
            let fields = rows::insert(tx, "resources", &r)?;
            tx.log(&r.circle_id, entity::RESOURCE, &r.id, fields)?;
            Ok(r)
        })
    }

    /// A circle's board, by id.
    pub fn resources(&self, circle_id: &str) -> Result<Vec<Resource>> {
        Ok(rows::all(self.conn(), "SELECT * FROM resources WHERE circle_id = ?1 ORDER BY id", [circle_id])?)
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
