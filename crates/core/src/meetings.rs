//! Meetings of a circle: scheduling one or a series from the circle's cadence, and the
//! roles held at each (with a fair-rotation suggestion).

use crate::changelog::entity;
use crate::clock::to_stored;
use crate::rows;
use crate::store::Tx;
use crate::validate::{self, LINE_MAX};
use crate::{Error, Meeting, MeetingInput, MeetingPatch, Member, Result, Store};
use chrono::{DateTime, Datelike, Duration, Local, Months, Utc};
use serde::Serialize;

/// A meeting's length when none is given.
pub const DEFAULT_MEETING_MINUTES: i64 = 60;
/// The most meetings one series may schedule at once (two years of weekly meetings).
pub const SERIES_MAX: usize = 104;

/// The hour a circle's first meeting is offered at, on this laptop's clock.
const FIRST_MEETING_HOUR: u32 = 18;

/// What the form that schedules meetings starts from, for the person to keep or change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScheduleDefaults {
    /// The start as a `datetime-local` field takes it ("2026-12-12T18:00"), in this laptop's
    /// time zone: the circle's rhythm after its latest meeting (the first such date still
    /// ahead), or, for a first meeting or a circle that meets when it agrees, a week from
    /// today at 18:00.
    pub starts_at_local: String,
    pub minutes: i64,
    /// The template a circle's first meeting starts from (the first offered); none later,
    /// when a circle has its own way.
    pub template_id: Option<String>,
}

/// The three rotating roles of a meeting, as member ids.
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct Roles {
    pub facilitator_id: Option<String>,
    pub timekeeper_id: Option<String>,
    pub note_taker_id: Option<String>,
}

/// The meeting after `start` by a cadence: weekly, fortnightly, or the same weekday of the
/// same week of the month (monthly, quarterly), so "second Tuesday" stays second Tuesday.
pub fn next_by_cadence(start: DateTime<Utc>, cadence: &str) -> Option<DateTime<Utc>> {
    match cadence {
        "weekly" => Some(start + Duration::weeks(1)),
        "fortnightly" => Some(start + Duration::weeks(2)),
        "monthly" => Some(same_weekday_of_month(start, 1)),
        "quarterly" => Some(same_weekday_of_month(start, 3)),
        _ => None,
    }
}

fn same_weekday_of_month(start: DateTime<Utc>, months: u32) -> DateTime<Utc> {
    let week_of_month = (start.day() - 1) / 7; // 0 = first, 3 = fourth, 4 = fifth
    let first_of_target = (start - Duration::days(start.day() as i64 - 1)) + Months::new(months);
    let shift = (7 + start.weekday().num_days_from_monday() - first_of_target.weekday().num_days_from_monday()) % 7;
    let candidate = first_of_target + Duration::days((shift + 7 * week_of_month.min(3)) as i64);
    // A "fifth Tuesday" becomes the last one of a month that has only four.
    if week_of_month == 4 && (candidate + Duration::weeks(1)).month() == candidate.month() {
        candidate + Duration::weeks(1)
    } else {
        candidate
    }
}

/// A meeting's place: optional, one line.
fn place(value: Option<&str>) -> Result<Option<String>> {
    // Named as the schedule form names it, so an error is shown beside that field.
    validate::optional("Place or link", value, LINE_MAX)
}

/// The details a patch changes, checked, as column → value.
fn changed_details(patch: &MeetingPatch) -> Result<serde_json::Map<String, serde_json::Value>> {
    let mut fields = serde_json::Map::new();
    if let Some(title) = &patch.title {
        fields.insert("title".into(), validate::required("Title", title, LINE_MAX)?.into());
    }
    if let Some(start) = &patch.starts_at {
        fields.insert("starts_at".into(), to_stored(validate::timestamp("Start", start)?).into());
    }
    if let Some(minutes) = patch.minutes {
        fields.insert("minutes".into(), validate::minutes("Length", minutes)?.into());
    }
    if let Some(p) = &patch.place {
        fields.insert("place".into(), place(Some(p))?.into());
    }
    if let Some(l) = &patch.link {
        fields.insert("link".into(), validate::web_link("Link", Some(l))?.into());
    }
    Ok(fields)
}

fn insert(tx: &mut Tx<'_>, m: &Meeting) -> Result<()> {
    let fields = rows::insert(tx, "meetings", m)?;
    tx.log(&m.circle_id, entity::MEETING, &m.id, fields)?;
    crate::agenda::pull_carried_items(tx, m)
}

impl Store {
    /// Schedules a meeting. Items carried over from ended meetings join its agenda.
    pub fn create_meeting(&mut self, input: &MeetingInput) -> Result<Meeting> {
        Ok(self.create_series(input, 1)?.remove(0))
    }

    /// Schedules `count` meetings from `input.starts_at`, spaced by the circle's cadence.
    pub fn create_series(&mut self, input: &MeetingInput, count: usize) -> Result<Vec<Meeting>> {
        let circle = self.circle(&crate::ids::parse_id("Circle", &input.circle_id)?)?;
        let first = validate::timestamp("Start", &input.starts_at)?;
        if !(1..=SERIES_MAX).contains(&count) {
            return Err(Error::invalid("Count", format!("schedule between 1 and {SERIES_MAX} meetings at a time")));
        }
        if count > 1 && next_by_cadence(first, &circle.cadence).is_none() {
            return Err(Error::invalid(
                "Cadence",
                "this circle meets when it agrees; schedule its meetings one by one",
            ));
        }
        let custom_title = match input.title.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(t) => Some(validate::required("Title", t, LINE_MAX)?),
        };
        let minutes = validate::minutes("Length", input.minutes.unwrap_or(DEFAULT_MEETING_MINUTES))?;
        let place = place(input.place.as_deref())?;
        let link = validate::web_link("Link", input.link.as_deref())?;
        let mut starts = vec![first];
        while starts.len() < count {
            let next = next_by_cadence(*starts.last().unwrap(), &circle.cadence).unwrap();
            starts.push(next);
        }
        let meetings: Vec<Meeting> = starts
            .into_iter()
            .map(|at| Meeting {
                id: crate::ids::new_id(),
                circle_id: circle.id.clone(),
                title: custom_title
                    .clone()
                    .unwrap_or_else(|| format!("{} meeting, {}", circle.name, at.format("%-d %B %Y"))),
                starts_at: to_stored(at),
                minutes,
                place: place.clone(),
                link: link.clone(),
                facilitator_id: None,
                timekeeper_id: None,
                note_taker_id: None,
                status: "scheduled".into(),
                started_at: None,
                ended_at: None,
                paused_at: None,
                current_item_id: None,
                summary: String::new(),
            })
            .collect();
        self.write(|tx| {
            for m in &meetings {
                insert(tx, m)?;
            }
            Ok(())
        })?;
        Ok(meetings)
    }

    /// One meeting by id.
    pub fn meeting(&self, id: &str) -> Result<Meeting> {
        rows::first(self.conn(), "SELECT * FROM meetings WHERE id = ?1", [id])?
            .ok_or_else(|| Error::not_found("meeting", id))
    }

    /// A circle's meetings in time order.
    pub fn meetings(&self, circle_id: &str) -> Result<Vec<Meeting>> {
        Ok(rows::all(self.conn(), "SELECT * FROM meetings WHERE circle_id = ?1 ORDER BY starts_at, id", [circle_id])?)
    }

    /// Suggests who should hold each role at a meeting: the assignment of current members
    /// that gives each role to whoever held it least often, then least recently (never
    /// counts as longest ago), with nobody holding two roles while enough people are free.
    pub fn suggest_roles(&self, meeting_id: &str) -> Result<Roles> {
        let meeting = self.meeting(meeting_id)?;
        let members: Vec<Member> =
            self.members(&meeting.circle_id)?.into_iter().filter(|m| m.left_at.is_none()).collect();
        if members.is_empty() {
            return Ok(Roles::default());
        }
        // cost[role][member]: times held (dominant), then how recently (rank among members).
        let mut cost = Vec::new();
        for column in ["facilitator_id", "timekeeper_id", "note_taker_id"] {
            let mut history = Vec::new();
            for m in &members {
                let (count, last): (i64, Option<String>) = self.conn().query_row(
                    &format!(
                        "SELECT count(*), max(starts_at) FROM meetings
                         WHERE circle_id = ?1 AND {column} = ?2 AND status != 'cancelled' AND id != ?3 AND starts_at < ?4"
                    ),
                    (&meeting.circle_id, &m.id, &meeting.id, &meeting.starts_at),
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?;
                history.push((count, last.unwrap_or_default()));
            }
            let role_cost: Vec<i64> = history
                .iter()
                .map(|(count, last)| count * 1000 + history.iter().filter(|(_, other)| other < last).count() as i64)
                .collect();
            cost.push(role_cost);
        }
        // At most 10 members: trying every assignment (≤ 1,000) is simplest and exact.
        let n = members.len();
        let mut best: Option<(i64, [usize; 3])> = None;
        for f in 0..n {
            for t in 0..n {
                for k in 0..n {
                    let repeats = (f == t) as i64 + (f == k) as i64 + (t == k) as i64;
                    let total = cost[0][f] + cost[1][t] + cost[2][k] + repeats * 1_000_000;
                    if best.is_none_or(|(b, _)| total < b) {
                        best = Some((total, [f, t, k]));
                    }
                }
            }
        }
        let [f, t, k] = best.unwrap().1;
        Ok(Roles {
            facilitator_id: Some(members[f].id.clone()),
            timekeeper_id: Some(members[t].id.clone()),
            note_taker_id: Some(members[k].id.clone()),
        })
    }

    /// Sets who holds the roles at a meeting (each must be a current member of its circle).
    pub fn assign_roles(&mut self, meeting_id: &str, roles: &Roles) -> Result<Meeting> {
        let meeting = self.meeting(&crate::ids::parse_id("Meeting", meeting_id)?)?;
        let mut fields = serde_json::Map::new();
        for (column, label, value) in [
            ("facilitator_id", "Facilitator", &roles.facilitator_id),
            ("timekeeper_id", "Timekeeper", &roles.timekeeper_id),
            ("note_taker_id", "Note-taker", &roles.note_taker_id),
        ] {
            let id = match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                Some(id) => {
                    let member = self.member(&crate::ids::parse_id(label, id)?)?;
                    if member.circle_id != meeting.circle_id || member.left_at.is_some() {
                        return Err(Error::invalid(
                            label,
                            format!("{} is not a current member of this circle", member.name),
                        ));
                    }
                    serde_json::Value::String(member.id)
                }
                None => serde_json::Value::Null,
            };
            fields.insert(column.into(), id);
        }
        self.write(|tx| tx.update("meetings", entity::MEETING, &meeting.circle_id, &meeting.id, fields))?;
        self.meeting(&meeting.id)
    }

    /// Changes a meeting's title, start, length, place or link (`None` leaves one as it is). The
    /// change is logged, so it syncs; a meeting that has ended or was cancelled stays as it was.
    pub fn update_meeting(&mut self, id: &str, patch: &MeetingPatch) -> Result<Meeting> {
        let meeting = self.meeting(&crate::ids::parse_id("Meeting", id)?)?;
        let over = match meeting.status.as_str() {
            "ended" => "has ended",
            "cancelled" => "was cancelled",
            _ => "",
        };
        if !over.is_empty() {
            return Err(Error::invalid("Meeting", format!("this meeting {over}; its details stay as they were")));
        }
        let mut fields = changed_details(patch)?;
        // A detail given as it already is is no change: it is neither written nor logged.
        let current = rows::fields(&meeting);
        fields.retain(|column, value| current.get(column) != Some(value));
        self.write(|tx| tx.update("meetings", entity::MEETING, &meeting.circle_id, &meeting.id, fields))?;
        self.meeting(&meeting.id)
    }

    /// What the schedule form offers for a circle's next meeting (see [`ScheduleDefaults`]).
    pub fn schedule_defaults(&self, circle_id: &str) -> Result<ScheduleDefaults> {
        let circle = self.circle(&crate::ids::parse_id("Circle", circle_id)?)?;
        let latest: Option<Meeting> = rows::first(
            self.conn(),
            "SELECT * FROM meetings WHERE circle_id = ?1 ORDER BY starts_at DESC, id DESC LIMIT 1",
            [&circle.id],
        )?;
        self.schedule_defaults_after(&circle, latest.as_ref())
    }

    /// [`Store::schedule_defaults`] for a circle whose latest meeting the caller already holds
    /// (the circle home reads them all).
    pub(crate) fn schedule_defaults_after(
        &self,
        circle: &crate::Circle,
        latest: Option<&Meeting>,
    ) -> Result<ScheduleDefaults> {
        let now = self.now();
        let by_rhythm = latest.and_then(|m| {
            let mut next = next_by_cadence(validate::timestamp("Start", &m.starts_at).ok()?, &circle.cadence)?;
            while next <= now {
                next = next_by_cadence(next, &circle.cadence)?;
            }
            Some(next.with_timezone(&Local).naive_local())
        });
        let starts = by_rhythm.unwrap_or_else(|| {
            let in_a_week = (now + Duration::weeks(1)).with_timezone(&Local).date_naive();
            in_a_week.and_hms_opt(FIRST_MEETING_HOUR, 0, 0).expect("18:00 is a time")
        });
        let template_id = match latest {
            Some(_) => None,
            None => self.templates(&circle.id)?.into_iter().next().map(|t| t.id),
        };
        Ok(ScheduleDefaults {
            starts_at_local: starts.format("%Y-%m-%dT%H:%M").to_string(),
            minutes: latest.map_or(DEFAULT_MEETING_MINUTES, |m| m.minutes),
            template_id,
        })
    }

    /// The first scheduled meeting of a circle that starts after `after` (RFC 3339).
    pub(crate) fn next_meeting_after(&self, circle_id: &str, after: &str) -> Result<Option<Meeting>> {
        Ok(rows::first(
            self.conn(),
            "SELECT * FROM meetings WHERE circle_id = ?1 AND starts_at > ?2 AND status = 'scheduled'
             ORDER BY starts_at, id LIMIT 1",
            (circle_id, after),
        )?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::store_with_circle;
    use crate::{MeetingInput, MemberInput};

    fn at(s: &str) -> DateTime<Utc> {
        validate::timestamp("t", s).unwrap()
    }

    /// `at` as the schedule form shows it on this laptop.
    fn local(at: &str) -> String {
        validate::timestamp("t", at).unwrap().with_timezone(&Local).format("%Y-%m-%dT%H:%M").to_string()
    }

    /// A circle meeting at `cadence`, on a laptop whose clock says 4 March 2026, noon UTC.
    fn circle_meeting(cadence: &str) -> (Store, String) {
        let clock = std::sync::Arc::new(crate::FixedClock::new(at("2026-03-04T12:00:00Z")));
        let mut store = Store::open_in_memory_with_clock(clock).unwrap();
        let me = crate::IdentityInput { name: "Ana Reyes".into(), email: "ana@uni.edu".into(), ..Default::default() };
        store.create_identity(&me).unwrap();
        let circle = crate::CircleInput { name: "Circle".into(), cadence: Some(cadence.into()), ..Default::default() };
        let circle = store.create_circle(&circle).unwrap().id;
        (store, circle)
    }

    fn schedule(store: &mut Store, circle: &str, starts_at: &str, minutes: i64) {
        let input = MeetingInput {
            circle_id: circle.into(),
            starts_at: starts_at.into(),
            minutes: Some(minutes),
            ..Default::default()
        };
        store.create_meeting(&input).unwrap();
    }

    #[test]
    fn a_first_meeting_is_offered_a_week_ahead_at_six_from_the_first_template() {
        let (store, circle) = circle_meeting("monthly");
        let offered = store.schedule_defaults(&circle).unwrap();
        let in_a_week = at("2026-03-11T12:00:00Z").with_timezone(&Local).format("%Y-%m-%d").to_string();
        assert_eq!(offered.starts_at_local, format!("{in_a_week}T18:00"));
        assert_eq!(offered.minutes, DEFAULT_MEETING_MINUTES);
        let first = store.templates(&circle).unwrap().remove(0).id;
        assert_eq!(offered.template_id, Some(first));
    }

    #[test]
    fn later_meetings_are_offered_on_the_circles_rhythm_after_the_latest() {
        let (mut store, circle) = circle_meeting("monthly");
        // Second Tuesdays, 90 minutes; the latest so far was 10 February, so 10 March is next.
        schedule(&mut store, &circle, "2026-01-13T18:00:00Z", 90);
        schedule(&mut store, &circle, "2026-02-10T18:00:00Z", 90);
        let offered = store.schedule_defaults(&circle).unwrap();
        assert_eq!(offered.starts_at_local, local("2026-03-10T18:00:00Z"));
        assert_eq!((offered.minutes, offered.template_id), (90, None));
        // A date the rhythm passes while nobody scheduled is skipped, not offered in the past.
        let (mut store, circle) = circle_meeting("weekly");
        schedule(&mut store, &circle, "2026-02-02T09:30:00Z", 45);
        assert_eq!(store.schedule_defaults(&circle).unwrap().starts_at_local, local("2026-03-09T09:30:00Z"));
    }

    #[test]
    fn a_circle_that_meets_when_it_agrees_is_offered_a_week_ahead() {
        let (mut store, circle) = circle_meeting("ad_hoc");
        schedule(&mut store, &circle, "2026-02-10T18:00:00Z", 60);
        let offered = store.schedule_defaults(&circle).unwrap();
        let in_a_week = at("2026-03-11T12:00:00Z").with_timezone(&Local).format("%Y-%m-%d").to_string();
        assert_eq!(offered.starts_at_local, format!("{in_a_week}T18:00"));
        assert_eq!(offered.template_id, None);
    }

    #[test]
    fn a_meeting_gets_a_title_and_a_utc_start() {
        let (mut store, circle) = store_with_circle();
        let m = store
            .create_meeting(&MeetingInput {
                circle_id: circle.clone(),
                starts_at: "2026-03-05T13:00:00-05:00".into(),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(m.starts_at, "2026-03-05T18:00:00Z");
        assert_eq!(m.minutes, 60);
        assert!(m.title.ends_with("5 March 2026"), "{}", m.title);
        assert_eq!(store.meetings(&circle).unwrap(), vec![m]);
    }

    #[test]
    fn bad_starts_and_lengths_are_refused() {
        let (mut store, circle) = store_with_circle();
        let base = MeetingInput { circle_id: circle.clone(), starts_at: "tomorrow".into(), ..Default::default() };
        assert_eq!(store.create_meeting(&base).unwrap_err().field(), Some("Start"));
        let long = MeetingInput { starts_at: "2026-03-05T18:00:00Z".into(), minutes: Some(100_000), ..base.clone() };
        assert_eq!(store.create_meeting(&long).unwrap_err().field(), Some("Length"));
        assert!(store.meetings(&circle).unwrap().is_empty());
    }

    #[test]
    fn monthly_keeps_the_weekday_of_the_month() {
        // Second Tuesday of January 2026 → second Tuesday of February and March.
        assert_eq!(next_by_cadence(at("2026-01-13T18:00:00Z"), "monthly"), Some(at("2026-02-10T18:00:00Z")));
        assert_eq!(next_by_cadence(at("2026-02-10T18:00:00Z"), "monthly"), Some(at("2026-03-10T18:00:00Z")));
        // A fifth Thursday (29 Jan 2026) becomes the last Thursday of February (26th).
        assert_eq!(next_by_cadence(at("2026-01-29T18:00:00Z"), "monthly"), Some(at("2026-02-26T18:00:00Z")));
        assert_eq!(next_by_cadence(at("2026-01-13T18:00:00Z"), "quarterly"), Some(at("2026-04-14T18:00:00Z")));
        assert_eq!(next_by_cadence(at("2026-01-13T18:00:00Z"), "fortnightly"), Some(at("2026-01-27T18:00:00Z")));
        assert_eq!(next_by_cadence(at("2026-01-13T18:00:00Z"), "ad_hoc"), None);
    }

    #[test]
    fn a_series_follows_the_cadence() {
        let (mut store, circle) = store_with_circle();
        let input =
            MeetingInput { circle_id: circle.clone(), starts_at: "2026-01-13T18:00:00Z".into(), ..Default::default() };
        let series = store.create_series(&input, 3).unwrap();
        let starts: Vec<_> = series.iter().map(|m| m.starts_at.as_str()).collect();
        assert_eq!(starts, ["2026-01-13T18:00:00Z", "2026-02-10T18:00:00Z", "2026-03-10T18:00:00Z"]);
        assert_eq!(store.create_series(&input, 0).unwrap_err().field(), Some("Count"));
        assert_eq!(store.create_series(&input, 500).unwrap_err().field(), Some("Count"));
    }

    #[test]
    fn rotation_suggests_whoever_held_a_role_least_and_longest_ago() {
        let (mut store, circle) = store_with_circle();
        let me = store.my_member_id(&circle).unwrap();
        let mut ids = vec![me];
        for (name, email) in [("Ben", "ben@x.org"), ("Chi", "chi@x.org")] {
            let m = store
                .add_member(&MemberInput {
                    circle_id: circle.clone(),
                    name: name.into(),
                    email: email.into(),
                    ..Default::default()
                })
                .unwrap();
            ids.push(m.id);
        }
        let input =
            MeetingInput { circle_id: circle.clone(), starts_at: "2026-01-06T18:00:00Z".into(), ..Default::default() };
        let meetings = store.create_series(&input, 4).unwrap();
        // Meeting 1: Ana facilitates, Ben keeps time, Chi takes notes.
        let first = Roles {
            facilitator_id: Some(ids[0].clone()),
            timekeeper_id: Some(ids[1].clone()),
            note_taker_id: Some(ids[2].clone()),
        };
        store.assign_roles(&meetings[0].id, &first).unwrap();
        // Meeting 2: the suggestion moves every role on to someone who has not held it.
        let second = store.suggest_roles(&meetings[1].id).unwrap();
        assert_ne!(second.facilitator_id, first.facilitator_id);
        assert_ne!(second.timekeeper_id, first.timekeeper_id);
        assert_ne!(second.note_taker_id, first.note_taker_id);
        let all = [&second.facilitator_id, &second.timekeeper_id, &second.note_taker_id];
        assert!(all.iter().all(|r| r.is_some()));
        assert_ne!(all[0], all[1], "nobody holds two roles while others are free");
        store.assign_roles(&meetings[1].id, &second).unwrap();
        // Meeting 3: Ana and whoever facilitated second have held it; the third person has not.
        let third = store.suggest_roles(&meetings[2].id).unwrap();
        let held: Vec<_> = [&first.facilitator_id, &second.facilitator_id].into_iter().cloned().collect();
        assert!(!held.contains(&third.facilitator_id), "{third:?}");
    }

    #[test]
    fn roles_must_go_to_current_members_of_the_circle() {
        let (mut store, circle) = store_with_circle();
        let m = store
            .create_meeting(&MeetingInput {
                circle_id: circle,
                starts_at: "2026-01-06T18:00:00Z".into(),
                ..Default::default()
            })
            .unwrap();
        let other = store.create_circle(&crate::CircleInput { name: "Other".into(), ..Default::default() }).unwrap();
        let stranger = store.my_member_id(&other.id).unwrap();
        let err =
            store.assign_roles(&m.id, &Roles { facilitator_id: Some(stranger), ..Default::default() }).unwrap_err();
        assert_eq!(err.field(), Some("Facilitator"));
    }

    #[test]
    fn an_edit_changes_only_the_details_it_names_and_is_logged() {
        let (mut store, circle) = store_with_circle();
        let m = store
            .create_meeting(&MeetingInput {
                circle_id: circle.clone(),
                starts_at: "2026-01-06T18:00:00Z".into(),
                place: Some("Room 204".into()),
                ..Default::default()
            })
            .unwrap();
        let before = store.changes(&circle).unwrap().len();
        let patch = MeetingPatch {
            title: Some("Tenure files".into()),
            starts_at: Some("2026-01-06T13:30:00-05:00".into()),
            minutes: Some(90),
            ..Default::default()
        };
        let edited = store.update_meeting(&m.id, &patch).unwrap();
        assert_eq!(
            (edited.title.as_str(), edited.starts_at.as_str(), edited.minutes, edited.place.as_deref()),
            ("Tenure files", "2026-01-06T18:30:00Z", 90, Some("Room 204"))
        );
        let log = store.changes(&circle).unwrap();
        assert_eq!(log.len(), before + 1);
        let written: Vec<&String> = log.last().unwrap().fields.as_object().unwrap().keys().collect();
        assert!(written.iter().all(|k| ["title", "starts_at", "minutes"].contains(&k.as_str()) || k.starts_with('$')));
        store.update_meeting(&m.id, &MeetingPatch { minutes: Some(90), ..patch.clone() }).unwrap();
        assert_eq!(store.changes(&circle).unwrap().len(), before + 1, "the same details again log nothing");
        let cleared =
            store.update_meeting(&m.id, &MeetingPatch { place: Some(" ".into()), ..Default::default() }).unwrap();
        assert_eq!(cleared.place, None, "an empty place clears it");
        for (bad, field) in [
            (MeetingPatch { title: Some("".into()), ..Default::default() }, "Title"),
            (MeetingPatch { starts_at: Some("next Tuesday".into()), ..Default::default() }, "Start"),
            (MeetingPatch { minutes: Some(0), ..Default::default() }, "Length"),
        ] {
            assert_eq!(store.update_meeting(&m.id, &bad).unwrap_err().field(), Some(field));
        }
        assert_eq!(store.meeting(&m.id).unwrap(), cleared, "a refused edit changes nothing");
    }

    #[test]
    fn an_ended_meeting_keeps_its_details() {
        let (mut store, circle) = store_with_circle();
        let m = store
            .create_meeting(&MeetingInput {
                circle_id: circle,
                starts_at: "2026-01-06T18:00:00Z".into(),
                ..Default::default()
            })
            .unwrap();
        store.start_meeting(&m.id, None).unwrap();
        store.end_meeting(&m.id, "").unwrap();
        let err = store.update_meeting(&m.id, &MeetingPatch { title: Some("Renamed".into()), ..Default::default() });
        assert!(err.unwrap_err().to_string().contains("this meeting has ended"));
    }

    #[test]
    fn a_link_is_a_web_address_set_when_scheduling_or_later_and_cleared_by_empty() {
        let (mut store, circle) = store_with_circle();
        let input = MeetingInput {
            circle_id: circle.clone(),
            starts_at: "2026-01-06T18:00:00Z".into(),
            link: Some("https://meet.example.org/abc".into()),
            ..Default::default()
        };
        let m = store.create_meeting(&input).unwrap();
        assert_eq!(m.link.as_deref(), Some("https://meet.example.org/abc"));
        let bad = MeetingInput { link: Some("javascript:alert(1)".into()), ..input };
        assert_eq!(store.create_meeting(&bad).unwrap_err().field(), Some("Link"));
        let link = |l: &str| MeetingPatch { link: Some(l.into()), ..Default::default() };
        let err = store.update_meeting(&m.id, &link("javascript:alert(1)")).unwrap_err();
        assert!(err.to_string().contains("Link must start with https:// or http://"), "{err}");
        let moved = store.update_meeting(&m.id, &link("http://call.example.org/x")).unwrap();
        assert_eq!(moved.link.as_deref(), Some("http://call.example.org/x"));
        let logged = store.changes(&circle).unwrap().last().unwrap().fields.clone();
        assert_eq!(logged["link"], "http://call.example.org/x", "the link is logged, so it syncs");
        assert_eq!(store.update_meeting(&m.id, &link("")).unwrap().link, None);
    }
}
