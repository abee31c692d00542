//! The circle home: everything a member wants at a glance, in one call.

use crate::{ActionItem, Circle, Meeting, Member, Resource, Result, ScheduleDefaults, SharedReflection, Store};
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

/// An open action item with where it came from, for the circle home and run mode.
#[derive(Debug, Clone, Serialize)]
pub struct OpenAction {
    #[serde(flatten)]
    pub action: ActionItem,
    pub meeting_title: String,
    pub meeting_starts_at: String,
    pub owner_name: Option<String>,
    /// Its due date is before today (UTC, as deadlines are judged).
    pub overdue: bool,
}

/// One owner's open action items, as the circle home lists them.
#[derive(Debug, Clone, Serialize)]
pub struct OwnerActions {
    /// `None` for the actions nobody has taken on yet.
    pub owner_id: Option<String>,
    /// The owner's name, or "No owner yet".
    pub owner_name: String,
    /// Overdue first, then by due date, undated last; at most [`ACTIONS_SHOWN`] on a screen
    /// that shows a few (see [`OwnerActions::shown`]).
    pub actions: Vec<OpenAction>,
    /// How many more this owner has beyond `actions` ("Show all").
    pub more: usize,
}

impl OwnerActions {
    /// The first `limit` actions, counting the rest in `more`: a screen draws a few per
    /// owner and the whole list only when asked, however many years a circle has gathered.
    fn shown(mut self, limit: usize) -> OwnerActions {
        self.more += self.actions.len().saturating_sub(limit);
        self.actions.truncate(limit);
        self
    }
}

/// Heads the actions nobody owns.
pub const NO_OWNER: &str = "No owner yet";

/// How many open actions per owner the circle home and an agenda's action review draw.
pub const ACTIONS_SHOWN: usize = 5;

/// How many past meetings the circle home draws before "Show all".
pub const PAST_SHOWN: usize = 10;

/// The circle home screen.
#[derive(Debug, Clone, Serialize)]
pub struct CircleHome {
    pub circle: Circle,
    /// Current members first, then those who left, each by name.
    pub members: Vec<Member>,
    /// This laptop's person's member id here.
    pub me: String,
    /// The running meeting, else the soonest upcoming one: the first of `upcoming`.
    pub next_meeting: Option<Meeting>,
    /// Meetings still ahead (see [`is_upcoming`]): a running one first, then soonest first.
    pub upcoming: Vec<Meeting>,
    /// The latest [`PAST_SHOWN`] other meetings, newest first.
    pub past: Vec<Meeting>,
    /// How many past meetings there are beyond `past` ([`Store::past_meetings`] has them all).
    pub past_more: usize,
    /// What the form that schedules the next meeting starts from.
    pub schedule: ScheduleDefaults,
    /// Open action items by owner (owners by name, then those with no owner), each with its
    /// first [`ACTIONS_SHOWN`] ([`Store::owner_open_actions`] has the rest).
    pub actions_by_owner: Vec<OwnerActions>,
    /// Resources whose deadline is today or later, soonest first.
    pub upcoming_deadlines: Vec<Resource>,
    /// The latest [`LATEST_REFLECTIONS`] reflections shared with the circle, newest first.
    pub latest_reflections: Vec<SharedReflection>,
    /// What is left to get the circle going; `None` once every step is done.
    pub setup_checklist: Option<SetupChecklist>,
}

/// The steps from a new circle to a running one, each ticked from what the circle holds.
#[derive(Debug, Clone, Serialize)]
pub struct SetupChecklist {
    /// "2 of 4 done".
    pub progress: String,
    pub steps: Vec<SetupStep>,
}

/// One step of the [`SetupChecklist`].
#[derive(Debug, Clone, Serialize)]
pub struct SetupStep {
    /// `members`, `invites`, `meeting` or `agenda`: which action the screen offers.
    pub key: &'static str,
    /// "Add the members".
    pub label: &'static str,
    pub done: bool,
    /// What is done or left, in a line ("Ben Okafor and Cam Lee added").
    pub detail: String,
    /// The button that does it ("Add members"); `None` when done.
    pub action: Option<&'static str>,
    /// For the agenda step: the meeting whose agenda to open.
    pub meeting_id: Option<String>,
    /// For the invites step: the members still without a joined laptop or a live invite.
    pub member_ids: Vec<String>,
}

/// "Ben Okafor", "Ben Okafor and Cam Lee", "Ben Okafor, Cam Lee and Dee Park".
pub fn name_list(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// How many shared reflections the circle home shows (the reflections page has them all).
pub const LATEST_REFLECTIONS: i64 = 3;

/// Whether a meeting is still ahead of the circle at `now`: it is running, or it is
/// scheduled and has not ended (its start plus its planned length is `now` or later). A
/// scheduled meeting whose time has passed without being run is past, like an ended or a
/// cancelled one; so is a meeting that ended earlier today.
pub fn is_upcoming(meeting: &Meeting, now: DateTime<Utc>) -> bool {
    match meeting.status.as_str() {
        "running" => true,
        "scheduled" => crate::validate::timestamp("Start", &meeting.starts_at)
            .is_ok_and(|start| start + Duration::minutes(meeting.minutes) >= now),
        _ => false,
    }
}

/// Groups open actions by owner: owners by name (then id), the unowned last; each group keeps
/// the order it is given.
pub fn by_owner(actions: Vec<OpenAction>) -> Vec<OwnerActions> {
    let mut groups: Vec<OwnerActions> = Vec::new();
    for action in actions {
        let owner_id = action.action.owner_id.clone();
        match groups.iter_mut().find(|g| g.owner_id == owner_id) {
            Some(group) => group.actions.push(action),
            None => groups.push(OwnerActions {
                owner_name: action.owner_name.clone().unwrap_or_else(|| NO_OWNER.to_string()),
                owner_id,
                actions: vec![action],
                more: 0,
            }),
        }
    }
    groups.sort_by(|a, b| {
        (a.owner_id.is_none(), &a.owner_name, &a.owner_id).cmp(&(b.owner_id.is_none(), &b.owner_name, &b.owner_id))
    });
    groups
}

impl Store {
    /// Open action items matching `filter` (SQL over `a`, the action, and `m`, its meeting),
    /// overdue first, then by due date, undated last.
    pub(crate) fn open_actions_where(&self, filter: &str, params: impl rusqlite::Params) -> Result<Vec<OpenAction>> {
        let today = crate::clock::to_stored(self.now())[..10].to_string();
        let sql = format!(
            "SELECT a.*, m.title AS meeting_title, m.starts_at AS meeting_starts_at, o.name AS owner_name
             FROM action_items a
             JOIN meetings m ON m.id = a.meeting_id LEFT JOIN members o ON o.id = a.owner_id
             WHERE a.done = 0 AND ({filter})
             ORDER BY a.due IS NULL, a.due, m.starts_at, a.id"
        );
        let mut stmt = self.conn().prepare(&sql)?;
        let rows = stmt.query_map(params, |r| {
            let action: ActionItem = crate::rows::from_row(r)?;
            Ok(OpenAction {
                overdue: action.due.as_deref().is_some_and(|due| due < today.as_str()),
                action,
                meeting_title: r.get("meeting_title")?,
                meeting_starts_at: r.get("meeting_starts_at")?,
                owner_name: r.get("owner_name")?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Open action items of a circle, overdue first, then by due date, undated last.
    pub fn open_actions(&self, circle_id: &str) -> Result<Vec<OpenAction>> {
        self.open_actions_where("m.circle_id = ?1", [circle_id])
    }

    /// All of one owner's open action items in a circle (`None`: those nobody owns yet), in
    /// the home's order: what "Show all" on the circle home lists.
    pub fn owner_open_actions(&self, circle_id: &str, owner_id: Option<&str>) -> Result<Vec<OpenAction>> {
        self.open_actions_where("m.circle_id = ?1 AND a.owner_id IS ?2", (circle_id, owner_id))
    }

    /// An agenda's action review: the circle's open action items from other meetings, by
    /// owner, a few each.
    pub fn action_review(&self, meeting_id: &str) -> Result<Vec<OwnerActions>> {
        let meeting = self.meeting(meeting_id)?;
        let earlier =
            self.open_actions_where("m.circle_id = ?1 AND a.meeting_id <> ?2", (&meeting.circle_id, &meeting.id))?;
        Ok(by_owner(earlier).into_iter().map(|g| g.shown(ACTIONS_SHOWN)).collect())
    }

    /// Every past meeting of a circle, newest first: what "Show all" on the circle home lists.
    pub fn past_meetings(&self, circle_id: &str) -> Result<Vec<Meeting>> {
        let now = self.now();
        let mut meetings = self.meetings(&crate::ids::parse_id("Circle", circle_id)?)?;
        meetings.reverse();
        meetings.retain(|m| !is_upcoming(m, now));
        Ok(meetings)
    }

    /// The circle home screen's data.
    pub fn circle_home(&self, circle_id: &str) -> Result<CircleHome> {
        let crate::CirclePeople { circle, members, me } = self.circle_people(circle_id)?;
        let now = self.now();
        let mut meetings = self.meetings(&circle.id)?;
        meetings.reverse();
        let (mut upcoming, mut past): (Vec<Meeting>, Vec<Meeting>) =
            meetings.iter().cloned().partition(|m| is_upcoming(m, now));
        let past_more = past.len().saturating_sub(PAST_SHOWN);
        past.truncate(PAST_SHOWN);
        upcoming.sort_by(|a, b| (a.status != "running", &a.starts_at).cmp(&(b.status != "running", &b.starts_at)));
        let stored_now = crate::clock::to_stored(now);
        let today = &stored_now[..10];
        let mut upcoming_deadlines: Vec<Resource> = self
            .resources(&circle.id)?
            .into_iter()
            .filter(|r| r.deadline.as_deref().is_some_and(|d| d >= today))
            .collect();
        upcoming_deadlines.sort_by(|a, b| a.deadline.cmp(&b.deadline));
        let open_actions = self.open_actions(&circle.id)?;
        Ok(CircleHome {
            me,
            actions_by_owner: by_owner(open_actions).into_iter().map(|g| g.shown(ACTIONS_SHOWN)).collect(),
            latest_reflections: self.shared_reflections_with(&circle.id, None, None, LATEST_REFLECTIONS)?,
            setup_checklist: self.setup_checklist(&circle.id, &members, upcoming.first().or(meetings.first()))?,
            schedule: self.schedule_defaults_after(&circle, meetings.first())?, // newest first
            circle,
            members,
            next_meeting: upcoming.first().cloned(),
            upcoming,
            past,
            past_more,
            upcoming_deadlines,
        })
    }
}

impl Store {
    /// The circle's set-up steps as they stand: members added, invites made for everyone who
    /// has not joined, a meeting scheduled, talking points on an agenda. `None` when all are done.
    fn setup_checklist(
        &self,
        circle_id: &str,
        members: &[Member],
        next: Option<&Meeting>,
    ) -> Result<Option<SetupChecklist>> {
        let me = self.my_member_id(circle_id)?;
        let others: Vec<&Member> = members.iter().filter(|m| m.left_at.is_none() && m.id != me).collect();
        let invites = self.member_invites(circle_id)?;
        let mut waiting = Vec::new();
        for m in &others {
            let joined: bool = self.conn().query_row(
                "SELECT EXISTS (SELECT 1 FROM device_keys WHERE circle_id = ?1 AND member_id = ?2)",
                (circle_id, &m.id),
                |r| r.get(0),
            )?;
            let invited = invites.iter().any(|i| i.member_id == m.id && !i.expired);
            if !joined && !invited {
                waiting.push((m.id.clone(), m.name.clone()));
            }
        }
        let meetings: i64 =
            self.conn().query_row("SELECT count(*) FROM meetings WHERE circle_id = ?1", [circle_id], |r| r.get(0))?;
        let points: i64 = self.conn().query_row(
            "SELECT count(*) FROM agenda_items a JOIN meetings m ON m.id = a.meeting_id WHERE m.circle_id = ?1",
            [circle_id],
            |r| r.get(0),
        )?;
        let names: Vec<String> = others.iter().map(|m| m.name.clone()).collect();
        let (waiting_ids, waiting): (Vec<String>, Vec<String>) = waiting.into_iter().unzip();
        let steps = vec![
            SetupStep {
                key: "members",
                label: "Add the members",
                done: !others.is_empty(),
                detail: if others.is_empty() {
                    "Nobody but you yet.".into()
                } else {
                    format!("{} in the circle with you.", name_list(&names))
                },
                action: Some("Add members"),
                meeting_id: None,
                member_ids: Vec::new(),
            },
            SetupStep {
                key: "invites",
                label: "Make their invites",
                done: !others.is_empty() && waiting.is_empty(),
                detail: if others.is_empty() {
                    "Once they are added, each gets an invite file to open Kinship with.".into()
                } else if waiting.is_empty() {
                    "Everyone has joined or has an invite.".into()
                } else {
                    format!("No invite yet for {}.", name_list(&waiting))
                },
                action: Some("Make invites"),
                meeting_id: None,
                member_ids: waiting_ids,
            },
            SetupStep {
                key: "meeting",
                label: "Schedule the first meeting",
                done: meetings > 0,
                detail: match next {
                    Some(m) => format!("{} is on the calendar.", m.title),
                    None => "Pick a date; a template can fill its agenda.".into(),
                },
                action: Some("Schedule the first meeting"),
                meeting_id: None,
                member_ids: Vec::new(),
            },
            SetupStep {
                key: "agenda",
                label: "Start the agenda",
                done: points > 0,
                detail: if points > 0 {
                    "Talking points are on the agenda.".into()
                } else if next.is_some() {
                    "Add a first talking point.".into()
                } else {
                    "Once a meeting is scheduled, add a first talking point.".into()
                },
                action: next.map(|_| "Add a talking point"),
                meeting_id: next.map(|m| m.id.clone()),
                member_ids: Vec::new(),
            },
        ];
        let done = steps.iter().filter(|s| s.done).count();
        if done == steps.len() {
            return Ok(None);
        }
        let steps =
            steps.into_iter().map(|s| SetupStep { action: if s.done { None } else { s.action }, ..s }).collect();
        Ok(Some(SetupChecklist { progress: format!("{done} of 4 done"), steps }))
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::{store_with_meeting_and_clock, t};
    use crate::{ActionItemInput, MeetingInput, ResourceInput};

    #[test]
    fn home_shows_the_next_meeting_open_actions_and_deadlines() {
        let (mut store, _clock, meeting) = store_with_meeting_and_clock();
        let circle = store.meeting(&meeting).unwrap().circle_id;
        store
            .add_action_item(&ActionItemInput {
                meeting_id: meeting.clone(),
                text: "Draft the call".into(),
                ..Default::default()
            })
            .unwrap();
        for (title, deadline) in [("Past CFP", "2026-01-01"), ("ACRL 2027", "2026-06-01")] {
            store
                .add_resource(&ResourceInput {
                    circle_id: circle.clone(),
                    title: title.into(),
                    deadline: Some(deadline.into()),
                    ..Default::default()
                })
                .unwrap();
        }
        let home = store.circle_home(&circle).unwrap();
        assert_eq!(home.next_meeting.unwrap().id, meeting);
        assert_eq!(home.actions_by_owner.len(), 1);
        assert_eq!(home.actions_by_owner[0].owner_name, crate::home::NO_OWNER);
        assert_eq!(home.actions_by_owner[0].actions[0].action.text, "Draft the call");
        let titles: Vec<_> = home.upcoming_deadlines.iter().map(|r| r.title.as_str()).collect();
        assert_eq!(titles, ["ACRL 2027"]);
    }

    #[test]
    fn the_home_lists_open_actions_by_owner_overdue_first() {
        // Today is 4 March 2026; the meeting is on the 5th.
        let (mut store, clock, meeting) = store_with_meeting_and_clock();
        let circle = store.meeting(&meeting).unwrap().circle_id;
        let me = store.my_member_id(&circle).unwrap();
        let input = crate::MemberInput {
            circle_id: circle.clone(),
            name: "Ben Okafor".into(),
            email: "ben@x.org".into(),
            ..Default::default()
        };
        let ben = store.add_member(&input).unwrap().id;
        for (text, owner, due) in [
            ("Ben undated", Some(&ben), None),
            ("Nobody's", None, Some("2026-03-06")),
            ("Ana later", Some(&me), Some("2026-04-01")),
            ("Ben late", Some(&ben), Some("2026-03-06")),
            ("Ana late", Some(&me), Some("2026-03-07")),
        ] {
            let input = ActionItemInput {
                meeting_id: meeting.clone(),
                text: text.into(),
                owner_id: owner.cloned(),
                due: due.map(String::from),
                agenda_item_id: None,
            };
            store.add_action_item(&input).unwrap();
        }
        clock.set(t("2026-03-10T08:00:00Z"));
        let home = store.circle_home(&circle).unwrap();
        let groups: Vec<(&str, Vec<(&str, bool)>)> = home
            .actions_by_owner
            .iter()
            .map(|g| (g.owner_name.as_str(), g.actions.iter().map(|a| (a.action.text.as_str(), a.overdue)).collect()))
            .collect();
        assert_eq!(
            groups,
            [
                ("Ana Reyes", vec![("Ana late", true), ("Ana later", false)]),
                ("Ben Okafor", vec![("Ben late", true), ("Ben undated", false)]),
                (crate::home::NO_OWNER, vec![("Nobody's", true)]),
            ]
        );
        assert_eq!(home.actions_by_owner[1].owner_id.as_deref(), Some(ben.as_str()));
        // Due today is not late.
        clock.set(t("2026-03-07T23:00:00Z"));
        let home = store.circle_home(&circle).unwrap();
        assert!(!home.actions_by_owner[0].actions[0].overdue, "due today is not overdue yet");
    }

    #[test]
    fn a_long_history_is_drawn_a_few_at_a_time_and_show_all_has_the_rest() {
        // Today is 4 March 2026; the fixture's meeting is on the 5th.
        let (mut store, _clock, upcoming) = store_with_meeting_and_clock();
        let circle = store.meeting(&upcoming).unwrap().circle_id;
        let me = store.my_member_id(&circle).unwrap();
        let mut past = Vec::new();
        for day in 1..=14 {
            let input = MeetingInput {
                circle_id: circle.clone(),
                starts_at: format!("2026-02-{day:02}T10:00:00Z"),
                minutes: Some(60),
                ..Default::default()
            };
            past.push(store.create_meeting(&input).unwrap().id);
        }
        for n in 0..8 {
            let input = ActionItemInput {
                meeting_id: past[n].clone(),
                text: format!("Mine {n}"),
                owner_id: Some(me.clone()),
                due: Some(format!("2026-05-{:02}", n + 1)),
                agenda_item_id: None,
            };
            store.add_action_item(&input).unwrap();
        }
        let on_upcoming =
            ActionItemInput { meeting_id: upcoming.clone(), text: "From this meeting".into(), ..Default::default() };
        store.add_action_item(&on_upcoming).unwrap();

        let home = store.circle_home(&circle).unwrap();
        assert_eq!(home.past.len(), super::PAST_SHOWN);
        assert_eq!(home.past_more, 14 - super::PAST_SHOWN);
        assert_eq!(home.past[0].starts_at, "2026-02-14T10:00:00Z", "newest first");
        let all_past = store.past_meetings(&circle).unwrap();
        assert_eq!(all_past.len(), 14);
        assert_eq!(all_past[..super::PAST_SHOWN], home.past[..]);

        let mine = &home.actions_by_owner[0];
        assert_eq!((mine.actions.len(), mine.more), (super::ACTIONS_SHOWN, 8 - super::ACTIONS_SHOWN));
        assert_eq!(mine.actions[0].action.text, "Mine 0", "soonest due first");
        let all_mine = store.owner_open_actions(&circle, Some(&me)).unwrap();
        assert_eq!(all_mine.len(), 8);
        let nobodys = store.owner_open_actions(&circle, None).unwrap();
        assert_eq!(nobodys.iter().map(|a| a.action.text.as_str()).collect::<Vec<_>>(), ["From this meeting"]);

        // The agenda's review leaves out the meeting's own actions.
        let review = store.action_review(&upcoming).unwrap();
        assert_eq!(review.len(), 1, "only my earlier actions: {review:?}");
        assert_eq!((review[0].actions.len(), review[0].more), (super::ACTIONS_SHOWN, 3));
        let review = store.action_review(&past[0]).unwrap();
        let texts: Vec<&str> = review.iter().flat_map(|g| g.actions.iter().map(|a| a.action.text.as_str())).collect();
        assert!(!texts.contains(&"Mine 0") && texts.contains(&"From this meeting"), "{texts:?}");
    }

    #[test]
    fn a_meeting_is_upcoming_until_it_ends_and_the_home_groups_them() {
        // Today is 4 March 2026, 12:00 UTC.
        let (mut store, clock, later) = store_with_meeting_and_clock();
        let circle = store.meeting(&later).unwrap().circle_id;
        let at = |store: &mut crate::Store, starts_at: &str| {
            let input = MeetingInput {
                circle_id: circle.clone(),
                starts_at: starts_at.into(),
                minutes: Some(60),
                ..Default::default()
            };
            store.create_meeting(&input).unwrap().id
        };
        let ended_this_morning = at(&mut store, "2026-03-04T09:00:00Z"); // 9:00 to 10:00
        let under_way = at(&mut store, "2026-03-04T11:30:00Z"); // 11:30 to 12:30, not run in Kinship
        let last_week = at(&mut store, "2026-02-25T18:00:00Z");

        let home = store.circle_home(&circle).unwrap();
        let ids = |ms: &[crate::Meeting]| ms.iter().map(|m| m.id.clone()).collect::<Vec<_>>();
        // The circle list names the same next meeting as the circle home, by the same rule.
        let agree = |store: &crate::Store| {
            let listed = store.list_circles().unwrap().into_iter().find(|c| c.circle.id == circle).unwrap();
            let next = store.circle_home(&circle).unwrap().next_meeting.map(|m| m.starts_at);
            assert_eq!(listed.next_meeting_at, next, "the circle list and the circle home agree");
        };
        agree(&store);
        assert_eq!(ids(&home.upcoming), [under_way.clone(), later.clone()], "soonest first");
        assert_eq!(ids(&home.past), [ended_this_morning.clone(), last_week.clone()], "newest first");
        assert_eq!(home.next_meeting.unwrap().id, under_way, "a meeting in its slot is next, not one over today");
        assert_eq!(home.upcoming.len() + home.past.len(), 4, "every meeting is upcoming or past");
        assert_eq!(home.schedule, store.schedule_defaults(&circle).unwrap(), "the home's suggestion is the form's");

        // Its last minute still counts; a minute later it is past.
        clock.set(t("2026-03-04T12:30:00Z"));
        assert_eq!(store.circle_home(&circle).unwrap().next_meeting.unwrap().id, under_way);
        clock.set(t("2026-03-04T12:31:00Z"));
        agree(&store);
        let home = store.circle_home(&circle).unwrap();
        assert_eq!(ids(&home.upcoming), [later.clone()]);
        assert_eq!(ids(&home.past)[0], under_way);

        // A running meeting is next, however long it overruns; once ended, it is past.
        store.start_meeting(&later, None).unwrap();
        clock.set(t("2026-03-06T09:00:00Z"));
        let home = store.circle_home(&circle).unwrap();
        assert_eq!(home.next_meeting.unwrap().id, later);
        agree(&store);
        store.end_meeting(&later, "").unwrap();
        agree(&store);
        let home = store.circle_home(&circle).unwrap();
        assert!(home.next_meeting.is_none() && home.upcoming.is_empty());
        assert_eq!(ids(&home.past)[0], later, "an ended meeting is past the moment it ends");
    }

    #[test]
    fn home_shows_the_latest_shared_reflections() {
        let mut f = crate::minutes::tests::fixture();
        let home = f.ana.circle_home(&f.circle).unwrap();
        let ids: Vec<_> = home.latest_reflections.iter().map(|s| s.reflection.id.clone()).collect();
        assert_eq!(ids, [f.ben_shared.clone(), f.ana_shared.clone()]);
        for text in ["One", "Two", "Three"] {
            f.ana_clock.set(crate::Clock::now(&*f.ana_clock) + chrono::Duration::minutes(1));
            let input = crate::ReflectionInput {
                circle_id: Some(f.circle.clone()),
                text: text.into(),
                shared: true,
                ..Default::default()
            };
            f.ana.add_reflection(&input).unwrap();
        }
        let home = f.ana.circle_home(&f.circle).unwrap();
        let texts: Vec<_> = home.latest_reflections.iter().map(|s| s.reflection.text.as_str()).collect();
        assert_eq!(texts, ["Three", "Two", "One"], "the latest three, newest first");
    }

    #[test]
    fn the_setup_checklist_ticks_each_step_from_what_the_circle_holds_and_goes_when_done() {
        let (mut store, circle) = crate::test_support::store_with_circle();
        let steps = |store: &crate::Store| -> Option<Vec<(&'static str, bool)>> {
            let list = store.circle_home(&circle).unwrap().setup_checklist?;
            Some(list.steps.iter().map(|s| (s.key, s.done)).collect())
        };
        let all = |done: [bool; 4]| {
            Some(vec![("members", done[0]), ("invites", done[1]), ("meeting", done[2]), ("agenda", done[3])])
        };
        assert_eq!(steps(&store), all([false, false, false, false]), "a new circle: nothing done");
        let fresh = store.circle_home(&circle).unwrap().setup_checklist.unwrap();
        assert_eq!(fresh.progress, "0 of 4 done");
        assert_eq!(fresh.steps[3].action, None, "no agenda to open before a meeting");

        let person = |name: &str, email: &str| crate::MemberInput {
            circle_id: circle.clone(),
            name: name.into(),
            email: email.into(),
            ..Default::default()
        };
        let added =
            store.add_members(&circle, &[person("Ben Okafor", "ben@x.org"), person("Cam Lee", "cam@x.org")]).unwrap();
        assert_eq!(steps(&store), all([true, false, false, false]));
        let list = store.circle_home(&circle).unwrap().setup_checklist.unwrap();
        assert_eq!(list.steps[0].detail, "Ben Okafor and Cam Lee in the circle with you.");
        assert_eq!(list.steps[0].action, None, "a done step offers no action");
        assert_eq!(list.steps[1].detail, "No invite yet for Ben Okafor and Cam Lee.");
        assert_eq!(list.steps[1].member_ids, [added[0].id.clone(), added[1].id.clone()]);

        // One invite is not all of them.
        store.prepare_invite(&circle, &added[0].id, None).unwrap();
        assert_eq!(steps(&store), all([true, false, false, false]));
        assert_eq!(
            store.circle_home(&circle).unwrap().setup_checklist.unwrap().steps[1].detail,
            "No invite yet for Cam Lee."
        );
        store.prepare_invite(&circle, &added[1].id, None).unwrap();
        assert_eq!(steps(&store), all([true, true, false, false]));

        let input =
            MeetingInput { circle_id: circle.clone(), starts_at: "2027-03-09T18:00:00Z".into(), ..Default::default() };
        let meeting = store.create_meeting(&input).unwrap();
        assert_eq!(steps(&store), all([true, true, true, false]));
        let agenda = store.circle_home(&circle).unwrap().setup_checklist.unwrap().steps.pop().unwrap();
        assert_eq!(
            (agenda.action, agenda.meeting_id.as_deref()),
            (Some("Add a talking point"), Some(meeting.id.as_str()))
        );

        let point =
            crate::AgendaItemInput { meeting_id: meeting.id.clone(), title: "Job talk".into(), ..Default::default() };
        store.add_agenda_item(&point).unwrap();
        assert_eq!(steps(&store), None, "gone once every step is done");

        // Someone added later, without an invite: the checklist is back for them.
        store.add_member(&person("Dee Park", "dee@x.org")).unwrap();
        assert_eq!(steps(&store), all([true, false, true, true]));
    }
}
