//! The records Kinship keeps. Every shared record has a UUIDv7 `id`; times are RFC 3339
//! UTC strings and dates `YYYY-MM-DD`, exactly as stored and as they appear in `dump`.

use serde::{Deserialize, Serialize};

/// Who uses Kinship on this laptop. Local: never synced as such (their member rows are).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Identity {
    pub person_id: String,
    pub name: String,
    pub email: String,
    pub pronouns: Option<String>,
    pub institution: Option<String>,
    /// Role or career stage, e.g. "early-career librarian".
    pub career_stage: Option<String>,
    pub created_at: String,
}

/// What a person gives to set up (or update) their identity.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct IdentityInput {
    pub name: String,
    pub email: String,
    pub pronouns: Option<String>,
    pub institution: Option<String>,
    pub career_stage: Option<String>,
}

/// A peer mentoring circle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Circle {
    pub id: String,
    pub name: String,
    pub purpose: String,
    /// The circle agreement: ground rules, confidentiality.
    pub agreement: String,
    /// How often the circle meets: see [`CADENCES`].
    pub cadence: String,
    pub created_at: String,
}

/// A circle as listed on the home screen: with how many members and the next meeting.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CircleSummary {
    #[serde(flatten)]
    pub circle: Circle,
    pub member_count: i64,
    pub next_meeting_at: Option<String>,
}

/// How often a circle may meet.
pub const CADENCES: &[&str] = &["weekly", "fortnightly", "monthly", "quarterly", "ad_hoc"];

/// A fresh circle's agreement, which the circle edits to make its own.
pub const DEFAULT_AGREEMENT: &str = "What is said in the circle stays in the circle.\n\
We listen to understand, not to fix.\n\
Everyone gets time; nobody has to speak.\n\
We come prepared and keep our commitments, or say when we cannot.";

/// What a person gives to create a circle.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CircleInput {
    pub name: String,
    #[serde(default)]
    pub purpose: String,
    /// `None` takes [`DEFAULT_AGREEMENT`].
    pub agreement: Option<String>,
    /// `None` means monthly.
    pub cadence: Option<String>,
}

/// Changes to a circle; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CirclePatch {
    pub name: Option<String>,
    pub purpose: Option<String>,
    pub agreement: Option<String>,
    pub cadence: Option<String>,
}

/// Changes to a member; `None` leaves a field as it is, an empty string clears an optional one.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MemberPatch {
    pub name: Option<String>,
    pub email: Option<String>,
    pub pronouns: Option<String>,
    pub institution: Option<String>,
    pub role: Option<String>,
    pub contact: Option<String>,
}

/// A person in a circle. A member who left keeps their history (`left_at` is set).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    pub id: String,
    pub circle_id: String,
    /// The person behind this member, once known (set for yourself and for joined members).
    pub person_id: Option<String>,
    pub name: String,
    pub email: String,
    pub pronouns: Option<String>,
    pub institution: Option<String>,
    /// The member's role in the circle: see [`MEMBER_ROLES`].
    pub role: String,
    /// Another way to reach them (phone, chat handle).
    pub contact: Option<String>,
    pub joined_at: String,
    pub left_at: Option<String>,
}

/// Roles a member can have in a circle.
pub const MEMBER_ROLES: &[&str] = &["convener", "member"];

/// What is given to add a member.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MemberInput {
    pub circle_id: String,
    pub name: String,
    pub email: String,
    pub pronouns: Option<String>,
    pub institution: Option<String>,
    pub role: Option<String>,
    pub contact: Option<String>,
}

/// A meeting of a circle, with the roles held at it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meeting {
    pub id: String,
    pub circle_id: String,
    pub title: String,
    pub starts_at: String,
    /// Planned length in minutes.
    pub minutes: i64,
    /// A room or an address.
    pub place: Option<String>,
    /// A video-call link (`http` or `https`), opened in the person's browser.
    pub link: Option<String>,
    pub facilitator_id: Option<String>,
    pub timekeeper_id: Option<String>,
    pub note_taker_id: Option<String>,
    /// See [`MEETING_STATUSES`].
    pub status: String,
    /// When run mode started and ended.
    pub started_at: Option<String>,
    pub ended_at: Option<String>,
    /// Set while the running meeting is paused.
    pub paused_at: Option<String>,
    /// The agenda item being discussed in run mode.
    pub current_item_id: Option<String>,
    /// A closing summary of the meeting as a whole.
    pub summary: String,
}

/// The life of a meeting.
pub const MEETING_STATUSES: &[&str] = &["scheduled", "running", "ended", "cancelled"];

/// What is given to schedule a meeting.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MeetingInput {
    pub circle_id: String,
    pub title: Option<String>,
    pub starts_at: String,
    pub minutes: Option<i64>,
    pub place: Option<String>,
    pub link: Option<String>,
}

/// Changes to a meeting's details; `None` leaves a field as it is, an empty string clears
/// an optional one.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MeetingPatch {
    pub title: Option<String>,
    pub starts_at: Option<String>,
    pub minutes: Option<i64>,
    pub place: Option<String>,
    pub link: Option<String>,
}

/// A talking point on a meeting's agenda.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgendaItem {
    pub id: String,
    pub meeting_id: String,
    pub title: String,
    pub details: String,
    pub contributor_id: Option<String>,
    /// See [`AGENDA_KINDS`].
    pub kind: String,
    /// Timebox in minutes.
    pub minutes: i64,
    /// 0-based place in the agenda.
    pub position: i64,
    /// See [`AGENDA_STATUSES`].
    pub status: String,
    /// "Stays in the circle": left out of anything that leaves the circle.
    pub confidential: bool,
    /// Notes taken on it in run mode.
    pub notes: String,
    /// Timer anchor: time spent = (ended_at or now) - started_at - paused_secs.
    pub started_at: Option<String>,
    pub ended_at: Option<String>,
    pub paused_secs: i64,
    /// The item this one continues, when carried over from an earlier meeting.
    pub carried_from_id: Option<String>,
    /// Member turns: whose turn it is.
    pub member_id: Option<String>,
    /// Member turns: the kind of help wanted; see [`HELP_KINDS`].
    pub help_wanted: Option<String>,
    /// The goal this item serves, if any.
    pub goal_id: Option<String>,
}

/// Kinds of agenda item.
pub const AGENDA_KINDS: &[&str] =
    &["opening_round", "member_turn", "topic", "skill_share", "resource", "win", "action_review", "closing_round"];

/// An agenda kind as people read it: the one wording every screen, choice and record uses.
pub fn agenda_kind_label(kind: &str) -> &'static str {
    match kind {
        "opening_round" => "Opening round",
        "member_turn" => "Member turn",
        "topic" => "Topic",
        "skill_share" => "Skill share",
        "resource" => "Resource",
        "win" => "Win",
        "action_review" => "Action review",
        "closing_round" => "Closing round",
        _ => "Item",
    }
}

/// A value a person can choose, with the words shown for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Choice {
    pub value: &'static str,
    pub label: &'static str,
}

/// Every agenda kind with its label, in [`AGENDA_KINDS`] order, for a choice of kind.
pub fn agenda_kind_choices() -> Vec<Choice> {
    AGENDA_KINDS.iter().map(|&value| Choice { value, label: agenda_kind_label(value) }).collect()
}

/// The help a member asks for in their turn, as people read it.
pub fn help_wanted_label(kind: &str) -> &'static str {
    match kind {
        "advice" => "Advice",
        "feedback" => "Feedback",
        "ideas" => "Ideas",
        "resources" => "Resources",
        "connections" => "Connections",
        "listening" => "Just listening",
        _ => "Help",
    }
}

/// The words for an agenda's choices: its kinds, and the help a member may ask for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgendaChoices {
    pub kinds: Vec<Choice>,
    pub help_wanted: Vec<Choice>,
}

/// Every agenda kind and kind of help wanted with its label, in order.
pub fn agenda_choices() -> AgendaChoices {
    AgendaChoices {
        kinds: agenda_kind_choices(),
        help_wanted: HELP_KINDS.iter().map(|&value| Choice { value, label: help_wanted_label(value) }).collect(),
    }
}

/// An agenda item as screens show it: the item with its kind in words.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgendaEntry {
    #[serde(flatten)]
    pub item: AgendaItem,
    pub kind_label: &'static str,
}

/// The timeboxes of an agenda against its meeting's length, in minutes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedMinutes {
    /// Every item's timebox except skipped ones.
    pub total: i64,
    /// The meeting's planned length.
    pub length: i64,
    /// How far the total runs past the length; 0 when it fits.
    pub over: i64,
    /// How much of the length the total fills, 0 to 100 (capped), for a bar.
    pub percent: i64,
    /// What to do about an agenda that runs over, while it can still be changed; `None` when
    /// it fits, and for a meeting that ended or was cancelled (its agenda is history).
    pub advice: Option<String>,
}

impl PlannedMinutes {
    /// `total` minutes of timeboxes in a meeting of `length` minutes; `open` when its agenda
    /// can still be changed.
    pub fn new(total: i64, length: i64, open: bool) -> Self {
        let percent = (total * 100 + length.max(1) / 2) / length.max(1);
        let over = (total - length).max(0);
        let advice = (open && over > 0).then(|| {
            let minutes = if over == 1 { "1 minute".to_string() } else { format!("{over} minutes") };
            format!("{minutes} over. Shorten or remove a talking point.")
        });
        PlannedMinutes { total, length, over, percent: percent.clamp(0, 100), advice }
    }
}

/// A meeting's agenda as screens show it: the items in order and their planned minutes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgendaView {
    pub items: Vec<AgendaEntry>,
    pub planned: PlannedMinutes,
}
/// Kinds of help a member can ask for in their turn.
pub const HELP_KINDS: &[&str] = &["advice", "feedback", "ideas", "resources", "connections", "listening"];
/// Where an agenda item stands.
pub const AGENDA_STATUSES: &[&str] = &["open", "done", "skipped", "carried"];

/// What is given to add a talking point.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AgendaItemInput {
    pub meeting_id: String,
    pub title: String,
    #[serde(default)]
    pub details: String,
    pub kind: Option<String>,
    pub minutes: Option<i64>,
    #[serde(default)]
    pub confidential: bool,
    /// For a member turn: whose turn (a member id).
    pub member_id: Option<String>,
    pub help_wanted: Option<String>,
    pub goal_id: Option<String>,
}

/// Changes to a talking point; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AgendaItemPatch {
    pub title: Option<String>,
    pub details: Option<String>,
    pub kind: Option<String>,
    pub minutes: Option<i64>,
    pub confidential: Option<bool>,
    pub notes: Option<String>,
    pub help_wanted: Option<String>,
    /// Whose turn: a member id, or an empty string for nobody's.
    pub member_id: Option<String>,
}

/// Something a member committed to do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionItem {
    pub id: String,
    pub meeting_id: String,
    pub text: String,
    pub owner_id: Option<String>,
    /// Due date, `YYYY-MM-DD`.
    pub due: Option<String>,
    pub done: bool,
    pub created_at: String,
    /// The talking point it came from, if any.
    pub agenda_item_id: Option<String>,
    pub done_at: Option<String>,
}

/// What is given to record an action item.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ActionItemInput {
    pub meeting_id: String,
    pub text: String,
    pub owner_id: Option<String>,
    pub due: Option<String>,
    pub agenda_item_id: Option<String>,
}

/// A decision recorded at a meeting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub id: String,
    pub meeting_id: String,
    pub agenda_item_id: Option<String>,
    pub text: String,
    pub created_at: String,
}

/// Whether a member was at a meeting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attendance {
    pub meeting_id: String,
    pub member_id: String,
    pub present: bool,
}

/// One item of an agenda template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateItem {
    pub title: String,
    pub kind: String,
    pub minutes: i64,
    #[serde(default)]
    pub details: String,
}

/// An agenda template: built in (`circle_id` is `None`) or saved by a circle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgendaTemplate {
    pub id: String,
    pub circle_id: Option<String>,
    pub name: String,
    /// What it builds; "Member turns" adds one turn per member when applied.
    pub description: String,
    pub items: Vec<TemplateItem>,
}

/// A progress note on a goal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GoalNote {
    pub id: String,
    pub goal_id: String,
    pub text: String,
    pub created_at: String,
}

/// A reflection written after (or apart from) a meeting. Private unless shared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reflection {
    pub id: String,
    /// The circle it belongs to; `None` for a journal entry outside any circle.
    pub circle_id: Option<String>,
    /// The member who wrote it; `None` only for a journal entry outside any circle.
    pub author_member_id: Option<String>,
    pub meeting_id: Option<String>,
    /// The prompt answered, if any ("What did I learn?").
    pub prompt: Option<String>,
    pub text: String,
    /// `private` (the default; never leaves this laptop) or `shared`.
    pub visibility: String,
    pub created_at: String,
}

/// A shared reflection as the circle sees it: with its author's name and its meeting.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SharedReflection {
    #[serde(flatten)]
    pub reflection: Reflection,
    /// The author's name (a member who left keeps theirs).
    pub author_name: Option<String>,
    /// The meeting it is about, if any, and when that meeting starts (RFC 3339 UTC).
    pub meeting_title: Option<String>,
    pub meeting_starts_at: Option<String>,
    /// Written by this laptop's person.
    pub mine: bool,
}

/// An entry of one's own journal, with where it came from in words.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JournalEntry {
    #[serde(flatten)]
    pub reflection: Reflection,
    /// "After Monthly meeting (Early-career librarians)", the circle's name, or "Journal
    /// entry, not tied to a circle".
    pub from: String,
    /// The circle it belongs to, by name ("Share this with …?").
    pub circle_name: Option<String>,
}

/// Which of a circle's shared reflections to list; `None` (or empty) lists all.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReflectionFilter {
    /// Only those written by this member.
    pub member_id: Option<String>,
    /// Only those about this meeting.
    pub meeting_id: Option<String>,
    /// At most this many, the newest (`None`: all).
    pub limit: Option<i64>,
}

/// A value a filter can take, with the words shown for it (a member or a meeting).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FilterChoice {
    pub value: String,
    pub label: String,
}

/// The circle's reflections page: its shared reflections, newest first, and what the
/// filters can choose from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CircleReflections {
    pub circle: Circle,
    pub reflections: Vec<SharedReflection>,
    /// How many the filter finds in all (more than `reflections` holds when limited).
    pub total: i64,
    /// Members who shared a reflection with the circle, by name.
    pub authors: Vec<FilterChoice>,
    /// Meetings someone shared a reflection about, newest first.
    pub meetings: Vec<FilterChoice>,
}

/// Who may see a reflection or a goal.
pub const VISIBILITIES: &[&str] = &["private", "shared"];

/// Prompts offered in turn after a meeting (free-form writing is always possible).
pub const REFLECTION_PROMPTS: &[&str] =
    &["What did I learn?", "What will I try?", "What support do I need?", "What am I grateful for?"];

/// What is given to write a reflection.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReflectionInput {
    pub circle_id: Option<String>,
    pub meeting_id: Option<String>,
    pub prompt: Option<String>,
    pub text: String,
    #[serde(default)]
    pub shared: bool,
}

/// A personal goal, private unless shared with the circle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Goal {
    pub id: String,
    pub circle_id: Option<String>,
    pub owner_member_id: Option<String>,
    pub text: String,
    pub target_date: Option<String>,
    /// See [`GOAL_STATUSES`].
    pub status: String,
    pub visibility: String,
    pub created_at: String,
}

/// Where a goal stands.
pub const GOAL_STATUSES: &[&str] = &["active", "achieved", "dropped"];

/// What is given to set a goal.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct GoalInput {
    pub circle_id: Option<String>,
    pub text: String,
    pub target_date: Option<String>,
    #[serde(default)]
    pub shared: bool,
}

/// An entry on the circle's board of resources and opportunities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resource {
    pub id: String,
    pub circle_id: String,
    pub title: String,
    pub url: Option<String>,
    /// See [`RESOURCE_KINDS`].
    pub kind: String,
    pub deadline: Option<String>,
    pub shared_by_id: Option<String>,
    pub note: String,
    pub created_at: String,
}

/// Kinds of resource or opportunity.
pub const RESOURCE_KINDS: &[&str] = &["article", "training", "conference", "workshop", "job", "grant", "other"];

/// What is given to share a resource.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ResourceInput {
    pub circle_id: String,
    pub title: String,
    pub url: Option<String>,
    pub kind: Option<String>,
    pub deadline: Option<String>,
    #[serde(default)]
    pub note: String,
}
