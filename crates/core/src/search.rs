//! Full-text search (SQLite FTS5) over agenda items and their notes, decisions, action
//! items, resources and one's own reflections, whose index is kept by triggers (schema v2,
//! only rows written on this laptop for reflections); and over reflections others shared
//! with a circle, which the index does not hold, matched word by word here the same way.

use crate::reflections::MINE;
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
    /// Who wrote it, for a reflection another member shared (kind `shared_reflection`).
    pub author_name: Option<String>,
}

/// The most hits one search returns from the index, and again from others' shared reflections.
pub const SEARCH_LIMIT: i64 = 50;

/// How many words of a reflection a snippet shows, as the index's snippets do.
const SNIPPET_WORDS: usize = 12;

/// The words of `text` as the index splits them (at anything not a letter or digit), each
/// with where it is in `text`.
fn words(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, &text[s..i]));
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// Whether `word` (lowercased) answers the query's word `i`: the last one as a prefix, as
/// the index's query takes it (so results come while typing).
fn answers(word: &str, query: &[String], i: usize) -> bool {
    if i + 1 == query.len() {
        word.starts_with(query[i].as_str())
    } else {
        word == query[i]
    }
}

/// Whether `word` answers any of the query's words (to mark it in a snippet).
fn answers_any(word: &str, query: &[String]) -> bool {
    let word = word.to_lowercase();
    (0..query.len()).any(|i| answers(&word, query, i))
}

/// Whether `text` has every word of the query.
fn has_all(text: &str, query: &[String]) -> bool {
    let lower: Vec<String> = words(text).into_iter().map(|(_, w)| w.to_lowercase()).collect();
    (0..query.len()).all(|i| lower.iter().any(|w| answers(w, query, i)))
}

/// Up to [`SNIPPET_WORDS`] words of `text` from the first match on, matched words in `[ ]`
/// and `…` where text is left out, like the index's snippets.
fn snippet(text: &str, query: &[String]) -> String {
    let all = words(text);
    let first = all.iter().position(|(_, w)| answers_any(w, query)).unwrap_or(0);
    // Two words before the match, unless the last words fill the snippet from earlier on.
    let from = first.saturating_sub(2).min(all.len().saturating_sub(SNIPPET_WORDS));
    let shown = &all[from..all.len().min(from + SNIPPET_WORDS)];
    let (Some(&(begin, _)), Some(&(last_at, last))) = (shown.first(), shown.last()) else { return String::new() };
    let to_the_end = from + shown.len() == all.len();
    let mut out = String::from(if from > 0 { "…" } else { "" });
    let mut at = begin;
    for &(i, w) in shown {
        out.push_str(&text[at..i]);
        if answers_any(w, query) {
            out.push_str(&format!("[{w}]"));
        } else {
            out.push_str(w);
        }
        at = i + w.len();
    }
    if to_the_end {
        out.push_str(text[last_at + last.len()..].trim_end());
    } else {
        out.push('…');
    }
    out
}

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
    /// Finds `text` on this laptop, optionally within one circle: best matches from the index
    /// first, then reflections shared by others (and by oneself on another laptop), newest first.
    pub fn search(&self, text: &str, circle_id: Option<&str>) -> Result<Vec<SearchHit>> {
        let Some(query) = fts_query(text) else { return Ok(Vec::new()) };
        let mut hits = self.search_index(&query, circle_id)?;
        let query_words: Vec<String> = words(text).into_iter().map(|(_, w)| w.to_lowercase()).collect();
        hits.extend(self.search_synced_reflections(&query_words, circle_id)?);
        Ok(hits)
    }

    fn search_index(&self, query: &str, circle_id: Option<&str>) -> Result<Vec<SearchHit>> {
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
        let rows = stmt.query_map((query, circle_id, SEARCH_LIMIT), |r| {
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
                author_name: None,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Shared reflections that came through sync (the index holds only those written here),
    /// matched like the index: every word, the last as a prefix. Others' private ones never
    /// reach this laptop, so they can never be found.
    fn search_synced_reflections(&self, query: &[String], circle_id: Option<&str>) -> Result<Vec<SearchHit>> {
        let sql = format!(
            "SELECT r.id, r.circle_id, r.prompt, r.text, r.meeting_id, c.name, m.title, m.starts_at, a.name, {MINE}
             FROM reflections r LEFT JOIN circles c ON c.id = r.circle_id LEFT JOIN meetings m ON m.id = r.meeting_id
             LEFT JOIN members a ON a.id = r.author_member_id
             WHERE r.local = 0 AND r.visibility = 'shared' AND (?1 IS NULL OR r.circle_id = ?1)
               AND (?2 IS NULL OR r.text LIKE ?2 OR coalesce(r.prompt, '') LIKE ?2)
             ORDER BY r.created_at DESC, r.id DESC"
        );
        // SQLite's LIKE passes over the text far faster than splitting it into words here, so
        // it first keeps only rows holding the longest word. LIKE ignores case in ASCII only,
        // so a word with other letters is left to the exact match below.
        let longest = query.iter().max_by_key(|w| w.len()).filter(|w| w.is_ascii()).map(|w| format!("%{w}%"));
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let mut rows = stmt.query((circle_id, longest))?;
        let mut hits = Vec::new();
        while let Some(r) = rows.next()? {
            let prompt: Option<String> = r.get(2)?;
            let text: String = r.get(3)?;
            if !has_all(&format!("{} {text}", prompt.as_deref().unwrap_or("")), query) {
                continue;
            }
            let mine: bool = r.get(9)?;
            hits.push(SearchHit {
                kind: if mine { "reflection" } else { "shared_reflection" }.into(),
                record_id: r.get(0)?,
                circle_id: r.get(1)?,
                title: prompt.unwrap_or_default(),
                snippet: snippet(&text, query),
                meeting_id: r.get(4)?,
                circle_name: r.get(5)?,
                meeting_title: r.get(6)?,
                meeting_starts_at: r.get(7)?,
                author_name: if mine { None } else { r.get(8)? },
            });
            if hits.len() as i64 == SEARCH_LIMIT {
                break;
            }
        }
        Ok(hits)
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

    #[test]
    fn finds_others_shared_reflections_but_never_their_private_ones() {
        let mut f = crate::minutes::tests::fixture();
        let hits = f.ana.search("band befo", None).unwrap();
        assert_eq!(hits.len(), 1, "{hits:?}");
        let hit = &hits[0];
        assert_eq!((hit.kind.as_str(), hit.record_id.as_str()), ("shared_reflection", f.ben_shared.as_str()));
        assert_eq!(hit.author_name.as_deref(), Some("Ben Okafor"));
        assert_eq!(hit.title, "What did I learn?");
        assert_eq!(hit.snippet, "Ask for the [band] [before] naming a number.");
        assert_eq!(hit.meeting_id.as_deref(), Some(f.meeting.as_str()));
        assert_eq!(hit.circle_name.as_deref(), Some("Early-career librarians"));
        assert_eq!(f.ana.search("band before", Some(&f.circle)).unwrap().len(), 1, "within its circle");
        let other = f.ana.create_circle(&crate::CircleInput { name: "Other".into(), ..Default::default() }).unwrap();
        assert!(f.ana.search("band before", Some(&other.id)).unwrap().is_empty(), "not in another circle");
        assert!(f.ana.search("learn", None).unwrap().iter().any(|h| h.record_id == f.ben_shared), "by its prompt");
        assert!(f.ana.search("anxious", None).unwrap().is_empty(), "Ben's private words never reach Ana");
        assert!(f.ana.search("band numbers", None).unwrap().is_empty(), "every word must match");

        // Each laptop finds its person's own reflections, private and shared, as their own.
        let own = f.ben.search("anxious", None).unwrap();
        assert_eq!((own.len(), own[0].kind.as_str()), (1, "reflection"));
        let anas = f.ben.search("practice run", None).unwrap();
        let shared = anas.iter().find(|h| h.record_id == f.ana_shared).unwrap();
        assert_eq!((shared.kind.as_str(), shared.author_name.as_deref()), ("shared_reflection", Some("Ana Reyes")));
        assert!(f.ben.search("nervous", None).unwrap().is_empty(), "Ana's private words never reach Ben");
    }

    #[test]
    fn a_long_reflection_is_cut_around_the_match() {
        let query = vec!["ninth".to_string()];
        let text = "one two three four five six seven eight ninth ten eleven twelve thirteen fourteen fifteen sixteen.";
        assert_eq!(
            super::snippet(text, &query),
            "…five six seven eight [ninth] ten eleven twelve thirteen fourteen fifteen sixteen."
        );
        let text = "one two three four five six seven eight ninth ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen";
        assert!(super::snippet(text, &query).ends_with("eighteen"), "the last words, to the end");
        let longer = format!("{text} nineteen");
        assert!(super::snippet(&longer, &query).ends_with("eighteen…"));
    }
}
