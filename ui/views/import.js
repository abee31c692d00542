// Importing a sync bundle (a .kinship file, or its text pasted from an email): a preview of
// what it would change, then Apply (a backup is made first) or Cancel, and Undo afterwards.
// Also joining a circle from an invite file. The #/import screen (where files opened with
// Kinship or dropped on the window wait their turn) and the Sync screen share the import
// box; the welcome screen and #/import share the join form.

import { api } from '../api.js';
import { formatDate, h, replace } from '../dom.js';
import { FILES_OPENED, addWaiting, fileName, takeWaiting, waitingFiles } from '../opened-files.js';
import { announce, clearErrors, errorSummary, field, orNull, liveRegion, showError, submitting, values } from '../forms.js';

/** "1 talking point", "3 talking points". */
export function count(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

/** A file's size for people: "12 KB", "2.1 MB". */
export function fileSize(bytes) {
  return bytes >= 1048576 ? `${(bytes / 1048576).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

// Record kinds as people say them ([one, many]). Invites, attendance and laptops' keys are
// bookkeeping: the first two are not mentioned, a new laptop key is said on its own.
const KINDS = {
  member: ['member', 'members'],
  meeting: ['meeting', 'meetings'],
  agenda_item: ['talking point', 'talking points'],
  action_item: ['action item', 'action items'],
  decision: ['decision', 'decisions'],
  reflection: ['shared reflection', 'shared reflections'],
  goal: ['shared goal', 'shared goals'],
  goal_note: ['note on a goal', 'notes on goals'],
  agenda_template: ['agenda template', 'agenda templates'],
  resource: ['item on the board', 'items on the board'],
};

function kinds(counts = {}, circleWords) {
  const said = Object.entries(KINDS).filter(([kind]) => counts[kind]).map(([kind, [one, many]]) => count(counts[kind], one, many));
  return counts.circle ? [circleWords, ...said] : said;
}

/** What a report adds, changes and removes, as phrases: ["adds 3 talking points, 1 meeting", …]. */
export function describeReport(report) {
  const parts = [];
  const adds = kinds(report.added, 'the circle itself');
  const changes = kinds(report.changed, 'the circle’s details');
  const removes = kinds(report.removed, 'the circle');
  if (adds.length) parts.push(`adds ${adds.join(', ')}`);
  if (changes.length) parts.push(`changes ${changes.join(', ')}`);
  if (removes.length) parts.push(`removes ${removes.join(', ')}`);
  const laptops = report.added?.device_key ?? 0;
  if (laptops) parts.push(laptops === 1 ? 'a member’s laptop joined' : `${laptops} members’ laptops joined`);
  const conflicts = report.conflicts ?? [];
  const deleted = conflicts.filter((c) => c.reason === 'deleted').length;
  const concurrent = conflicts.length - deleted;
  if (concurrent) {
    parts.push(`${count(concurrent, 'conflict')} (two versions of the same text: you’ll choose which to keep)`);
  }
  if (deleted) {
    parts.push(`${count(deleted, 'edit')} to something someone else removed (you’ll see the text, to keep a copy)`);
  }
  return parts;
}

/** "change 14" or "changes 14–17": the changes a gap stands for. */
export function gapRange(gap) {
  return gap.from_seq === gap.to_seq ? `change ${gap.from_seq}` : `changes ${gap.from_seq}–${gap.to_seq}`;
}

/** "Ben Okafor’s changes 14–17". */
function gapWords(gap, report, senderName) {
  const which = gapRange(gap);
  const whose = gap.member_name ?? (gap.device === report.sender_device ? senderName : null);
  return whose ? `${whose}’s ${which}` : `${which} from another member’s laptop`;
}

/** Warnings a person should read before applying. */
function warnings(report, senderName) {
  const list = [];
  if (report.new_changes === 0) list.push('Everything in this bundle is already here; nothing will change.');
  for (const gap of report.gaps ?? []) {
    list.push(`You are missing ${gapWords(gap, report, senderName)}; ask ${senderName} to send a full bundle (“Include everything”).`);
  }
  if (report.waiting) {
    list.push(`${count(report.waiting, 'record waits', 'records wait')} for something they belong to that has not arrived yet; they appear when it does.`);
  }
  return list;
}

/** Whether a preview failed because the file is an invite rather than a bundle. */
function isInvite(err) {
  return err.code === 'is_invite';
}

/** Reads a chosen file's bytes, as the core takes them (an array of numbers). */
export async function fileBytes(file) {
  return Array.from(new Uint8Array(await file.arrayBuffer()));
}

/**
 * The "Import updates" box: a file button, a paste box, the drop hint, then the preview with
 * Apply and Cancel, and the result with Undo. `circleId` is set on a circle's Sync screen.
 * `onChange()` runs after an import or an undo; `onInvite(source)` when the file is an invite.
 * Returns the box, `preview(source)` for a file given by path, and `state()`: whether an
 * import is being applied, and the path of a file whose preview is being read or waits
 * for Apply or Cancel (null if none, or if it is pasted or chosen).
 */
export function importBox({ status, circleId = null, onChange = async () => {}, onInvite = null }) {
  const box = h('section', { class: 'card sync-section', id: 'import-box', 'aria-labelledby': 'import-title' });
  const fileField = field({ name: 'bundle_file', label: 'Choose a bundle file', field: 'Bundle file', type: 'file',
    hint: 'A .kinship file from an email. Nothing changes until you have seen what it holds and said yes.' });
  const fileInput = fileField.querySelector('input');
  fileInput.accept = '.kinship';
  fileInput.id = 'bundle-file';
  fileField.querySelector('label').htmlFor = 'bundle-file';
  const pasteField = field({ name: 'bundle_text', label: 'Or paste the bundle text', field: 'Bundle text', multiline: true,
    hint: 'Everything from -----BEGIN KINSHIP BUNDLE----- to -----END KINSHIP BUNDLE-----, for email that blocks attachments.' });
  // A file or pasted text: either will do, so neither is marked optional.
  for (const optional of [fileField, pasteField].map((f) => f.querySelector('.optional'))) optional.remove();
  const pasteInput = pasteField.querySelector('textarea');
  pasteInput.id = 'bundle-text';
  pasteField.querySelector('label').htmlFor = 'bundle-text';
  pasteInput.spellcheck = false;
  pasteInput.classList.add('bundle-text');
  const previewPasted = h('button', { type: 'button', id: 'preview-pasted' }, 'Preview the pasted text');
  const previewSlot = h('div', { class: 'import-preview', id: 'import-preview', hidden: true });
  const resultSlot = h('div', { class: 'import-result', id: 'import-result', hidden: true });
  let pending = null; // the token of a preview not yet applied or cancelled
  let pendingSource = null; // what the preview being read or shown reads
  let applying = false;
  let previews = 0; // previews started: only the latest one's outcome is shown

  async function dropPending() {
    if (!pending) return;
    const token = pending;
    pending = null;
    pendingSource = null;
    await api.cancelBundle(token).catch(() => {});
  }
  // Leaving the screen cancels a preview nobody applied, or one still being read.
  window.addEventListener('hashchange', () => { previews += 1; dropPending(); }, { once: true });

  async function preview(source) {
    const ticket = ++previews;
    await dropPending();
    pendingSource = source;
    clearErrors(box);
    resultSlot.hidden = true;
    previewSlot.hidden = false;
    previewSlot.setAttribute('aria-busy', 'true');
    replace(previewSlot, h('p', { class: 'hint' }, 'Reading the bundle…'));
    let p;
    try {
      p = await api.previewBundle(source);
    } catch (err) {
      if (ticket !== previews) return; // a newer preview took its place
      pendingSource = null;
      previewSlot.hidden = true;
      if (onInvite && isInvite(err)) onInvite(source);
      // Several files may have been opened: the message says which one it is about.
      else showError(box, source.path ? { ...err, message: `${fileName(source.path)}: ${err.message}` } : err);
      return;
    } finally {
      if (ticket === previews) previewSlot.removeAttribute('aria-busy');
    }
    if (ticket !== previews) {
      api.cancelBundle(p.token).catch(() => {});
      return;
    }
    pending = p.token;
    showPreview(p, source);
  }

  function showPreview(p, source) {
    const parts = describeReport(p.report);
    const title = h('h3', { id: 'preview-title', tabindex: '-1' }, 'What this bundle will do');
    const file = source.path ? h('p', { class: 'hint', id: 'preview-file' }, 'File: ', h('span', { class: 'file-name' }, fileName(source.path))) : null;
    const summary = h('p', { id: 'preview-summary' }, 'From ', h('strong', {}, p.sender_name), ', for circle ', h('strong', {}, p.circle_name),
      parts.length ? `: ${parts.join('; ')}.` : '.');
    const notes = warnings(p.report, p.sender_name);
    const otherCircle = circleId && p.circle_id !== circleId;
    const apply = h('button', { type: 'button', class: 'primary', id: 'apply-bundle' }, 'Apply');
    const cancel = h('button', { type: 'button', id: 'cancel-bundle' }, 'Cancel');
    const progress = h('div', { class: 'apply-progress', id: 'apply-progress', hidden: true },
      h('label', { for: 'apply-bar' }, 'Applying the updates…'), h('progress', { id: 'apply-bar' }));
    cancel.addEventListener('click', async () => {
      await dropPending();
      previewSlot.hidden = true;
      announce(status, 'Cancelled: nothing was changed.');
      fileInput.value = '';
      fileInput.focus();
    });
    apply.addEventListener('click', async () => {
      applying = true;
      apply.disabled = true;
      cancel.disabled = true;
      progress.hidden = false;
      previewSlot.setAttribute('aria-busy', 'true');
      announce(status, 'Applying the updates…');
      try {
        const bar = progress.querySelector('progress');
        const done = await api.applyBundle(p.token, ({ done: n, total }) => {
          if (total) { bar.max = total; bar.value = n; } // from "busy" to how far
        });
        pending = null;
        pendingSource = null;
        previewSlot.hidden = true;
        showResult(p, done);
        await onChange();
      } catch (err) {
        showError(box, err);
        apply.disabled = false;
        cancel.disabled = false;
      } finally {
        applying = false;
        progress.hidden = true;
        previewSlot.removeAttribute('aria-busy');
      }
    });
    replace(previewSlot,
      title,
      file,
      summary,
      otherCircle ? h('p', { class: 'note' }, `This bundle is for ${p.circle_name}, not the circle of this screen. Applying it updates ${p.circle_name}.`) : null,
      notes.length ? h('ul', { class: 'sync-warnings', id: 'preview-warnings' }, notes.map((n) => h('li', {}, n))) : null,
      h('div', { class: 'actions' }, apply, cancel),
      progress);
    title.focus();
    announce(status, summary.textContent);
  }

  /** The circle's home, where "Since you last looked" lists what the import brought. */
  function whatsNewLink(p) {
    return h('a', { class: 'link-button', id: 'whats-new-link', href: `#/circle/${p.circle_id}` }, `See what’s new in ${p.circle_name}`);
  }

  function showResult(p, done) {
    const conflicts = done.report.conflicts?.length ?? 0;
    const heading = h('h3', { id: 'result-title', tabindex: '-1' }, 'Imported');
    const undo = h('button', { type: 'button', id: 'undo-import' }, 'Undo this import');
    const said = `Imported ${count(done.report.new_changes, 'change')} from ${p.sender_name} into ${p.circle_name}.`;
    undo.addEventListener('click', () => undoImport(p.circle_id, undo, box, status, async (message) => {
      replace(resultSlot, h('p', { id: 'undo-done', tabindex: '-1' }, message));
      resultSlot.querySelector('#undo-done').focus();
      await onChange();
    }));
    replace(resultSlot,
      heading,
      h('p', { id: 'import-done' }, said),
      done.backup_file
        ? h('p', { class: 'hint' }, 'A backup of your data from just before was made first: ', h('span', { class: 'file-name', id: 'import-backup' }, done.backup_file), '.')
        : null,
      conflicts ? h('p', { class: 'note' }, `${count(conflicts, 'conflict')} waiting for you to choose which text to keep`,
        circleId === p.circle_id ? ', under “Conflicts”.' : h('span', {}, ': ', h('a', { href: `#/sync/${p.circle_id}` }, 'go to the Sync screen')))
        : null,
      h('div', { class: 'actions' },
        undo,
        whatsNewLink(p)));
    resultSlot.hidden = false;
    heading.focus();
    announce(status, said);
  }

  fileInput.addEventListener('change', async () => {
    const file = fileInput.files[0];
    if (file) await preview({ bytes: await fileBytes(file) });
  });
  previewPasted.addEventListener('click', () => {
    if (pasteInput.value.trim() === '') {
      showError(box, { field: 'Bundle text', message: 'Paste the bundle text first: everything from -----BEGIN KINSHIP BUNDLE----- to the END line.' });
      return;
    }
    preview({ text: pasteInput.value });
  });

  replace(box,
    h('h2', { id: 'import-title' }, 'Import updates'),
    errorSummary(),
    fileField,
    pasteField,
    h('div', { class: 'actions' }, previewPasted),
    h('p', { class: 'drop-hint' }, 'Or drop a .kinship file anywhere on this window.'),
    previewSlot,
    resultSlot);
  const state = () => ({ applying, path: pendingSource?.path ?? null });
  return { box, preview, state };
}

/** Undoes the last import into `circleId`; `then(message)` shows what was removed. */
export async function undoImport(circleId, button, box, status, then) {
  button.disabled = true;
  try {
    const u = await api.undoImport(circleId);
    const message = `Undone: the ${count(u.removed_changes, 'change')} from ${u.sender_name} are gone again.`;
    announce(status, message);
    await then(message);
  } catch (err) {
    showError(box, err);
  } finally {
    button.disabled = false;
  }
}

/** A passphrase field with a Show/Hide toggle. */
export function passphraseField({ name = 'passphrase', label = 'Passphrase', hint, autocomplete = 'off' }) {
  const wrap = field({ name, label, field: 'Passphrase', type: 'password', required: true, hint, autocomplete });
  const input = wrap.querySelector('input');
  const toggle = h('button', { type: 'button', class: 'small show-passphrase', 'aria-pressed': 'false', 'aria-label': `Show the ${label.toLowerCase()}` }, 'Show');
  toggle.addEventListener('click', () => {
    const shown = input.type === 'password';
    input.type = shown ? 'text' : 'password';
    toggle.setAttribute('aria-pressed', String(shown));
    toggle.textContent = shown ? 'Hide' : 'Show';
  });
  input.spellcheck = false;
  const row = h('div', { class: 'passphrase-row' });
  input.replaceWith(row);
  row.append(input, toggle);
  return wrap;
}

/**
 * Joining a circle from an invite, in one step: the file (unless `source` already names it)
 * and its passphrase, then "Join the circle", which opens the invite and joins as the person
 * it was made for. When this laptop has nobody set up yet (`newcomer`), optional details
 * about you go with it; your name and email are the ones the invite was made for. An invite
 * to a circle you are already in says so and joins nothing. `onJoined(circleId)` runs after
 * joining (see `joinedAddress`).
 */
export function joinForm({ source = null, status, onJoined, newcomer = false }) {
  const form = h('form', { class: 'card join-form', id: 'join-form', novalidate: true, 'aria-labelledby': 'join-title' });
  const fileField = source ? null : field({ name: 'invite_file', label: 'Invite file', field: 'Invite file', type: 'file', required: true,
    hint: 'The .kinship file someone in the circle emailed you.' });
  if (fileField) fileField.querySelector('input').accept = '.kinship';
  const details = h('div', { class: 'invite-details', id: 'invite-details', hidden: true });
  const submit = h('button', { type: 'submit', class: 'primary', id: 'join-submit' }, 'Join the circle');
  const aboutYou = newcomer ? h('details', { class: 'about-you' },
    h('summary', {}, 'About you (optional)'),
    h('p', { class: 'hint' }, 'The circle knows you by the name and email your invite was made for; you can add these now or later.'),
    field({ name: 'pronouns', label: 'Pronouns', field: 'Pronouns', hint: 'For example she/her, he/him, they/them.' }),
    field({ name: 'institution', label: 'Institution', field: 'Institution', autocomplete: 'organization' }),
    field({ name: 'career_stage', label: 'Role or career stage', field: 'Role or career stage' })) : null;

  form.addEventListener('input', () => { details.hidden = true; replace(details); });

  /** What the invite is, said before joining only when it joins nothing. */
  function summary(inv) {
    return inv.adds_a_laptop
      ? `This invite adds this laptop to ${inv.circle_name} as another laptop of ${inv.member_name} (${inv.member_email}). It works until ${formatDate(inv.expires_at)}.`
      : `${inv.inviter_name} invites you (${inv.member_name}, ${inv.member_email}) to ${inv.circle_name}. It works until ${formatDate(inv.expires_at)}.`;
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const v = values(form);
    await submitting(form, async () => {
      let from = source;
      if (!from) {
        const file = fileField.querySelector('input').files[0];
        if (!file) throw { field: 'Invite file', message: 'Choose the invite file first: the .kinship file from the email.' };
        from = { bytes: await fileBytes(file) };
      }
      if (!v.passphrase) throw { field: 'Passphrase', message: 'Type the passphrase you were told by phone or in person.' };
      submit.textContent = 'Opening the invite…';
      try {
        const invite = await api.previewInvite({ ...from, passphrase: v.passphrase });
        if (invite.already_in_circle) {
          replace(details,
            h('p', { id: 'invite-summary', class: 'invite-summary' }, summary(invite)),
            h('p', { class: 'note' }, `You are already in ${invite.circle_name} on this laptop.`));
          details.hidden = false;
          announce(status, `You are already in ${invite.circle_name} on this laptop.`);
          return;
        }
        submit.textContent = 'Joining…';
        const identity = invite.has_identity ? null : {
          name: invite.member_name, email: invite.member_email,
          pronouns: orNull(v.pronouns), institution: orNull(v.institution), career_stage: orNull(v.career_stage),
        };
        const joined = await api.joinCircle(invite.token, identity);
        announce(status, `You joined ${invite.circle_name}. ${summary(invite)}`);
        await onJoined(joined.circle_id);
      } finally {
        submit.textContent = 'Join the circle';
      }
    });
  });

  replace(form,
    h('h2', { id: 'join-title' }, 'Join a circle from an invite'),
    errorSummary(),
    h('p', { class: 'hint' }, 'Someone in the circle emailed you an invite file and told you its passphrase by phone or in person.'),
    fileField,
    passphraseField({ hint: 'Exactly as you were told it.' }),
    aboutYou,
    details,
    h('div', { class: 'actions' }, submit));
  return form;
}

/**
 * Where joining lands: the next meeting's agenda, ready for a first talking point, else the
 * circle home; either way with "Send hello to the circle" offered (`?hello`).
 */
export async function joinedAddress(circleId) {
  const home = await api.circleHome(circleId);
  return home.next_meeting ? `#/meeting/${home.next_meeting.id}?hello` : `#/circle/${circleId}?hello`;
}

/**
 * #/import: bundles (or invites) that belong to no screen yet. Files opened with Kinship or
 * dropped on the window are previewed one at a time, the others listed above the box until
 * their turn.
 */
export async function render(main) {
  const status = liveRegion();
  const joinSlot = h('div', { class: 'join-slot' });
  const { box, preview, state } = importBox({
    status,
    onInvite: (source) => {
      const form = joinForm({ source, status, onJoined: async (circleId) => { window.location.hash = await joinedAddress(circleId); } });
      replace(joinSlot, h('p', { class: 'note', id: 'is-invite' }, 'This file is an invite to join a circle. Type the passphrase you were told to open it.'), form);
      form.querySelector('input').focus();
    },
  });
  const waiting = h('section', { class: 'card sync-section', id: 'waiting-files', 'aria-labelledby': 'waiting-title', hidden: true });

  function showWaiting() {
    const paths = waitingFiles();
    waiting.hidden = paths.length === 0;
    replace(waiting,
      h('h2', { id: 'waiting-title' }, paths.length === 1 ? 'Another file you opened is waiting' : `${paths.length} more files you opened are waiting`),
      h('p', { class: 'hint' }, 'Preview each in turn: nothing changes until you apply it.'),
      h('ul', { class: 'waiting-list' }, paths.map((path) => {
        const button = h('button', { type: 'button', 'aria-label': `Preview ${fileName(path)}` }, 'Preview');
        button.addEventListener('click', () => previewWaiting(path));
        return h('li', {}, h('span', { class: 'file-name' }, fileName(path)), ' ', button);
      })));
  }

  /** Previews a waiting file; a file whose preview it replaces goes back to the list. */
  async function previewWaiting(path) {
    const { applying, path: shown } = state();
    if (applying) {
      showWaiting();
      announce(status, `${fileName(path)} waits in the list above until the updates being applied are in.`);
      return;
    }
    takeWaiting(path);
    if (shown && shown !== path) addWaiting([shown], { first: true });
    showWaiting();
    await preview({ path });
  }

  // Files opened while this screen shows: the first is previewed now, unless updates are
  // being applied.
  const onOpened = (event) => previewWaiting(event.detail[0]);
  window.addEventListener(FILES_OPENED, onOpened);
  window.addEventListener('hashchange', () => window.removeEventListener(FILES_OPENED, onOpened), { once: true });

  replace(main,
    h('div', { class: 'import-page' },
      h('p', { class: 'breadcrumb' }, h('a', { href: '#/' }, '← All circles')),
      h('h1', {}, 'Import updates'),
      h('p', { class: 'hint' }, 'Open a bundle a member of one of your circles sent you: you will see what it changes before anything does.'),
      waiting,
      joinSlot,
      box,
      status));
  const [first] = waitingFiles();
  if (first) await previewWaiting(first);
  else showWaiting();
}
