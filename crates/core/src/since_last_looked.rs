//! "Since you last looked": what others brought to a circle since this laptop's person last
//! looked at it (new talking points, decisions, actions given to them, shared reflections,
//! resources, and dates and deadlines), each with the place that opens it.
//!
//! How far they have looked is device state (`seen_marks`, schema 10): per circle, "seen up
//! to number N of laptop D" in each laptop's change log. Log numbers are exact and gap-free
//! per laptop, so a sender's clock can neither hide a change nor bring an old one back, and
//! the marks never leave this laptop (no bundle, dump or export carries them).
//!
//! Only others' changes count: what this laptop's person wrote, here or on another laptop of
//! theirs, is never news to them.

use crate::changelog::{self, entity};
use crate::record::long_date;
use crate::{Error, Result, Store};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// The panel's heading, wherever it is shown.
pub const HEADING: &str = "Since you last looked";

/// How many entries a group lists; the rest are counted ("and 4 more").
pub const GROUP_LIMIT: usize = 8;

/// How much of a shared reflection an entry quotes.
const EXCERPT_CHARS: usize = 160;

/// Where an entry opens: the screen and the record it shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "screen", rename_all = "snake_case")]
pub enum Place {
    /// A meeting: its agenda, or its minutes once it has ended.
    Meeting { meeting_id: String },
    /// The circle's shared reflections.
    Reflections { circle_id: String },
    /// The circle's board of resources and opportunities.
    Board { circle_id: String },
}

/// One new thing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewThing {
    /// The record's id.
    pub id: String,
    /// What it says: a talking point's title, a decision, a resource's title…
    pub text: String,
    /// Where it belongs, in words: "For Monthly meeting", "Deadline 1 June 2026".
    pub detail: String,
    /// The member whose laptop wrote it last.
    pub by: Option<String>,
    /// When a meeting starts (RFC 3339 UTC), for a screen to show in local time.
    pub starts_at: Option<String>,
    pub opens: Place,
}

/// What kind of news a group holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    TalkingPoints,
    Decisions,
    ActionsForYou,
    SharedReflections,
    Resources,
    DatesAndDeadlines,
}

impl Kind {
    /// In the order the panel lists them.
    const ALL: [Kind; 6] = [
        Kind::TalkingPoints,
        Kind::Decisions,
        Kind::ActionsForYou,
        Kind::SharedReflections,
        Kind::Resources,
        Kind::DatesAndDeadlines,
    ];

    fn label(self) -> &'static str {
        match self {
            Kind::TalkingPoints => "New talking points",
            Kind::Decisions => "Decisions",
            Kind::ActionsForYou => "Actions for you",
            Kind::SharedReflections => "Shared reflections",
            Kind::Resources => "Resources",
            Kind::DatesAndDeadlines => "Dates and deadlines",
        }
    }
}

/// One kind of news, newest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewGroup {
    pub kind: Kind,
    pub label: &'static str,
    /// At most [`GROUP_LIMIT`].
    pub items: Vec<NewThing>,
    /// How many more there are than `items` lists.
    pub more: usize,
    /// "and 4 more", when there are.
    pub more_label: Option<String>,
}

/// What is new in a circle since this laptop's person last looked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SinceLastLooked {
    pub circle_id: String,
    pub heading: &'static str,
    /// "5 new things from Ben Okafor and Chen Wei", or "Nothing new since you last looked."
    pub summary: String,
    /// Only kinds with news, in a fixed order.
    pub groups: Vec<NewGroup>,
    /// Every new thing, the listed and the counted.
    pub total: usize,
    /// How far this listing looked (per laptop, the highest change number): "Mark as seen"
    /// passes it back, so what arrives while the panel is open stays new.
    pub seen_upto: BTreeMap<String, i64>,
}

/// What others' changes since the marks did to one record.
#[derive(Default)]
struct Touched {
    /// Field names the changes wrote.
    fields: HashSet<String>,
    /// The latest change's clock and laptop.
    latest_hlc: String,
    latest_device: String,
}

impl Touched {
    fn wrote(&self, field: &str) -> bool {
        self.fields.contains(field)
    }
}

/// "Ben Okafor", "Ben Okafor and Chen Wei", "Ana, Ben and Chen".
fn names_in_words(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn excerpt(text: &str) -> String {
    let text = text.trim();
    match text.char_indices().nth(EXCERPT_CHARS) {
        Some((cut, _)) => format!("{}…", text[..cut].trim_end()),
        None => text.to_string(),
    }
}

impl Store {
    /// How far this laptop's person has looked at a circle, per laptop.
    fn seen_marks(&self, circle_id: &str) -> Result<BTreeMap<String, i64>> {
        let mut stmt = self.conn().prepare_cached("SELECT author_device, seq FROM seen_marks WHERE circle_id = ?1")?;
        let rows = stmt.query_map([circle_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The highest change number this laptop holds from each laptop in a circle.
    fn log_heads(&self, circle_id: &str) -> Result<BTreeMap<String, i64>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT author_device, highest_seq FROM log_extent WHERE circle_id = ?1 AND entries > 0")?;
        let rows = stmt.query_map([circle_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Lists what others brought to a circle since this laptop's person last looked.
    pub fn since_last_looked(&self, circle_id: &str) -> Result<SinceLastLooked> {
        let circle = self.circle(&crate::ids::parse_id("Circle", circle_id)?)?.id;
        let me: Option<String> = self.my_member_id(&circle).ok();
        let marks = self.seen_marks(&circle)?;
        let seen_upto = self.log_heads(&circle)?;

        // Laptops whose changes are mine: this one, and every laptop the circle holds for me.
        let mut mine: HashSet<String> = HashSet::from([self.device_id().to_string()]);
        let mut laptops: HashMap<String, String> = HashMap::new(); // device → member's name
        let mut stmt = self.conn().prepare_cached(
            "SELECT k.device_id, k.member_id, m.name FROM device_keys k JOIN members m ON m.id = k.member_id
             WHERE k.circle_id = ?1",
        )?;
        for row in stmt.query_map([&circle], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get(2)?)))? {
            let (device, member, name) = row?;
            if me.as_deref() == Some(member.as_str()) {
                mine.insert(device.clone());
            }
            laptops.insert(device, name);
        }

        // What others' changes since the marks touched, record by record.
        let mut touched: HashMap<(String, String), Touched> = HashMap::new();
        for change in changelog::changes_after(self.conn(), &circle, &marks)? {
            if mine.contains(&change.author_device) || change.op != "put" {
                continue;
            }
            let t = touched.entry((change.entity, change.entity_id)).or_default();
            if let Some(fields) = change.fields.as_object() {
                t.fields.extend(fields.keys().cloned());
            }
            if change.hlc > t.latest_hlc {
                t.latest_hlc = change.hlc;
                t.latest_device = change.author_device;
            }
        }

        // A record is new when no change to it was seen before or written by me.
        let mut earlier =
            self.conn().prepare_cached("SELECT author_device, seq FROM change_log WHERE entity_id = ?1")?;
        let mut is_new = |id: &str| -> Result<bool> {
            let mut rows = earlier.query([id])?;
            while let Some(r) = rows.next()? {
                let (device, seq): (String, i64) = (r.get(0)?, r.get(1)?);
                if mine.contains(&device) || marks.get(&device).is_some_and(|seen| seq <= *seen) {
                    return Ok(false);
                }
            }
            Ok(true)
        };

        let today = crate::clock::to_stored(self.now())[..10].to_string();
        let now = self.now();
        let mut found: HashMap<Kind, Vec<(String, NewThing)>> = HashMap::new();
        let mut authors: Vec<String> = Vec::new();
        let names = self.member_names(&circle)?;
        for ((kind, id), t) in &touched {
            let by = laptops.get(&t.latest_device).cloned();
            let thing = |text: String, detail: String, opens: Place| NewThing {
                id: id.clone(),
                text,
                detail,
                by: by.clone(),
                starts_at: None,
                opens,
            };
            let news = match kind.as_str() {
                entity::AGENDA_ITEM if is_new(id)? => {
                    self.optional::<crate::AgendaItem>("agenda_items", id)?.map(|a| {
                        let meeting = self.meeting(&a.meeting_id);
                        let title = meeting.as_ref().map(|m| m.title.clone()).unwrap_or_default();
                        (
                            Kind::TalkingPoints,
                            thing(a.title, format!("For {title}"), Place::Meeting { meeting_id: a.meeting_id }),
                        )
                    })
                }
                entity::DECISION if is_new(id)? => self.optional::<crate::Decision>("decisions", id)?.map(|d| {
                    let title = self.meeting(&d.meeting_id).map(|m| m.title).unwrap_or_default();
                    (Kind::Decisions, thing(d.text, format!("At {title}"), Place::Meeting { meeting_id: d.meeting_id }))
                }),
                entity::ACTION_ITEM if me.is_some() && (t.wrote("owner_id") || is_new(id)?) => self
                    .optional::<crate::ActionItem>("action_items", id)?
                    .filter(|a| !a.done && a.owner_id == me)
                    .map(|a| {
                        let title = self.meeting(&a.meeting_id).map(|m| m.title).unwrap_or_default();
                        let due = a.due.as_deref().map(|d| format!(" · due {}", long_date(d))).unwrap_or_default();
                        let detail = format!("From {title}{due}");
                        (Kind::ActionsForYou, thing(a.text, detail, Place::Meeting { meeting_id: a.meeting_id }))
                    }),
                entity::REFLECTION if is_new(id)? => self
                    .optional::<crate::Reflection>("reflections", id)?
                    .filter(|r| r.visibility == "shared" && r.author_member_id != me)
                    .map(|r| {
                        let author = r.author_member_id.as_ref().and_then(|a| names.get(a)).cloned();
                        let meeting = r.meeting_id.as_deref().and_then(|m| self.meeting(m).ok());
                        let detail = match (&author, meeting) {
                            (Some(a), Some(m)) => format!("Shared by {a}, about {}", m.title),
                            (Some(a), None) => format!("Shared by {a}"),
                            (None, Some(m)) => format!("About {}", m.title),
                            (None, None) => "Shared with the circle".into(),
                        };
                        let mut entry =
                            thing(excerpt(&r.text), detail, Place::Reflections { circle_id: circle.clone() });
                        entry.by = author.or(entry.by);
                        (Kind::SharedReflections, entry)
                    }),
                entity::RESOURCE => {
                    let new = is_new(id)?;
                    self.optional::<crate::Resource>("resources", id)?.and_then(|r| {
                        let board = Place::Board { circle_id: circle.clone() };
                        match r.deadline.clone() {
                            Some(d) if d >= today && (new || t.wrote("deadline")) => Some((
                                Kind::DatesAndDeadlines,
                                thing(r.title, format!("Deadline {}", long_date(&d)), board),
                            )),
                            _ if new => Some((Kind::Resources, thing(r.title, "On the circle's board".into(), board))),
                            _ => None,
                        }
                    })
                }
                entity::MEETING if t.wrote("starts_at") => {
                    let new = is_new(id)?;
                    self.optional::<crate::Meeting>("meetings", id)?
                        .filter(|m| m.status == "scheduled" && crate::home::is_upcoming(m, now))
                        .map(|m| {
                            let detail = if new { "Meeting scheduled" } else { "Meeting moved" };
                            let mut entry =
                                thing(m.title.clone(), detail.into(), Place::Meeting { meeting_id: m.id.clone() });
                            entry.starts_at = Some(m.starts_at);
                            (Kind::DatesAndDeadlines, entry)
                        })
                }
                _ => None,
            };
            if let Some((kind, entry)) = news {
                if let Some(name) = &entry.by {
                    if !authors.contains(name) {
                        authors.push(name.clone());
                    }
                }
                found.entry(kind).or_default().push((t.latest_hlc.clone(), entry));
            }
        }

        let mut groups = Vec::new();
        let mut total = 0;
        for kind in Kind::ALL {
            let Some(mut entries) = found.remove(&kind) else { continue };
            // Newest first; the id breaks ties so a listing is the same each time.
            entries.sort_by(|a, b| (&b.0, &b.1.id).cmp(&(&a.0, &a.1.id)));
            total += entries.len();
            let more = entries.len().saturating_sub(GROUP_LIMIT);
            groups.push(NewGroup {
                kind,
                label: kind.label(),
                items: entries.into_iter().take(GROUP_LIMIT).map(|(_, e)| e).collect(),
                more,
                more_label: (more > 0).then(|| format!("and {more} more")),
            });
        }
        authors.sort();
        let summary = match total {
            0 => "Nothing new since you last looked.".to_string(),
            1 => format!("1 new thing from {}", names_in_words(&authors)),
            n => format!("{n} new things from {}", names_in_words(&authors)),
        };
        Ok(SinceLastLooked { circle_id: circle, heading: HEADING, summary, groups, total, seen_upto })
    }

    /// Marks a circle as looked at, up to `upto` (a listing's `seen_upto`), or up to
    /// everything this laptop holds now. Marks only move forward.
    pub fn mark_seen(&mut self, circle_id: &str, upto: Option<&BTreeMap<String, i64>>) -> Result<()> {
        let circle = self.circle(&crate::ids::parse_id("Circle", circle_id)?)?.id;
        let heads = match upto {
            Some(upto) => upto.clone(),
            None => self.log_heads(&circle)?,
        };
        let tx = self.conn().unchecked_transaction()?;
        {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO seen_marks (circle_id, author_device, seq) VALUES (?1, ?2, ?3)
                 ON CONFLICT (circle_id, author_device) DO UPDATE SET seq = max(seq, excluded.seq)",
            )?;
            for (device, seq) in &heads {
                if *seq < 0 {
                    return Err(Error::invalid("Seen", "a change number cannot be negative"));
                }
                stmt.execute((&circle, device, seq))?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// A row of `table` by id, if it is there (`table` is one of this module's names).
    fn optional<T: serde::de::DeserializeOwned>(&self, table: &str, id: &str) -> Result<Option<T>> {
        Ok(crate::rows::first(self.conn(), &format!("SELECT * FROM {table} WHERE id = ?1"), [id])?)
    }

    /// Every member's name in a circle, by id.
    fn member_names(&self, circle_id: &str) -> Result<HashMap<String, String>> {
        Ok(self.members(circle_id)?.into_iter().map(|m| (m.id, m.name)).collect())
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::{ana_and_ben, ana_and_ben_after, deliver, t};
    use crate::{ActionItemInput, AgendaItemInput, FixedClock, MeetingInput, ReflectionInput, ResourceInput, Store};
    use std::sync::Arc;

    fn clocks() -> (Arc<FixedClock>, Arc<FixedClock>) {
        (Arc::new(FixedClock::new(t("2026-03-04T12:00:00Z"))), Arc::new(FixedClock::new(t("2026-03-04T12:00:00Z"))))
    }

    /// Each group's label with its entries' texts.
    fn listed(store: &Store, circle: &str) -> Vec<(&'static str, Vec<String>)> {
        let since = store.since_last_looked(circle).unwrap();
        since.groups.iter().map(|g| (g.label, g.items.iter().map(|i| i.text.clone()).collect())).collect()
    }

    fn meeting(store: &mut Store, circle: &str, starts_at: &str) -> String {
        let input = MeetingInput { circle_id: circle.into(), starts_at: starts_at.into(), ..Default::default() };
        store.create_meeting(&input).unwrap().id
    }

    fn talking_point(store: &mut Store, meeting: &str, title: &str) -> String {
        let input = AgendaItemInput { meeting_id: meeting.into(), title: title.into(), ..Default::default() };
        store.add_agenda_item(&input).unwrap().id
    }

    #[test]
    fn what_others_brought_is_listed_by_kind_and_what_i_wrote_is_not() {
        let (ana_clock, ben_clock) = clocks();
        let (mut ana, mut ben, circle, _) = ana_and_ben(ana_clock, ben_clock);
        assert_eq!(ana.since_last_looked(&circle).unwrap().total, 0, "Ben joining is not news");
        let march = meeting(&mut ana, &circle, "2026-03-10T18:00:00Z");
        talking_point(&mut ana, &march, "Ana's own point");
        deliver(&ana, &mut ben, &circle);
        let title = ana.meeting(&march).unwrap().title;
        let ana_point = "Ana's own point".to_string();
        assert_eq!(
            listed(&ben, &circle),
            [("New talking points", vec![ana_point]), ("Dates and deadlines", vec![title])]
        );

        let ana_member = ana.my_member_id(&circle).unwrap();
        talking_point(&mut ben, &march, "Hiring freeze");
        let shared = ReflectionInput {
            circle_id: Some(circle.clone()),
            meeting_id: Some(march.clone()),
            text: "I felt heard.".into(),
            shared: true,
            ..Default::default()
        };
        ben.add_reflection(&shared).unwrap();
        let private = ReflectionInput { text: "Only mine.".into(), shared: false, ..shared.clone() };
        ben.add_reflection(&private).unwrap();
        let action = |text: &str, owner: Option<String>| ActionItemInput {
            meeting_id: march.clone(),
            text: text.into(),
            owner_id: owner,
            due: Some("2026-03-20".into()),
            agenda_item_id: None,
        };
        ben.add_action_item(&action("Send Ben the slides", Some(ana_member.clone()))).unwrap();
        ben.add_action_item(&action("Ben's own task", None)).unwrap();
        for (title, deadline) in [("ACRL 2027 call", Some("2026-06-01")), ("Reading list", None)] {
            let input = ResourceInput {
                circle_id: circle.clone(),
                title: title.into(),
                deadline: deadline.map(String::from),
                ..Default::default()
            };
            ben.add_resource(&input).unwrap();
        }
        deliver(&ben, &mut ana, &circle);

        let since = ana.since_last_looked(&circle).unwrap();
        assert_eq!(
            listed(&ana, &circle),
            [
                ("New talking points", vec!["Hiring freeze".to_string()]),
                ("Actions for you", vec!["Send Ben the slides".to_string()]),
                ("Shared reflections", vec!["I felt heard.".to_string()]),
                ("Resources", vec!["Reading list".to_string()]),
                ("Dates and deadlines", vec!["ACRL 2027 call".to_string()]),
            ],
            "Ana's own talking point, Ben's private reflection and an action not Ana's are not listed"
        );
        assert_eq!(since.total, 5);
        assert_eq!(since.summary, "5 new things from Ben Okafor");
        let point = &since.groups[0].items[0];
        assert_eq!(point.by.as_deref(), Some("Ben Okafor"));
        assert_eq!(point.opens, super::Place::Meeting { meeting_id: march.clone() });
        assert_eq!(since.groups[2].items[0].opens, super::Place::Reflections { circle_id: circle.clone() });
        assert_eq!(
            since.groups[2].items[0].detail,
            format!("Shared by Ben Okafor, about {}", ana.meeting(&march).unwrap().title)
        );
        assert_eq!(since.groups[4].items[0].detail, "Deadline 1 June 2026");

        // What arrives while the list is on screen stays new after "Mark as seen".
        talking_point(&mut ben, &march, "Conference budget");
        deliver(&ben, &mut ana, &circle);
        ana.mark_seen(&circle, Some(&since.seen_upto)).unwrap();
        assert_eq!(listed(&ana, &circle), [("New talking points", vec!["Conference budget".to_string()])]);
        ana.mark_seen(&circle, None).unwrap();
        let since = ana.since_last_looked(&circle).unwrap();
        assert_eq!((since.total, since.summary.as_str()), (0, "Nothing new since you last looked."));

        // An edit to a talking point already seen is not a new one.
        let patch = crate::AgendaItemPatch { title: Some("Hiring freeze, again".into()), ..Default::default() };
        let id = ana.agenda(&march).unwrap().into_iter().find(|a| a.title == "Hiring freeze").unwrap().id;
        ben.update_agenda_item(&id, &patch).unwrap();
        deliver(&ben, &mut ana, &circle);
        assert!(listed(&ana, &circle).is_empty());
    }

    #[test]
    fn a_change_stamped_before_i_looked_that_arrives_after_is_news() {
        // Ben's clock is a day behind Ana's (or he wrote offline and sent it late): by clock
        // readings his new talking point is older than what Ana last saw, but by his change
        // numbers it is new.
        let (ana_clock, ben_clock) = clocks();
        let (mut ana, mut ben, circle, _) = ana_and_ben(ana_clock.clone(), ben_clock);
        let march = meeting(&mut ana, &circle, "2026-03-10T18:00:00Z");
        deliver(&ana, &mut ben, &circle);
        ana_clock.set(t("2026-03-05T12:00:00Z"));
        talking_point(&mut ana, &march, "Written after Ben last heard from Ana");
        ana.mark_seen(&circle, None).unwrap();
        talking_point(&mut ben, &march, "From a slow clock");
        deliver(&ben, &mut ana, &circle);
        let latest_ana = ana
            .changes(&circle)
            .unwrap()
            .into_iter()
            .filter(|c| c.author_device == ana.device_id())
            .map(|c| c.hlc)
            .max()
            .unwrap();
        let ben_point = ana
            .changes(&circle)
            .unwrap()
            .into_iter()
            .find(|c| c.fields.get("title").and_then(|v| v.as_str()) == Some("From a slow clock"))
            .unwrap();
        assert!(ben_point.hlc < latest_ana, "the test needs Ben's change to read as older");
        assert_eq!(listed(&ana, &circle), [("New talking points", vec!["From a slow clock".to_string()])]);
    }

    #[test]
    fn marks_stay_on_this_laptop() {
        let (ana_clock, ben_clock) = clocks();
        let (mut ana, mut ben, circle, _) = ana_and_ben(ana_clock, ben_clock);
        let march = meeting(&mut ben, &circle, "2026-03-10T18:00:00Z");
        talking_point(&mut ben, &march, "Hiring freeze");
        deliver(&ben, &mut ana, &circle);
        let (dump, log, export) =
            (ana.dump(&circle).unwrap(), ana.changes(&circle).unwrap(), ana.export_json().unwrap());
        ana.mark_seen(&circle, None).unwrap();
        assert_eq!(ana.dump(&circle).unwrap(), dump, "the dump is the same");
        assert_eq!(ana.changes(&circle).unwrap(), log, "nothing was logged, so no bundle carries it");
        assert_eq!(ana.export_json().unwrap(), export, "the data export is the same");
        assert!(has_marks(&ana, &circle));
        // Ben wrote it: it was never news on his laptop.
        assert_eq!(ben.since_last_looked(&circle).unwrap().total, 0);
    }

    #[test]
    fn joining_counts_the_circle_as_it_was_as_seen() {
        let (ana_clock, ben_clock) = clocks();
        let mut march = String::new();
        let (mut ana, mut ben, circle, _) = ana_and_ben_after(ana_clock, ben_clock, |ana, circle| {
            march = meeting(ana, circle, "2026-03-10T18:00:00Z");
            talking_point(ana, &march, "Before Ben joined");
        });
        assert!(has_marks(&ben, &circle));
        assert_eq!(ben.since_last_looked(&circle).unwrap().total, 0, "ten years of history are not news");
        talking_point(&mut ana, &march, "After Ben joined");
        deliver(&ana, &mut ben, &circle);
        assert_eq!(listed(&ben, &circle), [("New talking points", vec!["After Ben joined".to_string()])]);
    }

    #[test]
    fn a_long_list_is_cut_with_how_many_more() {
        let (ana_clock, ben_clock) = clocks();
        let (mut ana, mut ben, circle, _) = ana_and_ben(ana_clock, ben_clock);
        let march = meeting(&mut ben, &circle, "2026-03-10T18:00:00Z");
        for i in 0..super::GROUP_LIMIT + 3 {
            talking_point(&mut ben, &march, &format!("Point {i}"));
        }
        deliver(&ben, &mut ana, &circle);
        let since = ana.since_last_looked(&circle).unwrap();
        let points = &since.groups[0];
        assert_eq!(
            (points.items.len(), points.more, points.more_label.as_deref()),
            (super::GROUP_LIMIT, 3, Some("and 3 more"))
        );
        assert_eq!(since.total, super::GROUP_LIMIT + 3 + 1, "the points and the meeting");
    }

    /// Whether a circle has marks at all (tests: a joined circle starts as seen).
    fn has_marks(store: &Store, circle_id: &str) -> bool {
        store
            .conn()
            .query_row("SELECT count(*) FROM seen_marks WHERE circle_id = ?1", [circle_id], |r| r.get::<_, i64>(0))
            .unwrap()
            > 0
    }
}
