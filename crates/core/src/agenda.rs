//! Agenda items: talking points members bring to a meeting, their order, and carry-over of
//! what a meeting did not reach into the next one.

use crate::changelog::entity;
use crate::rows;
use crate::store::Tx;
use crate::validate::{self, LINE_MAX};
use crate::{
    agenda_kind_label, AgendaEntry, AgendaItem, AgendaItemInput, AgendaItemPatch, AgendaView, Error, Meeting,
    PlannedMinutes, Result, Store, AGENDA_KINDS, HELP_KINDS,
};
use serde_json::{json, Map, Value};

/// A talking point's timebox when none is given.
pub const DEFAULT_ITEM_MINUTES: i64 = 10;

/// Refuses changes to the agenda of a meeting that is over.
pub(crate) fn ensure_open(meeting: &Meeting) -> Result<()> {
    match meeting.status.as_str() {
        "ended" => Err(Error::invalid("Meeting", "this meeting has ended; add it to the next meeting instead")),
        "cancelled" => Err(Error::invalid("Meeting", "this meeting was cancelled; add it to another meeting")),
        _ => Ok(()),
    }
}

/// Inserts an item at the end of its meeting's agenda (its `position` is assigned here).
pub(crate) fn append(tx: &mut Tx<'_>, circle_id: &str, item: AgendaItem) -> Result<AgendaItem> {
    let position: i64 = tx.query_row(
        "SELECT coalesce(max(position) + 1, 0) FROM agenda_items WHERE meeting_id = ?1",
        [&item.meeting_id],
        |r| r.get(0),
    )?;
    insert_at(tx, circle_id, AgendaItem { position, ..item })
}

/// Writes and logs a new agenda item at the place it already carries.
fn insert_at(tx: &mut Tx<'_>, circle_id: &str, item: AgendaItem) -> Result<AgendaItem> {
    let fields = rows::insert(tx, "agenda_items", &item)?;
    tx.log(circle_id, entity::AGENDA_ITEM, &item.id, fields)?;
    Ok(item)
}

/// Inserts a new talking point at the end of its meeting's agenda, or just before a closing
/// round that ends it. The closing item is known by its kind alone: the agenda's last item,
/// of kind `closing_round` and not yet reached (every template ends with one, and a circle
/// may add its own); it moves down one place. Anything else goes at the end.
pub(crate) fn insert_talking_point(tx: &mut Tx<'_>, circle_id: &str, item: AgendaItem) -> Result<AgendaItem> {
    let last: Option<AgendaItem> = rows::first(
        tx,
        "SELECT * FROM agenda_items WHERE meeting_id = ?1 ORDER BY position DESC, id DESC LIMIT 1",
        [&item.meeting_id],
    )?;
    let Some(closing) = last.filter(|l| l.kind == "closing_round" && l.status == "open" && l.started_at.is_none())
    else {
        return append(tx, circle_id, item);
    };
    let mut fields = Map::new();
    fields.insert("position".into(), json!(closing.position + 1));
    tx.update("agenda_items", entity::AGENDA_ITEM, circle_id, &closing.id, fields)?;
    insert_at(tx, circle_id, AgendaItem { position: closing.position, ..item })
}

/// A new, unstarted item for `meeting_id` with everything else at its default.
pub(crate) fn blank_item(meeting_id: &str, title: String, kind: String, minutes: i64) -> AgendaItem {
    AgendaItem {
        id: crate::ids::new_id(),
        meeting_id: meeting_id.to_string(),
        title,
        details: String::new(),
        contributor_id: None,
        kind,
        minutes,
        position: 0,
        status: "open".into(),
        confidential: false,
        notes: String::new(),
        started_at: None,
        ended_at: None,
        paused_secs: 0,
        carried_from_id: None,
        member_id: None,
        help_wanted: None,
        goal_id: None,
    }
}

/// Copies every item marked "carried" in the circle's ended meetings, not yet continued
/// anywhere, onto `meeting` if it is the circle's next scheduled meeting after them.
pub(crate) fn pull_carried_items(tx: &mut Tx<'_>, meeting: &Meeting) -> Result<()> {
    if meeting.status != "scheduled" {
        return Ok(());
    }
    let pending: Vec<AgendaItem> = rows::all(
        tx,
        "SELECT a.* FROM agenda_items a JOIN meetings m ON m.id = a.meeting_id
             WHERE m.circle_id = ?1 AND m.status = 'ended' AND m.starts_at < ?2 AND a.status = 'carried'
               AND NOT EXISTS (SELECT 1 FROM agenda_items c WHERE c.carried_from_id = a.id)
               -- only onto the first scheduled meeting after the one that ended
               AND NOT EXISTS (SELECT 1 FROM meetings n WHERE n.circle_id = m.circle_id AND n.status = 'scheduled'
                               AND n.starts_at > m.starts_at AND n.starts_at < ?2)
             ORDER BY m.starts_at, a.position",
        (&meeting.circle_id, &meeting.starts_at),
    )?;
    for old in pending {
        let copy = AgendaItem {
            id: crate::ids::new_id(),
            meeting_id: meeting.id.clone(),
            carried_from_id: Some(old.id.clone()),
            notes: String::new(),
            status: "open".into(),
            started_at: None,
            ended_at: None,
            paused_secs: 0,
            ..old
        };
        append(tx, &meeting.circle_id, copy)?;
    }
    Ok(())
}

fn help_wanted(value: Option<&str>) -> Result<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => validate::one_of("Help wanted", v, HELP_KINDS).map(Some),
    }
}

impl Store {
    /// Adds a talking point to a meeting's agenda (at the end, before a closing round that
    /// ends it), contributed by this laptop's person.
    pub fn add_agenda_item(&mut self, input: &AgendaItemInput) -> Result<AgendaItem> {
        let meeting = self.meeting(&crate::ids::parse_id("Meeting", &input.meeting_id)?)?;
        ensure_open(&meeting)?;
        let contributor = self.my_member_id(&meeting.circle_id)?;
        let member_id = self.turn_taker(&meeting, input.member_id.as_deref())?;
        let item = AgendaItem {
            details: validate::prose("Details", &input.details)?,
            contributor_id: Some(contributor),
            confidential: input.confidential,
            member_id,
            help_wanted: help_wanted(input.help_wanted.as_deref())?,
            goal_id: self.goal_for_turn(&meeting, input.goal_id.as_deref())?,
            ..blank_item(
                &meeting.id,
                validate::required("Title", &input.title, LINE_MAX)?,
                validate::one_of("Kind", input.kind.as_deref().unwrap_or("topic"), AGENDA_KINDS)?,
                validate::minutes("Timebox", input.minutes.unwrap_or(DEFAULT_ITEM_MINUTES))?,
            )
        };
        self.write(|tx| insert_talking_point(tx, &meeting.circle_id, item))
    }

    /// One agenda item by id.
    pub fn agenda_item(&self, id: &str) -> Result<AgendaItem> {
        rows::first(self.conn(), "SELECT * FROM agenda_items WHERE id = ?1", [id])?
            .ok_or_else(|| Error::not_found("agenda item", id))
    }

    /// The member whose turn an item is, if one is named, checked to be in the meeting's circle.
    fn turn_taker(&self, meeting: &Meeting, member_id: Option<&str>) -> Result<Option<String>> {
        let Some(id) = member_id.map(str::trim).filter(|s| !s.is_empty()) else { return Ok(None) };
        let member = self.member(&crate::ids::parse_id("Whose turn", id)?)?;
        if member.circle_id != meeting.circle_id {
            return Err(Error::invalid("Whose turn", format!("{} is not in this circle", member.name)));
        }
        Ok(Some(member.id))
    }

    /// The goal a member turn serves, if one is named. It must be shared with this circle:
    /// the agenda is the circle's, and a private goal never reaches the others' laptops.
    fn goal_for_turn(&self, meeting: &Meeting, goal_id: Option<&str>) -> Result<Option<String>> {
        let Some(id) = goal_id.map(str::trim).filter(|s| !s.is_empty()) else { return Ok(None) };
        let goal = self.goal(&crate::ids::parse_id("Goal", id)?)?;
        if goal.circle_id.as_deref() != Some(meeting.circle_id.as_str()) || goal.visibility != "shared" {
            return Err(Error::invalid(
                "Goal",
                "a turn can only name a goal shared with this circle; share the goal first",
            ));
        }
        Ok(Some(goal.id))
    }

    /// The talking point `id`, if one is named, checked to be on `meeting_id`'s agenda.
    pub(crate) fn item_on_meeting(&self, meeting_id: &str, id: Option<&str>) -> Result<Option<String>> {
        let Some(id) = id.map(str::trim).filter(|s| !s.is_empty()) else { return Ok(None) };
        let item = self.agenda_item(&crate::ids::parse_id("Agenda item", id)?)?;
        if item.meeting_id != meeting_id {
            return Err(Error::invalid("Agenda item", "that item is on another meeting's agenda"));
        }
        Ok(Some(item.id))
    }

    /// A meeting's agenda in order.
    pub fn agenda(&self, meeting_id: &str) -> Result<Vec<AgendaItem>> {
        Ok(rows::all(
            self.conn(),
            "SELECT * FROM agenda_items WHERE meeting_id = ?1 ORDER BY position, id",
            [meeting_id],
        )?)
    }

    /// Changes the given fields of a talking point. Notes may be written after the meeting
    /// ends (note-takers tidy up); everything else only while it is open.
    pub fn update_agenda_item(&mut self, id: &str, patch: &AgendaItemPatch) -> Result<AgendaItem> {
        let item = self.agenda_item(&crate::ids::parse_id("Agenda item", id)?)?;
        let meeting = self.meeting(&item.meeting_id)?;
        let mut fields = Map::new();
        if let Some(t) = &patch.title {
            fields.insert("title".into(), json!(validate::required("Title", t, LINE_MAX)?));
        }
        if let Some(d) = &patch.details {
            fields.insert("details".into(), json!(validate::prose("Details", d)?));
        }
        if let Some(k) = &patch.kind {
            fields.insert("kind".into(), json!(validate::one_of("Kind", k, AGENDA_KINDS)?));
        }
        if let Some(m) = patch.minutes {
            fields.insert("minutes".into(), json!(validate::minutes("Timebox", m)?));
        }
        if let Some(c) = patch.confidential {
            fields.insert("confidential".into(), json!(c));
        }
        if let Some(h) = &patch.help_wanted {
            fields.insert("help_wanted".into(), json!(help_wanted(Some(h))?));
        }
        if let Some(m) = &patch.member_id {
            fields.insert("member_id".into(), json!(self.turn_taker(&meeting, Some(m))?));
        }
        if !fields.is_empty() {
            ensure_open(&meeting)?;
        }
        if let Some(n) = &patch.notes {
            fields.insert("notes".into(), json!(validate::prose("Notes", n)?));
        }
        self.write(|tx| tx.update("agenda_items", entity::AGENDA_ITEM, &meeting.circle_id, &item.id, fields))?;
        self.agenda_item(&item.id)
    }

    /// Moves a talking point to `position` (0-based) and renumbers the rest.
    pub fn move_agenda_item(&mut self, id: &str, position: i64) -> Result<Vec<AgendaItem>> {
        let item = self.agenda_item(&crate::ids::parse_id("Agenda item", id)?)?;
        let meeting = self.meeting(&item.meeting_id)?;
        ensure_open(&meeting)?;
        let mut agenda = self.agenda(&meeting.id)?;
        let last = agenda.len() as i64 - 1;
        if !(0..=last).contains(&position) {
            return Err(Error::invalid(
                "Position",
                format!("{} is past the end: this agenda has places 1 to {}", position + 1, last + 1),
            ));
        }
        let from = agenda.iter().position(|i| i.id == item.id).unwrap();
        let moved = agenda.remove(from);
        agenda.insert(position as usize, moved);
        self.write(|tx| {
            for (new_position, i) in agenda.iter().enumerate() {
                if i.position != new_position as i64 {
                    let mut fields = Map::new();
                    fields.insert("position".into(), json!(new_position));
                    tx.update("agenda_items", entity::AGENDA_ITEM, &meeting.circle_id, &i.id, fields)?;
                }
            }
            Ok(())
        })?;
        self.agenda(&meeting.id)
    }

    /// Removes a talking point that has not been discussed yet.
    pub fn delete_agenda_item(&mut self, id: &str) -> Result<()> {
        let item = self.agenda_item(&crate::ids::parse_id("Agenda item", id)?)?;
        let meeting = self.meeting(&item.meeting_id)?;
        ensure_open(&meeting)?;
        if item.started_at.is_some() {
            return Err(Error::invalid("Agenda item", "it has been discussed; mark it skipped instead of removing it"));
        }
        let rest: Vec<AgendaItem> = self.agenda(&meeting.id)?.into_iter().filter(|i| i.id != item.id).collect();
        self.write(|tx| {
            tx.execute("UPDATE action_items SET agenda_item_id = NULL WHERE agenda_item_id = ?1", [&item.id])?;
            tx.execute("UPDATE decisions SET agenda_item_id = NULL WHERE agenda_item_id = ?1", [&item.id])?;
            tx.execute("DELETE FROM agenda_items WHERE id = ?1", [&item.id])?;
            tx.log_delete(&meeting.circle_id, entity::AGENDA_ITEM, &item.id)?;
            for (new_position, i) in rest.iter().enumerate() {
                if i.position != new_position as i64 {
                    let mut fields = Map::new();
                    fields.insert("position".into(), Value::from(new_position));
                    tx.update("agenda_items", entity::AGENDA_ITEM, &meeting.circle_id, &i.id, fields)?;
                }
            }
            Ok(())
        })
    }

    /// Total of the agenda's timeboxes, in minutes, against the meeting's length.
    pub fn agenda_minutes(&self, meeting_id: &str) -> Result<(i64, i64)> {
        let meeting = self.meeting(meeting_id)?;
        let total: i64 = self.conn().query_row(
            "SELECT coalesce(sum(minutes), 0) FROM agenda_items WHERE meeting_id = ?1 AND status != 'skipped'",
            [meeting_id],
            |r| r.get(0),
        )?;
        Ok((total, meeting.minutes))
    }

    /// The agenda's timeboxes against the meeting's length, with how far over it runs.
    pub fn planned_minutes(&self, meeting_id: &str) -> Result<PlannedMinutes> {
        let (total, length) = self.agenda_minutes(meeting_id)?;
        let open = ensure_open(&self.meeting(meeting_id)?).is_ok();
        Ok(PlannedMinutes::new(total, length, open))
    }

    /// A meeting's agenda as screens show it: each item with its kind in words, and the
    /// planned minutes.
    pub fn agenda_view(&self, meeting_id: &str) -> Result<AgendaView> {
        let meeting = self.meeting(&crate::ids::parse_id("Meeting", meeting_id)?)?;
        let items = self
            .agenda(&meeting.id)?
            .into_iter()
            .map(|item| AgendaEntry { kind_label: agenda_kind_label(&item.kind), item })
            .collect();
        Ok(AgendaView { items, planned: self.planned_minutes(&meeting.id)? })
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::store_with_meeting;
    use crate::{AgendaItemInput, AgendaItemPatch};

    fn add(store: &mut crate::Store, meeting: &str, title: &str) -> String {
        store
            .add_agenda_item(&AgendaItemInput { meeting_id: meeting.into(), title: title.into(), ..Default::default() })
            .unwrap()
            .id
    }

    fn titles(store: &crate::Store, meeting: &str) -> Vec<(i64, String)> {
        store.agenda(meeting).unwrap().into_iter().map(|i| (i.position, i.title)).collect()
    }

    #[test]
    fn items_are_appended_in_order_with_defaults() {
        let (mut store, meeting) = store_with_meeting();
        for title in ["Opening round", "Grant writing", "Closing"] {
            add(&mut store, &meeting, title);
        }
        let agenda = store.agenda(&meeting).unwrap();
        let order: Vec<_> = agenda.iter().map(|i| (i.position, i.title.as_str())).collect();
        assert_eq!(order, [(0, "Opening round"), (1, "Grant writing"), (2, "Closing")]);
        assert!(agenda.iter().all(|i| i.kind == "topic" && i.minutes == 10 && i.contributor_id.is_some()));
        assert_eq!(store.agenda_minutes(&meeting).unwrap(), (30, 60));
    }

    #[test]
    fn a_new_talking_point_goes_before_the_closing_round() {
        let (mut store, meeting) = store_with_meeting();
        store.apply_template(&meeting, crate::templates::CHECK_IN).unwrap();
        add(&mut store, &meeting, "Grant writing");
        add(&mut store, &meeting, "Job talk");
        let order: Vec<String> = titles(&store, &meeting).into_iter().map(|(_, t)| t).collect();
        let expected = [
            "Opening round",
            "First topic",
            "Second topic",
            "Action review",
            "Grant writing",
            "Job talk",
            "Closing round",
        ];
        assert_eq!(order, expected);
        let positions: Vec<i64> = titles(&store, &meeting).into_iter().map(|(p, _)| p).collect();
        assert_eq!(positions, (0..7).collect::<Vec<_>>(), "places stay numbered one by one");
        // With the closing round reached, a late point goes after it.
        let (mut store, meeting) = store_with_meeting();
        add(&mut store, &meeting, "Closing round"); // a topic named so is no closing round
        add(&mut store, &meeting, "Late point");
        assert_eq!(titles(&store, &meeting)[1].1, "Late point");
    }

    #[test]
    fn an_ended_meeting_gets_no_advice_about_its_agenda() {
        let (mut store, meeting) = store_with_meeting();
        let long = AgendaItemInput {
            meeting_id: meeting.clone(),
            title: "Tenure files".into(),
            minutes: Some(80),
            ..Default::default()
        };
        store.add_agenda_item(&long).unwrap();
        let advice = store.planned_minutes(&meeting).unwrap().advice;
        assert_eq!(advice.as_deref(), Some("20 minutes over. Shorten or remove a talking point."));
        store.start_meeting(&meeting, None).unwrap();
        assert!(store.planned_minutes(&meeting).unwrap().advice.is_some(), "a running meeting can still change");
        store.end_meeting(&meeting, "").unwrap();
        let planned = store.planned_minutes(&meeting).unwrap();
        assert_eq!((planned.over, planned.advice), (20, None), "the figures stay, the advice goes");
        assert_eq!(
            crate::PlannedMinutes::new(61, 60, true).advice.as_deref(),
            Some("1 minute over. Shorten or remove a talking point.")
        );
    }

    #[test]
    fn the_agenda_view_labels_kinds_and_says_how_far_over_the_plan_runs() {
        let (mut store, meeting) = store_with_meeting();
        let win = AgendaItemInput {
            meeting_id: meeting.clone(),
            title: "Grant funded".into(),
            kind: Some("win".into()),
            minutes: Some(25),
            ..Default::default()
        };
        let first = store.add_agenda_item(&win).unwrap();
        let view = store.agenda_view(&meeting).unwrap();
        assert_eq!(view.items[0].kind_label, "Win");
        assert_eq!(view.planned, crate::PlannedMinutes { total: 25, length: 60, over: 0, percent: 42, advice: None });
        for title in ["Job talk", "Tenure file"] {
            store.add_agenda_item(&AgendaItemInput { title: title.into(), ..win.clone() }).unwrap();
        }
        let view = store.agenda_view(&meeting).unwrap();
        let advice = Some("15 minutes over. Shorten or remove a talking point.".to_string());
        assert_eq!(view.planned, crate::PlannedMinutes { total: 75, length: 60, over: 15, percent: 100, advice });
        // A reorder changes the order served, not the total.
        store.move_agenda_item(&first.id, 2).unwrap();
        let view = store.agenda_view(&meeting).unwrap();
        let titles: Vec<&str> = view.items.iter().map(|e| e.item.title.as_str()).collect();
        assert_eq!(titles, ["Job talk", "Tenure file", "Grant funded"]);
        assert_eq!(view.planned.total, 75);
        assert_eq!(store.agenda_view("not-an-id").unwrap_err().field(), Some("Meeting"));
    }

    #[test]
    fn every_kind_has_its_own_label_served_in_order() {
        let choices = crate::agenda_kind_choices();
        let values: Vec<&str> = choices.iter().map(|c| c.value).collect();
        assert_eq!(values, crate::AGENDA_KINDS);
        let mut labels: Vec<&str> = choices.iter().map(|c| c.label).collect();
        assert!(!labels.contains(&"Item"), "every kind has a label of its own: {labels:?}");
        labels.sort();
        labels.dedup();
        assert_eq!(labels.len(), crate::AGENDA_KINDS.len(), "no two kinds read the same");
        let help = crate::agenda_choices().help_wanted;
        assert_eq!(help.iter().map(|c| c.value).collect::<Vec<_>>(), crate::HELP_KINDS);
        assert!(help.iter().all(|c| c.label != "Help"), "every kind of help has a label of its own");
    }

    #[test]
    fn empty_titles_and_absurd_timeboxes_are_refused() {
        let (mut store, meeting) = store_with_meeting();
        let base = AgendaItemInput { meeting_id: meeting.clone(), title: "".into(), ..Default::default() };
        assert_eq!(store.add_agenda_item(&base).unwrap_err().code(), "empty");
        for minutes in [0, -5, 100_000] {
            let input = AgendaItemInput { title: "T".into(), minutes: Some(minutes), ..base.clone() };
            assert_eq!(store.add_agenda_item(&input).unwrap_err().field(), Some("Timebox"));
        }
        assert!(store.agenda(&meeting).unwrap().is_empty());
    }

    #[test]
    fn a_member_turn_can_serve_a_goal_shared_with_the_circle() {
        let (mut store, meeting) = store_with_meeting();
        let circle = store.meeting(&meeting).unwrap().circle_id;
        let private = store.add_goal(&crate::GoalInput { text: "Private".into(), ..Default::default() }).unwrap();
        let goal = store
            .add_goal(&crate::GoalInput {
                text: "Publish".into(),
                circle_id: Some(circle),
                shared: true,
                ..Default::default()
            })
            .unwrap();
        let input = AgendaItemInput {
            meeting_id: meeting.clone(),
            title: "My turn".into(),
            kind: Some("member_turn".into()),
            goal_id: Some(goal.id.clone()),
            ..Default::default()
        };
        assert_eq!(store.add_agenda_item(&input).unwrap().goal_id, Some(goal.id));
        let secret = AgendaItemInput { goal_id: Some(private.id), ..input.clone() };
        assert_eq!(store.add_agenda_item(&secret).unwrap_err().field(), Some("Goal"));
        let unknown = AgendaItemInput { goal_id: Some("01934d6e-0000-7000-8000-000000000000".into()), ..input };
        assert_eq!(store.add_agenda_item(&unknown).unwrap_err().code(), "not_found");
    }

    #[test]
    fn moving_renumbers_and_refuses_places_past_the_end() {
        let (mut store, meeting) = store_with_meeting();
        let ids: Vec<String> = ["A", "B", "C", "D"].iter().map(|t| add(&mut store, &meeting, t)).collect();
        store.move_agenda_item(&ids[3], 0).unwrap();
        assert_eq!(titles(&store, &meeting), [(0, "D".into()), (1, "A".into()), (2, "B".into()), (3, "C".into())]);
        store.move_agenda_item(&ids[3], 3).unwrap();
        assert_eq!(titles(&store, &meeting), [(0, "A".into()), (1, "B".into()), (2, "C".into()), (3, "D".into())]);
        let err = store.move_agenda_item(&ids[0], 4).unwrap_err();
        assert!(err.to_string().contains("5 is past the end"), "{err}");
        assert!(store.move_agenda_item(&ids[0], -1).is_err());
        store.delete_agenda_item(&ids[1]).unwrap();
        assert_eq!(titles(&store, &meeting), [(0, "A".into()), (1, "C".into()), (2, "D".into())]);
    }

    #[test]
    fn a_patch_changes_only_what_it_names_and_a_huge_note_is_refused_whole() {
        let (mut store, meeting) = store_with_meeting();
        let id = add(&mut store, &meeting, "Tenure file");
        let patched = store
            .update_agenda_item(
                &id,
                &AgendaItemPatch { minutes: Some(25), notes: Some("Bring the CV".into()), ..Default::default() },
            )
            .unwrap();
        assert_eq!(
            (patched.title.as_str(), patched.minutes, patched.notes.as_str()),
            ("Tenure file", 25, "Bring the CV")
        );
        let circle = store.meeting(&meeting).unwrap().circle_id;
        let me = store.my_member_id(&circle).unwrap();
        let turn = store
            .update_agenda_item(&id, &AgendaItemPatch { member_id: Some(me.clone()), ..Default::default() })
            .unwrap();
        assert_eq!(turn.member_id, Some(me));
        let cleared = store
            .update_agenda_item(&id, &AgendaItemPatch { member_id: Some(String::new()), ..Default::default() })
            .unwrap();
        assert_eq!(cleared.member_id, None);
        let paste = "x".repeat(5 * 1024 * 1024);
        let err =
            store.update_agenda_item(&id, &AgendaItemPatch { notes: Some(paste), ..Default::default() }).unwrap_err();
        assert_eq!(err.code(), "too_long");
        assert_eq!(store.agenda_item(&id).unwrap().notes, "Bring the CV", "the saved note is kept");
    }
}
