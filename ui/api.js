// The only module that talks to Kinship's core. Every call returns the core's answer, or
// throws an ApiError whose message says what to do.

const invoke = window.__TAURI__?.core?.invoke;

/** An error from the core, in the `{code, message, field}` shape every command uses. */
export class ApiError extends Error {
  constructor({ code, message, field }) {
    super(message);
    this.code = code;
    this.field = field ?? null;
  }
}

// Codes whose core message is not enough on its own for a person at the window.
const ADVICE = {
  storage: 'Your data is safe as last saved. Try again; if it keeps happening, restart Kinship.',
  io: 'Check that the disk is not full and that Kinship may write to its data folder.',
};

async function call(command, args = {}) {
  if (!invoke) throw new ApiError({ code: 'no_backend', message: 'Kinship’s core is not reachable from this window. Start Kinship from its app icon.' });
  try {
    return await invoke(command, args);
  } catch (raw) {
    const err = typeof raw === 'object' && raw ? raw : { code: 'unknown', message: String(raw) };
    const advice = ADVICE[err.code];
    throw new ApiError({ ...err, message: advice ? `${err.message} ${advice}` : err.message });
  }
}

// Argument names are camelCase here; Tauri maps them to the commands' snake_case names.
export const api = {
  getIdentity: () => call('get_identity'),
  createIdentity: (input) => call('create_identity', { input }),

  listCircles: () => call('list_circles'),
  createCircle: (input) => call('create_circle', { input }),
  updateCircle: (id, patch) => call('update_circle', { id, patch }),
  circleHome: (circleId) => call('circle_home', { circleId }),
  /** A circle's people, `{circle, members, me}` (current members first), for screens that only name them. */
  circlePeople: (circleId) => call('circle_people', { circleId }),
  // "Show all" on the circle home: every past meeting; every open action of one owner (null: nobody's).
  pastMeetings: (circleId) => call('past_meetings', { circleId }),
  ownerOpenActions: (circleId, ownerId) => call('owner_open_actions', { circleId, ownerId }),
  // An agenda's action review: open actions from the circle's other meetings, by owner, a few each.
  actionReview: (meetingId) => call('action_review', { meetingId }),
  sinceLastLooked: (circleId) => call('since_last_looked', { circleId }),
  markSeen: (circleId, upto) => call('mark_seen', { circleId, upto }),
  memberInvites: (circleId) => call('member_invites', { circleId }),
  /** Members with a laptop who lack changes this laptop has: `{members, changes, text}`, or null. */
  shareReminder: (circleId) => call('share_reminder', { circleId }),

  addMember: (input) => call('add_member', { input }),
  /** Adds several people at once, all or none; `people` is the form's rows (blank rows are skipped). */
  addMembers: (circleId, people) => call('add_members', { circleId, people }),
  updateMember: (id, patch) => call('update_member', { id, patch }),
  removeMember: (circleId, id) => call('remove_member', { circleId, id }),

  createMeetings: (input, count = 1) => call('create_meetings', { input, count }),
  getMeeting: (id) => call('get_meeting', { id }),
  /** Changes a meeting's details; `patch` names them as the meeting does, null leaves one as it is. */
  updateMeeting: (id, patch) => call('update_meeting', { id, patch }),
  suggestRoles: (meetingId) => call('suggest_roles', { meetingId }),
  assignRoles: (meetingId, roles) => call('assign_roles', { meetingId, roles }),

  /** A meeting's agenda as shown: `{items, planned}`, each item with its `kind_label`, and `planned` = `{total, length, over, percent}`. */
  agenda: (meetingId) => call('agenda', { meetingId }),
  /** Every agenda kind as `{value, label}`, in the order a choice lists them. */
  agendaChoices: () => call('agenda_choices'),
  addAgendaItem: (input) => call('add_agenda_item', { input }),
  updateAgendaItem: (id, patch) => call('update_agenda_item', { id, patch }),
  moveAgendaItem: (id, position) => call('move_agenda_item', { id, position }),
  deleteAgendaItem: (id) => call('delete_agenda_item', { id }),
  templates: (circleId) => call('templates', { circleId }),
  applyTemplate: (meetingId, templateId) => call('apply_template', { meetingId, templateId }),
  saveTemplate: (meetingId, name) => call('save_template', { meetingId, name }),

  runView: (meetingId) => call('run_view', { meetingId }),
  startMeeting: (meetingId, present) => call('start_meeting', { meetingId, present }),
  setAttendance: (meetingId, memberId, present) => call('set_attendance', { meetingId, memberId, present }),
  nextItem: (meetingId) => call('next_item', { meetingId }),
  previousItem: (meetingId) => call('previous_item', { meetingId }),
  skipItem: (meetingId) => call('skip_item', { meetingId }),
  carryItem: (meetingId) => call('carry_item', { meetingId }),
  pauseMeeting: (meetingId) => call('pause_meeting', { meetingId }),
  resumeMeeting: (meetingId) => call('resume_meeting', { meetingId }),
  addDecision: (meetingId, agendaItemId, text) => call('add_decision', { meetingId, agendaItemId, text }),
  endMeeting: (meetingId, summary = '') => call('end_meeting', { meetingId, summary }),

  addActionItem: (input) => call('add_action_item', { input }),
  setActionDone: (id, done) => call('set_action_done', { id, done }),
  myActions: () => call('my_actions'),

  /** Your own reflections, private and shared, newest first: your journal. */
  myReflections: () => call('my_reflections'),
  // Your journal: your reflections, newest first, each with where it came from in words.
  journal: () => call('journal'),
  /**
   * The circle's shared reflections page: `{circle, reflections, total, authors, meetings}`, each
   * reflection with `author_name`, `meeting_title`, `meeting_starts_at` and `mine`; `filter` is
   * `{member_id, meeting_id, limit}` (null for all).
   */
  circleReflections: (circleId, filter = {}) => call('circle_reflections', { circleId, filter }),
  addReflection: (input) => call('add_reflection', { input }),
  setReflectionShared: (id, shared) => call('set_reflection_shared', { id, shared }),
  nextPrompt: () => call('next_prompt'),

  goals: () => call('goals'),
  addGoal: (input) => call('add_goal', { input }),
  setGoalStatus: (id, status) => call('set_goal_status', { id, status }),
  addGoalNote: (goalId, text) => call('add_goal_note', { goalId, text }),
  goalNotes: (goalId) => call('goal_notes', { goalId }),

  resources: (circleId) => call('resources', { circleId }),
  addResource: (input) => call('add_resource', { input }),

  search: (text, circleId = null) => call('search', { text, circleId }),

  /** Opens a web address in the person's browser (never inside Kinship's window). */
  openLink: (url) => call('plugin:opener|open_url', { url }),

  /**
   * A member's mentoring record as the Markdown export writes it: `{blocks}`, each `{type, …}`
   * (title, heading, paragraph, figures, list, quote, footer); `options`: {member_id, from, to,
   * confidential, narrative, reflection_ids}.
   */
  mentoringRecord: (options) => call('mentoring_record', { options }),
  /** Saves the record as md, csv or html in Documents (else Downloads); resolves to the path. */
  saveRecord: (options, format) => call('save_record', { options, format }),
  /** Your own reflections a record may include (none for someone else's record). */
  recordReflectionChoices: (options) => call('record_reflection_choices', { options }),
  /**
   * An ended meeting's minutes: `{meeting, circle_name, document: {blocks}, text, subject,
   * recipients}`; the blocks are drawn, `text` is what is copied and emailed.
   */
  minutes: (meetingId) => call('minutes', { meetingId }),
  /** Saves the minutes as Markdown in Documents (else Downloads); resolves to the path. */
  saveMinutes: (meetingId) => call('save_minutes', { meetingId }),
  saveMinutesForEmail: (meetingId) => call('save_minutes_for_email', { meetingId }),
  saveCircleCalendar: (circleId) => call('save_circle_calendar', { circleId }),
  backups: () => call('backups'),
  backupNow: () => call('backup_now'),
  restoreBackup: (fileName) => call('restore_backup', { fileName }),
  saveDataExport: (markdown) => call('save_data_export', { markdown }),
  importData: (text) => call('import_data', { text }),

  // Sync: bundles of a circle's changes, exchanged as files or pasted text, and invites.
  syncStatus: (circleId) => call('sync_status', { circleId }),
  /** Saves a sealed bundle in Documents; `armor` also returns it as pasteable text. */
  shareUpdates: (circleId, full, armor) => call('share_updates', { circleId, full, armor }),
  /** Opens a saved file's email (`email_token` of a saved file) with the file attached: 'opened' or 'no_mail_app'. */
  emailSavedFile: (token) => call('email_saved_file', { token }),
  /** Reads a bundle without changing anything; give exactly one of `path`, `text`, `bytes`. */
  previewBundle: ({ path = null, text = null, bytes = null }) => call('preview_bundle', { path, text, bytes }),
  // `onProgress({done, total})` hears how far a large import is while it runs.
  applyBundle: (token, onProgress = () => {}) => {
    const Channel = window.__TAURI__?.core?.Channel;
    const channel = Channel ? new Channel() : null;
    if (channel) channel.onmessage = onProgress;
    return call('apply_bundle', { token, onProgress: channel });
  },
  cancelBundle: (token) => call('cancel_bundle', { token }),
  // A shared folder a sync engine keeps in step: null when the circle has none on this laptop.
  folderStatus: (circleId) => call('folder_status', { circleId }),
  setSyncFolder: (circleId, path) => call('set_sync_folder', { circleId, path }),
  // The system's folder picker, then the same as setSyncFolder; null when the person cancels.
  chooseSyncFolder: (circleId) => call('choose_sync_folder', { circleId }),
  unsetSyncFolder: (circleId) => call('unset_sync_folder', { circleId }),
  setFolderAutoImport: (circleId, on) => call('set_folder_auto_import', { circleId, on }),
  undoImport: (circleId) => call('undo_import', { circleId }),
  resolveConflict: (circleId, entity, entityId, field, text) => call('resolve_conflict', { circleId, entity, entityId, field, text }),
  /** Stops showing the texts kept for a record someone deleted. */
  dismissConflict: (circleId, entity, entityId) => call('dismiss_conflict', { circleId, entity, entityId }),
  /** An invite for an existing member (`memberId`) or a new one (`name`, `email`), sealed with `passphrase`. */
  createInvite: ({ circleId, memberId = null, name = null, email = null, passphrase, expiresInDays = null }) =>
    call('create_invite', { circleId, memberId, name, email, passphrase, expiresInDays }),
  /** "Add another laptop of mine": an invite for yourself, saved in Documents; it says when it expires. */
  addMyLaptop: (circleId, passphrase, expiresInDays = null) => call('add_my_laptop', { circleId, passphrase, expiresInDays }),
  /** "This laptop is lost": revokes a laptop (`keyId` from sync status) of a current member, never this one. */
  revokeLaptop: (circleId, keyId) => call('revoke_laptop', { circleId, keyId }),
  previewInvite: ({ path = null, bytes = null, passphrase }) => call('preview_invite', { path, bytes, passphrase }),
  /** `identity` is null when this laptop already has its person. */
  joinCircle: (token, identity) => call('join_circle', { token, identity }),
  /** Shows a saved file in the system's file manager. */
  revealFile: (path) => call('plugin:opener|reveal_item_in_dir', { paths: [path] }),
  /**
   * Calls `handler({type, paths})` when files are dragged over the window ('enter', 'over',
   * 'leave') or dropped on it ('drop', with their paths). The window, not the page, gets them.
   */
  onFileDrop: (handler) => {
    const webview = window.__TAURI__?.webviewWindow?.getCurrentWebviewWindow?.();
    if (!webview) return Promise.resolve(() => {});
    return webview.onDragDropEvent((event) => handler(event.payload));
  },
};

/** The `.kinship` files opened from the system (a double-click, or `kinship-desktop FILE`) not taken yet. */
export const takeOpenedFiles = () => call('opened_files');

/** Calls `callback(path)` when a `.kinship` file is opened while Kinship runs; resolves to an unlisten function. */
export function onOpenFile(callback) {
  const listen = window.__TAURI__?.event?.listen;
  if (!listen) return Promise.resolve(() => {});
  return listen('kinship://open-file', (event) => callback(event.payload));
}

/** Calls `callback()` after a shared-folder pass did something (brought files in, refused one, hit a problem); resolves to an unlisten function. */
export function onFolderPass(callback) {
  const listen = window.__TAURI__?.event?.listen;
  if (!listen) return Promise.resolve(() => {});
  return listen('kinship://folder-pass', () => callback());
}
