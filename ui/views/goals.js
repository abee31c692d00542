// Goals (#/goals): what you are working towards, private unless you share one with a
// circle, with a target date, progress notes and a status.

import { api } from '../api.js';
import { formatDay, formatDateTime, h, replace } from '../dom.js';
import { announce, errorSummary, field, liveRegion, orNull, submitting, values } from '../forms.js';

const STATUS_LABEL = { active: 'Active', achieved: 'Achieved', dropped: 'Dropped' };

function goalForm(circles, onSaved) {
  const form = h('form', { class: 'card', id: 'new-goal-form', novalidate: true, 'aria-labelledby': 'new-goal-title' },
    h('h2', { id: 'new-goal-title' }, 'Set a goal'),
    errorSummary(),
    field({ name: 'text', label: 'Goal', field: 'Goal', required: true, hint: 'For example “Publish my first peer-reviewed article”.' }),
    field({ name: 'target_date', label: 'Target date', field: 'Target date', type: 'date' }),
    field({ name: 'circle_id', label: 'Circle', field: 'Circle', options: [['', 'None (just for me)'], ...circles.map((c) => [c.id, c.name])] }),
    h('div', { class: 'field' },
      h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'shared' }), ' Share this goal with the circle'),
      h('p', { class: 'hint' }, 'Private goals stay on this laptop. A shared goal, its status and its progress notes go to the circle in the next sync.')),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Add goal')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const v = values(form);
    await submitting(form, async () => {
      const goal = await api.addGoal({ text: v.text, target_date: orNull(v.target_date), circle_id: orNull(v.circle_id), shared: v.shared === 'on' });
      form.reset();
      await onSaved(`Goal added: ${goal.text}`);
    });
  });
  return form;
}

function noteForm(goal, onSaved) {
  const form = h('form', { class: 'note-form', novalidate: true },
    errorSummary(),
    field({ name: 'text', label: 'Progress note', field: 'Progress note', multiline: true }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Add note')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    await submitting(form, async () => {
      await api.addGoalNote(goal.id, values(form).text);
      await onSaved('Progress note added.');
    });
  });
  return form;
}

async function goalCard(goal, circleNames, onChanged) {
  const notes = await api.goalNotes(goal.id);
  const status = h('select', { id: `status-${goal.id}`, 'aria-label': `Status of “${goal.text}”` },
    Object.entries(STATUS_LABEL).map(([value, label]) => h('option', { value, selected: value === goal.status }, label)));
  status.addEventListener('change', async () => {
    await api.setGoalStatus(goal.id, status.value);
    await onChanged(`Goal marked ${STATUS_LABEL[status.value].toLowerCase()}.`);
  });
  const shared = goal.visibility === 'shared';
  return h('li', { class: `goal-card status-${goal.status}`, 'data-goal-id': goal.id },
    h('div', { class: 'goal-head' },
      h('h3', {}, goal.text),
      h('span', { class: `badge ${shared ? 'badge-shared' : 'badge-private'}` }, shared ? 'Shared' : 'Private')),
    h('p', { class: 'hint' },
      goal.target_date ? `Target: ${formatDay(goal.target_date)}` : 'No target date',
      goal.circle_id ? ` · ${circleNames[goal.circle_id] ?? 'a circle'}` : ''),
    h('div', { class: 'field inline' }, h('label', { for: status.id }, 'Status'), status),
    notes.length
      ? h('ol', { class: 'goal-notes' }, notes.map((n) => h('li', {}, h('span', { class: 'hint' }, formatDateTime(n.created_at)), ' ', n.text)))
      : h('p', { class: 'hint' }, 'No progress notes yet.'),
    noteForm(goal, onChanged));
}

export async function render(main) {
  const status = liveRegion();
  const list = h('ul', { class: 'goal-list', id: 'goal-list' });
  const circles = await api.listCircles();
  const circleNames = Object.fromEntries(circles.map((c) => [c.id, c.name]));

  async function refresh(message) {
    const goals = await api.goals();
    const order = { active: 0, achieved: 1, dropped: 2 };
    goals.sort((a, b) => order[a.status] - order[b.status] || (a.target_date ?? '9999').localeCompare(b.target_date ?? '9999'));
    const cards = await Promise.all(goals.map((g) => goalCard(g, circleNames, refresh)));
    replace(list, cards.length ? cards : h('li', { class: 'empty' }, 'No goals yet. Set one with the form: a target date helps, a circle can cheer you on if you share it.'));
    if (message) announce(status, message);
  }

  replace(main,
    h('div', { class: 'home' },
      h('section', { 'aria-labelledby': 'goals-title' }, h('h1', { id: 'goals-title' }, 'Your goals'), list),
      h('aside', { class: 'side' }, goalForm(circles, refresh)),
      status));
  await refresh();
}
