//! Tauri commands: each one translates a call from the UI into one call on the core.

use crate::{AppState, CommandError};
use kinship_core::*;
use tauri::State;

type Reply<T> = Result<T, CommandError>;

/// Declares `#[tauri::command]` functions that each run one expression on the store `s`.
macro_rules! commands {
    (sync: [$($sync:ident),*]; $( $name:ident ( $($arg:ident : $ty:ty),* ) -> $ret:ty => |$s:ident| $body:expr; )*) => {
        $(
            #[tauri::command]
            pub fn $name(state: State<'_, AppState>, $($arg: $ty),*) -> Reply<$ret> {
                state.with_store(|$s| $body)
            }
        )*
        /// Every command's name (each needs an `allow-…` permission in tauri.conf.json).
        pub const NAMES: &[&str] = &[$(stringify!($name),)* "agenda_choices", "opened_files", $(stringify!($sync),)*];

        /// The invoke handler for every command.
        pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($name,)* agenda_choices, opened_files, $(crate::sync_commands::$sync,)*]
        }
    };
}

commands! {
    // Declared in sync_commands.rs (they keep state between a preview and its apply).
    sync: [sync_status, share_updates, preview_bundle, apply_bundle, cancel_bundle, undo_import,
           resolve_conflict, dismiss_conflict, create_invite, add_my_laptop, preview_invite, join_circle, email_saved_file,
           save_minutes_for_email, choose_sync_folder];

    get_identity() -> Option<Identity> => |s| s.identity();
    create_identity(input: IdentityInput) -> Identity => |s| s.create_identity(&input);

    list_circles() -> Vec<CircleSummary> => |s| s.list_circles();
    create_circle(input: CircleInput) -> Circle => |s| s.create_circle(&input);
    update_circle(id: String, patch: CirclePatch) -> Circle => |s| s.update_circle(&id, &patch);
    circle_home(circle_id: String) -> CircleHome => |s| s.circle_home(&circle_id);
    circle_people(circle_id: String) -> CirclePeople => |s| s.circle_people(&circle_id);
    past_meetings(circle_id: String) -> Vec<Meeting> => |s| s.past_meetings(&circle_id);
    owner_open_actions(circle_id: String, owner_id: Option<String>) -> Vec<home::OpenAction> => |s| s.owner_open_actions(&circle_id, owner_id.as_deref());
    action_review(meeting_id: String) -> Vec<home::OwnerActions> => |s| s.action_review(&meeting_id);
    since_last_looked(circle_id: String) -> SinceLastLooked => |s| s.since_last_looked(&circle_id);
    mark_seen(circle_id: String, upto: std::collections::BTreeMap<String, i64>) -> () => |s| s.mark_seen(&circle_id, Some(&upto));

    add_member(input: MemberInput) -> Member => |s| s.add_member(&input);
    add_members(circle_id: String, people: Vec<MemberInput>) -> Vec<Member> => |s| s.add_members(&circle_id, &people);
    update_member(id: String, patch: MemberPatch) -> Member => |s| s.update_member(&id, &patch);
    remove_member(circle_id: String, id: String) -> Member => |s| s.remove_member(&circle_id, &id);
    revoke_laptop(circle_id: String, key_id: String) -> sync::keys::DeviceKey => |s| s.revoke_laptop(&circle_id, &key_id);
    member_invites(circle_id: String) -> Vec<MemberInvite> => |s| s.member_invites(&circle_id);
    share_reminder(circle_id: String) -> Option<ShareReminder> => |s| s.share_reminder(&circle_id);

    folder_status(circle_id: String) -> Option<sync::folder::FolderStatus> => |s| s.folder_status(&circle_id);
    set_sync_folder(circle_id: String, path: String) -> sync::folder::FolderStatus => |s| s.set_sync_folder(&circle_id, std::path::Path::new(&path));
    unset_sync_folder(circle_id: String) -> () => |s| s.unset_sync_folder(&circle_id);
    set_folder_auto_import(circle_id: String, on: bool) -> sync::folder::FolderStatus => |s| s.set_folder_auto_import(&circle_id, on);

    create_meetings(input: MeetingInput, count: usize) -> Vec<Meeting> => |s| s.create_series(&input, count);
    get_meeting(id: String) -> Meeting => |s| s.meeting(&id);
    update_meeting(id: String, patch: MeetingPatch) -> Meeting => |s| s.update_meeting(&id, &patch);
    suggest_roles(meeting_id: String) -> Roles => |s| s.suggest_roles(&meeting_id);
    assign_roles(meeting_id: String, roles: Roles) -> Meeting => |s| s.assign_roles(&meeting_id, &roles);

    agenda(meeting_id: String) -> AgendaView => |s| s.agenda_view(&meeting_id);
    add_agenda_item(input: AgendaItemInput) -> AgendaItem => |s| s.add_agenda_item(&input);
    update_agenda_item(id: String, patch: AgendaItemPatch) -> AgendaItem => |s| s.update_agenda_item(&id, &patch);
    move_agenda_item(id: String, position: i64) -> Vec<AgendaItem> => |s| s.move_agenda_item(&id, position);
    delete_agenda_item(id: String) -> () => |s| s.delete_agenda_item(&id);
    templates(circle_id: String) -> Vec<AgendaTemplate> => |s| s.templates(&circle_id);
    apply_template(meeting_id: String, template_id: String) -> Vec<AgendaItem> => |s| s.apply_template(&meeting_id, &template_id);
    save_template(meeting_id: String, name: String) -> AgendaTemplate => |s| s.save_template(&meeting_id, &name);

    run_view(meeting_id: String) -> RunView => |s| s.run_view(&meeting_id);
    start_meeting(meeting_id: String, present: Vec<String>) -> RunView => |s| s.start_meeting(&meeting_id, Some(&present));
    set_attendance(meeting_id: String, member_id: String, present: bool) -> () => |s| s.set_attendance(&meeting_id, &member_id, present);
    next_item(meeting_id: String) -> RunView => |s| s.next_item(&meeting_id);
    previous_item(meeting_id: String) -> RunView => |s| s.previous_item(&meeting_id);
    skip_item(meeting_id: String) -> RunView => |s| s.skip_item(&meeting_id);
    carry_item(meeting_id: String) -> RunView => |s| s.carry_item(&meeting_id);
    pause_meeting(meeting_id: String) -> RunView => |s| s.pause_meeting(&meeting_id);
    resume_meeting(meeting_id: String) -> RunView => |s| s.resume_meeting(&meeting_id);
    add_decision(meeting_id: String, agenda_item_id: Option<String>, text: String) -> Decision => |s| s.add_decision(&meeting_id, agenda_item_id.as_deref(), &text);
    end_meeting(meeting_id: String, summary: String) -> EndSummary => |s| s.end_meeting(&meeting_id, &summary);

    add_action_item(input: ActionItemInput) -> ActionItem => |s| s.add_action_item(&input);
    set_action_done(id: String, done: bool) -> ActionItem => |s| s.set_action_done(&id, done);
    my_actions() -> Vec<CircleActions> => |s| s.my_actions();

    my_reflections() -> Vec<Reflection> => |s| s.my_reflections();
    journal() -> Vec<JournalEntry> => |s| s.journal();
    circle_reflections(circle_id: String, filter: ReflectionFilter) -> CircleReflections => |s| s.circle_reflections(&circle_id, &filter);
    add_reflection(input: ReflectionInput) -> Reflection => |s| s.add_reflection(&input);
    set_reflection_shared(id: String, shared: bool) -> Reflection => |s| s.set_reflection_shared(&id, shared);
    next_prompt() -> &'static str => |s| s.next_prompt();

    goals() -> Vec<Goal> => |s| s.goals();
    add_goal(input: GoalInput) -> Goal => |s| s.add_goal(&input);
    set_goal_status(id: String, status: String) -> Goal => |s| s.set_goal_status(&id, &status);
    add_goal_note(goal_id: String, text: String) -> GoalNote => |s| s.add_goal_note(&goal_id, &text);
    goal_notes(goal_id: String) -> Vec<GoalNote> => |s| s.goal_notes(&goal_id);

    resources(circle_id: String) -> Vec<Resource> => |s| s.resources(&circle_id);
    add_resource(input: ResourceInput) -> Resource => |s| s.add_resource(&input);

    search(text: String, circle_id: Option<String>) -> Vec<SearchHit> => |s| s.search(&text, circle_id.as_deref());

    mentoring_record(options: record::RecordOptions) -> record::RecordDocument => |s| s.mentoring_record(&options).map(|r| r.document());
    save_record(options: record::RecordOptions, format: String) -> String => |s| s.save_record(&options, &format);
    record_reflection_choices(options: record::RecordOptions) -> Vec<record::ReflectionChoice> => |s| s.record_reflection_choices(&options);
    minutes(meeting_id: String) -> Minutes => |s| s.minutes(&meeting_id);
    save_minutes(meeting_id: String) -> String => |s| s.save_minutes(&meeting_id);
    save_circle_calendar(circle_id: String) -> String => |s| s.save_circle_calendar(&circle_id);
    backups() -> Vec<backup::BackupInfo> => |s| s.backups();
    backup_now() -> backup::BackupInfo => |s| s.backup_now();
    restore_backup(file_name: String) -> backup::BackupInfo => |s| s.restore_backup(&file_name);
    save_data_export(markdown: bool) -> String => |s| s.save_data_export(markdown);
    import_data(text: String) -> export::ImportSummary => |s| s.import_json(&text);
}

/// Every agenda kind and kind of help wanted with its label, for choices and for naming them.
#[tauri::command]
pub fn agenda_choices() -> AgendaChoices {
    kinship_core::agenda_choices()
}

/// The `.kinship` files opened from the system since the UI last asked (emptied by asking).
#[tauri::command]
pub fn opened_files(opened: State<'_, crate::desktop::OpenedFiles>) -> Vec<String> {
    opened.take()
}
