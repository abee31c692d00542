//! Full-text search (SQLite FTS5) over agenda items and their notes, decisions, action
//! items, resources and one's own reflections. The index is kept by triggers (schema v2).

use crate::{Result, Store};
use serde::Serialize;

/// One search hit, with what the UI needs to open the place it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    /// agenda_item, action_item, decision, resource or reflection.
    pub kind: String,
    pub record_id: String,
    pub circle_id: Option<String>,
    /// The circle's name, when the hit belongs to a circle.
    pub circle_name: Option<String>,
    /// The meeting it belongs to, for agenda items, actions, decisions and reflections.
    pub meeting_id: Option<String>,
    /// That meeting's title.
    pub meeting_title: Option<String>,
    /// When that meeting starts (RFC 3339 UTC).
    pub meeting_starts_at: Option<String>,
    pub title: String,
    /// Matching text with the matched words between `[` and `]`.
    pub snippet: String,
}

/// The most hits one search returns.
pub const SEARCH_LIMIT: i64 = 50;

/// Turns what a person typed into an FTS5 query that cannot be a syntax error: each word
/// quoted, the last one as a prefix (so results come while typing).
fn fts_query(text: &str) -> Option<String> {
    let words: Vec<String> =
        text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(|w| format!("\"{w}\"")).collect();
    if words.is_empty() {
        return None;
    }
    Some(format!("{}*", words.join(" ")))
}

impl Store {
    /// Finds `text` on this laptop, best matches first, optionally within one circle.
    pub fn search(&self, text: &str, circle_id: Option<&str>) -> Result<Vec<SearchHit>> {
        let Some(query) = fts_query(text) else { return Ok(Vec::new()) };
        let mut stmt = self.conn().prepare(
            "SELECT s.kind, s.record_id, s.circle_id, s.title,
                    snippet(search_index, 4, '[', ']', '…', 12),
                    coalesce(a.meeting_id, ac.meeting_id, d.meeting_id, r.meeting_id), c.name, m.title, m.starts_at
             FROM search_index s
             LEFT JOIN agenda_items a ON s.kind = 'agenda_item' AND a.id = s.record_id
             LEFT JOIN action_items ac ON s.kind = 'action_item' AND ac.id = s.record_id
             LEFT JOIN decisions d ON s.kind = 'decision' AND d.id = s.record_id
             LEFT JOIN reflections r ON s.kind = 'reflection' AND r.id = s.record_id
             LEFT JOIN meetings m ON m.id = coalesce(a.meeting_id, ac.meeting_id, d.meeting_id, r.meeting_id)
             LEFT JOIN circles c ON c.id = s.circle_id
             WHERE search_index MATCH ?1 AND (?2 IS NULL OR s.circle_id = ?2)
             ORDER BY rank LIMIT ?3",
        )?;
        let rows = stmt.query_map((&query, circle_id, SEARCH_LIMIT), |r| {
            Ok(SearchHit {
                kind: r.get(0)?,
                record_id: r.get(1)?,
                circle_id: r.get(2)?,
                title: r.get(3)?,
                snippet: r.get(4)?,
                meeting_id: r.get(5)?,
                circle_name: r.get(6)?,
                meeting_title: r.get(7)?,
                meeting_starts_at: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::store_with_meeting;
    use crate::{AgendaItemInput, AgendaItemPatch, ReflectionInput};

    #[test]
    fn finds_items_notes_decisions_and_own_reflections_by_prefix() {
        let (mut store, meeting) = store_with_meeting();
        let item = store
            .add_agenda_item(&AgendaItemInput {
                meeting_id: meeting.clone(),
                title: "Tenure dossier".into(),
                ..Default::default()
            })
            .unwrap();
        store
            .update_agenda_item(
                &item.id,
                &AgendaItemPatch { notes: Some("Ask about external reviewers".into()), ..Default::default() },
            )
            .unwrap();
        store.add_decision(&meeting, None, "Share dossier drafts by email").unwrap();
        store
            .add_reflection(&ReflectionInput {
                meeting_id: Some(meeting.clone()),
                text: "My dossier feels thin".into(),
                ..Default::default()
            })
            .unwrap();

        let hits = store.search("dossi", None).unwrap();
        let mut kinds: Vec<_> = hits.iter().map(|h| h.kind.as_str()).collect();
        kinds.sort();
        assert_eq!(kinds, ["agenda_item", "decision", "reflection"]);
        assert!(hits.iter().all(|h| h.meeting_id.as_deref() == Some(meeting.as_str())));
        let place = store.meeting(&meeting).unwrap();
        for hit in &hits {
            assert_eq!(hit.circle_name.as_deref(), Some("Early-career librarians"));
            assert_eq!(hit.meeting_title.as_deref(), Some(place.title.as_str()));
            assert_eq!(hit.meeting_starts_at.as_deref(), Some("2026-03-05T18:00:00Z"));
        }
        let circle = store.meeting(&meeting).unwrap().circle_id;
        store
            .add_resource(&crate::ResourceInput {
                circle_id: circle,
                title: "Dossier workshop".into(),
                ..Default::default()
            })
            .unwrap();
        let resource = store.search("workshop", None).unwrap();
        assert_eq!(resource[0].circle_name.as_deref(), Some("Early-career librarians"));
        assert_eq!((resource[0].meeting_id.as_ref(), resource[0].meeting_title.as_ref()), (None, None));
        let notes = store.search("reviewers", None).unwrap();
        assert_eq!(notes[0].record_id, item.id);
        assert!(notes[0].snippet.contains("[reviewers]"), "{}", notes[0].snippet);
    }

    #[test]
    fn search_syntax_in_input_is_harmless() {
        let (store, _) = store_with_meeting();
        for q in ["\"", "AND OR NOT", "a:b*(", "", "   ", "NEAR(x y)"] {
            assert!(store.search(q, None).is_ok(), "{q}");
        }
    }
}
