//! The command line's grammar: every subcommand and flag, with the help text people see.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "kinship", version, about = "Kinship: peer mentoring circles, from the command line")]
pub struct Cli {
    /// The data folder (default: the same folder the desktop app uses).
    #[arg(long, global = true, env = "KINSHIP_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Print machine-readable JSON (ids included) instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Set up who you are on this laptop.
    Init {
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        pronouns: Option<String>,
        #[arg(long)]
        institution: Option<String>,
        /// Your role or career stage, e.g. "early-career librarian".
        #[arg(long)]
        career_stage: Option<String>,
    },
    /// Create, list, show and edit circles.
    #[command(subcommand)]
    Circle(CircleCommand),
    /// Add, list, edit and remove a circle's members.
    #[command(subcommand)]
    Member(MemberCommand),
    /// Schedule meetings, set roles and run them.
    #[command(subcommand)]
    Meeting(MeetingCommand),
    /// Build a meeting's agenda.
    #[command(subcommand)]
    Agenda(AgendaCommand),
    /// Agenda templates: list, apply, save.
    #[command(subcommand)]
    Template(TemplateCommand),
    /// Record a decision at a meeting.
    #[command(subcommand)]
    Decision(DecisionCommand),
    /// Record action items, mark them done, list them.
    #[command(subcommand)]
    Action(ActionCommand),
    /// Write a reflection (private unless --share).
    Reflect(ReflectArgs),
    /// Your reflections: list, share, make private.
    #[command(subcommand)]
    Reflection(ReflectionCommand),
    /// Your goals and their progress.
    #[command(subcommand)]
    Goal(GoalCommand),
    /// The circle's board of resources and opportunities.
    #[command(subcommand)]
    Resource(ResourceCommand),
    /// Search agenda items, notes, decisions, actions, resources, your reflections and
    /// those others shared with your circles.
    Search {
        text: String,
        #[arg(long)]
        circle: Option<String>,
    },
    /// Print a circle's shared state as canonical JSON.
    Dump {
        #[arg(long)]
        circle: String,
    },
    /// Your mentoring record for an annual review or tenure dossier (Markdown, CSV or HTML).
    Record(RecordArgs),
    /// An ended meeting's minutes, made from what was recorded (Markdown or text).
    Minutes(MinutesArgs),
    /// Meetings as a calendar file (.ics) for any calendar app.
    Calendar(CalendarArgs),
    /// Back up now, or list the backups (--list).
    Backup {
        /// List the backups with what each holds, instead of making one.
        #[arg(long)]
        list: bool,
    },
    /// Replace all data with a backup (the current data is backed up first).
    Restore {
        /// The backup file (see `kinship backup --list`).
        file: std::path::PathBuf,
    },
    /// All your data as one file: export it, or import it into a fresh install.
    #[command(subcommand)]
    Data(DataCommand),
    /// Invite someone to a circle: writes a passphrase-locked invite file holding the circle.
    /// The passphrase comes from KINSHIP_PASSPHRASE or a prompt; tell it by phone or in person.
    Invite {
        #[arg(long)]
        circle: String,
        /// An existing member who has not joined yet (a member id).
        #[arg(long, conflicts_with_all = ["name", "email"])]
        member: Option<String>,
        /// A new member's name (with --email).
        #[arg(long, requires = "email")]
        name: Option<String>,
        #[arg(long, requires = "name")]
        email: Option<String>,
        /// Where to write the invite (an existing file is never overwritten).
        #[arg(long)]
        out: PathBuf,
        /// How many days the invite works (1 to 30).
        #[arg(long, default_value_t = 14)]
        expires_in_days: i64,
    },
    /// Laptops in a circle: add another laptop of yours, or revoke a lost one.
    #[command(subcommand)]
    Laptop(LaptopCommand),
    /// Join a circle with an invite file (passphrase from KINSHIP_PASSPHRASE or a prompt).
    /// On a laptop not yet set up, you are set up with the invite's name and email.
    Join { file: PathBuf },
    /// Write a sync bundle of what the circle's members may not have yet.
    Export {
        #[arg(long)]
        circle: String,
        #[arg(long)]
        out: PathBuf,
        /// Everything, not just what others may lack.
        #[arg(long)]
        full: bool,
        /// As text to paste into an email body (-----BEGIN KINSHIP BUNDLE-----).
        #[arg(long)]
        armor: bool,
        /// Then open a new email to the circle in your email app with the file attached.
        #[arg(long, conflicts_with = "armor")]
        email: bool,
    },
    /// Bring in a sync bundle (a .kinship file, or a text file with a pasted bundle).
    Import {
        file: PathBuf,
        /// Show what it would add, change and conflict, and write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// A circle's sync state, undo of the last import, and conflicts.
    #[command(subcommand)]
    Sync(SyncCommand),
    /// What others brought to a circle since you last looked on this laptop: new talking
    /// points, decisions, actions for you, shared reflections, resources, dates and deadlines.
    New {
        #[arg(long)]
        circle: String,
        /// Then count all of it as seen (this laptop only; nothing is sent).
        #[arg(long)]
        mark_seen: bool,
    },
    /// Sync a circle through a shared folder that Syncthing, OneDrive, Google Drive, Dropbox or
    /// Nextcloud keeps in step between the members' laptops: set it, pass over it, watch it.
    #[command(subcommand)]
    Folder(FolderCommand),
}

#[derive(Subcommand)]
pub enum FolderCommand {
    /// Sync a circle through DIR (every member points their Kinship at the same synced folder).
    Set {
        #[arg(long)]
        circle: String,
        dir: PathBuf,
    },
    /// Stop syncing a circle through its folder (the files there stay).
    Unset {
        #[arg(long)]
        circle: String,
    },
    /// Bring new files in by themselves (on), or let each wait for `kinship import` (off).
    Auto {
        #[arg(long)]
        circle: String,
        #[arg(value_parser = ["on", "off"])]
        state: String,
    },
    /// The folder, each laptop's file, and what came in, waits or was refused.
    Status {
        #[arg(long)]
        circle: String,
    },
    /// One pass: bring in what is new, write this laptop's file, say what was refused.
    Sync {
        /// One circle (default: every circle with a folder).
        #[arg(long)]
        circle: Option<String>,
    },
    /// Pass whenever a folder changes (and every 30 seconds), until stopped.
    Watch {
        /// Seconds between passes when no change is noticed.
        #[arg(long, default_value_t = 30)]
        poll: u64,
    },
}

#[derive(Subcommand)]
pub enum LaptopCommand {
    /// Add another laptop of yours to a circle: writes a passphrase-locked invite file for
    /// yourself. Open it on the other laptop (kinship join FILE). The passphrase comes from
    /// KINSHIP_PASSPHRASE or a prompt.
    Add {
        #[arg(long)]
        circle: String,
        /// Where to write the invite (an existing file is never overwritten).
        #[arg(long)]
        out: PathBuf,
        /// How many days the invite works (1 to 30).
        #[arg(long, default_value_t = 14)]
        expires_in_days: i64,
    },
    /// Revoke a lost laptop (yours, from another of yours, or a member's at their request):
    /// its changes so far stay, anything it writes later is refused, and nothing more is
    /// sealed to it. Share updates afterwards so the others learn of it.
    Revoke {
        #[arg(long)]
        circle: String,
        /// The laptop's id, as `kinship sync status` lists it.
        #[arg(long)]
        laptop: String,
    },
}

#[derive(Subcommand)]
pub enum SyncCommand {
    /// Who has joined, when each was last heard from, what each may lack; conflicts and gaps.
    Status {
        #[arg(long)]
        circle: String,
    },
    /// Undo the last import into a circle.
    Undo {
        #[arg(long)]
        circle: String,
    },
    /// Settle a conflict by writing the text to keep (see `sync status`).
    Resolve {
        #[arg(long)]
        circle: String,
        /// The record's kind (e.g. agenda_item).
        #[arg(long)]
        entity: String,
        /// The record's id.
        #[arg(long)]
        id: String,
        #[arg(long)]
        field: String,
        /// The text to keep.
        #[arg(long)]
        text: String,
    },
}

#[derive(Args)]
pub struct RecordArgs {
    /// The member whose record it is (a member id; see `kinship member list`).
    #[arg(long)]
    pub member: String,
    /// First day, YYYY-MM-DD (default: from the first meeting).
    #[arg(long)]
    pub from: Option<String>,
    /// Last day, YYYY-MM-DD (default: up to now).
    #[arg(long)]
    pub to: Option<String>,
    /// md, csv or html.
    #[arg(long, default_value = "md")]
    pub format: String,
    /// Write it to FILE (refused if FILE exists) instead of printing it.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// A paragraph in your own words, put at the top.
    #[arg(long, default_value = "")]
    pub narrative: String,
    /// Talking points that stay in the circle: omit them, or show only their kind.
    #[arg(long, default_value = "omit", value_parser = ["omit", "kind"])]
    pub confidential: String,
    /// Include this reflection of yours (repeat for several). None are included otherwise.
    #[arg(long = "reflection", value_name = "ID")]
    pub reflections: Vec<String>,
}

#[derive(Args)]
pub struct MinutesArgs {
    /// The meeting (a meeting id; see `kinship meeting list`).
    #[arg(long)]
    pub meeting: String,
    /// md (Markdown) or txt (plain text).
    #[arg(long, default_value = "md", value_parser = ["md", "txt"])]
    pub format: String,
    /// Write them to FILE (refused if FILE exists) instead of printing them.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Args)]
#[group(required = true, multiple = false)]
pub struct CalendarTarget {
    /// One meeting.
    #[arg(long)]
    pub meeting: Option<String>,
    /// Every meeting of a circle.
    #[arg(long)]
    pub circle: Option<String>,
}

#[derive(Args)]
pub struct CalendarArgs {
    #[command(flatten)]
    pub target: CalendarTarget,
    /// The .ics file to write (refused if it exists).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

#[derive(Subcommand)]
pub enum DataCommand {
    /// Write all your data (private reflections too: it is your own file) to FILE.
    Export {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Readable Markdown instead of JSON (Markdown cannot be imported).
        #[arg(long)]
        markdown: bool,
    },
    /// Import a JSON export into this install, which must be empty.
    Import { file: PathBuf },
}

#[derive(Subcommand)]
pub enum CircleCommand {
    /// Create a circle; prints its id.
    Create {
        name: String,
        #[arg(long, default_value = "")]
        purpose: String,
        /// weekly, fortnightly, monthly, quarterly or ad_hoc.
        #[arg(long)]
        cadence: Option<String>,
    },
    /// List your circles.
    List,
    /// The circle home: next meeting, members, open actions, deadlines.
    Show {
        #[arg(long)]
        circle: String,
    },
    /// Change a circle's name, purpose, agreement or cadence.
    Edit {
        #[arg(long)]
        circle: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        purpose: Option<String>,
        #[arg(long)]
        agreement: Option<String>,
        #[arg(long)]
        cadence: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum MemberCommand {
    /// Add a member to a circle; prints their id.
    Add {
        #[arg(long)]
        circle: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        pronouns: Option<String>,
        #[arg(long)]
        institution: Option<String>,
    },
    /// List a circle's members.
    List {
        #[arg(long)]
        circle: String,
    },
    /// Change a member's details (an empty value clears an optional one).
    Edit {
        #[arg(long)]
        member: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        pronouns: Option<String>,
        #[arg(long)]
        institution: Option<String>,
        #[arg(long)]
        contact: Option<String>,
    },
    /// Record that a member left the circle (their history stays).
    Remove {
        #[arg(long)]
        circle: String,
        #[arg(long)]
        member: String,
    },
}

/// `meeting edit`: each flag given changes that detail; an empty value clears an optional one.
#[derive(Args)]
pub struct MeetingEdit {
    #[arg(long)]
    pub meeting: String,
    #[arg(long)]
    pub title: Option<String>,
    /// New start, RFC 3339: 2026-03-05T18:00:00Z or 2026-03-05T13:00:00-05:00.
    #[arg(long)]
    pub starts_at: Option<String>,
    /// Length in minutes.
    #[arg(long, allow_negative_numbers = true)]
    pub minutes: Option<i64>,
    /// A room.
    #[arg(long)]
    pub place: Option<String>,
    /// A video-call link (https:// or http://).
    #[arg(long)]
    pub link: Option<String>,
}

impl MeetingEdit {
    /// The change as the core takes it.
    pub fn patch(self) -> kinship_core::MeetingPatch {
        kinship_core::MeetingPatch {
            title: self.title,
            starts_at: self.starts_at,
            minutes: self.minutes,
            place: self.place,
            link: self.link,
        }
    }
}

/// A meeting named by id.
#[derive(Args)]
pub struct MeetingArg {
    #[arg(long)]
    pub meeting: String,
}

#[derive(Subcommand)]
pub enum MeetingCommand {
    /// Schedule a meeting (or --count N of them by the circle's cadence); prints the id(s).
    Create {
        #[arg(long)]
        circle: String,
        /// Start, RFC 3339: 2026-03-05T18:00:00Z or 2026-03-05T13:00:00-05:00.
        #[arg(long)]
        starts_at: String,
        /// Length in minutes (default 60).
        #[arg(long, allow_negative_numbers = true)]
        minutes: Option<i64>,
        #[arg(long)]
        title: Option<String>,
        /// A room or an address.
        #[arg(long)]
        place: Option<String>,
        /// A video-call link (https:// or http://).
        #[arg(long)]
        link: Option<String>,
        /// How many meetings to schedule, spaced by the circle's cadence.
        #[arg(long, default_value_t = 1)]
        count: usize,
    },
    /// Change a meeting's title, start, length, place or link (only the flags given change).
    Edit(MeetingEdit),
    /// List a circle's meetings.
    List {
        #[arg(long)]
        circle: String,
    },
    /// Set who facilitates, keeps time and takes notes (--suggest: fair rotation).
    Roles {
        #[arg(long)]
        meeting: String,
        /// Use Kinship's fair-rotation suggestion for every role not given.
        #[arg(long)]
        suggest: bool,
        #[arg(long)]
        facilitator: Option<String>,
        #[arg(long)]
        timekeeper: Option<String>,
        #[arg(long)]
        note_taker: Option<String>,
    },
    /// Start a meeting; everyone is present unless --present lists who is.
    Start {
        #[arg(long)]
        meeting: String,
        /// Member ids of those present, comma-separated.
        #[arg(long, value_delimiter = ',')]
        present: Option<Vec<String>>,
    },
    /// Run mode: the current item, its timer, decisions and actions.
    Show(MeetingArg),
    /// Finish the current item and go to the next.
    Next(MeetingArg),
    /// Go back to the previous item.
    Previous(MeetingArg),
    /// Skip the current item.
    Skip(MeetingArg),
    /// Carry the current item over to the next meeting.
    Carry(MeetingArg),
    /// Pause the meeting's timer.
    Pause(MeetingArg),
    /// Resume a paused meeting.
    Resume(MeetingArg),
    /// End the meeting; unfinished items carry over.
    End {
        #[arg(long)]
        meeting: String,
        #[arg(long, default_value = "")]
        summary: String,
    },
}

#[derive(Subcommand)]
pub enum AgendaCommand {
    /// Add a talking point to a meeting; prints its id.
    Add {
        #[arg(long)]
        meeting: String,
        #[arg(long)]
        title: String,
        /// Timebox in minutes (default 10).
        #[arg(long, allow_negative_numbers = true)]
        minutes: Option<i64>,
        /// opening_round, member_turn, topic, skill_share, resource, win, action_review or closing_round.
        #[arg(long)]
        kind: Option<String>,
        #[arg(long, default_value = "")]
        details: String,
        /// Mark it "stays in the circle".
        #[arg(long)]
        confidential: bool,
        /// For a member turn: whose turn (member id).
        #[arg(long)]
        member: Option<String>,
    },
    /// List a meeting's agenda.
    List {
        #[arg(long)]
        meeting: String,
    },
    /// Move a talking point to a place in the agenda (1 = first).
    Reorder {
        #[arg(long)]
        item: String,
        #[arg(long, allow_negative_numbers = true)]
        position: i64,
    },
    /// Change a talking point.
    Edit {
        #[arg(long)]
        item: String,
        #[arg(long)]
        title: Option<String>,
        #[arg(long)]
        details: Option<String>,
        #[arg(long, allow_negative_numbers = true)]
        minutes: Option<i64>,
        #[arg(long)]
        kind: Option<String>,
        /// Replace the item's notes.
        #[arg(long)]
        notes: Option<String>,
    },
    /// Remove a talking point not yet discussed.
    Remove {
        #[arg(long)]
        item: String,
    },
}

#[derive(Subcommand)]
pub enum TemplateCommand {
    /// The templates a circle can use.
    List {
        #[arg(long)]
        circle: String,
    },
    /// Add a template's items to a meeting's agenda.
    Apply {
        #[arg(long)]
        meeting: String,
        /// A template id from `template list` (builtin:check-in, builtin:member-turns, …).
        #[arg(long)]
        template: String,
    },
    /// Save a meeting's agenda as a template.
    Save {
        #[arg(long)]
        meeting: String,
        #[arg(long)]
        name: String,
    },
}

#[derive(Subcommand)]
pub enum DecisionCommand {
    /// Record a decision; prints its id.
    Add {
        #[arg(long)]
        meeting: String,
        /// The talking point it was made on.
        #[arg(long)]
        item: Option<String>,
        #[arg(long)]
        text: String,
    },
}

#[derive(Subcommand)]
pub enum ActionCommand {
    /// Record an action item; prints its id.
    Add {
        #[arg(long)]
        meeting: String,
        #[arg(long)]
        text: String,
        /// The member who owns it.
        #[arg(long)]
        owner: Option<String>,
        /// Due date, 2026-03-19.
        #[arg(long)]
        due: Option<String>,
        /// The talking point it was made on.
        #[arg(long)]
        item: Option<String>,
    },
    /// List a meeting's action items.
    List {
        #[arg(long)]
        meeting: String,
    },
    /// Mark an action item done (--undo: not done).
    Done {
        #[arg(long)]
        action: String,
        #[arg(long)]
        undo: bool,
    },
}

#[derive(Args)]
pub struct ReflectArgs {
    /// The meeting reflected on.
    #[arg(long)]
    pub meeting: Option<String>,
    /// The circle it belongs to (implied by --meeting).
    #[arg(long)]
    pub circle: Option<String>,
    #[arg(long)]
    pub prompt: Option<String>,
    #[arg(long)]
    pub text: String,
    /// Share it with the circle. Without this it stays on this laptop.
    #[arg(long)]
    pub share: bool,
}

#[derive(Subcommand)]
pub enum ReflectionCommand {
    /// Your reflections, newest first.
    List,
    /// The reflections shared with a circle (anyone's), newest first.
    Shared {
        #[arg(long)]
        circle: String,
        /// Only those by this member (a member id).
        #[arg(long)]
        member: Option<String>,
        /// Only those about this meeting (a meeting id).
        #[arg(long)]
        meeting: Option<String>,
    },
    /// Share a reflection with its circle (--private: make it private again).
    Share {
        #[arg(long)]
        reflection: String,
        #[arg(long)]
        private: bool,
    },
}

#[derive(Subcommand)]
pub enum GoalCommand {
    /// Set a goal (private unless --share); prints its id.
    Add {
        #[arg(long)]
        text: String,
        #[arg(long)]
        circle: Option<String>,
        #[arg(long)]
        target_date: Option<String>,
        #[arg(long)]
        share: bool,
    },
    /// Your goals.
    List,
    /// Add a progress note to a goal.
    Note {
        #[arg(long)]
        goal: String,
        #[arg(long)]
        text: String,
    },
    /// Set a goal's status: active, achieved or dropped.
    Status {
        #[arg(long)]
        goal: String,
        #[arg(long)]
        status: String,
    },
}

#[derive(Subcommand)]
pub enum ResourceCommand {
    /// Share a resource or opportunity; prints its id.
    Add {
        #[arg(long)]
        circle: String,
        #[arg(long)]
        title: String,
        #[arg(long)]
        url: Option<String>,
        /// article, training, conference, workshop, job, grant or other.
        #[arg(long)]
        kind: Option<String>,
        #[arg(long)]
        deadline: Option<String>,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// The circle's board.
    List {
        #[arg(long)]
        circle: String,
    },
}
