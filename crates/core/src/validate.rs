//! Input rules shared by every write: trimmed, non-empty where required, bounded in size,
//! dates that parse. Each rule returns the cleaned value or an error naming the field.

use crate::changelog::entity as kind;
use crate::model::{
    AGENDA_KINDS, AGENDA_STATUSES, CADENCES, GOAL_STATUSES, HELP_KINDS, MEETING_STATUSES, MEMBER_ROLES, RESOURCE_KINDS,
};
use crate::{Error, Result};
use chrono::{DateTime, NaiveDate, Utc};

/// Longest name (of a person, circle or role), in characters.
pub const NAME_MAX: usize = 120;
/// Longest single-line text (a title, an email, a link), in characters.
pub const LINE_MAX: usize = 500;
/// Longest prose (an agreement, details, a note, a reflection), in characters:
/// about twenty pages, far beyond any real note, far below a mistaken 5 MB paste.
pub const PROSE_MAX: usize = 50_000;
/// Longest meeting or timebox, in minutes (a whole day).
pub const MINUTES_MAX: i64 = 24 * 60;

fn bounded(field: &'static str, value: &str, max: usize) -> Result<()> {
    let len = value.chars().count();
    if len > max {
        return Err(Error::TooLong { field, len, max });
    }
    Ok(())
}

/// A required single-line text: trimmed, not empty, at most `max` characters.
pub fn required(field: &'static str, value: &str, max: usize) -> Result<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(Error::Empty { field });
    }
    bounded(field, value, max)?;
    if value.contains(['\n', '\r']) {
        return Err(Error::invalid(field, "it must fit on one line"));
    }
    if value.contains(is_direction_control) {
        return Err(Error::invalid(
            field,
            "it holds an invisible character that reverses or reorders text (U+202A–U+202E, U+2066–U+2069); \
             type it again without pasting, or remove that character",
        ));
    }
    Ok(value.to_string())
}

/// The invisible characters that override or embed a text direction. Right-to-left names need
/// none of them, and in a one-line field they only serve to disguise text (`exe.png`).
pub(crate) fn is_direction_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// An optional single-line text: trimmed; empty becomes `None`.
pub fn optional(field: &'static str, value: Option<&str>, max: usize) -> Result<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => required(field, v, max).map(Some),
    }
}

/// Prose: may span lines and may be empty; only its size is bounded.
pub fn prose(field: &'static str, value: &str) -> Result<String> {
    bounded(field, value, PROSE_MAX)?;
    Ok(value.trim_end().to_string())
}

/// Required prose: like [`prose`] but not empty.
pub fn required_prose(field: &'static str, value: &str) -> Result<String> {
    let value = prose(field, value)?;
    if value.trim().is_empty() {
        return Err(Error::Empty { field });
    }
    Ok(value)
}

/// An email address: one line with something on each side of a single '@'.
pub fn email(field: &'static str, value: &str) -> Result<String> {
    let value = required(field, value, LINE_MAX)?;
    let mut parts = value.split('@');
    let ok = matches!((parts.next(), parts.next(), parts.next()),
        (Some(user), Some(host), None) if !user.is_empty() && host.contains('.') && !host.starts_with('.') && !host.ends_with('.'));
    // Characters that mean something in a mailto: link or a mail header ('?' starts headers,
    // ',' and ';' separate addresses): an address holding one could add a Bcc or a subject.
    let header_syntax = value.contains(|c: char| "?&%#,;:<>\"()[]\\/".contains(c) || c.is_control());
    if !ok || header_syntax || value.contains(char::is_whitespace) {
        return Err(Error::invalid(field, format!("'{value}' does not look like an email address (name@example.org)")));
    }
    Ok(value)
}

/// An optional web address (`http` or `https` only: it is opened in the person's browser,
/// never in Kinship); empty becomes `None`.
pub fn web_link(field: &'static str, value: Option<&str>) -> Result<Option<String>> {
    let Some(url) = optional(field, value, LINE_MAX)? else { return Ok(None) };
    let lower = url.to_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) || url.contains(char::is_whitespace) {
        return Err(Error::invalid(
            field,
            format!("'{url}' is not a web address; {field} must start with https:// or http://"),
        ));
    }
    Ok(Some(url))
}

/// An optional email address.
pub fn optional_email(field: &'static str, value: Option<&str>) -> Result<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => email(field, v).map(Some),
    }
}

/// A duration or timebox in whole minutes: 1 to a day.
pub fn minutes(field: &'static str, value: i64) -> Result<i64> {
    if !(1..=MINUTES_MAX).contains(&value) {
        return Err(Error::invalid(
            field,
            format!("{value} minutes is not a usable length; give between 1 and {MINUTES_MAX} minutes"),
        ));
    }
    Ok(value)
}

/// A date and time in RFC 3339 (`2026-03-05T18:00:00Z` or with an offset), returned in UTC.
pub fn timestamp(field: &'static str, value: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(value.trim()).map(|t| t.with_timezone(&Utc)).map_err(|_| {
        Error::invalid(
            field,
            format!(
                "'{value}' is not a date and time; write it like 2026-03-05T18:00:00Z or 2026-03-05T13:00:00-05:00"
            ),
        )
    })
}

/// A calendar date (`2026-03-19`).
pub fn date(field: &'static str, value: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
        .map_err(|_| Error::invalid(field, format!("'{value}' is not a date; write it like 2026-03-19")))
}

/// One of a fixed set of words (a kind, a role, a status).
pub fn one_of(field: &'static str, value: &str, allowed: &[&str]) -> Result<String> {
    let value = value.trim().to_lowercase().replace([' ', '-'], "_");
    if allowed.contains(&value.as_str()) {
        Ok(value)
    } else {
        Err(Error::invalid(field, format!("'{value}' is not one of: {}", allowed.join(", "))))
    }
}

/// What a field of a shared record must hold. The local write path checks what a person types
/// with the functions above; a value arriving in a bundle is checked against the same rule
/// ([`shared_field`]), in the form the local write stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// One line, not empty, at most this many characters ([`required`]).
    Line(usize),
    /// One line of at most this many characters, or nothing ([`optional`]).
    OptionalLine(usize),
    /// Prose ([`prose`]).
    Prose,
    /// An email address ([`email`]).
    Email,
    /// A web address, or nothing ([`web_link`]).
    WebLink,
    /// Exactly one of these words, as stored ([`one_of`] stores them so).
    OneOf(&'static [&'static str]),
    /// One of these words, or nothing.
    OptionalOneOf(&'static [&'static str]),
    /// A date and time as stored (`2026-03-05T18:00:00Z`, [`crate::clock::to_stored`]).
    Stamp,
    /// A stored date and time, or nothing.
    OptionalStamp,
    /// A date as stored (`2026-03-19`), or nothing.
    OptionalDate,
    /// A length in minutes ([`minutes`]).
    Minutes,
    /// A saved template's items: each a title, a kind, a timebox and details.
    TemplateItems,
}

/// Only shared rows are logged, so a value arriving in a bundle says "shared".
const SHARED: &[&str] = &["shared"];

/// Every field of a shared record that has a rule: (record kind, column, the label the
/// local form gives it, the rule). Ids, numbers and flags are checked by sync itself.
pub const SHARED_FIELDS: &[(&str, &str, &str, Rule)] = &[
    (kind::CIRCLE, "name", "Circle name", Rule::Line(NAME_MAX)),
    (kind::CIRCLE, "purpose", "Purpose", Rule::Prose),
    (kind::CIRCLE, "agreement", "Agreement", Rule::Prose),
    (kind::CIRCLE, "cadence", "Cadence", Rule::OneOf(CADENCES)),
    (kind::CIRCLE, "created_at", "Created", Rule::Stamp),
    (kind::MEMBER, "name", "Name", Rule::Line(NAME_MAX)),
    (kind::MEMBER, "email", "Email", Rule::Email),
    (kind::MEMBER, "pronouns", "Pronouns", Rule::OptionalLine(NAME_MAX)),
    (kind::MEMBER, "institution", "Institution", Rule::OptionalLine(LINE_MAX)),
    (kind::MEMBER, "role", "Role", Rule::OneOf(MEMBER_ROLES)),
    (kind::MEMBER, "contact", "Contact", Rule::OptionalLine(LINE_MAX)),
    (kind::MEMBER, "joined_at", "Joined", Rule::Stamp),
    (kind::MEMBER, "left_at", "Left", Rule::OptionalStamp),
    (kind::INVITE, "created_at", "Created", Rule::Stamp),
    (kind::INVITE, "expires_at", "Expires", Rule::OptionalStamp),
    (kind::DEVICE_KEY, "added_at", "Added", Rule::Stamp),
    (kind::MEETING, "title", "Title", Rule::Line(LINE_MAX)),
    (kind::MEETING, "starts_at", "Start", Rule::Stamp),
    (kind::MEETING, "minutes", "Length", Rule::Minutes),
    (kind::MEETING, "place", "Place or link", Rule::OptionalLine(LINE_MAX)),
    (kind::MEETING, "link", "Link", Rule::WebLink),
    (kind::MEETING, "status", "Status", Rule::OneOf(MEETING_STATUSES)),
    (kind::MEETING, "started_at", "Started", Rule::OptionalStamp),
    (kind::MEETING, "ended_at", "Ended", Rule::OptionalStamp),
    (kind::MEETING, "paused_at", "Paused", Rule::OptionalStamp),
    (kind::MEETING, "summary", "Summary", Rule::Prose),
    (kind::GOAL, "text", "Goal", Rule::Line(LINE_MAX)),
    (kind::GOAL, "target_date", "Target date", Rule::OptionalDate),
    (kind::GOAL, "status", "Status", Rule::OneOf(GOAL_STATUSES)),
    (kind::GOAL, "visibility", "Visibility", Rule::OneOf(SHARED)),
    (kind::GOAL, "created_at", "Created", Rule::Stamp),
    (kind::AGENDA_ITEM, "title", "Title", Rule::Line(LINE_MAX)),
    (kind::AGENDA_ITEM, "details", "Details", Rule::Prose),
    (kind::AGENDA_ITEM, "kind", "Kind", Rule::OneOf(AGENDA_KINDS)),
    (kind::AGENDA_ITEM, "minutes", "Timebox", Rule::Minutes),
    (kind::AGENDA_ITEM, "status", "Status", Rule::OneOf(AGENDA_STATUSES)),
    (kind::AGENDA_ITEM, "notes", "Notes", Rule::Prose),
    (kind::AGENDA_ITEM, "started_at", "Started", Rule::OptionalStamp),
    (kind::AGENDA_ITEM, "ended_at", "Ended", Rule::OptionalStamp),
    (kind::AGENDA_ITEM, "help_wanted", "Help wanted", Rule::OptionalOneOf(HELP_KINDS)),
    (kind::ACTION_ITEM, "text", "Action", Rule::Line(LINE_MAX)),
    (kind::ACTION_ITEM, "due", "Due date", Rule::OptionalDate),
    (kind::ACTION_ITEM, "created_at", "Created", Rule::Stamp),
    (kind::ACTION_ITEM, "done_at", "Done", Rule::OptionalStamp),
    (kind::DECISION, "text", "Decision", Rule::Line(LINE_MAX)),
    (kind::DECISION, "created_at", "Created", Rule::Stamp),
    (kind::REFLECTION, "prompt", "Prompt", Rule::OptionalLine(LINE_MAX)),
    (kind::REFLECTION, "text", "Reflection", Rule::Prose),
    (kind::REFLECTION, "visibility", "Visibility", Rule::OneOf(SHARED)),
    (kind::REFLECTION, "created_at", "Created", Rule::Stamp),
    (kind::GOAL_NOTE, "text", "Progress note", Rule::Prose),
    (kind::GOAL_NOTE, "created_at", "Created", Rule::Stamp),
    (kind::TEMPLATE, "name", "Template name", Rule::Line(NAME_MAX)),
    (kind::TEMPLATE, "items", "Template items", Rule::TemplateItems),
    (kind::TEMPLATE, "created_at", "Created", Rule::Stamp),
    (kind::RESOURCE, "title", "Title", Rule::Line(LINE_MAX)),
    (kind::RESOURCE, "url", "Link", Rule::WebLink),
    (kind::RESOURCE, "kind", "Kind", Rule::OneOf(RESOURCE_KINDS)),
    (kind::RESOURCE, "deadline", "Deadline", Rule::OptionalDate),
    (kind::RESOURCE, "note", "Note", Rule::Prose),
    (kind::RESOURCE, "created_at", "Created", Rule::Stamp),
];

/// The rule for one field of a shared record, with the label its form gives it.
pub fn rule_of(entity: &str, field: &str) -> Option<(&'static str, Rule)> {
    SHARED_FIELDS.iter().find(|(e, f, _, _)| *e == entity && *f == field).map(|&(_, _, label, rule)| (label, rule))
}

/// Checks a stored value of a shared record's field (as a bundle carries it) against the rule
/// the local write applies. Fields without a rule pass. An optional field may hold nothing:
/// `null`, or an empty string as older records do.
pub fn shared_field(entity: &str, field: &str, value: &serde_json::Value) -> Result<()> {
    let Some((label, rule)) = rule_of(entity, field) else { return Ok(()) };
    check_stored(label, rule, value)
}

fn check_stored(label: &'static str, rule: Rule, value: &serde_json::Value) -> Result<()> {
    use serde_json::Value;
    let text = match value {
        Value::String(s) => Some(s.as_str()),
        Value::Null => None,
        _ if matches!(rule, Rule::Minutes | Rule::TemplateItems) => None,
        _ => return Err(Error::invalid(label, "it holds something other than text")),
    };
    let nothing = text.is_none_or(|t| t.is_empty());
    let optional = matches!(
        rule,
        Rule::OptionalLine(_) | Rule::WebLink | Rule::OptionalOneOf(_) | Rule::OptionalStamp | Rule::OptionalDate
    );
    if nothing && optional {
        return Ok(());
    }
    let text = text.unwrap_or_default();
    let as_stored = |stored: String| {
        if stored == text {
            Ok(())
        } else {
            Err(Error::invalid(label, format!("'{text}' is not in the form Kinship stores ({stored})")))
        }
    };
    match rule {
        Rule::Line(max) | Rule::OptionalLine(max) => required(label, text, max).map(drop),
        Rule::Prose => prose(label, text).map(drop),
        Rule::Email => email(label, text).map(drop),
        Rule::WebLink => web_link(label, Some(text)).map(drop),
        Rule::OneOf(words) | Rule::OptionalOneOf(words) => match words.contains(&text) {
            true => Ok(()),
            false => Err(Error::invalid(label, format!("'{text}' is not one of: {}", words.join(", ")))),
        },
        Rule::Stamp | Rule::OptionalStamp => as_stored(crate::clock::to_stored(timestamp(label, text)?)),
        Rule::OptionalDate => as_stored(date(label, text)?.to_string()),
        Rule::Minutes => match value.as_i64() {
            Some(m) => minutes(label, m).map(drop),
            None => Err(Error::invalid(label, "it is not a whole number of minutes")),
        },
        Rule::TemplateItems => {
            let items: Vec<crate::model::TemplateItem> = serde_json::from_value(value.clone())
                .map_err(|_| Error::invalid(label, "they are not a list of agenda items"))?;
            for item in &items {
                required("Title", &item.title, LINE_MAX)?;
                check_stored("Kind", Rule::OneOf(AGENDA_KINDS), &item.kind.as_str().into())?;
                minutes("Timebox", item.minutes)?;
                prose("Details", &item.details)?;
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_trims_and_refuses_blank() {
        assert_eq!(required("Name", "  Ana  ", NAME_MAX).unwrap(), "Ana");
        assert!(matches!(required("Name", "   ", NAME_MAX), Err(Error::Empty { field: "Name" })));
    }

    #[test]
    fn sizes_are_counted_in_characters_not_bytes() {
        let word = "é".repeat(NAME_MAX);
        assert!(required("Name", &word, NAME_MAX).is_ok());
        let err = required("Name", &format!("{word}é"), NAME_MAX).unwrap_err();
        assert!(matches!(err, Error::TooLong { len: 121, max: 120, .. }));
    }

    #[test]
    fn a_five_megabyte_paste_is_refused_with_its_size() {
        let paste = "x".repeat(5 * 1024 * 1024);
        let err = prose("Notes", &paste).unwrap_err();
        assert_eq!(err.code(), "too_long");
        assert!(err.to_string().contains("5242880 characters"), "{err}");
    }

    #[test]
    fn one_line_fields_refuse_direction_overrides_but_keep_right_to_left_names() {
        let err = required("Pronouns", "he/\u{202E}mih", NAME_MAX).unwrap_err().to_string();
        assert!(err.contains("reverses or reorders text"), "{err}");
        assert!(required("Link", "https://lab.example/\u{2067}gnp.exe", LINE_MAX).is_err());
        assert_eq!(required("Name", "سلمى حداد", NAME_MAX).unwrap(), "سلمى حداد");
        assert_eq!(required("Name", "\u{200F}דנה", NAME_MAX).unwrap(), "\u{200F}דנה", "a right-to-left mark is fine");
    }

    #[test]
    fn links_are_web_addresses_only_and_empty_clears_them() {
        assert_eq!(
            web_link("Link", Some(" https://meet.example.org/abc ")).unwrap().as_deref(),
            Some("https://meet.example.org/abc")
        );
        assert_eq!(web_link("Link", Some("HTTP://x.org")).unwrap().as_deref(), Some("HTTP://x.org"));
        assert_eq!(web_link("Link", Some("  ")).unwrap(), None);
        assert_eq!(web_link("Link", None).unwrap(), None);
        for bad in ["javascript:alert(1)", "file:///etc/passwd", "zoom.us/j/1", "https://x.org/a b", "httpx://x.org"] {
            let err = web_link("Link", Some(bad)).unwrap_err();
            assert_eq!(err.field(), Some("Link"), "{bad}");
            assert!(err.to_string().contains("Link must start with https:// or http://"), "{err}");
        }
    }

    #[test]
    fn emails_need_a_user_and_a_dotted_host() {
        assert!(email("Email", "ana@uni.edu").is_ok());
        assert!(email("Email", "o'brien+circle@uni.edu").is_ok());
        for bad in ["ana", "ana@", "@uni.edu", "ana@uni", "a b@uni.edu", "a@b@c.org", "ana@.edu"] {
            assert!(email("Email", bad).is_err(), "{bad} should be refused");
        }
        // Tried in the window: this address added a Bcc and a subject to "Open email to the circle".
        for bad in [
            "m7@evil.example?bcc=spy%40evil.example&subject=Hijacked",
            "a@b.org,c@d.org",
            "a@b.org;c@d.org",
            "<a@b.org>",
            "a#b@c.org",
        ] {
            assert!(email("Email", bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn timestamps_with_offsets_become_utc() {
        let t = timestamp("Start", "2026-03-05T13:00:00-05:00").unwrap();
        assert_eq!(crate::clock::to_stored(t), "2026-03-05T18:00:00Z");
        assert!(timestamp("Start", "next tuesday").is_err());
    }

    #[test]
    fn minutes_must_be_positive_and_under_a_day() {
        assert!(minutes("Timebox", 0).is_err());
        assert!(minutes("Timebox", -5).is_err());
        assert!(minutes("Timebox", 24 * 60 + 1).is_err());
        assert_eq!(minutes("Timebox", 15).unwrap(), 15);
    }

    #[test]
    fn bundled_values_follow_the_local_rules_in_their_stored_form() {
        use serde_json::json;
        let ok = |e: &str, f: &str, v: serde_json::Value| shared_field(e, f, &v).is_ok();
        assert!(ok("resource", "url", json!("https://lib.example.org/fair")));
        assert!(ok("resource", "url", json!("")), "older records hold empty strings for nothing");
        assert!(ok("resource", "url", json!(null)));
        assert!(!ok("resource", "url", json!("javascript:alert(1)")));
        assert!(!ok("member", "email", json!("a@b.org?bcc=c@d.org")));
        assert!(!ok("member", "name", json!("")), "a required field may not be empty");
        assert!(!ok("member", "name", json!(7)));
        assert!(!ok("member", "pronouns", json!("he\nhim")));
        assert!(ok("circle", "cadence", json!("ad_hoc")));
        assert!(!ok("circle", "cadence", json!("Ad hoc")), "enums as stored, not as typed");
        assert!(ok("meeting", "starts_at", json!("2026-03-05T18:00:00Z")));
        assert!(!ok("meeting", "starts_at", json!("2026-03-05T13:00:00-05:00")), "stored in UTC");
        assert!(!ok("meeting", "minutes", json!(0)));
        assert!(ok("action_item", "due", json!("2026-03-19")));
        assert!(!ok("action_item", "due", json!("2026-3-19")));
        assert!(ok("agenda_template", "items", json!([{"title": "Check-in", "kind": "opening_round", "minutes": 10}])));
        assert!(!ok("agenda_template", "items", json!([{"title": "Check-in", "kind": "party", "minutes": 10}])));
        assert!(ok("member", "person_id", json!("anything")), "fields without a rule pass");
    }

    #[test]
    fn one_of_normalises_spelling() {
        assert_eq!(one_of("Kind", "Member Turn", &["member_turn"]).unwrap(), "member_turn");
        assert!(one_of("Kind", "party", &["topic"]).is_err());
    }
}
