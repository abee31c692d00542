// The Sync screen (#/sync/<circle-id>, or …?invite=<member-id> to start an invite, or …?hello
// right after joining, to send hello to the circle with the same share as below): share
// this laptop's updates as a sealed bundle file (or text to paste into an email), import what
// others sent, see who has joined (and each member's laptops) and what they are missing, revoke a
// lost laptop, invite someone, add another laptop of mine, choose between two versions of the
// same text, undo the last import, and sync through a shared folder (sync-folder.js).

import { api, onFolderPass } from '../api.js';
import { formatDate, formatDateTime, h, replace } from '../dom.js';
import { announce, clearErrors, confirmPanel, errorSummary, field, liveRegion, showError, submitting, values } from '../forms.js';
import { count, fileSize, gapRange, importBox, passphraseField, undoImport } from './import.js';
import { emailFile } from '../mail.js';
import { folderCard } from './sync-folder.js';

export async function render(main, [circleId, inviteMemberId, hello]) {
  const status = liveRegion();
  let st = await api.syncStatus(circleId);
  // Invites already made for members not joined yet (here, or by others and received in a bundle).
  let invites = await api.memberInvites(circleId);
  const slots = {
    conflicts: h('section', { class: 'card sync-section', id: 'conflicts', 'aria-labelledby': 'conflicts-title' }),
    members: h('section', { class: 'card sync-section', id: 'sync-members', 'aria-labelledby': 'sync-members-title' }),
    history: h('section', { class: 'card sync-section', id: 'sync-history', 'aria-labelledby': 'sync-history-title' }),
  };
  const heading = h('h1', { id: 'sync-title' });
  const back = h('a', { href: `#/circle/${circleId}`, id: 'back-to-circle' });
  const ctx = { circleId, status, refresh, get: () => st, invites: () => invites };
  const share = shareForm(ctx);
  const { box: importPanel, preview } = importBox({ status, circleId, onChange: refresh });
  const folder = folderCard({ circleId, status, preview, refresh });
  const invite = inviteForm(ctx);
  const laptop = laptopForm(ctx);
  const mainColumn = h('div', { class: 'sync-main' },
    hello ? helloCard(ctx, share) : null, share.form, importPanel, folder.card, slots.conflicts);

  async function refresh() {
    [st, invites] = await Promise.all([api.syncStatus(circleId), api.memberInvites(circleId), folder.load()]);
    draw();
  }
  function draw() {
    replace(heading, `Sync: ${st.circle_name}`);
    replace(back, `← ${st.circle_name}`);
    share.update();
    invite.update();
    renderConflicts(slots.conflicts, ctx);
    // Conflicts waiting for a choice come first; "no conflicts" goes last.
    if (st.conflicts.length) mainColumn.prepend(slots.conflicts);
    else mainColumn.append(slots.conflicts);
    renderMembers(slots.members, ctx, invite);
    renderHistory(slots.history, ctx);
  }

  await folder.load();
  draw();
  // A shared-folder pass that brought something in (or could not use the folder) redraws.
  const unlisten = await onFolderPass(refresh);
  window.addEventListener('hashchange', () => unlisten(), { once: true });
  replace(main,
    h('div', { class: 'sync-page' },
      h('p', { class: 'breadcrumb' }, back),
      heading,
      h('p', { class: 'hint sync-lede' },
        'There is no server: laptops stay in step by emailing each other bundle files, or through a shared folder. ',
        'A bundle is sealed so that only the circle’s members can open it, and it carries others’ changes onward too.'),
      h('div', { class: 'sync-grid' },
        mainColumn,
        h('div', { class: 'sync-side' }, slots.members, invite.form, laptop, slots.history)),
      status));
  // After the router has focused <main> for the new page: then the cursor goes to the invite.
  if (inviteMemberId) setTimeout(() => invite.start(inviteMemberId), 0);
}

// ── Shared pieces ────────────────────────────────────────────────────────────────────

/** "Documents" for /home/ana/Documents/bundle-1.kinship. */
function folderOf(path, fileName) {
  const folder = path.slice(0, path.length - fileName.length).replace(/[\\/]+$/, '');
  return folder.split(/[\\/]/).pop() || folder;
}

/** Where a file was saved: a line to read, and its full path as a hint. */
export function savedLines(id, saidFirst, r) {
  return [
    h('p', { class: 'sync-saved', id, tabindex: '-1' }, `${saidFirst} in ${folderOf(r.path, r.file_name)}.`),
    h('p', { class: 'hint file-path' }, r.path),
  ];
}

/**
 * "Email …" and "Show the file" buttons; errors go to `box`'s summary. `emailNow` opens the
 * email at once too (Share updates: saving is only half of sending).
 */
export function fileActions(box, r, emailLabel, ids, emailNow = false) {
  const email = h('button', { type: 'button', class: 'primary', id: ids[0] }, emailLabel);
  const reveal = h('button', { type: 'button', id: ids[1] }, 'Show the file');
  const said = h('p', { class: 'hint email-said', id: `${ids[0]}-said`, role: 'status' });
  email.addEventListener('click', () => emailFile(box, r, said));
  reveal.addEventListener('click', () => api.revealFile(r.path).catch((err) => showError(box, err)));
  if (emailNow) emailFile(box, r, said);
  return h('div', {}, h('div', { class: 'actions wrap' }, email, reveal), said);
}

/** A checkbox with its label and a hint beside it. */
function option(name, label, hint) {
  const id = `share-${name}`;
  return h('div', { class: 'check-option' },
    h('input', { type: 'checkbox', id, name, 'aria-describedby': `${id}-hint` }),
    h('label', { for: id }, label),
    h('p', { class: 'hint', id: `${id}-hint` }, hint));
}

// ── Share updates ────────────────────────────────────────────────────────────────────

function shareForm(ctx) {
  const unsent = h('p', { class: 'hint', id: 'unsent' });
  const result = h('div', { class: 'share-result', id: 'share-result', hidden: true });
  const form = h('form', { class: 'card sync-section', id: 'share-form', novalidate: true, 'aria-labelledby': 'share-title' },
    h('h2', { id: 'share-title' }, 'Share updates'),
    errorSummary(),
    unsent,
    option('full', 'Include everything (full bundle)', 'For someone who has just joined or is missing changes.'),
    option('armor', 'Also as text to paste into an email', 'For email that blocks attachments.'),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'share-updates' }, 'Share updates')),
    result);

  /** Shares updates as the form says; resolves to whether a bundle was saved. */
  function send() {
    const full = form.elements.full.checked;
    const armor = form.elements.armor.checked;
    return submitting(form, async () => {
      const r = await api.shareUpdates(ctx.circleId, full, armor);
      clearErrors(form);
      showShared(form, result, r, ctx.status);
      await ctx.refresh();
    });
  }
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    send();
  });

  function update() {
    const n = ctx.get().unsent;
    unsent.textContent = n
      ? `${count(n, 'change')} to share since your last bundle.`
      : 'Nothing new since your last bundle. A full bundle sends everything again.';
  }
  return { form, update, send };
}

/**
 * Right after joining: one action, "Send hello to the circle", which is Share updates. Its
 * bundle brings the others this laptop's key; until it reaches them they seal to the invite.
 */
function helloCard(ctx, share) {
  const send = h('button', { type: 'button', class: 'primary', id: 'send-hello' }, 'Send hello to the circle');
  const later = h('a', { href: `#/circle/${ctx.circleId}`, id: 'hello-later' }, 'Later: go to the circle');
  const text = h('p', { id: 'hello-text' },
    `You are in ${ctx.get().circle_name}, and you can already open the updates its members send you. `
    + 'Send hello now: your first bundle brings them this laptop’s key, so that they can keep writing to it.');
  const card = h('section', { class: 'card sync-section hello', id: 'hello', 'aria-labelledby': 'hello-title' },
    h('h2', { id: 'hello-title' }, 'Send hello to the circle'),
    text,
    h('div', { class: 'actions wrap' }, send, later));
  send.addEventListener('click', async () => {
    send.disabled = true;
    const saved = await share.send();
    send.disabled = false;
    if (!saved) {
      share.form.querySelector('.error-summary')?.focus();
      return;
    }
    // Sent once: the address no longer asks for it, and the card says what is left to do.
    window.history.replaceState(null, '', `#/sync/${ctx.circleId}`);
    replace(text, 'Your hello is saved and waits in an email to the circle: check it and send it. '
      + 'Once it reaches them, they write to this laptop’s own key.');
    send.remove();
    later.textContent = 'Go to the circle';
  });
  return card;
}

function showShared(form, result, r, status) {
  const said = `Saved ${r.file_name} (${fileSize(r.bytes)}, ${count(r.changes, 'change')})`;
  const [saved, path] = savedLines('share-saved', said, r);
  replace(result,
    saved, path,
    h('p', { class: 'hint' }, 'It goes attached to an email to the circle. Only the circle’s members can open it.'),
    r.unreadable_by?.length
      ? h('p', { class: 'note', id: 'unreadable-by' },
        `${r.unreadable_by.join(', ')} cannot open it yet: this laptop has neither their laptop’s key (it comes with the first bundle they send) nor a current invite for them. Ask them to share updates, or invite them.`)
      : null,
    fileActions(form, r, 'Open the email again', ['email-circle', 'reveal-bundle'], true),
    r.armored ? armoredText(r.armored, status) : null);
  result.hidden = false;
  saved.focus();
  announce(status, saved.textContent);
}

function armoredText(text, status) {
  const area = h('textarea', { id: 'armored-text', class: 'bundle-text', readonly: true, rows: 6, spellcheck: 'false', 'aria-describedby': 'armored-hint' });
  area.value = text;
  const copied = h('p', { class: 'copy-status', id: 'copy-status' });
  const copy = h('button', { type: 'button', id: 'copy-armored' }, 'Copy text');
  copy.addEventListener('click', async () => {
    let message = 'Copied. Paste it into the email’s text.';
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      area.focus();
      area.select();
      if (!document.execCommand('copy')) message = 'Kinship could not copy it. The text is selected: press Ctrl+C (⌘C on a Mac) to copy it.';
    }
    copied.textContent = message;
    announce(status, message);
  });
  return h('div', { class: 'armored' },
    h('label', { for: 'armored-text' }, 'The bundle as text'),
    h('p', { class: 'hint', id: 'armored-hint' }, 'Paste all of it, BEGIN and END lines included, into the email.'),
    area,
    h('div', { class: 'actions' }, copy),
    copied);
}

// ── Conflicts ────────────────────────────────────────────────────────────────────────

const FIELD_WORD = { notes: 'notes', title: 'title', text: 'text', note: 'note', purpose: 'purpose', agreement: 'agreement', summary: 'summary' };

function fieldWord(field) {
  return FIELD_WORD[field] ?? field.replace(/_/g, ' ');
}

function versionBlock(title, text) {
  return h('div', { class: 'version' },
    h('h4', {}, title),
    text ? h('p', { class: 'version-text' }, text) : h('p', { class: 'hint' }, '(empty)'));
}

function renderConflicts(slot, ctx) {
  const { conflicts } = ctx.get();
  replace(slot,
    h('h2', { id: 'conflicts-title', tabindex: '-1' }, conflicts.length ? `Conflicts (${conflicts.length})` : 'Conflicts'),
    errorSummary(),
    conflicts.length
      ? [h('p', { class: 'hint' }, 'Nothing was lost: when two people change the same text at once, or edit something another removed, Kinship keeps both and asks you.'),
        h('ul', { class: 'conflict-list', id: 'conflict-list' }, conflicts.map((c) => conflictRow(slot, c, ctx)))]
      : h('p', { class: 'hint', id: 'no-conflicts' }, 'No conflicts: no two versions of the same text are waiting.'));
}

function conflictRow(slot, c, ctx) {
  const what = fieldWord(c.field);
  const st = ctx.get();
  const mine = c.other_author === st.members.find((m) => m.member_id === st.my_member_id)?.name;
  const theirs = mine ? 'your' : `${c.other_author}’s`;
  const about = `the ${what} of ${c.record_label}`;
  const li = h('li', { class: 'conflict', 'data-entity-id': c.entity_id });
  async function settle(work, said) {
    for (const b of li.querySelectorAll('button')) b.disabled = true;
    try {
      await work();
    } catch (err) {
      showError(slot, err);
      for (const b of li.querySelectorAll('button')) b.disabled = false;
      return;
    }
    await ctx.refresh();
    announce(ctx.status, said);
    (slot.querySelector('.conflict button') ?? slot.querySelector('h2')).focus();
  }
  const resolve = (text, said) => settle(() => api.resolveConflict(ctx.circleId, c.entity, c.entity_id, c.field, text), said);
  // Each button's name starts with its visible words, then says which text it is about.
  const button = (label, onclick) => h('button', { type: 'button', class: 'small', 'aria-label': `${label}: ${about}`, onclick }, label);

  if (c.reason === 'deleted') {
    replace(li,
      h('h3', {}, c.record_label),
      h('p', {}, `${c.other_author} changed the ${what} of something that was removed at the same time. Here is their text, to copy if you need it.`),
      versionBlock(`${c.other_author}’s ${what}`, c.other),
      h('div', { class: 'row-actions' },
        button('Dismiss',
          () => settle(() => api.dismissConflict(ctx.circleId, c.entity, c.entity_id), `Dismissed ${c.other_author}’s text for ${about}.`))));
    return li;
  }
  replace(li,
    h('h3', {}, c.record_label),
    h('p', {}, `Two versions of the ${what}: they were changed on two laptops at the same time.`),
    h('div', { class: 'versions' },
      versionBlock('Shown now', c.current),
      versionBlock(mine ? 'Your version' : `${theirs} version`, c.other)),
    h('div', { class: 'row-actions' },
      button('Keep the one shown now',
        () => resolve(c.current, `Kept the version shown now of ${about}.`)),
      button(`Keep ${theirs} version`,
        () => resolve(c.other, `Kept ${theirs} version of ${about}.`)),
      button('Keep both',
        () => resolve(`${c.current}\n\n${c.other}`, `Kept both versions of ${about}, one after the other.`))));
  return li;
}

// ── Members: who has joined, when we last heard from them, what they are missing ─────

function renderMembers(slot, ctx, invite) {
  const st = ctx.get();
  const current = st.members.filter((m) => !m.left);
  const left = st.members.filter((m) => m.left);
  const laptops = (m) => laptopList(m, slot, ctx);
  replace(slot,
    h('h2', { id: 'sync-members-title', tabindex: '-1' }, 'Who has what'),
    errorSummary(),
    h('ul', { class: 'sync-member-list', id: 'sync-member-list' }, current.map((m) => memberRow(m, st, ctx.invites(), invite, laptops))),
    left.length ? h('p', { class: 'hint' }, `Left the circle: ${left.map((m) => m.name).join(', ')}. New bundles are sealed without them.`) : null);
}

/** A member's laptops: "Laptop 1 (this laptop, since 8 December 2026): invited by Ana Reyes". */
function laptopList(m, slot, ctx) {
  return h('ul', { class: 'laptop-list', 'aria-label': `${m.name}’s laptops` },
    m.laptops.map((l) => laptopRow(m, l, slot, ctx)));
}

/** One laptop: "revoked on …", or a Revoke… button unless it is the laptop in use. */
function laptopRow(m, l, slot, ctx) {
  // Focusable by script, so focus can land here once the laptop is revoked.
  const li = h('li', { class: 'laptop', id: `laptop-${l.key_id}`, tabindex: '-1', 'data-device-id': l.device_id },
    h('span', { class: 'laptop-text' },
      `${l.name} (${l.this_laptop ? 'this laptop, ' : ''}since ${formatDate(l.added_at)}): ${l.added_by}`));
  if (l.revoked_at) {
    li.append(h('span', { class: 'tag revoked' }, `revoked on ${formatDate(l.revoked_at)}`));
  } else if (!l.this_laptop) {
    const whose = m.member_id === ctx.get().my_member_id ? `your ${l.name}` : `${l.name} of ${m.name}`;
    const button = h('button', { type: 'button', class: 'small', id: `revoke-${l.key_id}`, 'aria-label': `Revoke ${whose}` }, 'Revoke…');
    button.addEventListener('click', () => confirmRevoke({ li, button, l, whose, slot, ctx }));
    li.append(button);
  }
  return li;
}

/** "Revoke Laptop 2 of Ben Okafor?", asked in place; errors go to the members' error summary. */
function confirmRevoke({ li, button, l, whose, slot, ctx }) {
  const open = li.querySelector('.confirm-box');
  if (open) { open.querySelector('button').focus(); return; }
  const panel = confirmPanel({
    question: `Revoke ${whose}?`,
    detail: 'Its changes so far stay; anything it writes from now on is refused, and nothing more is sent to it. '
      + 'Share updates afterwards so the others learn of it.',
    confirmLabel: 'Revoke laptop',
    onConfirm: async () => {
      try {
        await api.revokeLaptop(ctx.circleId, l.key_id);
      } catch (err) {
        showError(slot, err);
        return;
      }
      await ctx.refresh();
      announce(ctx.status, `Revoked ${whose}. Share updates so the others learn of it.`);
      document.getElementById(`laptop-${l.key_id}`)?.focus();
    },
    onCancel: () => { panel.remove(); button.focus(); },
  });
  li.append(panel);
}

function memberRow(m, st, invites, invite, laptops) {
  const li = h('li', { class: 'sync-member', 'data-member-id': m.member_id });
  const name = h('p', { class: 'member-name' }, m.name);
  if (m.member_id === st.my_member_id) {
    name.append(h('span', { class: 'tag' }, 'you'));
    replace(li, name, laptops(m));
    return li;
  }
  if (!m.joined) {
    // An invite someone already made is said, so nobody invites them twice unawares; a new
    // one can still be made (the core refuses it if the rules do not allow it).
    const made = invites.find((i) => i.member_id === m.member_id);
    name.append(h('span', { class: 'tag not-joined' }, made ? 'invited, not joined yet' : 'not joined yet'));
    const again = made ? 'Invite again' : 'Invite';
    replace(li, name,
      made ? h('p', { class: 'invite-note', id: `invite-note-${m.member_id}` }, made.summary) : null,
      h('p', { class: 'hint' }, 'As far as this laptop knows. Once they join from an invite they can read what you send, and the first bundle they send brings you their laptop’s key.'),
      h('div', { class: 'row-actions' },
        h('button', { type: 'button', class: 'small', 'aria-label': `${again} ${m.name}`, onclick: () => invite.start(m.member_id) }, again)));
    return li;
  }
  replace(li, name,
    laptops(m),
    h('p', { class: 'heard' }, `Last heard from: ${m.heard_at ? formatDateTime(m.heard_at) : 'never'}`),
    m.missing
      ? h('p', { class: 'missing' }, `Missing ${count(m.missing, 'change')} you have: send them updates.`)
      : h('p', { class: 'hint' }, 'Has everything you have, as far as this laptop knows.'));
  return li;
}

// ── Invite someone ───────────────────────────────────────────────────────────────────

function inviteForm(ctx) {
  const who = field({ name: 'member_id', label: 'Who', field: 'Member', required: true, options: [] });
  const select = who.querySelector('select');
  const newPerson = h('div', { class: 'new-person', id: 'invite-new-person' },
    field({ name: 'name', label: 'Their name', field: 'Name', required: true, maxlength: 120, autocomplete: 'off' }),
    field({ name: 'email', label: 'Their email', field: 'Email', type: 'email', required: true, autocomplete: 'off' }));
  const passphrase = passphraseField({
    label: 'Passphrase for the invite',
    autocomplete: 'new-password',
    hint: 'At least 8 characters. Tell it to them by phone or in person, never in the email: the invite file opens only with it.',
  });
  const submit = h('button', { type: 'submit', class: 'primary', id: 'create-invite' }, 'Create invite');
  const busy = h('div', { class: 'apply-progress', id: 'invite-progress', hidden: true },
    h('label', { for: 'invite-bar' }, 'Sealing the invite with the passphrase…'), h('progress', { id: 'invite-bar' }));
  const result = h('div', { class: 'invite-result', id: 'invite-result', hidden: true });
  const form = h('form', { class: 'card sync-section', id: 'invite-form', novalidate: true, 'aria-labelledby': 'invite-title' },
    h('h2', { id: 'invite-title', tabindex: '-1' }, 'Invite someone'),
    errorSummary(),
    h('p', { class: 'hint' }, 'An invite is a file you email. On their laptop it adds them to the circle, so they can read and send bundles.'),
    who, newPerson, passphrase,
    h('div', { class: 'actions' }, submit),
    busy,
    result);
  const showNewPerson = () => { newPerson.hidden = select.value !== 'new'; };
  select.addEventListener('change', showNewPerson);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const v = values(form);
    const isNew = v.member_id === 'new';
    const name = isNew ? v.name : ctx.get().members.find((m) => m.member_id === v.member_id)?.name;
    busy.hidden = false;
    submit.textContent = 'Creating the invite…';
    await submitting(form, async () => {
      try {
        const r = await api.createInvite({
          circleId: ctx.circleId, memberId: isNew ? null : v.member_id, name: isNew ? v.name : null, email: isNew ? v.email : null, passphrase: v.passphrase,
        });
        clearErrors(form);
        form.elements.passphrase.value = '';
        if (isNew) { form.elements.name.value = ''; form.elements.email.value = ''; }
        await ctx.refresh();
        showInvite(form, result, r, name, ctx.status);
      } finally {
        busy.hidden = true;
        submit.textContent = 'Create invite';
      }
    });
  });

  function update() {
    const chosen = select.value;
    const waiting = ctx.get().members.filter((m) => !m.left && !m.joined && m.member_id !== ctx.get().my_member_id);
    replace(select,
      waiting.map((m) => h('option', { value: m.member_id }, `${m.name} (${m.email})`)),
      h('option', { value: 'new' }, 'Someone new, not in the circle yet'));
    if ([...select.options].some((o) => o.value === chosen)) select.value = chosen;
    showNewPerson();
  }

  /** Starts an invite for `memberId`: chosen in the form, the cursor in the passphrase. */
  function start(memberId) {
    if ([...select.options].some((o) => o.value === memberId)) select.value = memberId;
    showNewPerson();
    form.scrollIntoView({ block: 'start' });
    form.elements.passphrase.focus();
  }
  return { form, update, start };
}

/** "Expires on 18 December 2026." under a saved invite. */
function expiryLine(id, r) {
  return h('p', { class: 'invite-expiry', id }, `Expires on ${formatDate(r.expires_at)}. It works once.`);
}

function showInvite(form, result, r, name, status) {
  const [saved, path] = savedLines('invite-saved', `Saved the invite for ${name}, ${r.file_name},`, r);
  const expiry = expiryLine('invite-expiry', r);
  replace(result,
    saved, path, expiry,
    h('p', { class: 'note' }, `Email it to ${name}, then tell them the passphrase by phone or in person. It is not in the email.`),
    fileActions(form, r, `Open email to ${name}`, ['email-invite', 'reveal-invite']));
  result.hidden = false;
  saved.focus();
  announce(status, `${saved.textContent} ${expiry.textContent} Tell ${name} the passphrase by phone or in person.`);
}

// ── Add another laptop of mine ───────────────────────────────────────────────────────

/** An invite for yourself, opened on your other laptop with the passphrase you choose here. */
function laptopForm(ctx) {
  const passphrase = passphraseField({
    name: 'laptop_passphrase',
    label: 'Passphrase for the other laptop',
    autocomplete: 'new-password',
    hint: 'At least 8 characters. You type it on the other laptop when you open the file there.',
  });
  const submit = h('button', { type: 'submit', class: 'primary', id: 'add-laptop' }, 'Add another laptop of mine');
  const result = h('div', { class: 'invite-result', id: 'laptop-result', hidden: true });
  const form = h('form', { class: 'card sync-section', id: 'laptop-form', novalidate: true, 'aria-labelledby': 'laptop-title' },
    h('h2', { id: 'laptop-title' }, 'Another laptop of mine'),
    errorSummary(),
    h('p', { class: 'hint' }, 'Makes a file that adds another laptop of yours to this circle. Open it with Kinship on that laptop (“I have an invite”).'),
    passphrase,
    h('div', { class: 'actions' }, submit),
    result);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const v = values(form);
    await submitting(form, async () => {
      const r = await api.addMyLaptop(ctx.circleId, v.laptop_passphrase);
      clearErrors(form);
      form.elements.laptop_passphrase.value = '';
      await ctx.refresh();
      const [saved, path] = savedLines('laptop-saved', `Saved ${r.file_name}`, r);
      const expiry = expiryLine('laptop-expiry', r);
      replace(result,
        saved, path, expiry,
        h('p', { class: 'note' }, 'Copy it to your other laptop (a USB stick, or email it to yourself) and open it there with the passphrase.'),
        fileActions(form, r, 'Email it to myself', ['email-laptop', 'reveal-laptop']));
      result.hidden = false;
      saved.focus();
      announce(ctx.status, `${saved.textContent} ${expiry.textContent}`);
    });
  });
  return form;
}

// ── Missing changes and the last import ─────────────────────────────────────────────

function renderHistory(slot, ctx) {
  const { gaps, last_import: last } = ctx.get();
  const lastLine = last
    ? h('p', { id: 'last-import' }, `Last import: from ${last.sender_name}, ${formatDateTime(last.imported_at)}, ${count(last.new_changes, 'new change')}`,
      last.undoable ? '.' : ' (undone).')
    : h('p', { class: 'hint', id: 'last-import' }, 'Nothing imported yet.');
  const undo = last?.undoable ? h('button', { type: 'button', id: 'undo-last' }, 'Undo this import') : null;
  undo?.addEventListener('click', () => undoImport(ctx.circleId, undo, slot, ctx.status, async () => {
    await ctx.refresh();
    slot.querySelector('h2').focus();
  }));
  replace(slot,
    h('h2', { id: 'sync-history-title', tabindex: '-1' }, 'Imports'),
    errorSummary(),
    lastLine,
    undo ? h('div', { class: 'actions' }, undo) : null,
    gaps.length
      ? h('ul', { class: 'sync-warnings', id: 'sync-gaps' }, gaps.map((g) => {
        const who = g.member_name ?? 'a member';
        return h('li', {}, `You are missing ${who}’s ${gapRange(g)}: what came after waits for them. `,
          `Ask ${g.member_name ?? 'them'}, or anyone who has them, to send a full bundle.`);
      }))
      : null);
}
