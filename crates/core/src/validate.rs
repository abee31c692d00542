//! Input rules shared by every write: trimmed, non-empty where required, bounded in size,
//! dates that parse. Each rule returns the cleaned value or an error naming the field.

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
fn is_direction_control(c: char) -> bool {
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
    fn one_of_normalises_spelling() {
        assert_eq!(one_of("Kind", "Member Turn", &["member_turn"]).unwrap(), "member_turn");
        assert!(one_of("Kind", "party", &["topic"]).is_err());
    }
}
