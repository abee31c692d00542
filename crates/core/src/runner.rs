//! Run mode: a meeting from attendance through one item at a time to its end. Every timer
//! is derived from stored times (never from ticks), so it stays right when the window is
//! hidden, the laptop sleeps or Kinship restarts mid-meeting.

use crate::changelog::entity;
use crate::clock::to_stored;
use crate::store::Tx;
use crate::validate::{self, LINE_MAX};
use crate::{ActionItem, AgendaItem, Attendance, Decision, Error, Meeting, Result, Store};
use chrono::{DateTime, Utc};
use rusqlite::Row;
use serde::Serialize;
use serde_json::{json, Map};

/// The countdown of the item being discussed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Timer {
    pub item_id: String,
    pub timebox_secs: i64,
    pub elapsed_secs: i64,
    /// Negative once the timebox is overrun.
    pub remaining_secs: i64,
    pub paused: bool,
}

/// Everything run mode shows.
#[derive(Debug, Clone, Serialize)]
pub struct RunView {
    pub meeting: Meeting,
    pub agenda: Vec<AgendaItem>,
    pub timer: Option<Timer>,
    pub attendance: Vec<Attendance>,
    pub decisions: Vec<Decision>,
    pub actions: Vec<ActionItem>,
    /// Wall-clock seconds since the meeting started (to its end, once ended).
    pub meeting_elapsed_secs: i64,
    /// The circle's next scheduled meeting after this one: where carried items go.
    pub next_meeting: Option<Meeting>,
}

/// What a meeting produced, shown on its end screen.
#[derive(Debug, Clone, Serialize)]
pub struct EndSummary {
    pub meeting: Meeting,
    pub decisions: Vec<Decision>,
    pub actions: Vec<ActionItem>,
    /// Items not finished, going on to the next meeting.
    pub carried: Vec<AgendaItem>,
    /// The meeting they were carried to, if one is scheduled.
    pub next_meeting: Option<Meeting>,
    pub present: i64,
}

fn secs_between(from: &str, to: &str) -> i64 {
    match (validate::timestamp("t", from), validate::timestamp("t", to)) {
        (Ok(a), Ok(b)) => (b - a).num_seconds(),
        _ => 0,
    }
}

/// Seconds spent on `item` so far, as of `now`.
pub fn item_elapsed_secs(item: &AgendaItem, meeting: &Meeting, now: DateTime<Utc>) -> i64 {
    let Some(started) = &item.started_at else { return 0 };
    let now = to_stored(now);
    let is_current = meeting.current_item_id.as_deref() == Some(item.id.as_str());
    let end = match (&item.ended_at, &meeting.paused_at) {
        (Some(ended), _) => ended.clone(),
        (None, Some(paused)) if is_current => paused.clone(),
        _ => now,
    };
    (secs_between(started, &end) - item.paused_secs).max(0)
}

fn decision_from_row(r: &Row) -> rusqlite::Result<Decision> {
    Ok(Decision {
        id: r.get(0)?,
        meeting_id: r.get(1)?,
        agenda_item_id: r.get(2)?,
        text: r.get(3)?,
        created_at: r.get(4)?,
    })
}

fn set(tx: &mut Tx<'_>, table: &str, entity: &str, circle: &str, id: &str, fields: serde_json::Value) -> Result<()> {
    let serde_json::Value::Object(map) = fields else { unreachable!("fields are an object") };
    tx.update(table, entity, circle, id, map)
}

/// Makes `item` the current one, resuming its timer if it was left earlier.
fn enter(tx: &mut Tx<'_>, meeting: &Meeting, item: &AgendaItem) -> Result<()> {
    let now = tx.now();
    let mut fields = Map::new();
    match (&item.started_at, &item.ended_at) {
        (None, _) => {
            fields.insert("started_at".into(), json!(now));
        }
        (Some(_), Some(ended)) => {
            fields.insert("paused_secs".into(), json!(item.paused_secs + secs_between(ended, &now).max(0)));
            fields.insert("ended_at".into(), json!(null));
        }
        (Some(_), None) => {}
    }
    fields.insert("status".into(), json!("open"));
    tx.update("agenda_items", entity::AGENDA_ITEM, &meeting.circle_id, &item.id, fields)?;
    set(tx, "meetings", entity::MEETING, &meeting.circle_id, &meeting.id, json!({"current_item_id": item.id}))
}

/// Stops the current item's timer and gives it `status`.
fn leave(tx: &mut Tx<'_>, meeting: &Meeting, item: &AgendaItem, status: &str) -> Result<()> {
    let now = tx.now();
    set(
        tx,
        "agenda_items",
        entity::AGENDA_ITEM,
        &meeting.circle_id,
        &item.id,
        json!({"ended_at": now, "status": status}),
    )
}

impl Store {
    fn running_meeting(&self, meeting_id: &str) -> Result<Meeting> {
        let meeting = self.meeting(&crate::ids::parse_id("Meeting", meeting_id)?)?;
        match meeting.status.as_str() {
            "running" => Ok(meeting),
            "ended" => Err(Error::invalid(
                "Meeting",
                format!("this meeting already ended at {}", meeting.ended_at.unwrap_or_default()),
            )),
            _ => Err(Error::invalid("Meeting", "this meeting has not started; start it first")),
        }
    }

    /// Starts a meeting: records who is here (`None`: every current member) and opens the
    /// first open item.
    pub fn start_meeting(&mut self, meeting_id: &str, present: Option<&[String]>) -> Result<RunView> {
        let meeting = self.meeting(&crate::ids::parse_id("Meeting", meeting_id)?)?;
        match meeting.status.as_str() {
            "scheduled" => {}
            "running" => return Err(Error::invalid("Meeting", "this meeting is already running")),
            "ended" => return Err(Error::invalid("Meeting", "this meeting has already ended; it cannot start again")),
            _ => return Err(Error::invalid("Meeting", "this meeting was cancelled")),
        }
        let members: Vec<_> = self.members(&meeting.circle_id)?.into_iter().filter(|m| m.left_at.is_none()).collect();
        if let Some(ids) = present {
            if let Some(unknown) = ids.iter().find(|id| !members.iter().any(|m| &m.id == *id)) {
                return Err(Error::invalid("Attendance", format!("{unknown} is not a current member of this circle")));
            }
        }
        let first = self.agenda(&meeting.id)?.into_iter().find(|i| i.status == "open");
        self.write(|tx| {
            let now = tx.now();
            set(
                tx,
                "meetings",
                entity::MEETING,
                &meeting.circle_id,
                &meeting.id,
                json!({"status": "running", "started_at": now}),
            )?;
            for m in &members {
                let here = present.is_none_or(|ids| ids.contains(&m.id));
                record_attendance(tx, &meeting, &m.id, here)?;
            }
            if let Some(item) = &first {
                enter(tx, &meeting, item)?;
            }
            Ok(())
        })?;
        self.run_view(&meeting.id)
    }

    /// Marks a member present or absent at a meeting.
    pub fn set_attendance(&mut self, meeting_id: &str, member_id: &str, present: bool) -> Result<()> {
        let meeting = self.meeting(&crate::ids::parse_id("Meeting", meeting_id)?)?;
        let member = self.member(&crate::ids::parse_id("Member", member_id)?)?;
        if member.circle_id != meeting.circle_id {
            return Err(Error::invalid("Member", format!("{} is not in this meeting's circle", member.name)));
        }
        self.write(|tx| record_attendance(tx, &meeting, &member.id, present))
    }

    /// Who was marked present or absent.
    pub fn attendance(&self, meeting_id: &str) -> Result<Vec<Attendance>> {
        let mut stmt = self.conn().prepare(
            "SELECT meeting_id, member_id, present FROM attendance WHERE meeting_id = ?1 ORDER BY member_id",
        )?;
        let rows = stmt.query_map([meeting_id], |r| {
            Ok(Attendance { meeting_id: r.get(0)?, member_id: r.get(1)?, present: r.get(2)? })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn move_on(&mut self, meeting_id: &str, status: &str) -> Result<RunView> {
        let meeting = self.resume_if_paused(meeting_id)?;
        let agenda = self.agenda(&meeting.id)?;
        let current = agenda.iter().find(|i| Some(&i.id) == meeting.current_item_id.as_ref()).cloned();
        let after = current.as_ref().map_or(-1, |c| c.position);
        let next = agenda
            .iter()
            .filter(|i| i.status == "open" && Some(&i.id) != meeting.current_item_id.as_ref())
            .min_by_key(|i| (i.position <= after, i.position))
            .cloned();
        self.write(|tx| {
            if let Some(c) = &current {
                leave(tx, &meeting, c, status)?;
            }
            match &next {
                Some(n) => enter(tx, &meeting, n),
                None => set(
                    tx,
                    "meetings",
                    entity::MEETING,
                    &meeting.circle_id,
                    &meeting.id,
                    json!({"current_item_id": null}),
                ),
            }
        })?;
        self.run_view(&meeting.id)
    }

    /// Marks the current item done and opens the next open one.
    pub fn next_item(&mut self, meeting_id: &str) -> Result<RunView> {
        self.move_on(meeting_id, "done")
    }

    /// Skips the current item (it is not carried over).
    pub fn skip_item(&mut self, meeting_id: &str) -> Result<RunView> {
        self.move_on(meeting_id, "skipped")
    }

    /// Sends the current item on to the next meeting.
    pub fn carry_item(&mut self, meeting_id: &str) -> Result<RunView> {
        self.move_on(meeting_id, "carried")
    }

    /// Goes back to the item before the current one; its timer resumes where it stopped.
    pub fn previous_item(&mut self, meeting_id: &str) -> Result<RunView> {
        let meeting = self.resume_if_paused(meeting_id)?;
        let agenda = self.agenda(&meeting.id)?;
        let current = agenda.iter().find(|i| Some(&i.id) == meeting.current_item_id.as_ref()).cloned();
        let before = current.as_ref().map_or(i64::MAX, |c| c.position);
        let Some(previous) = agenda.iter().filter(|i| i.position < before).max_by_key(|i| i.position).cloned() else {
            return Err(Error::invalid("Agenda", "this is the first item"));
        };
        self.write(|tx| {
            if let Some(c) = &current {
                leave(tx, &meeting, c, "open")?;
            }
            enter(tx, &meeting, &previous)
        })?;
        self.run_view(&meeting.id)
    }

    /// Pauses the meeting: the current item's timer stops until it resumes.
    pub fn pause_meeting(&mut self, meeting_id: &str) -> Result<RunView> {
        let meeting = self.running_meeting(meeting_id)?;
        if meeting.paused_at.is_some() {
            return Err(Error::invalid("Meeting", "the meeting is already paused"));
        }
        self.write(|tx| {
            let now = tx.now();
            set(tx, "meetings", entity::MEETING, &meeting.circle_id, &meeting.id, json!({"paused_at": now}))
        })?;
        self.run_view(&meeting.id)
    }

    /// Resumes a paused meeting; the pause does not count against the current item.
    pub fn resume_meeting(&mut self, meeting_id: &str) -> Result<RunView> {
        let meeting = self.running_meeting(meeting_id)?;
        if meeting.paused_at.is_none() {
            return Err(Error::invalid("Meeting", "the meeting is not paused"));
        }
        self.resume_if_paused(&meeting.id)?;
        self.run_view(&meeting.id)
    }

    fn resume_if_paused(&mut self, meeting_id: &str) -> Result<Meeting> {
        let meeting = self.running_meeting(meeting_id)?;
        let Some(paused_at) = meeting.paused_at.clone() else { return Ok(meeting) };
        let current = match &meeting.current_item_id {
            Some(id) => Some(self.agenda_item(id)?),
            None => None,
        };
        self.write(|tx| {
            let now = tx.now();
            if let Some(item) = current.as_ref().filter(|i| i.ended_at.is_none() && i.started_at.is_some()) {
                let paused = item.paused_secs + secs_between(&paused_at, &now).max(0);
                set(
                    tx,
                    "agenda_items",
                    entity::AGENDA_ITEM,
                    &meeting.circle_id,
                    &item.id,
                    json!({"paused_secs": paused}),
                )?;
            }
            set(tx, "meetings", entity::MEETING, &meeting.circle_id, &meeting.id, json!({"paused_at": null}))
        })?;
        self.meeting(&meeting.id)
    }

    /// Records a decision, optionally tied to a talking point.
    pub fn add_decision(&mut self, meeting_id: &str, agenda_item_id: Option<&str>, text: &str) -> Result<Decision> {
        let meeting = self.meeting(&crate::ids::parse_id("Meeting", meeting_id)?)?;
        let item_id = self.item_on_meeting(&meeting.id, agenda_item_id)?;
        let text = validate::required("Decision", text, LINE_MAX)?;
        self.write(|tx| {
            let d = Decision {
                id: crate::ids::new_id(),
                meeting_id: meeting.id.clone(),
                agenda_item_id: item_id,
                text,
                created_at: tx.now(),
            };
            tx.execute(
                "INSERT INTO decisions (id, meeting_id, agenda_item_id, text, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                (&d.id, &d.meeting_id, &d.agenda_item_id, &d.text, &d.created_at),
            )?;
            tx.log(&meeting.circle_id, entity::DECISION, &d.id, serde_json::to_value(&d).unwrap())?;
            Ok(d)
        })
    }

    /// A meeting's decisions in the order they were made.
    pub fn decisions(&self, meeting_id: &str) -> Result<Vec<Decision>> {
        let mut stmt = self.conn().prepare(
            "SELECT id, meeting_id, agenda_item_id, text, created_at FROM decisions WHERE meeting_id = ?1 ORDER BY created_at, id",
        )?;
        let rows = stmt.query_map([meeting_id], decision_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Ends a running meeting: the current item is done, items not reached are carried
    /// to the next scheduled meeting (or the next one created).
    pub fn end_meeting(&mut self, meeting_id: &str, summary: &str) -> Result<EndSummary> {
        let meeting = self.resume_if_paused(meeting_id)?;
        let summary = validate::prose("Summary", summary)?;
        let agenda = self.agenda(&meeting.id)?;
        let next = self.next_meeting_after(&meeting.circle_id, &meeting.starts_at)?;
        self.write(|tx| {
            for item in agenda.iter().filter(|i| i.status == "open") {
                let current = Some(&item.id) == meeting.current_item_id.as_ref();
                if current {
                    leave(tx, &meeting, item, "done")?;
                } else {
                    set(
                        tx,
                        "agenda_items",
                        entity::AGENDA_ITEM,
                        &meeting.circle_id,
                        &item.id,
                        json!({"status": "carried"}),
                    )?;
                }
            }
            let now = tx.now();
            let fields = json!({"status": "ended", "ended_at": now, "current_item_id": null, "summary": summary});
            set(tx, "meetings", entity::MEETING, &meeting.circle_id, &meeting.id, fields)?;
            if let Some(next) = &next {
                crate::agenda::pull_carried_items(tx, next)?;
            }
            Ok(())
        })?;
        let carried = self.agenda(&meeting.id)?.into_iter().filter(|i| i.status == "carried").collect();
        let present = self.attendance(&meeting.id)?.iter().filter(|a| a.present).count() as i64;
        Ok(EndSummary {
            meeting: self.meeting(&meeting.id)?,
            decisions: self.decisions(&meeting.id)?,
            actions: self.action_items(&meeting.id)?,
            carried,
            next_meeting: next,
            present,
        })
    }

    /// What run mode shows for a meeting, timers computed as of now.
    pub fn run_view(&self, meeting_id: &str) -> Result<RunView> {
        let meeting = self.meeting(meeting_id)?;
        let agenda = self.agenda(&meeting.id)?;
        let now = self.now();
        let timer = meeting.current_item_id.as_ref().and_then(|id| agenda.iter().find(|i| &i.id == id)).map(|item| {
            let elapsed = item_elapsed_secs(item, &meeting, now);
            Timer {
                item_id: item.id.clone(),
                timebox_secs: item.minutes * 60,
                elapsed_secs: elapsed,
                remaining_secs: item.minutes * 60 - elapsed,
                paused: meeting.paused_at.is_some(),
            }
        });
        let meeting_elapsed_secs = match (&meeting.started_at, &meeting.ended_at) {
            (Some(s), Some(e)) => secs_between(s, e),
            (Some(s), None) => secs_between(s, &to_stored(now)),
            _ => 0,
        };
        Ok(RunView {
            next_meeting: self.next_meeting_after(&meeting.circle_id, &meeting.starts_at)?,
            attendance: self.attendance(&meeting.id)?,
            decisions: self.decisions(&meeting.id)?,
            actions: self.action_items(&meeting.id)?,
            agenda,
            timer,
            meeting,
            meeting_elapsed_secs,
        })
    }
}

fn record_attendance(tx: &mut Tx<'_>, meeting: &Meeting, member_id: &str, present: bool) -> Result<()> {
    tx.execute(
        "INSERT INTO attendance (meeting_id, member_id, present) VALUES (?1, ?2, ?3)
         ON CONFLICT (meeting_id, member_id) DO UPDATE SET present = excluded.present",
        (&meeting.id, member_id, present),
    )?;
    let a = Attendance { meeting_id: meeting.id.clone(), member_id: member_id.to_string(), present };
    tx.log(
        &meeting.circle_id,
        entity::ATTENDANCE,
        &format!("{}/{}", meeting.id, member_id),
        serde_json::to_value(&a).unwrap(),
    )
}

#[cfg(test)]
mod tests {
    use crate::test_support::{store_with_meeting_and_clock, t};
    use crate::{AgendaItemInput, MeetingInput};

    fn add(store: &mut crate::Store, meeting: &str, title: &str, minutes: i64) -> String {
        let input = AgendaItemInput {
            meeting_id: meeting.into(),
            title: title.into(),
            minutes: Some(minutes),
            ..Default::default()
        };
        store.add_agenda_item(&input).unwrap().id
    }

    #[test]
    fn the_timer_is_derived_from_times_and_ignores_pauses() {
        let (mut store, clock, meeting) = store_with_meeting_and_clock();
        let first = add(&mut store, &meeting, "Opening round", 10);
        add(&mut store, &meeting, "Topic", 20);
        clock.set(t("2026-03-05T18:00:00Z"));
        let view = store.start_meeting(&meeting, None).unwrap();
        assert_eq!(view.timer.unwrap().item_id, first);

        clock.set(t("2026-03-05T18:04:00Z"));
        store.pause_meeting(&meeting).unwrap();
        // The laptop sleeps for an hour while paused: the item's clock stands still.
        clock.set(t("2026-03-05T19:04:00Z"));
        let paused = store.run_view(&meeting).unwrap().timer.unwrap();
        assert_eq!((paused.elapsed_secs, paused.paused), (240, true));
        store.resume_meeting(&meeting).unwrap();
        clock.set(t("2026-03-05T19:12:30Z"));
        let over = store.run_view(&meeting).unwrap().timer.unwrap();
        assert_eq!(over.elapsed_secs, 4 * 60 + 8 * 60 + 30);
        assert_eq!(over.remaining_secs, -150, "an overrun shows as negative remaining time");
    }

    #[test]
    fn going_back_resumes_an_items_timer_where_it_stopped() {
        let (mut store, clock, meeting) = store_with_meeting_and_clock();
        add(&mut store, &meeting, "A", 10);
        let b = add(&mut store, &meeting, "B", 10);
        clock.set(t("2026-03-05T18:00:00Z"));
        store.start_meeting(&meeting, None).unwrap();
        clock.set(t("2026-03-05T18:03:00Z"));
        let view = store.next_item(&meeting).unwrap();
        assert_eq!(view.timer.unwrap().item_id, b);
        clock.set(t("2026-03-05T18:05:00Z"));
        let back = store.previous_item(&meeting).unwrap();
        assert_eq!(back.timer.as_ref().unwrap().elapsed_secs, 180, "A had 3 minutes");
        clock.set(t("2026-03-05T18:06:00Z"));
        let view = store.next_item(&meeting).unwrap();
        let timer = view.timer.unwrap();
        assert_eq!((timer.item_id.as_str(), timer.elapsed_secs), (b.as_str(), 120), "B had 2 minutes, then resumes");
    }

    #[test]
    fn ending_carries_unreached_items_to_the_next_meeting_and_cannot_happen_twice() {
        let (mut store, clock, meeting) = store_with_meeting_and_clock();
        let circle = store.meeting(&meeting).unwrap().circle_id;
        let next = store
            .create_meeting(&MeetingInput {
                circle_id: circle.clone(),
                starts_at: "2026-04-02T18:00:00Z".into(),
                ..Default::default()
            })
            .unwrap();
        add(&mut store, &meeting, "Done one", 10);
        let skipped = add(&mut store, &meeting, "Skipped one", 10);
        let carried = add(&mut store, &meeting, "Carried by hand", 10);
        let unreached = add(&mut store, &meeting, "Not reached", 10);
        clock.set(t("2026-03-05T18:00:00Z"));
        store.start_meeting(&meeting, None).unwrap();
        store.next_item(&meeting).unwrap();
        store.skip_item(&meeting).unwrap();
        store.carry_item(&meeting).unwrap();
        store.add_decision(&meeting, None, "We meet in person in April").unwrap();
        let end = store.end_meeting(&meeting, "Good energy").unwrap();

        assert_eq!(end.meeting.status, "ended");
        let carried_ids: Vec<_> = end.carried.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(carried_ids, [carried.as_str()], "'Not reached' was current at the end, so it counts as done");
        let statuses: Vec<_> = store.agenda(&meeting).unwrap().into_iter().map(|i| i.status).collect();
        assert_eq!(statuses, ["done", "skipped", "carried", "done"]);
        assert!(!end.carried.iter().any(|i| i.id == skipped || i.id == unreached));
        assert_eq!(end.next_meeting.as_ref().unwrap().id, next.id);
        let next_agenda = store.agenda(&next.id).unwrap();
        assert_eq!(next_agenda.len(), 1);
        assert_eq!(next_agenda[0].title, "Carried by hand");
        assert_eq!(next_agenda[0].carried_from_id.as_deref(), Some(carried.as_str()));
        assert_eq!(end.decisions.len(), 1);

        let twice = store.end_meeting(&meeting, "").unwrap_err();
        assert!(twice.to_string().contains("already ended"), "{twice}");
        assert!(store.start_meeting(&meeting, None).is_err());
    }

    #[test]
    fn carried_items_wait_for_a_meeting_scheduled_later() {
        let (mut store, clock, meeting) = store_with_meeting_and_clock();
        let circle = store.meeting(&meeting).unwrap().circle_id;
        add(&mut store, &meeting, "First", 10);
        add(&mut store, &meeting, "Never reached", 10);
        clock.set(t("2026-03-05T18:00:00Z"));
        store.start_meeting(&meeting, None).unwrap();
        let end = store.end_meeting(&meeting, "").unwrap();
        assert!(end.next_meeting.is_none());
        let later = store
            .create_meeting(&MeetingInput {
                circle_id: circle,
                starts_at: "2026-04-02T18:00:00Z".into(),
                ..Default::default()
            })
            .unwrap();
        let agenda = store.agenda(&later.id).unwrap();
        assert_eq!(agenda.iter().map(|i| i.title.as_str()).collect::<Vec<_>>(), ["Never reached"]);
    }

    #[test]
    fn a_meeting_that_has_not_started_cannot_be_run() {
        let (mut store, _clock, meeting) = store_with_meeting_and_clock();
        assert!(store.next_item(&meeting).unwrap_err().to_string().contains("has not started"));
        assert!(store.end_meeting(&meeting, "").is_err());
    }
}
