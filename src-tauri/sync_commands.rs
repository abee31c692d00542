//! Sync commands: share updates, preview then apply a received bundle, undo, conflicts,
//! invites and joining. A preview's opened bundle (or an opened invite) is kept here under a
//! token until the person applies or cancels it, so nothing is decrypted twice. A saved
//! file's email is kept the same way, so the window can ask for it to be opened but never
//! name another file or other addresses. What each command does is decided by the core;
//! this file keeps files and saves them.

use crate::{AppState, CommandError};
use kinship_core::mail::{Email, Handed};
use kinship_core::sync::invite::{open_invite, Invite, Invitee};
use kinship_core::sync::share::{Applied, Incoming, SyncStatus, Undone};
use kinship_core::sync::{armor, ImportReport};
use kinship_core::{export, ids, Error, IdentityInput};
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;
use tauri::ipc::Channel;
use tauri::State;

type Reply<T> = Result<T, CommandError>;

/// Opened bundles and invites waiting for the person's Apply or Cancel.
#[derive(Default)]
pub struct Pending {
    bundles: Mutex<HashMap<String, Incoming>>,
    invites: Mutex<HashMap<String, Invite>>,
    /// Saved files' emails, for "Email it" (opened as often as the person asks).
    emails: Mutex<HashMap<String, Email>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn expired() -> CommandError {
    CommandError::from(Error::Invalid {
        field: "Import",
        reason: "this preview has expired; open the file again".into(),
    })
}

/// A saved file and an email to send it with.
#[derive(Serialize)]
pub struct SavedFile {
    path: String,
    file_name: String,
    bytes: usize,
    changes: usize,
    /// The pasteable text, when asked for.
    armored: Option<String>,
    to: Vec<String>,
    subject: String,
    body: String,
    unreadable_by: Vec<String>,
    member_id: Option<String>,
    /// When an invite stops working (RFC 3339 UTC).
    expires_at: Option<String>,
    /// Opens the email with the file attached (`email_saved_file`); none when nobody has an address.
    email_token: Option<String>,
}

/// What a received bundle would do, before the person decides.
#[derive(Serialize)]
pub struct BundlePreview {
    token: String,
    circle_id: String,
    circle_name: String,
    sender_name: String,
    report: ImportReport,
}

/// Who an invite is for, before joining.
#[derive(Serialize)]
pub struct InvitePreview {
    token: String,
    circle_name: String,
    inviter_name: String,
    member_name: String,
    member_email: String,
    has_identity: bool,
    already_in_circle: bool,
    /// The invite adds another laptop of the member's own, not a new member.
    adds_a_laptop: bool,
    expires_at: String,
}

impl SavedFile {
    /// `contents` saved among the person's documents under (a free variant of) `name`, with
    /// the email to send it with; the other fields are filled in by the caller.
    fn save(name: &str, contents: &[u8], to: Vec<String>, subject: String, body: String) -> kinship_core::Result<Self> {
        let path = export::save_new_file(name, contents)?;
        Ok(SavedFile {
            path: path.display().to_string(),
            file_name: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            bytes: contents.len(),
            changes: 0,
            armored: None,
            to,
            subject,
            body,
            unreadable_by: Vec::new(),
            member_id: None,
            expires_at: None,
            email_token: None,
        })
    }

    /// Keeps the email this file goes with, for `email_saved_file`.
    fn with_email(mut self, pending: &Pending) -> Self {
        let email = Email::new(self.to.clone(), self.subject.clone(), self.body.clone(), Path::new(&self.path));
        self.email_token = email.ok().map(|email| keep(&pending.emails, email));
        self
    }
}

/// Keeps an opened bundle or invite until the person decides; returns its token.
fn keep<T>(waiting: &Mutex<HashMap<String, T>>, opened: T) -> String {
    let token = ids::new_id();
    lock(waiting).insert(token.clone(), opened);
    token
}

/// The bytes of a file named by path, or sent from the window (picked or pasted).
fn source_bytes(path: Option<String>, text: Option<String>, bytes: Option<Vec<u8>>) -> kinship_core::Result<Vec<u8>> {
    match (path, text, bytes) {
        (Some(path), _, _) => {
            kinship_core::files::read_received_file(Path::new(&path), kinship_core::files::MAX_RECEIVED_FILE)
        }
        (_, Some(text), _) => Ok(text.into_bytes()),
        (_, _, Some(bytes)) => Ok(bytes),
        _ => Err(Error::Invalid { field: "Bundle", reason: "choose a .kinship file or paste a bundle's text".into() }),
    }
}

#[tauri::command]
pub fn sync_status(state: State<'_, AppState>, circle_id: String) -> Reply<SyncStatus> {
    state.with_store(|s| s.sync_status(&circle_id))
}

/// Seals a bundle for the circle and saves it among the person's documents.
#[tauri::command]
pub async fn share_updates(
    state: State<'_, AppState>,
    pending: State<'_, Pending>,
    circle_id: String,
    full: bool,
    armor: bool,
) -> Reply<SavedFile> {
    let saved = state.with_store(|s| {
        let shared = s.share_bundle(&circle_id, full)?;
        let saved = SavedFile::save(&shared.file_name, &shared.bytes, shared.to, shared.subject, shared.body)?;
        s.note_shared(&circle_id)?;
        Ok(SavedFile {
            changes: shared.changes,
            armored: armor.then(|| armor::armor(&shared.bytes)),
            unreadable_by: shared.unreadable_by,
            ..saved
        })
    })?;
    Ok(saved.with_email(&pending))
}

/// Saves a meeting's minutes as Markdown among the person's documents, with the email that
/// takes them to the circle: the file attached, the minutes as text in the body (what a plain
/// `mailto:` carries where no email app takes the file).
#[tauri::command]
pub async fn save_minutes_for_email(
    state: State<'_, AppState>,
    pending: State<'_, Pending>,
    meeting_id: String,
) -> Reply<SavedFile> {
    state
        .with_store(|s| {
            let minutes = s.minutes(&meeting_id)?;
            let markdown = minutes.render("md")?;
            SavedFile::save(
                &minutes.file_name(),
                markdown.as_bytes(),
                minutes.recipients,
                minutes.subject,
                minutes.text,
            )
        })
        .map(|saved| saved.with_email(&pending))
}

/// Opens a new message in the person's email app with a saved file attached. `no_mail_app`
/// tells the window to fall back to a `mailto:` link and "Show the file".
#[tauri::command]
pub async fn email_saved_file(pending: State<'_, Pending>, token: String) -> Reply<Handed> {
    let email = lock(&pending.emails).get(&token).cloned().ok_or_else(|| {
        CommandError::from(Error::Invalid {
            field: "Email",
            reason: "this file is no longer known: save it again".into(),
        })
    })?;
    // The email app may take seconds to say no: wait off the window's thread.
    tauri::async_runtime::spawn_blocking(move || email.hand_to_mail_app()).await.map_err(|_| {
        CommandError::from(Error::Invalid { field: "Email", reason: "Kinship could not open your email app".into() })
    })
}

/// Opens a received bundle and reports what applying it would do; writes nothing.
#[tauri::command]
pub async fn preview_bundle(
    state: State<'_, AppState>,
    pending: State<'_, Pending>,
    path: Option<String>,
    text: Option<String>,
    bytes: Option<Vec<u8>>,
) -> Reply<BundlePreview> {
    let (incoming, applied) = state.with_store(|s| {
        let incoming = s.open_bundle(&source_bytes(path, text, bytes)?)?;
        let applied = s.apply_bundle(&incoming, true)?;
        Ok((incoming, applied))
    })?;
    Ok(BundlePreview {
        circle_id: incoming.bundle.circle_id.clone(),
        circle_name: incoming.circle_name.clone(),
        sender_name: incoming.sender_name.clone(),
        report: applied.report,
        token: keep(&pending.bundles, incoming),
    })
}

/// How far an import is, sent to the window while it runs.
#[derive(Clone, Serialize)]
pub struct ImportProgress {
    done: usize,
    total: usize,
}

/// Applies a previewed bundle (a backup is made first), reporting progress on `on_progress`.
#[tauri::command]
pub async fn apply_bundle(
    state: State<'_, AppState>,
    pending: State<'_, Pending>,
    token: String,
    on_progress: Channel<ImportProgress>,
) -> Reply<Applied> {
    let incoming = lock(&pending.bundles).remove(&token).ok_or_else(expired)?;
    // A window that stopped listening must not stop the import.
    let mut report = |done, total| drop(on_progress.send(ImportProgress { done, total }));
    state.with_store(|s| s.apply_bundle_with_progress(&incoming, false, &mut report))
}

#[tauri::command]
pub fn cancel_bundle(pending: State<'_, Pending>, token: String) {
    lock(&pending.bundles).remove(&token);
}

/// Asks for the circle's shared folder in the system's folder picker, then syncs through it.
/// The path goes from the picker to the core: the window never names it. None: cancelled.
#[tauri::command]
pub async fn choose_sync_folder(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    circle_id: String,
) -> Reply<Option<kinship_core::sync::folder::FolderStatus>> {
    use tauri_plugin_dialog::DialogExt;
    let picked = app.dialog().file().set_title("The circle's shared folder").blocking_pick_folder();
    let Some(path) = picked.and_then(|p| p.into_path().ok()) else { return Ok(None) };
    state.with_store(|s| s.set_sync_folder(&circle_id, &path)).map(Some)
}

#[tauri::command]
pub async fn undo_import(state: State<'_, AppState>, circle_id: String) -> Reply<Undone> {
    state.with_store(|s| s.undo_last_import(&circle_id))
}

#[tauri::command]
pub fn resolve_conflict(
    state: State<'_, AppState>,
    circle_id: String,
    entity: String,
    entity_id: String,
    field: String,
    text: String,
) -> Reply<()> {
    state.with_store(|s| s.resolve_conflict(&circle_id, &entity, &entity_id, &field, &text))
}

#[tauri::command]
pub fn dismiss_conflict(state: State<'_, AppState>, circle_id: String, entity: String, entity_id: String) -> Reply<()> {
    state.with_store(|s| s.dismiss_conflict(&circle_id, &entity, &entity_id))
}

/// Makes the invite for `invitee` and saves it among the person's documents, with its email.
fn save_invite(
    state: State<'_, AppState>,
    pending: State<'_, Pending>,
    circle_id: &str,
    invitee: &Invitee,
    passphrase: &str,
    expires_in_days: Option<i64>,
) -> Reply<SavedFile> {
    state
        .with_store(|s| {
            let made = s.invite(circle_id, invitee, passphrase, expires_in_days)?;
            let message = s.invite_message(circle_id, &made.member.id, &made.expires_at)?;
            let saved =
                SavedFile::save(&message.file_name, &made.sealed, vec![message.to], message.subject, message.body)?;
            Ok(SavedFile { member_id: Some(made.member.id), expires_at: Some(made.expires_at), ..saved })
        })
        .map(|saved| saved.with_email(&pending))
}

/// Invites a member who has not joined (`member_id`), or a new person (`name`, `email`).
#[tauri::command]
pub async fn create_invite(
    state: State<'_, AppState>,
    pending: State<'_, Pending>,
    circle_id: String,
    member_id: Option<String>,
    name: Option<String>,
    email: Option<String>,
    passphrase: String,
    expires_in_days: Option<i64>,
) -> Reply<SavedFile> {
    let invitee = Invitee::from_input(member_id, name, email)?;
    save_invite(state, pending, &circle_id, &invitee, &passphrase, expires_in_days)
}

/// "Add another laptop of mine": an invite for this laptop's own member, to open on the other laptop.
#[tauri::command]
pub async fn add_my_laptop(
    state: State<'_, AppState>,
    pending: State<'_, Pending>,
    circle_id: String,
    passphrase: String,
    expires_in_days: Option<i64>,
) -> Reply<SavedFile> {
    save_invite(state, pending, &circle_id, &Invitee::MyOtherLaptop, &passphrase, expires_in_days)
}

/// Unlocks an invite with its passphrase and says who it is for; writes nothing.
#[tauri::command]
pub async fn preview_invite(
    state: State<'_, AppState>,
    pending: State<'_, Pending>,
    path: Option<String>,
    bytes: Option<Vec<u8>>,
    passphrase: String,
) -> Reply<InvitePreview> {
    let file = source_bytes(path, None, bytes).map_err(CommandError::from)?;
    let invite = open_invite(&file, &passphrase).map_err(CommandError::from)?;
    let (has_identity, already_in_circle) =
        state.with_store(|s| Ok((s.identity()?.is_some(), s.already_joined(&invite)?)))?;
    let header = invite.header.clone();
    Ok(InvitePreview {
        circle_name: header.circle_name,
        inviter_name: header.inviter_name,
        member_name: header.member_name,
        member_email: header.member_email,
        has_identity,
        already_in_circle,
        adds_a_laptop: invite.adds_a_laptop(),
        expires_at: invite.expires_at(),
        token: keep(&pending.invites, invite),
    })
}

/// The circle joined.
#[derive(Serialize)]
pub struct JoinedCircle {
    circle_id: String,
}

/// Joins the circle of a previewed invite, setting up this laptop's person if needed.
#[tauri::command]
pub async fn join_circle(
    state: State<'_, AppState>,
    pending: State<'_, Pending>,
    token: String,
    identity: Option<IdentityInput>,
) -> Reply<JoinedCircle> {
    let invite = lock(&pending.invites).get(&token).cloned().ok_or_else(expired)?;
    let joined = state.with_store(|s| s.join(&invite, identity.as_ref()))?;
    lock(&pending.invites).remove(&token);
    Ok(JoinedCircle { circle_id: joined.circle_id })
}
