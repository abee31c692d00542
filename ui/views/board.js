// The circle's board (#/board/<circleId>): resources and opportunities members share —
// articles, trainings, conferences, workshops, jobs, grants — with deadlines. Links open
// in the person's browser, never inside Kinship's window.

import { api } from '../api.js';
import { formatDay, h, replace } from '../dom.js';
import { announce, errorSummary, field, liveRegion, orNull, submitting, values } from '../forms.js';

const KINDS = [
  ['article', 'Article'], ['training', 'Training'], ['conference', 'Conference'], ['workshop', 'Workshop'],
  ['job', 'Job posting'], ['grant', 'Grant'], ['other', 'Other'],
];
const KIND_LABEL = Object.fromEntries(KINDS);

function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function resourceCard(r, names, status) {
  const problem = h('p', { class: 'field-error', role: 'alert', hidden: true });
  const open = r.url
    ? h('button', {
      type: 'button',
      class: 'link-button',
      onclick: async () => {
        try {
          await api.openLink(r.url);
          announce(status, 'Opened in your browser.');
        } catch (err) {
          problem.textContent = `Could not open the link: ${err.message}`;
          problem.hidden = false;
        }
      },
    }, 'Open in browser')
    : null;
  const past = r.deadline && r.deadline < today();
  return h('li', { class: 'resource-card', 'data-resource-id': r.id },
    h('p', { class: 'hit-kind' }, KIND_LABEL[r.kind] ?? r.kind),
    h('h3', {}, r.title),
    r.url ? h('p', { class: 'resource-url' }, r.url) : null,
    r.note ? h('p', { class: 'resource-note' }, r.note) : null,
    h('p', { class: 'hint' },
      r.deadline ? h('span', { class: past ? 'deadline past' : 'deadline' }, `${past ? 'Closed' : 'Deadline'}: ${formatDay(r.deadline)}`) : 'No deadline',
      r.shared_by_id && names[r.shared_by_id] ? ` · shared by ${names[r.shared_by_id]}` : ''),
    open, problem);
}

function resourceForm(circleId, onSaved) {
  const form = h('form', { class: 'card', id: 'new-resource-form', novalidate: true, 'aria-labelledby': 'new-resource-title' },
    h('h2', { id: 'new-resource-title' }, 'Share a resource'),
    errorSummary(),
    field({ name: 'title', label: 'Title', field: 'Title', required: true }),
    field({ name: 'kind', label: 'Kind', field: 'Kind', required: true, options: KINDS, value: 'article' }),
    field({ name: 'url', label: 'Link', field: 'Link', type: 'url', hint: 'The full web address, as your browser shows it.' }),
    field({ name: 'deadline', label: 'Deadline', field: 'Deadline', type: 'date' }),
    field({ name: 'note', label: 'Why it is worth a look', field: 'Note', multiline: true }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Share with the circle')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const v = values(form);
    await submitting(form, async () => {
      const r = await api.addResource({ circle_id: circleId, title: v.title, kind: v.kind, url: orNull(v.url), deadline: orNull(v.deadline), note: v.note });
      form.reset();
      await onSaved(`Shared: ${r.title}`);
    });
  });
  return form;
}

export async function render(main, [circleId]) {
  const people = await api.circlePeople(circleId);
  const names = Object.fromEntries(people.members.map((m) => [m.id, m.name]));
  const status = liveRegion();
  const list = h('ul', { class: 'resource-list', id: 'resource-list' });

  async function refresh(message) {
    const resources = await api.resources(circleId);
    // Open deadlines first (soonest first), then undated, then closed ones.
    const rank = (r) => (!r.deadline ? 1 : r.deadline < today() ? 2 : 0);
    resources.sort((a, b) => rank(a) - rank(b) || (a.deadline ?? '').localeCompare(b.deadline ?? '') || a.title.localeCompare(b.title));
    replace(list, resources.length
      ? resources.map((r) => resourceCard(r, names, status))
      : h('li', { class: 'empty' }, 'Nothing on the board yet. Share an article, a training, a call for proposals or a job posting.'));
    if (message) announce(status, message);
  }

  replace(main,
    h('p', { class: 'breadcrumb' }, h('a', { href: `#/circle/${circleId}` }, `← ${people.circle.name}`)),
    h('div', { class: 'home' },
      h('section', { 'aria-labelledby': 'board-title' }, h('h1', { id: 'board-title' }, 'Resources and opportunities'), list),
      h('aside', { class: 'side' }, resourceForm(circleId, refresh)),
      status));
  await refresh();
}
