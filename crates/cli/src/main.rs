//! `kinship`: the headless command line over Kinship's core, for scripts, power users
//! and tests. Every command is a thin translation into one call on the core's `Store`.

mod args;
mod folder;
mod sync;

use args::*;
use clap::Parser;
use kinship_core::*;
use serde::Serialize;
use serde_json::{json, Value};
use std::process::ExitCode;

/// What a command produced: JSON for `--json`, and the text people read otherwise.
struct Output {
    json: Value,
    text: String,
    /// Something went wrong that is not the command's fault (a shared folder that cannot be
    /// used): said on standard error after the output, and the exit status is 1.
    problem: Option<String>,
}

fn output(record: impl Serialize, text: impl Into<String>) -> Output {
    Output { json: serde_json::to_value(record).unwrap(), text: text.into(), problem: None }
}

fn listed<T: Serialize>(records: &[T], line: impl Fn(&T) -> String) -> Output {
    output(records, records.iter().map(line).collect::<Vec<_>>().join("\n"))
}

fn plural(n: i64, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {one}s")
    }
}

fn clock(secs: i64) -> String {
    let sign = if secs < 0 { "-" } else { "" };
    format!("{sign}{}:{:02}", secs.abs() / 60, secs.abs() % 60)
}

fn run_view_text(v: &RunView) -> String {
    let mut lines = vec![format!("{}  [{}]", v.meeting.title, v.meeting.status)];
    for item in &v.agenda {
        let current = if v.meeting.current_item_id.as_ref() == Some(&item.id) { ">" } else { " " };
        lines.push(format!("{current} {}. {} ({} min, {})", item.position + 1, item.title, item.minutes, item.status));
    }
    if let Some(t) = &v.timer {
        let state = if t.paused { ", paused" } else { "" };
        lines.push(format!("timer: {} left of {}{state}", clock(t.remaining_secs), clock(t.timebox_secs)));
    }
    lines.extend(v.decisions.iter().map(|d| format!("decision: {}", d.text)));
    lines.join("\n")
}

fn meeting_command(store: &mut Store, command: MeetingCommand) -> Result<Output> {
    Ok(match command {
        MeetingCommand::Create { circle, starts_at, minutes, title, place, link, count } => {
            let input = MeetingInput { circle_id: circle, title, starts_at, minutes, place, link };
            let meetings = store.create_series(&input, count)?;
            let ids: Vec<&str> = meetings.iter().map(|m| m.id.as_str()).collect();
            let text = ids.join("\n");
            if count == 1 {
                output(&meetings[0], text)
            } else {
                output(&meetings, text)
            }
        }
        MeetingCommand::Edit(edit) => {
            let m = store.update_meeting(&edit.meeting.clone(), &edit.patch())?;
            let id = m.id.clone();
            output(&m, id)
        }
        MeetingCommand::List { circle } => {
            listed(&store.meetings(&circle)?, |m| format!("{}  {}  {}  {}", m.id, m.starts_at, m.status, m.title))
        }
        MeetingCommand::Roles { meeting, suggest, facilitator, timekeeper, note_taker } => {
            let suggested = if suggest { store.suggest_roles(&meeting)? } else { Roles::default() };
            let roles = Roles {
                facilitator_id: facilitator.or(suggested.facilitator_id),
                timekeeper_id: timekeeper.or(suggested.timekeeper_id),
                note_taker_id: note_taker.or(suggested.note_taker_id),
            };
            let m = store.assign_roles(&meeting, &roles)?;
            let name = |id: &Option<String>| -> Result<String> {
                Ok(match id {
                    Some(id) => store.member(id)?.name,
                    None => "-".into(),
                })
            };
            let text = format!(
                "facilitator: {}\ntimekeeper: {}\nnote-taker: {}",
                name(&m.facilitator_id)?,
                name(&m.timekeeper_id)?,
                name(&m.note_taker_id)?
            );
            output(&m, text)
        }
        MeetingCommand::Start { meeting, present } => {
            let v = store.start_meeting(&meeting, present.as_deref())?;
            output(&v, run_view_text(&v))
        }
        MeetingCommand::Show(m) => {
            let v = store.run_view(&m.meeting)?;
            output(&v, run_view_text(&v))
        }
        MeetingCommand::Next(m) => view(store.next_item(&m.meeting)?),
        MeetingCommand::Previous(m) => view(store.previous_item(&m.meeting)?),
        MeetingCommand::Skip(m) => view(store.skip_item(&m.meeting)?),
        MeetingCommand::Carry(m) => view(store.carry_item(&m.meeting)?),
        MeetingCommand::Pause(m) => view(store.pause_meeting(&m.meeting)?),
        MeetingCommand::Resume(m) => view(store.resume_meeting(&m.meeting)?),
        MeetingCommand::End { meeting, summary } => {
            let end = store.end_meeting(&meeting, &summary)?;
            let mut lines = vec![format!("Ended: {} ({} present)", end.meeting.title, end.present)];
            lines.extend(end.decisions.iter().map(|d| format!("decision: {}", d.text)));
            lines.extend(end.actions.iter().map(|a| format!("action: {}", a.text)));
            lines.extend(end.carried.iter().map(|i| format!("carried over: {}", i.title)));
            if let Some(next) = &end.next_meeting {
                lines.push(format!("next meeting: {}", next.starts_at));
            }
            output(&end, lines.join("\n"))
        }
    })
}

fn view(v: RunView) -> Output {
    let text = run_view_text(&v);
    output(&v, text)
}

fn agenda_command(store: &mut Store, command: AgendaCommand) -> Result<Output> {
    Ok(match command {
        AgendaCommand::Add { meeting, title, minutes, kind, details, confidential, member } => {
            let input = AgendaItemInput {
                meeting_id: meeting,
                title,
                details,
                kind,
                minutes,
                confidential,
                member_id: member,
                ..Default::default()
            };
            let item = store.add_agenda_item(&input)?;
            let id = item.id.clone();
            output(&item, id)
        }
        AgendaCommand::List { meeting } => {
            let agenda = store.agenda(&meeting)?;
            let (total, length) = store.agenda_minutes(&meeting)?;
            let mut out = listed(&agenda, |i| {
                let carried = if i.carried_from_id.is_some() { "  (carried over)" } else { "" };
                format!("{}  {:>3} min  {}  {}{carried}", i.id, i.minutes, i.kind, i.title)
            });
            if !agenda.is_empty() {
                out.text.push_str(&format!("\ntimeboxes: {total} of {length} minutes"));
            }
            out
        }
        AgendaCommand::Reorder { item, position } => {
            let agenda = store.move_agenda_item(&item, position - 1)?;
            listed(&agenda, |i| format!("{}. {}", i.position + 1, i.title))
        }
        AgendaCommand::Edit { item, title, details, minutes, kind, notes } => {
            let patch = AgendaItemPatch { title, details, minutes, kind, notes, ..Default::default() };
            let i = store.update_agenda_item(&item, &patch)?;
            let id = i.id.clone();
            output(&i, id)
        }
        AgendaCommand::Remove { item } => {
            store.delete_agenda_item(&item)?;
            output(json!({ "removed": item }), "removed")
        }
    })
}

fn run(cli: Cli) -> Result<Output> {
    let dir = cli.data_dir.unwrap_or_else(kinship_core::paths::default_data_dir);
    let mut store = Store::open(&dir)?;
    let store = &mut store;
    let as_json = cli.json;
    Ok(match cli.command {
        Command::Init { name, email, pronouns, institution, career_stage } => {
            let me = store.create_identity(&IdentityInput { name, email, pronouns, institution, career_stage })?;
            let text = format!("Welcome, {}. Kinship is set up in {}", me.name, dir.display());
            output(&me, text)
        }
        Command::Circle(CircleCommand::Create { name, purpose, cadence }) => {
            let c = store.create_circle(&CircleInput { name, purpose, agreement: None, cadence })?;
            let id = c.id.clone();
            output(&c, id)
        }
        Command::Circle(CircleCommand::List) => listed(&store.list_circles()?, |c| {
            format!("{}  {}  ({}, {})", c.circle.id, c.circle.name, plural(c.member_count, "member"), c.circle.cadence)
        }),
        Command::Circle(CircleCommand::Show { circle }) => {
            let home = store.circle_home(&circle)?;
            let mut lines = vec![home.circle.name.clone(), home.circle.agreement.clone()];
            if let Some(next) = &home.next_meeting {
                lines.push(format!("next meeting: {} ({})", next.starts_at, next.title));
            }
            lines.push(format!("members: {}", home.members.iter().filter(|m| m.left_at.is_none()).count()));
            lines.extend(store.open_actions(&circle)?.iter().map(|a| format!("open action: {}", a.action.text)));
            lines.extend(
                home.upcoming_deadlines
                    .iter()
                    .map(|r| format!("deadline {}: {}", r.deadline.as_deref().unwrap_or(""), r.title)),
            );
            output(&home, lines.join("\n"))
        }
        Command::Circle(CircleCommand::Edit { circle, name, purpose, agreement, cadence }) => {
            let c = store.update_circle(&circle, &CirclePatch { name, purpose, agreement, cadence })?;
            let id = c.id.clone();
            output(&c, id)
        }
        Command::Member(MemberCommand::Add { circle, name, email, pronouns, institution }) => {
            let input =
                MemberInput { circle_id: circle, name, email, pronouns, institution, role: None, contact: None };
            let m = store.add_member(&input)?;
            let id = m.id.clone();
            output(&m, id)
        }
        Command::Member(MemberCommand::List { circle }) => listed(&store.members(&circle)?, |m| {
            let left = if m.left_at.is_some() { "  (left)" } else { "" };
            format!("{}  {} <{}>  {}{left}", m.id, m.name, m.email, m.role)
        }),
        Command::Member(MemberCommand::Edit { member, name, email, pronouns, institution, contact }) => {
            let m = store
                .update_member(&member, &MemberPatch { name, email, pronouns, institution, contact, role: None })?;
            let id = m.id.clone();
            output(&m, id)
        }
        Command::Member(MemberCommand::Remove { circle, member }) => {
            let m = store.remove_member(&circle, &member)?;
            let text = format!("{} left the circle; their history stays.", m.name);
            output(&m, text)
        }
        Command::Meeting(command) => meeting_command(store, command)?,
        Command::Agenda(command) => agenda_command(store, command)?,
        Command::Template(TemplateCommand::List { circle }) => {
            listed(&store.templates(&circle)?, |t| format!("{}  {}  ({} items)", t.id, t.name, t.items.len()))
        }
        Command::Template(TemplateCommand::Apply { meeting, template }) => {
            let agenda = store.apply_template(&meeting, &template)?;
            listed(&agenda, |i| format!("{}. {} ({} min)", i.position + 1, i.title, i.minutes))
        }
        Command::Template(TemplateCommand::Save { meeting, name }) => {
            let t = store.save_template(&meeting, &name)?;
            let id = t.id.clone();
            output(&t, id)
        }
        Command::Decision(DecisionCommand::Add { meeting, item, text }) => {
            let d = store.add_decision(&meeting, item.as_deref(), &text)?;
            let id = d.id.clone();
            output(&d, id)
        }
        Command::Action(ActionCommand::Add { meeting, text, owner, due, item }) => {
            let a = store.add_action_item(&ActionItemInput {
                meeting_id: meeting,
                text,
                owner_id: owner,
                due,
                agenda_item_id: item,
            })?;
            let id = a.id.clone();
            output(&a, id)
        }
        Command::Action(ActionCommand::List { meeting }) => listed(&store.action_items(&meeting)?, |a| {
            let done = if a.done { "done" } else { "open" };
            format!("{}  {}  {}  {}", a.id, done, a.due.as_deref().unwrap_or("-"), a.text)
        }),
        Command::Action(ActionCommand::Done { action, undo }) => {
            let a = store.set_action_done(&action, !undo)?;
            let text = if a.done { "done" } else { "open" };
            output(&a, text)
        }
        Command::Reflect(args) => {
            let input = ReflectionInput {
                circle_id: args.circle,
                meeting_id: args.meeting,
                prompt: args.prompt,
                text: args.text,
                shared: args.share,
            };
            let r = store.add_reflection(&input)?;
            let id = r.id.clone();
            output(&r, id)
        }
        Command::Reflection(ReflectionCommand::List) => listed(&store.my_reflections()?, |r| {
            format!("{}  {}  {}  {}", r.id, r.created_at, r.visibility, r.text.lines().next().unwrap_or(""))
        }),
        Command::Reflection(ReflectionCommand::Shared { circle, member, meeting }) => {
            let filter = ReflectionFilter { member_id: member, meeting_id: meeting, limit: None };
            listed(&store.circle_reflections(&circle, &filter)?.reflections, |s| {
                let author = s.author_name.as_deref().unwrap_or("A member");
                let r = &s.reflection;
                format!("{}  {}  {author}  {}", r.id, r.created_at, r.text.lines().next().unwrap_or(""))
            })
        }
        Command::Reflection(ReflectionCommand::Share { reflection, private }) => {
            let r = store.set_reflection_shared(&reflection, !private)?;
            let text = r.visibility.clone();
            output(&r, text)
        }
        Command::Goal(GoalCommand::Add { text, circle, target_date, share }) => {
            let g = store.add_goal(&GoalInput { circle_id: circle, text, target_date, shared: share })?;
            let id = g.id.clone();
            output(&g, id)
        }
        Command::Goal(GoalCommand::List) => listed(&store.goals()?, |g| {
            format!("{}  {}  {}  {}  {}", g.id, g.status, g.visibility, g.target_date.as_deref().unwrap_or("-"), g.text)
        }),
        Command::Goal(GoalCommand::Note { goal, text }) => {
            let n = store.add_goal_note(&goal, &text)?;
            let id = n.id.clone();
            output(&n, id)
        }
        Command::Goal(GoalCommand::Status { goal, status }) => {
            let g = store.set_goal_status(&goal, &status)?;
            let text = g.status.clone();
            output(&g, text)
        }
        Command::Resource(ResourceCommand::Add { circle, title, url, kind, deadline, note }) => {
            let r = store.add_resource(&ResourceInput { circle_id: circle, title, url, kind, deadline, note })?;
            let id = r.id.clone();
            output(&r, id)
        }
        Command::Resource(ResourceCommand::List { circle }) => listed(&store.resources(&circle)?, |r| {
            format!("{}  {}  {}  {}", r.id, r.kind, r.deadline.as_deref().unwrap_or("-"), r.title)
        }),
        Command::Search { text, circle } => search_results(&text, &store.search(&text, circle.as_deref())?),
        Command::Dump { circle } => {
            let dump = store.dump(&circle)?;
            Output { json: serde_json::from_str(&dump).unwrap(), text: dump, problem: None }
        }
        Command::Record(args) => {
            let record = store.mentoring_record(&record::RecordOptions {
                member_id: args.member,
                from: args.from,
                to: args.to,
                confidential: Some(args.confidential),
                narrative: args.narrative,
                reflection_ids: args.reflections,
            })?;
            let text = record.render(&args.format)?;
            saved_or_printed(args.out, &text, "record", &record)?
        }
        Command::Minutes(args) => {
            let minutes = store.minutes(&args.meeting)?;
            let text = minutes.render(&args.format)?;
            saved_or_printed(args.out, &text, "minutes", &minutes)?
        }
        Command::Calendar(args) => {
            let ics = match (&args.target.meeting, &args.target.circle) {
                (Some(meeting), _) => store.meeting_calendar(meeting)?,
                (None, Some(circle)) => store.circle_calendar(circle)?,
                (None, None) => unreachable!("clap requires --meeting or --circle"),
            };
            write_new(&args.out, &ics)?;
            output(json!({ "path": args.out }), format!("Saved to {}", args.out.display()))
        }
        Command::Backup { list: true } => listed(&store.backups()?, backup_line),
        Command::Backup { list: false } => {
            let b = store.backup_now()?;
            let text = format!("Backed up to {}", b.path);
            output(&b, text)
        }
        Command::Restore { file } => {
            let before = store.restore_from(&file)?;
            let text =
                format!("Restored from {}. Your data as it was just before is in {}", file.display(), before.path);
            output(json!({ "restored_from": file, "backup_before": before }), text)
        }
        Command::Invite { circle, member, name, email, out, expires_in_days } => {
            let invitee = kinship_core::sync::invite::Invitee::from_input(member, name, email)?;
            sync::invite(store, &circle, &invitee, &out, expires_in_days)?
        }
        Command::Laptop(LaptopCommand::Add { circle, out, expires_in_days }) => {
            sync::invite(store, &circle, &kinship_core::sync::invite::Invitee::MyOtherLaptop, &out, expires_in_days)?
        }
        Command::Laptop(LaptopCommand::Revoke { circle, laptop }) => sync::revoke_laptop(store, &circle, &laptop)?,
        Command::Join { file } => sync::join(store, &file)?,
        Command::Export { circle, out, full, armor, email } => sync::export(store, &circle, &out, full, armor, email)?,
        Command::Import { file, dry_run } => sync::import(store, &file, dry_run)?,
        Command::New { circle, mark_seen } => {
            let since = store.since_last_looked(&circle)?;
            if mark_seen {
                store.mark_seen(&circle, Some(&since.seen_upto))?;
            }
            let text = since_text(&since, mark_seen);
            output(&since, text)
        }
        Command::Sync(command) => sync::sync_command(store, command)?,
        Command::Folder(command) => folder::folder_command(store, command, as_json)?,
        Command::Data(DataCommand::Export { out, markdown }) => {
            let text = if markdown { store.export_markdown()? } else { store.export_json()? };
            write_new(&out, &text)?;
            output(json!({ "path": out }), format!("Saved to {}", out.display()))
        }
        Command::Data(DataCommand::Import { file }) => {
            let bytes = kinship_core::files::read_received_file(&file, kinship_core::files::MAX_RECEIVED_FILE)?;
            let text = String::from_utf8(bytes).map_err(|_| Error::Invalid {
                field: "File",
                reason: format!("{} is not a Kinship data export (JSON text)", file.display()),
            })?;
            let s = store.import_json(&text)?;
            let text = format!(
                "Imported {}, {}, {} and {}.",
                plural(s.circles, "circle"),
                plural(s.meetings, "meeting"),
                plural(s.reflections, "reflection"),
                plural(s.goals, "goal")
            );
            output(&s, text)
        }
    })
}

/// What a search hit is, as the window names it.
fn kind_label(kind: &str) -> &str {
    match kind {
        "agenda_item" => "Talking point",
        "action_item" => "Action item",
        "decision" => "Decision",
        "resource" => "Resource",
        "reflection" => "Your reflection",
        "shared_reflection" => "Shared reflection",
        other => other,
    }
}

/// A search hit as the window shows it: kind and title, where it is, the matching text
/// (matched words in `[ ]`), and its id for other commands.
fn search_hit_text(h: &SearchHit) -> String {
    let title = if h.title.is_empty() { "(untitled)" } else { &h.title };
    let by = h.author_name.as_ref().map(|a| format!(" by {a}")).unwrap_or_default();
    let mut lines = vec![format!("{}{by}: {title}", kind_label(&h.kind))];
    let meeting = h.meeting_title.as_ref().map(|t| match &h.meeting_starts_at {
        // The stored date, as the mentoring record shows it.
        Some(at) => format!("{t} ({})", at.get(..10).unwrap_or(at)),
        None => t.clone(),
    });
    let place: Vec<String> = h.circle_name.iter().cloned().chain(meeting).collect();
    if !place.is_empty() {
        lines.push(format!("  in {}", place.join(" · ")));
    }
    if !h.snippet.trim().is_empty() {
        lines.push(format!("  {}", h.snippet.trim()));
    }
    lines.push(format!("  id {}", h.record_id));
    lines.join("\n")
}

fn search_results(text: &str, hits: &[SearchHit]) -> Output {
    let shown = if hits.is_empty() {
        format!("Nothing found for “{text}”.")
    } else {
        hits.iter().map(search_hit_text).collect::<Vec<_>>().join("\n\n")
    };
    output(hits, shown)
}

/// A document written to `out` (a new file; JSON: its path and the `name`d value), or printed.
fn saved_or_printed(out: Option<std::path::PathBuf>, text: &str, name: &str, value: &impl Serialize) -> Result<Output> {
    Ok(match out {
        Some(out) => {
            write_new(&out, text)?;
            output(json!({ "path": out, name: value }), format!("Saved to {}", out.display()))
        }
        None => output(value, text.trim_end()),
    })
}

fn backup_line(b: &backup::BackupInfo) -> String {
    format!(
        "{}  {}  {}, {}, {}",
        b.path,
        b.made_at.as_deref().unwrap_or("-"),
        plural(b.circles, "circle"),
        plural(b.meetings, "meeting"),
        plural(b.reflections, "reflection")
    )
}

/// Writes `contents` to a new file `path`; an existing file is never overwritten.
fn write_new(path: &std::path::Path, contents: &str) -> Result<()> {
    write_new_bytes(path, contents.as_bytes())
}

/// Writes a new file only its owner can read (it may hold the circle's confidential talk),
/// refusing to overwrite one.
fn write_new_bytes(path: &std::path::Path, contents: &[u8]) -> Result<()> {
    kinship_core::files::write_new_private(path, contents).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            Error::Invalid {
                field: "Out",
                reason: format!("{} already exists; choose another file name or remove it first", path.display()),
            }
        } else {
            Error::Io { path: path.display().to_string(), source: e }
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
            match out.problem {
                Some(problem) => {
                    eprintln!("kinship: {problem}");
                    ExitCode::from(1)
                }
                None => ExitCode::SUCCESS,
            }
        }
        Err(err) => {
            if as_json {
                eprintln!("{}", serde_json::to_string(&error::ErrorReport::from(&err)).unwrap());
            } else {
                eprintln!("kinship: {err}");
            }
            ExitCode::from(1)
        }
    }
}

/// "Since you last looked" as lines: the summary, then each kind with its entries.
fn since_text(since: &kinship_core::SinceLastLooked, marked: bool) -> String {
    let mut lines = vec![format!("{}: {}", since.heading, since.summary)];
    for group in &since.groups {
        lines.push(String::new());
        lines.push(group.label.to_string());
        for item in &group.items {
            let when = item.starts_at.as_deref().map(|s| format!(" ({s})")).unwrap_or_default();
            lines.push(format!("  {}{when} · {}", item.text, item.detail));
        }
        lines.extend(group.more_label.clone().map(|more| format!("  {more}")));
    }
    if marked && since.total > 0 {
        lines.push(String::new());
        lines.push("Marked as seen on this laptop.".into());
    }
    lines.join("\n")
}
