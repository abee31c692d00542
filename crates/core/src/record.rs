//! The mentoring record: one member's mentoring work in a circle over a period (meetings,
//! hours, roles, turns, topics, resources, commitments), for an annual review or a tenure
//! dossier, as Markdown, CSV or a printable HTML page.
//!
//! Reflections are never in a record unless the member picks them by id, and only their own.
//! Talking points marked "stays in the circle" are left out, or shown only by their kind.

use crate::validate;
use crate::{Error, Result, Store};
use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

mod document;
pub use crate::document::{md_escape, Block, Figure, Piece};
pub use document::RecordDocument;

/// What to put in a record.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RecordOptions {
    pub member_id: String,
    /// First day, `YYYY-MM-DD` (UTC), inclusive; `None`: from the beginning.
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD` (UTC), inclusive; `None`: up to now.
    pub to: Option<String>,
    /// Confidential talking points: `omit` (the default) or `kind` (shown only by their kind).
    pub confidential: Option<String>,
    /// A paragraph in the member's own words, put at the top.
    #[serde(default)]
    pub narrative: String,
    /// Reflections the member chose to include (their own only).
    #[serde(default)]
    pub reflection_ids: Vec<String>,
}

/// How confidential talking points may appear.
pub const CONFIDENTIAL_CHOICES: &[&str] = &["omit", "kind"];

/// One member's mentoring work over a period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MentoringRecord {
    pub name: String,
    pub pronouns: Option<String>,
    pub institution: Option<String>,
    pub circle_name: String,
    pub circle_purpose: String,
    pub from: Option<String>,
    pub to: Option<String>,
    /// The day the record was made, `YYYY-MM-DD`.
    pub generated_on: String,
    pub narrative: String,
    pub summary: RecordSummary,
    pub meetings: Vec<RecordMeeting>,
    pub topics: Vec<RecordTopic>,
    pub resources: Vec<RecordResource>,
    pub commitments: Vec<RecordCommitment>,
    pub reflections: Vec<RecordReflection>,
}

/// The figures at the top of a record.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RecordSummary {
    pub meetings_attended: i64,
    /// Minutes in attended meetings: actual length when run in Kinship (five minutes or
    /// more), else the planned length.
    pub minutes: i64,
    pub facilitator: i64,
    pub timekeeper: i64,
    pub note_taker: i64,
    pub turns_taken: i64,
    pub turns_supported: i64,
    pub resources_shared: i64,
    pub commitments_made: i64,
    pub commitments_kept: i64,
    /// Confidential talking points left out of the topics.
    pub confidential_left_out: i64,
}

impl RecordSummary {
    /// Hours with one decimal, e.g. "7.5".
    pub fn hours(&self) -> String {
        format!("{:.1}", self.minutes as f64 / 60.0)
    }
}

/// A meeting the member attended.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordMeeting {
    pub date: String,
    pub title: String,
    pub minutes: i64,
    /// "facilitator", "timekeeper", "note-taker".
    pub roles: Vec<String>,
}

/// A talking point of an attended meeting.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordTopic {
    pub date: String,
    /// The title, or for a confidential item shown by kind, "(stays in the circle)".
    pub title: String,
    /// The kind, worded for people ("Member turn").
    pub kind: String,
    pub confidential: bool,
    /// Whether it was the member's own turn.
    pub own_turn: bool,
}

/// A resource the member shared on the circle's board.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordResource {
    pub date: String,
    pub title: String,
    pub kind: String,
    pub url: Option<String>,
}

impl RecordResource {
    /// "date — title (kind) — link", every part passed through `escape` for the format.
    fn line(&self, escape: impl Fn(&str) -> String) -> String {
        let url = self.url.as_ref().map(|u| format!(" — {}", escape(u))).unwrap_or_default();
        format!("{} — {} ({}){url}", escape(&self.date), escape(&self.title), escape(&self.kind))
    }
}

/// An action item the member owned.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordCommitment {
    /// The day of the meeting it was made at.
    pub date: String,
    pub text: String,
    pub due: Option<String>,
    pub kept: bool,
}

/// A reflection the member chose to include.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordReflection {
    pub date: String,
    pub prompt: Option<String>,
    pub text: String,
}

/// A reflection a record offers to include, as the choice shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReflectionChoice {
    pub id: String,
    /// The day it was written, in words ("4 March 2026").
    pub date: String,
    pub prompt: Option<String>,
    pub text: String,
}

/// What confidential items show instead of their title.
pub const STAYS_IN_THE_CIRCLE: &str = "(stays in the circle)";

fn day(stored: &str) -> String {
    stored.get(..10).unwrap_or(stored).to_string()
}

fn secs_between(from: &str, to: &str) -> Option<i64> {
    let a = validate::timestamp("t", from).ok()?;
    let b = validate::timestamp("t", to).ok()?;
    Some((b - a).num_seconds().max(0))
}

/// How long a meeting ran, in minutes: its actual length when run in Kinship, else its
/// planned length. Under five minutes means it was only recorded there (started and ended
/// at once), so the planned length counts.
pub(crate) fn minutes_held(m: &crate::Meeting) -> i64 {
    match (&m.started_at, &m.ended_at) {
        (Some(s), Some(e)) => match secs_between(s, e) {
            Some(secs) if secs >= 5 * 60 => (secs + 30) / 60,
            _ => m.minutes,
        },
        _ => m.minutes,
    }
}

/// A record's period as stored-time bounds: `[from 00:00Z, to + 1 day 00:00Z)`.
fn bounds(from: Option<&str>, to: Option<&str>) -> Result<(Option<String>, Option<String>, String, String)> {
    let clean = |v: Option<&str>| v.map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
    let (from, to) = (clean(from), clean(to));
    let from_day = from.as_deref().map(|d| validate::date("From", d)).transpose()?;
    let to_day = to.as_deref().map(|d| validate::date("To", d)).transpose()?;
    if let (Some(f), Some(t)) = (from_day, to_day) {
        if t < f {
            return Err(Error::invalid("To", "the last day comes before the first day; swap them"));
        }
    }
    let lower = from_day.map_or_else(|| "0000".to_string(), |d| format!("{d}T00:00:00Z"));
    let upper =
        to_day.map_or_else(|| "9999".to_string(), |d: NaiveDate| format!("{}T00:00:00Z", d + Duration::days(1)));
    Ok((from_day.map(|d| d.to_string()), to_day.map(|d| d.to_string()), lower, upper))
}

impl Store {
    /// The mentoring record of `options.member_id` (see the module docs).
    pub fn mentoring_record(&self, options: &RecordOptions) -> Result<MentoringRecord> {
        let member = self.member(&crate::ids::parse_id("Member", &options.member_id)?)?;
        let circle = self.circle(&member.circle_id)?;
        let (from, to, lower, upper) = bounds(options.from.as_deref(), options.to.as_deref())?;
        let by_kind = match options.confidential.as_deref().map(str::trim) {
            None | Some("") => false,
            Some(v) => validate::one_of("Confidential items", v, CONFIDENTIAL_CHOICES)? == "kind",
        };
        let narrative = validate::prose("Narrative", &options.narrative)?;
        let reflections = self.picked_reflections(&member, &options.reflection_ids)?;

        let mut summary = RecordSummary::default();
        let mut meetings = Vec::new();
        let mut topics = Vec::new();
        let attended: Vec<crate::Meeting> = self
            .meetings(&circle.id)?
            .into_iter()
            .filter(|m| m.status == "ended" && m.starts_at.as_str() >= lower.as_str() && m.starts_at < upper)
            .collect();
        for m in attended {
            let attendance = self.attendance(&m.id)?;
            let here = if attendance.is_empty() {
                true // run before attendance was taken: an ended meeting of the circle counts
            } else {
                attendance.iter().any(|a| a.member_id == member.id && a.present)
            };
            if !here {
                continue;
            }
            let minutes = minutes_held(&m);
            summary.meetings_attended += 1;
            summary.minutes += minutes;
            let mut roles = Vec::new();
            for (held, name, count) in [
                (&m.facilitator_id, "facilitator", &mut summary.facilitator),
                (&m.timekeeper_id, "timekeeper", &mut summary.timekeeper),
                (&m.note_taker_id, "note-taker", &mut summary.note_taker),
            ] {
                if held.as_deref() == Some(member.id.as_str()) {
                    *count += 1;
                    roles.push(name.to_string());
                }
            }
            // Carried items count where they were finally discussed; skipped ones not at all.
            for item in self.agenda(&m.id)?.into_iter().filter(|i| i.status != "carried" && i.status != "skipped") {
                let own_turn = item.kind == "member_turn" && item.member_id.as_deref() == Some(member.id.as_str());
                if item.kind == "member_turn" {
                    if own_turn {
                        summary.turns_taken += 1;
                    } else if item.member_id.is_some() {
                        summary.turns_supported += 1;
                    }
                }
                if matches!(item.kind.as_str(), "opening_round" | "closing_round" | "action_review") {
                    continue; // the circle's rituals, not topics
                }
                let kind = crate::agenda_kind_label(&item.kind).to_string();
                if item.confidential && !by_kind {
                    summary.confidential_left_out += 1;
                    continue;
                }
                let title = if item.confidential { STAYS_IN_THE_CIRCLE.to_string() } else { item.title };
                topics.push(RecordTopic {
                    date: day(&m.starts_at),
                    title,
                    kind,
                    confidential: item.confidential,
                    own_turn,
                });
            }
            meetings.push(RecordMeeting { date: day(&m.starts_at), title: m.title, minutes, roles });
        }

        let resources: Vec<RecordResource> = self
            .resources(&circle.id)?
            .into_iter()
            .filter(|r| r.shared_by_id.as_deref() == Some(member.id.as_str()))
            .filter(|r| r.created_at.as_str() >= lower.as_str() && r.created_at < upper)
            .map(|r| RecordResource { date: day(&r.created_at), title: r.title, kind: r.kind, url: r.url })
            .collect();
        summary.resources_shared = resources.len() as i64;

        let commitments = {
            let mut stmt = self.conn().prepare(
                "SELECT m.starts_at, a.text, a.due, a.done FROM action_items a JOIN meetings m ON m.id = a.meeting_id
                 WHERE a.owner_id = ?1 AND m.status != 'cancelled' AND m.starts_at >= ?2 AND m.starts_at < ?3
                 ORDER BY m.starts_at, a.created_at, a.id",
            )?;
            let rows = stmt.query_map((&member.id, &lower, &upper), |r| {
                Ok(RecordCommitment {
                    date: day(&r.get::<_, String>(0)?),
                    text: r.get(1)?,
                    due: r.get(2)?,
                    kept: r.get(3)?,
                })
            })?;
            rows.collect::<rusqlite::Result<Vec<_>>>()?
        };
        summary.commitments_made = commitments.len() as i64;
        summary.commitments_kept = commitments.iter().filter(|c| c.kept).count() as i64;

        Ok(MentoringRecord {
            name: member.name,
            pronouns: member.pronouns,
            institution: member.institution,
            circle_name: circle.name,
            circle_purpose: circle.purpose,
            from,
            to,
            generated_on: self.now().date_naive().to_string(),
            narrative,
            summary,
            meetings,
            topics,
            resources,
            commitments,
            reflections,
        })
    }

    /// The reflections a record offers to include: the person's own (private or shared) in
    /// the member's circle and period, newest first; none when the record is someone else's.
    pub fn record_reflection_choices(&self, options: &RecordOptions) -> Result<Vec<ReflectionChoice>> {
        let member = self.member(&crate::ids::parse_id("Member", &options.member_id)?)?;
        let me = self.require_identity()?;
        if member.person_id.as_deref() != Some(me.person_id.as_str()) {
            return Ok(Vec::new());
        }
        let (_, _, lower, upper) = bounds(options.from.as_deref(), options.to.as_deref())?;
        let sql = format!(
            "SELECT r.* FROM reflections r WHERE {} AND r.circle_id = ?1 AND r.created_at >= ?2 AND r.created_at < ?3
             ORDER BY r.created_at DESC, r.id",
            crate::reflections::MINE
        );
        let offered: Vec<crate::Reflection> = crate::rows::all(self.conn(), &sql, (&member.circle_id, &lower, &upper))?;
        Ok(offered
            .into_iter()
            .map(|r| ReflectionChoice {
                date: long_date(&day(&r.created_at)),
                id: r.id,
                prompt: r.prompt,
                text: r.text,
            })
            .collect())
    }

    /// The reflections picked for a record: each must be this laptop's person's own, and the
    /// record must be theirs.
    fn picked_reflections(&self, member: &crate::Member, ids: &[String]) -> Result<Vec<RecordReflection>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let me = self.require_identity()?;
        if member.person_id.as_deref() != Some(me.person_id.as_str()) {
            return Err(Error::invalid(
                "Reflections",
                "reflections can go only into your own record; choose yourself as the member or pick none",
            ));
        }
        let mut picked = Vec::new();
        for id in ids {
            let r = self.reflection(&crate::ids::parse_id("Reflection", id)?)?;
            let mine = match &r.author_member_id {
                None => true,
                Some(author) => self.member(author)?.person_id.as_deref() == Some(me.person_id.as_str()),
            };
            if !mine {
                return Err(Error::invalid("Reflections", "only your own reflections can go into your record"));
            }
            picked.push(RecordReflection { date: day(&r.created_at), prompt: r.prompt, text: r.text });
        }
        picked.sort_by(|a, b| a.date.cmp(&b.date));
        Ok(picked)
    }
}

/// "1 March 2026" for `2026-03-01`.
pub(crate) fn long_date(d: &str) -> String {
    NaiveDate::parse_from_str(d, "%Y-%m-%d").map_or_else(|_| d.to_string(), |d| d.format("%-d %B %Y").to_string())
}

impl MentoringRecord {
    /// The period in words: "1 January 2026 to 31 December 2026", "from …", "up to …", "all meetings".
    pub fn period(&self) -> String {
        match (&self.from, &self.to) {
            (Some(f), Some(t)) => format!("{} to {}", long_date(f), long_date(t)),
            (Some(f), None) => format!("from {}", long_date(f)),
            (None, Some(t)) => format!("up to {}", long_date(t)),
            (None, None) => "all meetings".to_string(),
        }
    }

    /// The summary as (label, value) rows, in the order every format shows them.
    pub fn figures(&self) -> Vec<(&'static str, String)> {
        let s = &self.summary;
        vec![
            ("Meetings attended", s.meetings_attended.to_string()),
            ("Hours", s.hours()),
            ("Times facilitator", s.facilitator.to_string()),
            ("Times timekeeper", s.timekeeper.to_string()),
            ("Times note-taker", s.note_taker.to_string()),
            ("Own turns taken", s.turns_taken.to_string()),
            ("Colleagues’ turns supported", s.turns_supported.to_string()),
            ("Resources shared", s.resources_shared.to_string()),
            ("Commitments made", s.commitments_made.to_string()),
            ("Commitments kept", s.commitments_kept.to_string()),
        ]
    }

    fn who(&self) -> String {
        let mut who = self.name.clone();
        if let Some(p) = &self.pronouns {
            who.push_str(&format!(" ({p})"));
        }
        if let Some(i) = &self.institution {
            who.push_str(&format!(", {i}"));
        }
        who
    }

    /// Says how many confidential talking points were left out, if any.
    pub fn left_out_note(&self) -> Option<String> {
        match self.summary.confidential_left_out {
            0 => None,
            1 => Some("One talking point that stays in the circle is left out.".into()),
            n => Some(format!("{n} talking points that stay in the circle are left out.")),
        }
    }

    fn topic_line(t: &RecordTopic) -> String {
        let own = if t.own_turn { " (own turn)" } else { "" };
        if t.confidential {
            format!("{} {}", t.kind, t.title)
        } else {
            format!("{}: {}{own}", t.kind, t.title)
        }
    }

    fn commitment_line(c: &RecordCommitment) -> String {
        let due = c.due.as_ref().map(|d| format!(", due {d}")).unwrap_or_default();
        let state = if c.kept { "kept" } else { "open" };
        format!("{} (made {}{due}; {state})", c.text, c.date)
    }

    fn meeting_line(m: &RecordMeeting) -> String {
        let roles = if m.roles.is_empty() { String::new() } else { format!("; {}", m.roles.join(", ")) };
        format!("{} — {} ({} min{roles})", m.date, m.title, m.minutes)
    }

    /// The record as Markdown: its [`document`](Self::document), which the preview shows too.
    pub fn to_markdown(&self) -> String {
        self.document().to_markdown()
    }

    /// The record as CSV: one row per figure, meeting, topic, resource, commitment and
    /// reflection, under the header `section,date,item,detail,value`.
    pub fn to_csv(&self) -> Result<String> {
        let mut w = csv::Writer::from_writer(Vec::new());
        let mut row =
            |fields: [&str; 5]| w.write_record(fields.map(csv_cell)).map_err(|e| Error::invalid("CSV", e.to_string()));
        row(["section", "date", "item", "detail", "value"])?;
        row(["record", &self.generated_on, &self.name, &self.circle_name, &self.period()])?;
        if !self.narrative.trim().is_empty() {
            row(["narrative", "", self.narrative.trim(), "", ""])?;
        }
        for (label, value) in self.figures() {
            row(["summary", "", label, "", &value])?;
        }
        for m in &self.meetings {
            row(["meeting", &m.date, &m.title, &m.roles.join("; "), &m.minutes.to_string()])?;
        }
        for t in &self.topics {
            row(["topic", &t.date, &t.title, &t.kind, if t.own_turn { "own turn" } else { "" }])?;
        }
        for r in &self.resources {
            row(["resource", &r.date, &r.title, &r.kind, r.url.as_deref().unwrap_or("")])?;
        }
        for c in &self.commitments {
            row([
                "commitment",
                &c.date,
                &c.text,
                c.due.as_deref().unwrap_or(""),
                if c.kept { "kept" } else { "open" },
            ])?;
        }
        for r in &self.reflections {
            row(["reflection", &r.date, r.prompt.as_deref().unwrap_or(""), &r.text, ""])?;
        }
        let bytes = w.into_inner().map_err(|e| Error::invalid("CSV", e.to_string()))?;
        Ok(String::from_utf8(bytes).expect("CSV of UTF-8 text is UTF-8"))
    }

    /// The record as one self-contained, printable HTML page (inline styles, no scripts).
    pub fn to_html(&self) -> String {
        let e = |s: &str| html_escape::encode_text(s).into_owned();
        let mut out = String::new();
        out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        out.push_str(&format!("<title>Service: peer mentoring — {}</title>\n", e(&self.name)));
        out.push_str(concat!(
            "<style>\n",
            "@page { margin: 2cm; }\n",
            "body { font: 11pt/1.5 Georgia, 'Times New Roman', serif; color: #111; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }\n",
            "h1 { font-size: 1.5rem; margin: 0 0 .25rem; }\n",
            "h2 { font-size: 1.1rem; border-bottom: 1px solid #999; padding-bottom: .15rem; margin-top: 1.75rem; break-after: avoid; }\n",
            ".who { margin: 0; font-size: 1.05rem; }\n",
            ".meta { margin: .25rem 0 1rem; color: #333; }\n",
            ".narrative { font-style: italic; }\n",
            "table { border-collapse: collapse; width: 100%; }\n",
            "th, td { text-align: left; vertical-align: top; padding: .2rem .5rem .2rem 0; border-bottom: 1px solid #ddd; }\n",
            "td.n { text-align: right; font-variant-numeric: tabular-nums; }\n",
            "table.figures { width: auto; min-width: 20rem; }\n",
            "tr { break-inside: avoid; }\n",
            "blockquote { margin: .25rem 0 1rem 1rem; white-space: pre-wrap; }\n",
            "footer { margin-top: 2rem; font-size: .85rem; color: #555; }\n",
            "</style>\n</head>\n<body>\n",
        ));
        out.push_str("<h1>Service: peer mentoring</h1>\n");
        out.push_str(&format!("<p class=\"who\">{}</p>\n", e(&self.who())));
        out.push_str(&format!(
            "<p class=\"meta\">Peer mentoring circle <strong>{}</strong>, {}.",
            e(&self.circle_name),
            e(&self.period())
        ));
        if !self.circle_purpose.trim().is_empty() {
            out.push_str(&format!(" Purpose: {}", e(self.circle_purpose.trim())));
        }
        out.push_str("</p>\n");
        if !self.narrative.trim().is_empty() {
            for para in self.narrative.trim().split("\n\n") {
                out.push_str(&format!("<p class=\"narrative\">{}</p>\n", e(para.trim())));
            }
        }
        out.push_str("<h2>Summary</h2>\n<table class=\"figures\">\n");
        for (label, value) in self.figures() {
            out.push_str(&format!("<tr><th scope=\"row\">{}</th><td class=\"n\">{}</td></tr>\n", e(label), e(&value)));
        }
        out.push_str("</table>\n");
        if !self.meetings.is_empty() {
            out.push_str(
                "<h2>Meetings</h2>\n<table>\n<tr><th>Date</th><th>Meeting</th><th>Minutes</th><th>Role</th></tr>\n",
            );
            for m in &self.meetings {
                out.push_str(&format!(
                    "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td></tr>\n",
                    e(&m.date),
                    e(&m.title),
                    m.minutes,
                    e(&m.roles.join(", "))
                ));
            }
            out.push_str("</table>\n");
        }
        let list = |out: &mut String, title: &str, items: Vec<String>| {
            if !items.is_empty() {
                out.push_str(&format!("<h2>{}</h2>\n<ul>\n", e(title)));
                for item in items {
                    out.push_str(&format!("<li>{item}</li>\n"));
                }
                out.push_str("</ul>\n");
            }
        };
        list(
            &mut out,
            "Topics",
            self.topics.iter().map(|t| format!("{} — {}", e(&t.date), e(&Self::topic_line(t)))).collect(),
        );
        if let Some(note) = self.left_out_note() {
            out.push_str(&format!("<p>{}</p>\n", e(&note)));
        }
        list(&mut out, "Resources shared", self.resources.iter().map(|r| r.line(&e)).collect());
        list(&mut out, "Commitments", self.commitments.iter().map(|c| e(&Self::commitment_line(c))).collect());
        if !self.reflections.is_empty() {
            out.push_str("<h2>Reflections</h2>\n");
            for r in &self.reflections {
                let prompt = r.prompt.as_ref().map(|p| format!(" — {}", e(p))).unwrap_or_default();
                out.push_str(&format!("<p>{}{prompt}</p>\n<blockquote>{}</blockquote>\n", e(&r.date), e(&r.text)));
            }
        }
        out.push_str(&format!(
            "<footer>Made with Kinship on {}.</footer>\n</body>\n</html>\n",
            e(&long_date(&self.generated_on))
        ));
        out
    }

    /// The record in `format` (`md`, `csv` or `html`).
    pub fn render(&self, format: &str) -> Result<String> {
        match format {
            "md" | "markdown" => Ok(self.to_markdown()),
            "csv" => self.to_csv(),
            "html" => Ok(self.to_html()),
            _ => Err(Error::invalid("Format", format!("'{format}' is not a record format; use md, csv or html"))),
        }
    }
}

/// A CSV cell that a spreadsheet will not run as a formula: text starting with `=`, `+`,
/// `-`, `@`, a tab or a carriage return gets a leading apostrophe.
pub fn csv_cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

#[cfg(test)]
pub(crate) mod tests;
