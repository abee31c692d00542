//! The canonical dump of a circle's shared state: records sorted by id, keys sorted, no
//! device-local data and nothing private. Two laptops holding the same circle print the
//! same bytes, which is how tests (and people) check that sync converged.

use crate::{Result, Store};
use serde::Serialize;
use serde_json::Value;

/// The dump's format name, first key of every dump.
pub const DUMP_FORMAT: &str = "kinship-dump/1";

fn sorted_by_id<T: Serialize>(records: Vec<T>) -> Value {
    let mut values: Vec<Value> = records.into_iter().map(|r| serde_json::to_value(r).unwrap()).collect();
    values.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
    Value::Array(values)
}

impl Store {
    /// The circle's shared state as canonical JSON (see the module docs).
    pub fn dump(&self, circle_id: &str) -> Result<String> {
        let circle = self.circle(circle_id)?;
        let meetings = self.meetings(&circle.id)?;
        let mut agenda_items = Vec::new();
        let mut action_items = Vec::new();
        let mut decisions = Vec::new();
        let mut attendance = Vec::new();
        for meeting in &meetings {
            agenda_items.extend(self.agenda(&meeting.id)?);
            action_items.extend(self.action_items(&meeting.id)?);
            decisions.extend(self.decisions(&meeting.id)?);
            attendance.extend(self.attendance(&meeting.id)?);
        }
        attendance.sort_by(|a, b| (&a.meeting_id, &a.member_id).cmp(&(&b.meeting_id, &b.member_id)));
        let goals = self.shared_goals(&circle.id)?;
        let mut goal_notes = Vec::new();
        for goal in &goals {
            goal_notes.extend(self.goal_notes(&goal.id)?);
        }
        let templates: Vec<_> = self.templates(&circle.id)?.into_iter().filter(|t| t.circle_id.is_some()).collect();
        let dump = serde_json::json!({
            "format": DUMP_FORMAT,
            "circle": circle,
            "members": sorted_by_id(self.members(&circle.id)?),
            "meetings": sorted_by_id(meetings),
            "agenda_items": sorted_by_id(agenda_items),
            "action_items": sorted_by_id(action_items),
            "decisions": sorted_by_id(decisions),
            "attendance": attendance,
            "agenda_templates": sorted_by_id(templates),
            "reflections": sorted_by_id(self.shared_reflections(&circle.id)?),
            "goals": sorted_by_id(goals),
            "goal_notes": sorted_by_id(goal_notes),
            "resources": sorted_by_id(self.resources(&circle.id)?),
        });
        let mut out = String::new();
        write_canonical(&dump, &mut out);
        Ok(out)
    }
}

/// Compact JSON with object keys in byte order, whatever order the map kept them in.
pub fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                write_canonical(&map[key], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::store_with_meeting;
    use crate::{AgendaItemInput, ReflectionInput};

    #[test]
    fn canonical_keys_are_sorted_at_every_depth() {
        let v = serde_json::json!({"b": 1, "a": {"z": [ {"y": 1, "x": 2} ], "c": "é\"q"}});
        let mut out = String::new();
        write_canonical(&v, &mut out);
        assert_eq!(out, r#"{"a":{"c":"é\"q","z":[{"x":2,"y":1}]},"b":1}"#);
    }

    #[test]
    fn dump_holds_shared_state_and_no_private_reflection() {
        let (mut store, meeting) = store_with_meeting();
        let circle = store.meeting(&meeting).unwrap().circle_id;
        store
            .add_agenda_item(&AgendaItemInput {
                meeting_id: meeting.clone(),
                title: "Job talk practice".into(),
                ..Default::default()
            })
            .unwrap();
        store
            .add_reflection(&ReflectionInput {
                meeting_id: Some(meeting.clone()),
                text: "PRIVATE-WORDS".into(),
                ..Default::default()
            })
            .unwrap();
        store
            .add_reflection(&ReflectionInput {
                meeting_id: Some(meeting),
                text: "SHARED-WORDS".into(),
                shared: true,
                ..Default::default()
            })
            .unwrap();
        let dump = store.dump(&circle).unwrap();
        assert!(dump.starts_with(r#"{"action_items":[],"agenda_items":[{"#), "{dump}");
        for key in ["\"decisions\":[]", "\"attendance\":[]", "\"agenda_templates\":[]", "\"goal_notes\":[]"] {
            assert!(dump.contains(key), "{key} in {dump}");
        }
        assert!(dump.contains("Job talk practice"));
        assert!(dump.contains("SHARED-WORDS"));
        assert!(!dump.contains("PRIVATE-WORDS"));
        assert!(!dump.contains(store.device_id()), "no device-local data");
        assert_eq!(dump, store.dump(&circle).unwrap(), "stable");
    }
}
