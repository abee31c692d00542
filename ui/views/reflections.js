// The circle's shared reflections (#/reflections/<circle-id>): what members shared with the
// circle, newest first, with author, date, meeting and prompt, filtered by member and meeting.
// Private reflections never reach this page (they never leave their author's laptop).

import { api } from '../api.js';
import { formatDate, h, replace } from '../dom.js';
import { liveRegion, announce } from '../forms.js';

/** A filter's select: "everyone" (or "every meeting") first, then the core's choices. */
function filterSelect(name, label, all, choices) {
  const id = `filter-${name}`;
  return h('div', { class: 'field' },
    h('label', { for: id }, label),
    h('select', { id, name }, h('option', { value: '' }, all), choices.map((c) => h('option', { value: c.value }, c.label))));
}

/** One shared reflection: its prompt, who wrote it and when, the meeting it is about, its words. */
export function sharedReflection(s, headingLevel = 'h2') {
  const r = s.reflection ?? s;
  const about = s.meeting_title
    ? ['About ', h('a', { href: `#/meeting/${r.meeting_id}` }, s.meeting_title)]
    : ['Not about a meeting'];
  return h('article', { class: 'shared-reflection', 'data-reflection-id': r.id, 'aria-labelledby': `sr-${r.id}` },
    h('header', { class: 'journal-entry-head' },
      h(headingLevel, { id: `sr-${r.id}` }, r.prompt ?? 'Free writing'),
      s.mine ? h('span', { class: 'badge badge-shared' }, 'Yours') : null),
    h('p', { class: 'muted' },
      `By ${s.author_name ?? 'a member'} · `, h('time', { datetime: r.created_at }, formatDate(r.created_at)), ' · ', about),
    h('p', { class: 'prose' }, r.text));
}

export async function render(main, [circleId]) {
  const status = liveRegion();
  const first = await api.circleReflections(circleId);
  const listSlot = h('div', { id: 'shared-reflections-slot' });
  const count = h('p', { class: 'muted', id: 'shared-reflections-count' });
  const filters = h('form', { class: 'card reflection-filters', id: 'reflection-filters', 'aria-labelledby': 'filters-title' },
    h('h2', { id: 'filters-title' }, 'Show'),
    filterSelect('member_id', 'Written by', 'Everyone', first.authors),
    filterSelect('meeting_id', 'About the meeting', 'Every meeting', first.meetings));
  filters.addEventListener('submit', (event) => event.preventDefault());

  function draw(page, filtered) {
    const n = page.reflections.length;
    count.textContent = n === 0 ? '' : `${n} shared ${n === 1 ? 'reflection' : 'reflections'}${filtered ? ' match' : ''}.`;
    replace(listSlot, n
      ? h('ol', { class: 'journal-list', id: 'shared-reflections', 'aria-label': 'Shared reflections, newest first' },
        page.reflections.map((s) => h('li', { class: 'journal-entry shared' }, sharedReflection(s))))
      : h('p', { class: 'empty' }, filtered ? 'No shared reflection matches both choices.'
        : 'Nothing shared yet. When members share a reflection with the circle, it appears here after the next sync.'));
  }

  let ticket = 0;
  filters.addEventListener('change', async () => {
    const mine = ++ticket;
    const filter = { member_id: filters.elements.member_id.value || null, meeting_id: filters.elements.meeting_id.value || null };
    const page = await api.circleReflections(circleId, filter);
    if (mine !== ticket) return;
    draw(page, Boolean(filter.member_id || filter.meeting_id));
    announce(status, count.textContent || listSlot.textContent);
  });

  draw(first, false);
  replace(main, h('div', { class: 'journal shared-reflections-page' },
    h('section', { class: 'journal-main', 'aria-labelledby': 'reflections-title' },
      h('p', { class: 'breadcrumb' }, h('a', { href: `#/circle/${circleId}` }, `← ${first.circle.name}`)),
      h('h1', { id: 'reflections-title' }, 'Shared reflections'),
      h('p', { class: 'lede' }, `What members of ${first.circle.name} shared with the circle, newest first. Private reflections stay with their authors; yours are in your journal.`),
      count,
      listSlot),
    h('aside', { class: 'side' }, filters),
    status));
}
