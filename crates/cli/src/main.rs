//! `kinship`: the headless command line over Kinship's core, for scripts, power users
//! and tests. Every command is a thin translation into one call on the core's `Store`.

use clap::{Args, Parser, Subcommand};
use kinship_core::{
    ActionItemInput, AgendaItemInput, CircleInput, IdentityInput, MeetingInput, MemberInput, ReflectionInput, Store,
};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "kinship", version, about = "Kinship: peer mentoring circles, from the command line")]
struct Cli {
    /// The data folder (default: the same folder the desktop app uses).
    #[arg(long, global = true, env = "KINSHIP_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Print machine-readable JSON (ids included) instead of text.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
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
    /// Create and list circles.
    #[command(subcommand)]
    Circle(CircleCommand),
    /// Add and list a circle's members.
    #[command(subcommand)]
    Member(MemberCommand),
    /// Schedule and list meetings.
    #[command(subcommand)]
    Meeting(MeetingCommand),
    /// Add talking points to a meeting's agenda and list them.
    #[command(subcommand)]
    Agenda(AgendaCommand),
    /// Record action items and list them.
    #[command(subcommand)]
    Action(ActionCommand),
    /// Write a reflection (private unless --share).
    Reflect(ReflectArgs),
    /// Print a circle's shared state as canonical JSON.
    Dump {
        #[arg(long)]
        circle: String,
    },
}

#[derive(Subcommand)]
enum CircleCommand {
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
}

#[derive(Subcommand)]
enum MemberCommand {
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
}

#[derive(Subcommand)]
enum MeetingCommand {
    /// Schedule a meeting; prints its id.
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
        /// A room or a video-call link.
        #[arg(long)]
        place: Option<String>,
    },
    /// List a circle's meetings.
    List {
        #[arg(long)]
        circle: String,
    },
}

#[derive(Subcommand)]
enum AgendaCommand {
    /// Add a talking point to a meeting; prints its id.
    Add {
        #[arg(long)]
        meeting: String,
        #[arg(long)]
        title: String,
        /// Timebox in minutes (default 10).
        #[arg(long, allow_negative_numbers = true)]
        minutes: Option<i64>,
        /// opening_round, member_turn, topic, skill_share, resource, win or closing_round.
        #[arg(long)]
        kind: Option<String>,
        #[arg(long, default_value = "")]
        details: String,
        /// Mark it "stays in the circle".
        #[arg(long)]
        confidential: bool,
    },
    /// List a meeting's agenda.
    List {
        #[arg(long)]
        meeting: String,
    },
}

#[derive(Subcommand)]
enum ActionCommand {
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
    },
    /// List a meeting's action items.
    List {
        #[arg(long)]
        meeting: String,
    },
}

#[derive(Args)]
struct ReflectArgs {
    /// The meeting reflected on.
    #[arg(long)]
    meeting: Option<String>,
    /// The circle it belongs to (implied by --meeting).
    #[arg(long)]
    circle: Option<String>,
    #[arg(long)]
    prompt: Option<String>,
    #[arg(long)]
    text: String,
    /// Share it with the circle. Without this it stays on this laptop.
    #[arg(long)]
    share: bool,
}

/// What a command produced: JSON for `--json`, and the text people read otherwise.
struct Output {
    json: Value,
    text: String,
}

fn created(record: impl serde::Serialize, id: &str) -> Output {
    Output { json: serde_json::to_value(record).unwrap(), text: id.to_string() }
}

fn listed<T: serde::Serialize>(records: &[T], line: impl Fn(&T) -> String) -> Output {
    Output {
        json: serde_json::to_value(records).unwrap(),
        text: records.iter().map(line).collect::<Vec<_>>().join("\n"),
    }
}

fn run(cli: Cli) -> kinship_core::Result<Output> {
    let dir = cli.data_dir.unwrap_or_else(kinship_core::paths::default_data_dir);
    let mut store = Store::open(&dir)?;
    Ok(match cli.command {
        Command::Init { name, email, pronouns, institution, career_stage } => {
            let me = store.create_identity(&IdentityInput { name, email, pronouns, institution, career_stage })?;
            let text = format!("Welcome, {}. Kinship is set up in {}", me.name, dir.display());
            Output { json: serde_json::to_value(&me).unwrap(), text }
        }
        Command::Circle(CircleCommand::Create { name, purpose, cadence }) => {
            let c = store.create_circle(&CircleInput { name, purpose, agreement: None, cadence })?;
            created(&c, &c.id)
        }
        Command::Circle(CircleCommand::List) => listed(&store.list_circles()?, |c| {
            let members =
                if c.member_count == 1 { "1 member".to_string() } else { format!("{} members", c.member_count) };
            format!("{}  {}  ({members}, {})", c.circle.id, c.circle.name, c.circle.cadence)
        }),
        Command::Member(MemberCommand::Add { circle, name, email, pronouns, institution }) => {
            let input =
                MemberInput { circle_id: circle, name, email, pronouns, institution, role: None, contact: None };
            let m = store.add_member(&input)?;
            created(&m, &m.id)
        }
        Command::Member(MemberCommand::List { circle }) => {
            listed(&store.members(&circle)?, |m| format!("{}  {} <{}>  {}", m.id, m.name, m.email, m.role))
        }
        Command::Meeting(MeetingCommand::Create { circle, starts_at, minutes, title, place }) => {
            let m = store.create_meeting(&MeetingInput { circle_id: circle, title, starts_at, minutes, place })?;
            created(&m, &m.id)
        }
        Command::Meeting(MeetingCommand::List { circle }) => {
            listed(&store.meetings(&circle)?, |m| format!("{}  {}  {}  {}", m.id, m.starts_at, m.status, m.title))
        }
        Command::Agenda(AgendaCommand::Add { meeting, title, minutes, kind, details, confidential }) => {
            let input = AgendaItemInput { meeting_id: meeting, title, details, kind, minutes, confidential, ..Default::default() };
            let item = store.add_agenda_item(&input)?;
            created(&item, &item.id)
        }
        Command::Agenda(AgendaCommand::List { meeting }) => {
            listed(&store.agenda(&meeting)?, |i| format!("{}  {:>3} min  {}  {}", i.id, i.minutes, i.kind, i.title))
        }
        Command::Action(ActionCommand::Add { meeting, text, owner, due }) => {
            let a = store.add_action_item(&ActionItemInput { meeting_id: meeting, text, owner_id: owner, due, agenda_item_id: None })?;
            created(&a, &a.id)
        }
        Command::Action(ActionCommand::List { meeting }) => listed(&store.action_items(&meeting)?, |a| {
            let done = if a.done { "done" } else { "open" };
            format!("{}  {}  {}  {}", a.id, done, a.due.as_deref().unwrap_or("-"), a.text)
        }),
        Command::Reflect(args) => {
            let input = ReflectionInput {
                circle_id: args.circle,
                meeting_id: args.meeting,
                prompt: args.prompt,
                text: args.text,
                shared: args.share,
            };
            let r = store.add_reflection(&input)?;
            created(&r, &r.id)
        }
        Command::Dump { circle } => {
            let dump = store.dump(&circle)?;
            Output { json: serde_json::from_str(&dump).unwrap(), text: dump }
        }
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let as_json = cli.json;
    match run(cli) {
        Ok(out) => {
            if as_json {
                let mut text = String::new();
                kinship_core::dump::write_canonical(&out.json, &mut text);
                println!("{text}");
            } else if !out.text.is_empty() {
                println!("{}", out.text);
            }
            ExitCode::SUCCESS
        }
        Err(err) => {
            if as_json {
                eprintln!("{}", json!({ "code": err.code(), "message": err.to_string() }));
            } else {
                eprintln!("kinship: {err}");
            }
            ExitCode::from(1)
        }
    }
}
