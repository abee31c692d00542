// A meeting's agenda (#/meeting/<id>): roles, templates, talking points in order (drag and
// drop or keyboard), the timebox total, and the action items to review from earlier meetings.
// An ended meeting opens on its minutes; its agenda as it was is at #/meeting/<id>/agenda.
// #/meeting/<id>?add-point (just scheduled) and …?hello (just joined) open with the cursor in
// "Add a talking point"; "Share updates" is offered above the agenda after a change.

import { api } from '../api.js';
import { formatDateTime, h, replace } from '../dom.js';
import {
  announce, clearErrors, confirmPanel, errorSummary, field, liveRegion, orNull, showError, submitting, values, wholeNumber,
} from '../forms.js';
import { MEETING_STATUS, actionFacts } from './circle.js';
import { callLink, detailsForm } from './meeting-details.js';
import { shareBar } from './share-bar.js';

const ITEM_STATUS = { open: 'Open', done: 'Done', skipped: 'Skipped', carried: 'Carried to next meeting' };
const ROLES = [['facilitator_id', 'Facilitator'], ['timekeeper_id', 'Timekeeper'], ['note_taker_id', 'Note-taker']];

/** A checkbox laid out as a forms.js field, so showError and clearErrors work on it. */
function checkbox({ name, label, field: coreField, checked = false, hint }) {
  const id = `f-${name}-${Math.random().toString(36).slice(2, 8)}`;
  const input = h('input', { type: 'checkbox', id, name, checked, 'aria-describedby': hint ? `${id}-hint` : null });
  return h('div', { class: 'field check-field', 'data-field': coreField },
    h('p', { class: 'field-error', hidden: true }),
    h('div', { class: 'check-row' }, input, h('label', { for: id }, label)),
    hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null);
}

/** Shows or hides the member-turn fields as the kind select changes. */
function linkTurnFields(form) {
  const kind = form.querySelector('select[name=kind]');
  const turn = form.querySelector('.turn-fields');
  const sync = () => { turn.hidden = kind.value !== 'member_turn'; };
  kind.addEventListener('change', sync);
  sync();
}

export async function render(main, [meetingId, agendaAsItWas, arrival]) {
  const meeting = await api.getMeeting(meetingId);
  if (meeting.status === 'ended' && !agendaAsItWas) {
    const minutes = await import('./minutes.js');
    await minutes.render(main, [meetingId]);
    return;
  }
  const [agenda, choices, people, templates, allGoals, review] = await Promise.all([
    api.agenda(meetingId), api.agendaChoices(), api.circlePeople(meeting.circle_id), api.templates(meeting.circle_id), api.goals(),
    api.actionReview(meetingId),
  ]);
  // Goals a turn can serve: active ones shared with this circle (the agenda is the circle's).
  const goals = allGoals.filter((g) => g.status === 'active' && g.visibility === 'shared' && g.circle_id === meeting.circle_id);
  const state = { meeting, items: agenda.items, planned: agenda.planned, people, templates, review };
  const editable = meeting.status === 'scheduled' || meeting.status === 'running';
  const names = Object.fromEntries(people.members.map((m) => [m.id, m.name]));
  const current = people.members.filter((m) => !m.left_at);
  const status = liveRegion();
  const ctx = { state, editable, names, current, status, goals, kinds: choices.kinds.map((k) => [k.value, k.label]),
    help: [['', 'Not said yet'], ...choices.help_wanted.map((c) => [c.value, c.label])],
    helpLabels: Object.fromEntries(choices.help_wanted.map((c) => [c.value, c.label])) };
  // After any change the agenda is read again: the core orders it and adds up its minutes.
  const share = shareBar(meeting.circle_id, { hello: arrival === 'hello' });
  // Every change to the agenda goes through here: after it, sharing it may be offered.
  ctx.reloadAgenda = async () => {
    const fresh = await api.agenda(meetingId);
    state.items = fresh.items;
    state.planned = fresh.planned;
    await share.refresh();
  };
  await share.refresh();

  const agendaSlot = h('div', { class: 'agenda-slot' });
  const templateSlot = h('div', {});
  ctx.renderAgenda = () => renderAgenda(agendaSlot, ctx);
  ctx.renderTemplates = () => renderTemplates(templateSlot, ctx);
  ctx.renderAgenda();
  ctx.renderTemplates();

  replace(main,
    h('div', { class: 'meeting-page' },
      header(ctx),
      share.element,
      h('div', { class: 'meeting-grid' },
        h('div', { class: 'meeting-main' },
          h('section', { class: 'card agenda-card', id: 'agenda-section', 'aria-labelledby': 'agenda-title' },
            errorSummary(),
            h('h2', { id: 'agenda-title', tabindex: '-1' }, 'Agenda'),
            agendaSlot),
          editable ? addItemForm(ctx) : null,
          saveTemplateForm(ctx)),
        h('div', { class: 'meeting-side' },
          rolesSection(ctx),
          editable ? templateSlot : null,
          actionReview(ctx))),
      status));
  // After the router has focused <main> for the new page: then the cursor goes to the form.
  const title = document.querySelector('#add-item-form input[name=title]');
  if (arrival && title) setTimeout(() => { title.scrollIntoView({ block: 'center' }); title.focus(); }, 0);
}

// ── Header ───────────────────────────────────────────────────────────────────────────

function header(ctx) {
  const { state: { meeting, people }, editable } = ctx;
  const facts = [formatDateTime(meeting.starts_at), `${meeting.minutes} minutes`, meeting.place].filter(Boolean);
  const start = editable
    ? h('div', { class: 'head-actions' },
      h('button', { type: 'button', id: 'edit-meeting', onclick: () => editDetails(ctx) }, 'Edit details'),
      h('a', { class: 'link-button primary start-link', id: 'start-meeting', href: `#/run/${meeting.id}` },
        meeting.status === 'running' ? 'Return to the running meeting' : 'Start meeting'))
    : null;
  return h('header', { class: 'meeting-head', id: 'meeting-head' },
    h('p', { class: 'breadcrumb' }, h('a', { href: `#/circle/${people.circle.id}` }, `← ${people.circle.name}`)),
    h('div', { class: 'meeting-title-row' },
      h('div', {},
        h('h1', { id: 'meeting-title' }, meeting.title),
        h('p', { class: 'meeting-facts' }, facts.join(' · '), ' ',
          h('span', { class: `status status-${meeting.status}` }, MEETING_STATUS[meeting.status] ?? meeting.status)),
        callLink(meeting)),
      start),
    editable ? null : h('p', { class: 'note', id: 'readonly-note' },
      meeting.status === 'ended'
        ? ['This meeting has ended. Its agenda is shown as it was; add new talking points to the next meeting. ',
          h('a', { href: `#/meeting/${meeting.id}`, id: 'back-to-minutes' }, 'Read the minutes')]
        : 'This meeting was cancelled. Its agenda is shown as it was; add new talking points to another meeting.'));
}

/** Opens the details form under the title; saving redraws the header (and the total, for a new length). */
function editDetails(ctx) {
  const open = document.getElementById('meeting-details-form');
  if (open) { open.querySelector('input').focus(); return; }
  const head = document.getElementById('meeting-head');
  const form = detailsForm(ctx.state.meeting, {
    onSaved: async (meeting) => {
      ctx.state.meeting = meeting;
      head.replaceWith(header(ctx));
      // A new length changes the total the core adds up against it.
      await ctx.reloadAgenda();
      ctx.renderAgenda();
      document.getElementById('edit-meeting').focus();
      announce(ctx.status, 'Meeting details saved.');
    },
    onCancel: () => { form.remove(); document.getElementById('edit-meeting').focus(); },
  });
  head.append(form);
  form.querySelector('input').focus();
}

// ── Agenda list ──────────────────────────────────────────────────────────────────────

/** The total against the meeting's length; the core says whether there is advice to give. */
function totalBar({ state: { planned: { total, length, over, percent, advice } } }) {
  return h('div', { class: over > 0 ? 'total over' : 'total' },
    h('p', { id: 'agenda-total' },
      `Timeboxes: ${total} of ${length} minutes`,
      advice ? h('strong', { class: 'over-warning' }, advice) : null),
    meter(percent));
}

/** The bar under the total. Width is set through the CSSOM: the CSP forbids inline style attributes. */
function meter(percent) {
  const fill = h('div', { class: 'meter-fill' });
  fill.style.width = `${percent}%`;
  return h('div', { class: 'meter', 'aria-hidden': 'true' }, fill);
}

function renderAgenda(slot, ctx) {
  const { items } = ctx.state;
  if (items.length === 0) {
    replace(slot, totalBar(ctx), h('p', { class: 'empty', id: 'agenda-empty' },
      ctx.editable ? 'No talking points yet. Apply a template or add one below.' : 'This meeting had no agenda.'));
    return;
  }
  replace(slot,
    totalBar(ctx),
    ctx.editable ? h('p', { class: 'hint', id: 'reorder-hint' },
      'Drag a talking point to reorder it, or use Move up and Move down (Alt+↑ and Alt+↓ on a focused item).') : null,
    h('ol', { class: 'agenda-list', id: 'agenda-list' }, items.map((item, index) => agendaRow(item, index, ctx))));
}

function itemMeta(item, { names, helpLabels }) {
  const bits = [item.kind_label, `${item.minutes} min`];
  if (item.member_id) bits.push(`${names[item.member_id] ?? 'A former member'}’s turn`);
  if (item.help_wanted) bits.push(`wants ${helpLabels[item.help_wanted].toLowerCase()}`);
  if (item.contributor_id) bits.push(`added by ${names[item.contributor_id] ?? 'a former member'}`);
  return bits.join(' · ');
}

function badges(item) {
  return h('span', { class: 'badges' },
    h('span', { class: `tag item-status status-${item.status}` }, ITEM_STATUS[item.status] ?? item.status),
    item.carried_from_id ? h('span', { class: 'tag carried' }, 'Carried over') : null,
    item.confidential ? h('span', { class: 'tag confidential' }, 'Stays in the circle') : null);
}

function agendaRow(item, index, ctx) {
  const count = ctx.state.items.length;
  const li = h('li', { class: 'agenda-item', 'data-item-id': item.id, tabindex: ctx.editable ? '0' : null,
    'aria-describedby': ctx.editable ? 'reorder-hint' : null });
  const named = (verb) => `${verb}: ${item.title} (item ${index + 1})`;
  replace(li,
    h('span', { class: 'position', 'aria-hidden': 'true' }, String(index + 1)),
    h('div', { class: 'item-body' },
      h('p', { class: 'item-head' }, h('span', { class: 'item-title' }, item.title), ' ', badges(item)),
      h('p', { class: 'item-meta' }, itemMeta(item, ctx)),
      item.details ? h('p', { class: 'item-details' }, item.details) : null),
    ctx.editable ? h('div', { class: 'row-actions' },
      h('button', { type: 'button', class: 'small move-up', 'aria-label': named('Move up'), disabled: index === 0,
        onclick: () => move(ctx, item, index - 1, '.move-up') }, 'Move up'),
      h('button', { type: 'button', class: 'small move-down', 'aria-label': named('Move down'), disabled: index === count - 1,
        onclick: () => move(ctx, item, index + 1, '.move-down') }, 'Move down'),
      h('button', { type: 'button', class: 'small', 'aria-label': named('Edit'), onclick: () => editItem(li, item, ctx) }, 'Edit'),
      h('button', { type: 'button', class: 'small remove', 'aria-label': named('Remove'), onclick: () => confirmDelete(li, item, ctx) }, 'Remove'))
      : null);
  if (ctx.editable) {
    li.addEventListener('keydown', (event) => onItemKey(event, ctx, item, index));
    makeDraggable(li, item, index, ctx);
  }
  return li;
}

function onItemKey(event, ctx, item, index) {
  if (!event.altKey || !['ArrowUp', 'ArrowDown'].includes(event.key)) return;
  if (event.target.closest('form')) return; // an open edit form keeps its own keys
  event.preventDefault();
  const to = event.key === 'ArrowUp' ? index - 1 : index + 1;
  if (to < 0 || to >= ctx.state.items.length) return;
  move(ctx, item, to, null);
}

/**
 * Moves a talking point, redraws the list and keeps the keyboard on the moved item (on the
 * same button when it is still usable there, else on the item itself).
 */
async function move(ctx, item, to, buttonSelector) {
  const section = document.getElementById('agenda-section');
  try {
    await api.moveAgendaItem(item.id, to);
    await ctx.reloadAgenda();
  } catch (err) {
    showError(section, err);
    return;
  }
  clearErrors(section);
  ctx.renderAgenda();
  const li = document.querySelector(`.agenda-item[data-item-id="${CSS.escape(item.id)}"]`);
  const button = buttonSelector && li?.querySelector(buttonSelector);
  (button && !button.disabled ? button : li)?.focus();
  announce(ctx.status, `“${item.title}” moved to place ${to + 1} of ${ctx.state.items.length}.`);
}

// HTML5 drag and drop: the dragged item takes the place of the one it is dropped on.
let dragged = null;

function makeDraggable(li, item, index, ctx) {
  li.draggable = true;
  li.addEventListener('dragstart', (event) => {
    dragged = { item, index };
    event.dataTransfer.effectAllowed = 'move';
    event.dataTransfer.setData('text/plain', item.title);
    li.classList.add('dragging');
  });
  li.addEventListener('dragend', () => {
    dragged = null;
    document.querySelectorAll('.agenda-item').forEach((el) => el.classList.remove('dragging', 'drop-before', 'drop-after'));
  });
  li.addEventListener('dragover', (event) => {
    if (!dragged || dragged.item.id === item.id) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'move';
    li.classList.add(dragged.index > index ? 'drop-before' : 'drop-after');
  });
  li.addEventListener('dragleave', () => li.classList.remove('drop-before', 'drop-after'));
  li.addEventListener('drop', (event) => {
    event.preventDefault();
    if (!dragged || dragged.item.id === item.id) return;
    const moving = dragged.item;
    dragged = null;
    move(ctx, moving, index, null);
  });
}

function confirmDelete(li, item, ctx) {
  const open = li.querySelector('.confirm-box');
  if (open) { open.querySelector('button').focus(); return; }
  const panel = confirmPanel({
    question: `Remove “${item.title}” from the agenda?`,
    detail: 'Its details are deleted. Items already discussed cannot be removed; skip them instead.',
    confirmLabel: 'Yes, remove',
    onConfirm: async () => {
      const section = document.getElementById('agenda-section');
      try {
        await api.deleteAgendaItem(item.id);
      } catch (err) {
        panel.remove();
        showError(section, err);
        return;
      }
      clearErrors(section);
      await ctx.reloadAgenda();
      ctx.renderAgenda();
      document.getElementById('agenda-title').focus();
      announce(ctx.status, `“${item.title}” removed from the agenda.`);
    },
    onCancel: () => { panel.remove(); li.querySelector('.remove').focus(); },
  });
  li.append(panel);
}

// ── Forms for talking points ────────────────────────────────────────────────────────

function memberOptions(ctx, blank) {
  return [['', blank], ...ctx.current.map((m) => [m.id, m.name])];
}

/** The fields a talking point has; `item` fills them for editing. */
function itemFields(ctx, item = null) {
  return [
    field({ name: 'title', label: 'Title', required: true, maxlength: 500, value: item?.title ?? '' }),
    field({ name: 'details', label: 'Details', multiline: true, value: item?.details ?? '' }),
    h('div', { class: 'item-row-fields' },
      field({ name: 'kind', label: 'Kind', required: true, options: ctx.kinds, value: item?.kind ?? 'topic' }),
      field({ name: 'minutes', label: 'Timebox in minutes', field: 'Timebox', type: 'number', required: true, value: String(item?.minutes ?? 10) })),
    checkbox({ name: 'confidential', label: 'Stays in the circle', field: 'Stays in the circle', checked: item?.confidential ?? false,
      hint: 'Left out of anything that leaves the circle.' }),
    h('fieldset', { class: 'turn-fields' },
      h('legend', {}, 'Member turn'),
      field({ name: 'member_id', label: 'Whose turn', field: 'Whose turn', options: memberOptions(ctx, 'Choose a member'), value: item?.member_id ?? '' }),
      field({ name: 'help_wanted', label: 'Help wanted', field: 'Help wanted', options: ctx.help, value: item?.help_wanted ?? '' }),
      item || ctx.goals.length === 0 ? null
        : field({ name: 'goal_id', label: 'Goal it serves', field: 'Goal', options: [['', 'No goal'], ...ctx.goals.map((g) => [g.id, g.text])] })),
  ];
}

/** The form's talking point as the core takes it (member-turn fields only for member turns). */
function itemValues(form) {
  const v = values(form);
  const turn = v.kind === 'member_turn';
  return {
    title: v.title,
    details: v.details,
    kind: v.kind,
    minutes: wholeNumber(v.minutes, 'Timebox'),
    confidential: form.querySelector('input[name=confidential]').checked,
    member_id: turn ? orNull(v.member_id) : null,
    help_wanted: turn ? v.help_wanted : '',
    goal_id: turn ? orNull(v.goal_id) : null,
  };
}

function addItemForm(ctx) {
  const form = h('form', { class: 'card', id: 'add-item-form', novalidate: true, 'aria-labelledby': 'add-item-title' },
    h('h2', { id: 'add-item-title' }, 'Add a talking point'),
    errorSummary(),
    itemFields(ctx),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Add to agenda')));
  linkTurnFields(form);
  form.querySelector('input[name=minutes]').defaultValue = '10'; // what form.reset() goes back to
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    let added = null;
    const ok = await submitting(form, async () => {
      const v = itemValues(form);
      added = await api.addAgendaItem({ meeting_id: ctx.state.meeting.id, ...v, help_wanted: orNull(v.help_wanted) });
      await ctx.reloadAgenda();
    });
    if (!ok) return;
    clearErrors(form);
    form.reset();
    form.querySelector('select[name=kind]').dispatchEvent(new Event('change'));
    ctx.renderAgenda();
    announce(ctx.status, `Added “${added.title}” as item ${added.position + 1} of the agenda.`);
    form.querySelector('input').focus();
  });
  return form;
}

function editItem(li, item, ctx) {
  li.draggable = false;
  const form = h('form', { class: 'item-form', novalidate: true, 'aria-label': `Edit ${item.title}` },
    errorSummary(),
    itemFields(ctx, item),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, 'Save'),
      h('button', { type: 'button', onclick: () => { ctx.renderAgenda(); focusItem(item); } }, 'Cancel')));
  linkTurnFields(form);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const ok = await submitting(form, async () => {
      const { goal_id: _kept, ...patch } = itemValues(form);
      // An empty string clears whose turn it is (null would leave it as it was).
      await api.updateAgendaItem(item.id, { ...patch, member_id: patch.member_id ?? '' });
      await ctx.reloadAgenda();
    });
    if (!ok) return;
    ctx.renderAgenda();
    focusItem(item);
    announce(ctx.status, `Saved “${values(form).title}”.`);
  });
  replace(li, form);
  form.querySelector('input').focus();
}

function focusItem(item) {
  document.querySelector(`.agenda-item[data-item-id="${CSS.escape(item.id)}"]`)?.focus();
}

// ── Templates ────────────────────────────────────────────────────────────────────────

function renderTemplates(slot, ctx) {
  const form = h('form', { class: 'card', id: 'template-form', novalidate: true, 'aria-labelledby': 'template-title' },
    h('h2', { id: 'template-title' }, 'Start from a template'),
    errorSummary(),
    h('div', { class: 'field', 'data-field': 'Template' },
      h('p', { class: 'field-error', hidden: true }),
      h('fieldset', { class: 'template-list' },
        h('legend', { class: 'visually-hidden' }, 'Template'),
        ctx.state.templates.map((t, i) => {
          const id = `template-${i}`;
          return h('div', { class: 'template-option' },
            h('input', { type: 'radio', name: 'template', id, value: t.id, 'aria-describedby': `${id}-about` }),
            h('label', { for: id }, t.name),
            h('p', { class: 'hint', id: `${id}-about` }, t.description));
        }))),
    h('p', { class: 'hint' }, 'Its talking points are added after the ones already on the agenda, their timeboxes fitted to the minutes the meeting has left.'),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Apply template')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const chosen = ctx.state.templates.find((t) => t.id === values(form).template);
    const before = ctx.state.items.length;
    const ok = await submitting(form, async () => {
      if (!chosen) throw { field: 'Template', message: 'Choose a template first, then apply it.' };
      await api.applyTemplate(ctx.state.meeting.id, chosen.id);
      await ctx.reloadAgenda();
    });
    if (!ok) return;
    clearErrors(form);
    ctx.renderAgenda();
    document.getElementById('agenda-title').focus();
    announce(ctx.status, `Added ${ctx.state.items.length - before} talking points from “${chosen.name}”.`);
  });
  replace(slot, form);
}

function saveTemplateForm(ctx) {
  const form = h('form', { class: 'card', id: 'save-template-form', novalidate: true, 'aria-labelledby': 'save-template-title' },
    h('h2', { id: 'save-template-title' }, 'Save agenda as template'),
    errorSummary(),
    field({ name: 'name', label: 'Template name', field: 'Template name', required: true, maxlength: 120,
      hint: 'Keeps titles, kinds, timeboxes and details, for the circle’s next meetings.' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Save as template')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    let saved = null;
    const ok = await submitting(form, async () => {
      saved = await api.saveTemplate(ctx.state.meeting.id, values(form).name);
      ctx.state.templates = await api.templates(ctx.state.meeting.circle_id);
    });
    if (!ok) return;
    clearErrors(form);
    form.reset();
    ctx.renderTemplates();
    announce(ctx.status, `Saved the agenda as the template “${saved.name}”.`);
  });
  return form;
}

// ── Roles ────────────────────────────────────────────────────────────────────────────

function rolesSection(ctx) {
  const { meeting } = ctx.state;
  if (!ctx.editable) {
    return h('section', { class: 'card', 'aria-labelledby': 'roles-title' },
      h('h2', { id: 'roles-title' }, 'Roles'),
      h('dl', { class: 'facts' }, ROLES.map(([key, label]) =>
        h('div', {}, h('dt', {}, label), h('dd', {}, ctx.names[meeting[key]] ?? 'Nobody')))));
  }
  const form = h('form', { class: 'card', id: 'roles-form', novalidate: true, 'aria-labelledby': 'roles-title' },
    h('h2', { id: 'roles-title' }, 'Roles'),
    errorSummary(),
    ROLES.map(([key, label]) => field({ name: key, label, field: label, options: memberOptions(ctx, 'Nobody yet'), value: meeting[key] ?? '' })),
    h('div', { class: 'actions' },
      h('button', { type: 'button', id: 'suggest-roles', onclick: () => suggest(form, ctx) }, 'Suggest fairly'),
      h('button', { type: 'submit', class: 'primary' }, 'Save roles')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const v = values(form);
    const ok = await submitting(form, async () => {
      ctx.state.meeting = await api.assignRoles(meeting.id, Object.fromEntries(ROLES.map(([key]) => [key, orNull(v[key])])));
    });
    if (!ok) return;
    clearErrors(form);
    announce(ctx.status, 'Roles saved.');
  });
  return form;
}

async function suggest(form, ctx) {
  let roles;
  try {
    roles = await api.suggestRoles(ctx.state.meeting.id);
  } catch (err) {
    showError(form, err);
    return;
  }
  clearErrors(form);
  for (const [key] of ROLES) form.querySelector(`select[name=${key}]`).value = roles[key] ?? '';
  const said = ROLES.map(([key, label]) => `${label} ${ctx.names[roles[key]] ?? 'nobody'}`).join(', ');
  announce(ctx.status, `Suggested: ${said}. Save roles to keep them.`);
}

// ── Action review ────────────────────────────────────────────────────────────────────

function actionReview({ state: { review, meeting } }) {
  // The core groups them by owner and sends a few each; the circle home has the rest.
  const groups = review.map((g, i) => h('li', { class: 'owner-group' },
    h('h3', { id: `review-owner-${i}` }, g.owner_name),
    h('ul', { class: 'action-list', 'aria-labelledby': `review-owner-${i}` }, g.actions.map((a) => h('li', { class: 'action-row' },
      h('p', { class: 'action-text' }, a.text), h('p', { class: 'hint' }, actionFacts(a))))),
    g.more ? h('p', { class: 'hint' }, `And ${g.more} more: `,
      h('a', { href: `#/circle/${meeting.circle_id}` }, 'all on the circle home')) : null));
  return h('section', { class: 'card', id: 'action-review', 'aria-labelledby': 'action-review-title' },
    h('h2', { id: 'action-review-title' }, 'Action review'),
    groups.length
      ? h('ul', { class: 'owner-groups' }, groups)
      : h('p', { class: 'hint' }, 'No open action items from earlier meetings.'));
}
