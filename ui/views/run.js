// Run mode: attendance, then one agenda item at a time with its countdown, notes,
// decisions and action items, then the end screen. The countdown is derived from the
// core's RunView (never counted here), so a hidden window or a sleeping laptop stays right.

import { api } from '../api.js';
import { formatDate, formatDateTime, formatDay, h, replace } from '../dom.js';
import { callLink } from './meeting-details.js';

const STATUS_LABELS = { open: 'Open', done: 'Done', skipped: 'Skipped', carried: 'Carried over' };
const TICK_MS = 250;
const REFETCH_MS = 30_000;
// A note is saved this long after typing stops (and on blur, and before moving on), so a
// crash or power cut loses at most this much typing. The README's Reliability section says so.
const NOTES_AUTOSAVE_MS = 700;

// The run screen still listening to timers and keys; replaced when the view renders again.
let active = null;

export async function render(main, [meetingId]) {
  active?.stop();
  const [view, choices] = await Promise.all([api.runView(meetingId), api.agendaChoices()]);
  // Run mode needs the members' names only, not the whole circle home.
  const [{ members }, agenda] = await Promise.all([
    api.circlePeople(view.meeting.circle_id),
    // Before the start, the agenda as planned (with its minutes added up by the core).
    view.meeting.status === 'scheduled' ? api.agenda(meetingId) : null,
  ]);
  const names = Object.fromEntries(members.map((m) => [m.id, m.name]));
  const kindLabels = Object.fromEntries(choices.kinds.map((k) => [k.value, k.label]));
  const helpLabels = Object.fromEntries(choices.help_wanted.map((c) => [c.value, c.label]));
  const ctx = { main, meetingId, members, names, kindLabels, helpLabels, agenda };
  show(ctx, view);
}

/** Shows the screen that fits the meeting's status. */
function show(ctx, view) {
  active?.stop();
  active = null;
  const status = view.meeting.status;
  if (status === 'scheduled') replace(ctx.main, attendanceStep(ctx, view));
  else if (status === 'running') active = runScreen(ctx, view);
  else if (status === 'ended') replace(ctx.main, endScreen(ctx, summaryFromView(view)));
  else replace(ctx.main, h('section', { class: 'card narrow' }, h('h1', {}, view.meeting.title), h('p', {}, 'This meeting was cancelled, so it cannot be run.')));
}

function alertBox() {
  return h('p', { class: 'run-error', role: 'alert', id: 'run-error', hidden: true });
}

function showAlert(box, err) {
  box.textContent = err ? err.message : '';
  box.hidden = !err;
}

/* ---------- Attendance ---------- */

function attendanceStep(ctx, view) {
  const current = ctx.members.filter((m) => !m.left_at);
  const error = alertBox();
  const boxes = current.map((m) => h('li', {},
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'present', value: m.id, checked: true }), ' ', m.name)));
  const form = h('form', { class: 'card run-attendance', id: 'attendance-form', novalidate: true },
    h('fieldset', {},
      h('legend', {}, 'Who is here?'),
      h('p', { class: 'hint' }, 'Untick anyone who could not come. Action items can only go to people who are here.'),
      h('ul', { class: 'plain checks' }, boxes)),
    error,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary big', id: 'start-meeting' }, 'Start meeting')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const present = [...form.querySelectorAll('input[name=present]:checked')].map((i) => i.value);
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      show(ctx, await api.startMeeting(ctx.meetingId, present));
      ctx.main.focus();
    } catch (err) {
      showAlert(error, err);
    } finally {
      button.disabled = false;
    }
  });
  return h('div', { class: 'run run-start' },
    h('h1', {}, view.meeting.title),
    h('p', { class: 'lede' }, formatDateTime(view.meeting.starts_at), view.meeting.place ? ` · ${view.meeting.place}` : ''),
    callLink(view.meeting),
    h('div', { class: 'run-start-grid' }, form, agendaPreview(ctx.agenda)));
}

function agendaPreview({ items, planned }) {
  return h('section', { class: 'card', 'aria-labelledby': 'preview-title' },
    h('h2', { id: 'preview-title' }, 'Agenda'),
    items.length === 0
      ? h('p', { class: 'hint' }, 'The agenda is empty. You can still start and record decisions and actions.')
      : h('ol', { class: 'run-preview', id: 'run-preview' }, items.map((i) => h('li', {}, i.title,
        h('span', { class: 'muted' }, ` · ${i.kind_label} · ${i.minutes} min`)))),
    items.length ? h('p', { class: 'hint', id: 'run-preview-total' }, `${planned.total} minutes in all.`) : null);
}

/* ---------- The countdown ---------- */

/** "4:05" for 245 seconds. */
function clockText(secs) {
  const s = Math.abs(secs);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

function spokenTime(secs) {
  const m = Math.floor(Math.abs(secs) / 60);
  const s = Math.abs(secs) % 60;
  return `${m} minute${m === 1 ? '' : 's'} ${s} second${s === 1 ? '' : 's'}`;
}

/** The big clock. `set(timer)` takes a fresh Timer; `tick()` redraws from elapsed time. */
function countdown() {
  const digits = h('span', { class: 'clock-digits' }, '–:––');
  const state = h('span', { class: 'clock-state' });
  const bar = h('span', { class: 'clock-bar' });
  // role=timer is not live by default: screen readers are not told every second.
  const el = h('div', { class: 'clock', id: 'run-clock', role: 'timer', 'aria-live': 'off', 'aria-label': 'No timer' },
    digits, state, h('span', { class: 'clock-track', 'aria-hidden': 'true' }, bar));
  let timer = null;
  let fetchedAt = 0;

  function remaining() {
    if (!timer) return 0;
    const since = timer.paused ? 0 : Math.floor((performance.now() - fetchedAt) / 1000);
    return timer.remaining_secs - since;
  }

  function tick() {
    if (!timer) return;
    const left = remaining();
    const over = left < 0;
    const text = over ? `+${clockText(left)} over` : clockText(left);
    if (digits.textContent !== text) digits.textContent = text;
    el.classList.toggle('over', over);
    el.classList.toggle('paused', timer.paused);
    state.textContent = timer.paused ? 'Paused' : over ? 'Over time' : `of ${clockText(timer.timebox_secs)}`;
    const label = over ? `${spokenTime(left)} over time` : `${spokenTime(left)} left`;
    el.setAttribute('aria-label', `${label}${timer.paused ? ', paused' : ''}`);
    const used = timer.timebox_secs > 0 ? 1 - Math.max(left, 0) / timer.timebox_secs : 1;
    bar.style.width = `${Math.min(100, Math.round(used * 100))}%`; // CSSOM, allowed by the CSP
  }

  return {
    el,
    tick,
    set(next) {
      timer = next;
      fetchedAt = performance.now();
      el.hidden = !next;
      tick();
    },
  };
}

/* ---------- Notes autosave ---------- */

/** Saves an item's notes NOTES_AUTOSAVE_MS after typing stops, on blur, and before moving on. */
function notesAutosave(statusEl) {
  let pending = null; // {itemId, text} not yet sent
  let timerId = null;
  let chain = Promise.resolve();

  function say(text, isError = false) {
    statusEl.textContent = text;
    statusEl.classList.toggle('error-text', isError);
  }

  function flush() {
    clearTimeout(timerId);
    timerId = null;
    if (!pending) return chain;
    const { itemId, text } = pending;
    pending = null;
    say('Saving…');
    // One save at a time, in order, so an older text never overwrites a newer one.
    chain = chain.catch(() => {}).then(() => api.updateAgendaItem(itemId, { notes: text })).then(
      () => say(`Saved at ${new Date().toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })}`),
      (err) => {
        if (!pending) pending = { itemId, text }; // keep it, so the next flush tries again
        say(`Not saved: ${err.message}`, true);
        throw err;
      });
    return chain;
  }

  return {
    changed(itemId, text) {
      pending = { itemId, text };
      clearTimeout(timerId);
      timerId = setTimeout(() => flush().catch(() => {}), NOTES_AUTOSAVE_MS);
    },
    flush,
    say,
  };
}

/* ---------- Running ---------- */

const SHORTCUTS = [
  ['previous', 'Previous', 'p', 'P'],
  ['next', 'Next', 'n', 'N'],
  ['skip', 'Skip', 's', 'S'],
  ['carry', 'Carry over', 'c', 'C'],
  ['pause', 'Pause', ' ', 'Space'],
];

function isTextField(el) {
  if (!el) return false;
  if (el.isContentEditable) return true;
  if (el.tagName === 'TEXTAREA' || el.tagName === 'SELECT') return true;
  return el.tagName === 'INPUT' && !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(el.type);
}

/** The running meeting. Returns `{stop}` to end its timers and listeners. */
function runScreen(ctx, first) {
  let view = first;
  let currentId = undefined;
  const error = alertBox();
  const live = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite', id: 'run-live' });
  const clock = countdown();
  const saveStatus = h('span', { class: 'save-status', id: 'notes-status', 'aria-live': 'polite' });
  const notes = notesAutosave(saveStatus);
  const itemSlot = h('div', { class: 'run-item', id: 'run-item' });
  const agendaSlot = h('ol', { class: 'run-agenda', id: 'run-agenda', 'aria-label': 'Agenda' });
  const decisionsSlot = h('ul', { class: 'run-list', id: 'decision-list' });
  const actionsSlot = h('ul', { class: 'run-list', id: 'action-list' });
  const elapsed = h('span', { class: 'muted', id: 'meeting-elapsed' });
  const notesArea = h('textarea', { id: 'item-notes', name: 'notes', rows: 4, 'aria-describedby': 'notes-status' });
  const ownerSelect = h('select', { id: 'action-owner', name: 'owner' });
  const buttons = {};

  // Moving on: flush notes first so nothing typed is lost, then apply the new RunView.
  async function act(fn) {
    try {
      await notes.flush();
      update(await fn(ctx.meetingId));
      showAlert(error, null);
    } catch (err) {
      showAlert(error, err);
    }
  }

  const actions = {
    previous: () => act(api.previousItem),
    next: () => act(api.nextItem),
    skip: () => act(api.skipItem),
    carry: () => act(api.carryItem),
    pause: () => act(view.meeting.paused_at ? api.resumeMeeting : api.pauseMeeting),
  };

  const controls = h('div', { class: 'run-controls', role: 'group', 'aria-label': 'Move through the agenda' },
    SHORTCUTS.map(([key, label, , shown]) => {
      buttons[key] = h('button', { type: 'button', id: `run-${key}`, 'aria-keyshortcuts': shown === 'Space' ? 'Space' : shown, onclick: actions[key] },
        h('span', { class: 'label' }, label), ' ', h('kbd', { 'aria-hidden': 'true' }, shown));
      return buttons[key];
    }));
  buttons.next.classList.add('primary');

  function onKey(event) {
    if (!root.isConnected) return stop();
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
    if (isTextField(event.target) || dialog.open) return;
    const hit = SHORTCUTS.find(([, , key]) => key === event.key.toLowerCase());
    if (!hit) return;
    // Space on a focused button already presses it; do not act twice.
    if (hit[0] === 'pause' && event.target.closest?.('button, a, summary')) return;
    event.preventDefault();
    actions[hit[0]]();
  }

  async function refetch() {
    if (!root.isConnected) return stop();
    try {
      update(await api.runView(ctx.meetingId));
    } catch (err) {
      showAlert(error, err);
    }
  }

  function onVisible() {
    if (document.visibilityState === 'visible') refetch();
  }

  notesArea.addEventListener('input', () => notes.changed(currentId, notesArea.value));
  notesArea.addEventListener('blur', () => notes.flush().catch(() => {}));

  const dialog = endDialog(ctx, notes, error, (summary) => {
    stop();
    replace(ctx.main, endScreen(ctx, summary));
    ctx.main.focus();
  });

  const root = h('div', { class: 'run run-live' },
    h('div', { class: 'run-head' },
      h('div', {}, h('h1', {}, view.meeting.title), h('p', { class: 'lede' }, 'Meeting in progress · ', elapsed), callLink(view.meeting)),
      h('button', { type: 'button', class: 'danger-button', id: 'end-meeting', onclick: () => dialog.showModal() }, 'End meeting')),
    error,
    live,
    h('div', { class: 'run-grid' },
      h('div', { class: 'run-main' },
        h('section', { class: 'card run-now', 'aria-labelledby': 'run-item-title' }, itemSlot, clock.el, controls,
          h('p', { class: 'hint shortcuts' }, 'Keys: N next, P previous, S skip, C carry over, Space pause or resume (when you are not typing).')),
        h('section', { class: 'card' },
          h('div', { class: 'field' },
            h('label', { for: 'item-notes' }, 'Notes on this item'),
            h('p', { class: 'hint' }, 'Saved as you type. ', saveStatus),
            notesArea)),
        h('div', { class: 'run-records' },
          h('section', { class: 'card', 'aria-labelledby': 'decisions-title' },
            h('h2', { id: 'decisions-title' }, 'Decisions'), decisionsSlot, decisionForm(ctx, () => currentId, refetch)),
          h('section', { class: 'card', 'aria-labelledby': 'actions-title' },
            h('h2', { id: 'actions-title' }, 'Action items'), actionsSlot, actionForm(ctx, ownerSelect, () => currentId, refetch)))),
      h('aside', { class: 'card run-side', 'aria-labelledby': 'agenda-title' },
        h('h2', { id: 'agenda-title' }, 'Agenda'), agendaSlot, attendanceNote(ctx, view))),
    dialog);

  function update(next) {
    if (next.meeting.status !== 'running') return show(ctx, next);
    view = next;
    const item = view.agenda.find((i) => i.id === view.meeting.current_item_id) ?? null;
    if ((item?.id ?? null) !== currentId) enterItem(item);
    clock.set(view.timer);
    const paused = Boolean(view.meeting.paused_at);
    buttons.pause.querySelector('.label').textContent = paused ? 'Resume' : 'Pause';
    buttons.pause.setAttribute('aria-pressed', String(paused));
    buttons.previous.disabled = !item ? view.agenda.length === 0 : item.position === Math.min(...view.agenda.map((i) => i.position));
    for (const key of ['next', 'skip', 'carry']) buttons[key].disabled = !item;
    const mins = Math.floor(view.meeting_elapsed_secs / 60);
    elapsed.textContent = mins < 1 ? 'just started' : `${mins} min so far`;
    replace(agendaSlot, view.agenda.map((i) => agendaRow(i, i.id === currentId)));
    replace(decisionsSlot, listOrEmpty(view.decisions.map((d) => h('li', {}, d.text)), 'No decisions yet.'));
    replace(actionsSlot, listOrEmpty(view.actions.map((a) => actionRow(ctx, a)), 'No action items yet.'));
    fillOwners(ctx, ownerSelect, view);
  }

  function enterItem(item) {
    currentId = item?.id ?? null;
    notesArea.value = item?.notes ?? '';
    notesArea.disabled = !item;
    notes.say('');
    replace(itemSlot, item ? itemCard(ctx, item) : h('div', {},
      h('h2', { id: 'run-item-title', class: 'run-item-title' }, 'Every item is dealt with'),
      h('p', {}, 'Go back with Previous, or end the meeting to see what it produced.')));
    live.textContent = item ? `Now: ${item.title}, ${item.minutes} minutes.` : 'No more open items on the agenda.';
  }

  const ticker = setInterval(() => (root.isConnected ? clock.tick() : stop()), TICK_MS);
  const poller = setInterval(refetch, REFETCH_MS);
  document.addEventListener('keydown', onKey);
  document.addEventListener('visibilitychange', onVisible);
  window.addEventListener('hashchange', flushOnLeave);

  function flushOnLeave() {
    notes.flush().catch(() => {});
  }

  function stop() {
    clearInterval(ticker);
    clearInterval(poller);
    document.removeEventListener('keydown', onKey);
    document.removeEventListener('visibilitychange', onVisible);
    window.removeEventListener('hashchange', flushOnLeave);
    flushOnLeave();
  }

  replace(ctx.main, root);
  update(first);
  return { stop };
}

function listOrEmpty(items, emptyText) {
  return items.length ? items : h('li', { class: 'muted empty-row' }, emptyText);
}

function itemCard(ctx, item) {
  const turn = item.member_id ? `${ctx.names[item.member_id] ?? 'A member'}’s turn`
    : item.contributor_id ? `Brought by ${ctx.names[item.contributor_id] ?? 'a member'}` : null;
  return h('div', {},
    h('p', { class: 'run-kind' }, ctx.kindLabels[item.kind] ?? item.kind, item.confidential ? ' · stays in the circle' : ''),
    h('h2', { id: 'run-item-title', class: 'run-item-title' }, item.title),
    turn ? h('p', { class: 'run-turn' }, turn) : null,
    item.help_wanted ? h('p', { class: 'run-turn' }, `Help wanted: ${ctx.helpLabels[item.help_wanted] ?? item.help_wanted}`) : null,
    item.details ? h('p', { class: 'run-details' }, item.details) : null);
}

function agendaRow(item, current) {
  return h('li', { class: `run-agenda-item status-${item.status}${current ? ' current' : ''}`, 'aria-current': current ? 'step' : null },
    h('span', { class: 'title' }, item.title), ' ',
    h('span', { class: `badge badge-${item.status}` }, current ? 'Now' : STATUS_LABELS[item.status] ?? item.status), ' ',
    h('span', { class: 'muted mins' }, `${item.minutes} min`));
}

function attendanceNote(ctx, view) {
  const here = view.attendance.filter((a) => a.present).map((a) => ctx.names[a.member_id] ?? 'A member');
  return h('div', { class: 'run-present' },
    h('h3', {}, `Here (${here.length})`),
    h('p', { class: 'muted' }, here.join(', ') || 'No one marked present.'));
}


function actionRow(ctx, a) {
  const owner = a.owner_id ? ctx.names[a.owner_id] ?? 'A member' : 'No owner yet';
  return h('li', {}, h('span', {}, a.text), h('span', { class: 'muted' }, ` · ${owner}${a.due ? ` · due ${formatDay(a.due)}` : ''}`));
}

/** The owner choices: members marked present, keeping the current choice. */
function fillOwners(ctx, select, view) {
  const chosen = select.value;
  const present = view.attendance.filter((a) => a.present);
  replace(select, h('option', { value: '' }, 'No owner yet'),
    present.map((a) => h('option', { value: a.member_id }, ctx.names[a.member_id] ?? 'A member')));
  select.value = present.some((a) => a.member_id === chosen) ? chosen : '';
}

/** A small one-line form whose submit calls `save`, with its own error line. */
function recordForm(id, fields, buttonText, save) {
  const error = h('p', { class: 'field-error', role: 'alert', hidden: true });
  const form = h('form', { class: 'record-form', id, novalidate: true }, fields, error,
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, buttonText)));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      await save(form);
      error.hidden = true;
      form.reset();
      form.querySelector('input').focus();
    } catch (err) {
      error.textContent = err.message;
      error.hidden = false;
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

function decisionForm(ctx, currentId, refresh) {
  return recordForm('decision-form',
    h('div', { class: 'field' }, h('label', { for: 'decision-text' }, 'New decision'), h('input', { id: 'decision-text', name: 'text', maxlength: 500 })),
    'Add decision',
    async (form) => {
      await api.addDecision(ctx.meetingId, currentId(), form.elements.text.value);
      await refresh();
    });
}

function actionForm(ctx, ownerSelect, currentId, refresh) {
  return recordForm('action-form', [
    h('div', { class: 'field' }, h('label', { for: 'action-text' }, 'New action item'), h('input', { id: 'action-text', name: 'text', maxlength: 500 })),
    h('div', { class: 'field-row' },
      h('div', { class: 'field' }, h('label', { for: 'action-owner' }, 'Owner'), ownerSelect),
      h('div', { class: 'field' }, h('label', { for: 'action-due' }, 'Due', h('span', { class: 'optional' }, ' (optional)')), h('input', { id: 'action-due', name: 'due', type: 'date' }))),
  ], 'Add action item',
  async (form) => {
    const { text, owner, due } = form.elements;
    await api.addActionItem({ meeting_id: ctx.meetingId, text: text.value, owner_id: owner.value || null, due: due.value || null, agenda_item_id: currentId() });
    await refresh();
  });
}

/* ---------- Ending ---------- */

function endDialog(ctx, notes, error, onEnded) {
  const summary = h('textarea', { id: 'end-summary', name: 'summary', rows: 4 });
  const problem = h('p', { class: 'field-error', role: 'alert', hidden: true });
  const dialog = h('dialog', { class: 'card end-dialog', id: 'end-dialog', 'aria-labelledby': 'end-dialog-title' });
  const form = h('form', { method: 'dialog', novalidate: true },
    h('h2', { id: 'end-dialog-title' }, 'End the meeting?'),
    h('p', {}, 'The current item counts as done. Items not reached carry over to the next meeting.'),
    h('div', { class: 'field' },
      h('label', { for: 'end-summary' }, 'Summary', h('span', { class: 'optional' }, ' (optional)')),
      h('p', { class: 'hint' }, 'A few words for the circle’s record.'),
      summary),
    problem,
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', id: 'confirm-end' }, 'End meeting'),
      h('button', { type: 'button', onclick: () => dialog.close() }, 'Keep going')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await notes.flush();
      const ended = await api.endMeeting(ctx.meetingId, summary.value);
      dialog.close();
      onEnded(ended);
    } catch (err) {
      problem.textContent = err.message;
      problem.hidden = false;
      showAlert(error, err);
    }
  });
  dialog.append(form);
  return dialog;
}

/** An EndSummary rebuilt from a RunView, for a meeting that ended earlier. */
function summaryFromView(view) {
  return {
    meeting: view.meeting,
    decisions: view.decisions,
    actions: view.actions,
    carried: view.agenda.filter((i) => i.status === 'carried'),
    next_meeting: view.next_meeting,
    present: view.attendance.filter((a) => a.present).length,
  };
}

function endScreen(ctx, end) {
  const m = end.meeting;
  const minutes = m.started_at && m.ended_at ? Math.round((new Date(m.ended_at) - new Date(m.started_at)) / 60000) : null;
  const carriedTo = end.next_meeting
    ? `These go on the agenda of the meeting on ${formatDateTime(end.next_meeting.starts_at)}.`
    : 'These go on the agenda of the next meeting you schedule.';
  return h('div', { class: 'run run-end', id: 'end-screen' },
    h('div', {},
      h('p', { class: 'run-kind' }, 'Meeting ended'),
      h('h1', {}, m.title),
      h('p', { class: 'lede' },
        `${end.present} ${end.present === 1 ? 'person' : 'people'} present`,
        minutes === null ? '' : minutes < 1 ? ' · under a minute' : ` · ${minutes} minute${minutes === 1 ? '' : 's'}`,
        m.ended_at ? ` · ended ${formatDateTime(m.ended_at)}` : '')),
    h('p', { class: 'reflect-cta' },
      h('a', { href: `#/reflect/${m.id}`, class: 'button-link primary', id: 'write-reflection' }, 'Write your reflection'),
      h('span', { class: 'muted' }, ' Private unless you choose to share it.'),
      ' ', h('a', { href: `#/meeting/${m.id}`, id: 'read-minutes' }, 'Read the minutes')),
    m.summary ? h('section', { class: 'card' }, h('h2', {}, 'Summary'), h('p', { class: 'prose' }, m.summary)) : null,
    h('div', { class: 'run-records' },
      h('section', { class: 'card', 'aria-labelledby': 'end-decisions' },
        h('h2', { id: 'end-decisions' }, 'Decisions'),
        h('ul', { class: 'run-list', id: 'end-decision-list' }, listOrEmpty(end.decisions.map((d) => h('li', {}, d.text)), 'No decisions recorded.'))),
      h('section', { class: 'card', 'aria-labelledby': 'end-actions' },
        h('h2', { id: 'end-actions' }, 'Action items'),
        h('ul', { class: 'run-list', id: 'end-action-list' }, listOrEmpty(end.actions.map((a) => actionRow(ctx, a)), 'No action items.')))),
    h('section', { class: 'card', 'aria-labelledby': 'end-carried' },
      h('h2', { id: 'end-carried' }, 'Carried over'),
      end.carried.length
        ? [h('p', {}, carriedTo), h('ul', { class: 'run-list', id: 'end-carried-list' }, end.carried.map((i) => h('li', {}, i.title)))]
        : h('p', { class: 'muted', id: 'end-carried-list' }, 'Nothing carries over: every item was dealt with.')),
    h('p', {}, h('a', { href: `#/circle/${m.circle_id}` }, 'Back to the circle')));
}
