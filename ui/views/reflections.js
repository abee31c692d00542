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

/** How many reflections the page shows at first, and how many more each “Show more” adds. */
const PAGE = 50;

export async function render(main, [circleId]) {
  const status = liveRegion();
  let limit = PAGE;
  const first = await api.circleReflections(circleId, { limit });
  const listSlot = h('div', { id: 'shared-reflections-slot' });
  const count = h('p', { class: 'muted', id: 'shared-reflections-count' });
  const more = h('button', { type: 'button', id: 'more-reflections', hidden: true }, `Show ${PAGE} more`);
  const filters = h('form', { class: 'card reflection-filters', id: 'reflection-filters', 'aria-labelledby': 'filters-title' },
    h('h2', { id: 'filters-title' }, 'Show'),
    filterSelect('member_id', 'Written by', 'Everyone', first.authors),
    filterSelect('meeting_id', 'About the meeting', 'Every meeting', first.meetings));
  filters.addEventListener('submit', (event) => event.preventDefault());
  const chosen = () => ({ member_id: filters.elements.member_id.value || null, meeting_id: filters.elements.meeting_id.value || null });

  function draw(page) {
    const filtered = Boolean(chosen().member_id || chosen().meeting_id);
    const [n, total] = [page.reflections.length, page.total];
    const what = `${total} shared ${total === 1 ? 'reflection' : 'reflections'}${filtered ? (total === 1 ? ' matches' : ' match') : ''}`;
    count.textContent = total === 0 ? '' : n < total ? `Showing the newest ${n} of ${what}.` : `${what}.`;
    more.hidden = n >= total;
    replace(listSlot, n
      ? h('ol', { class: 'journal-list', id: 'shared-reflections', 'aria-label': 'Shared reflections, newest first' },
        page.reflections.map((s) => h('li', { class: 'journal-entry shared' }, sharedReflection(s))))
      : h('p', { class: 'empty' }, filtered ? 'No shared reflection matches both choices.'
        : 'Nothing shared yet. When members share a reflection with the circle, it appears here after the next sync.'));
  }

  let ticket = 0;
  async function reload() {
    const mine = ++ticket;
    const page = await api.circleReflections(circleId, { ...chosen(), limit });
    if (mine !== ticket) return;
    draw(page);
    announce(status, count.textContent || listSlot.textContent);
  }
  filters.addEventListener('change', () => { limit = PAGE; reload(); });
  more.addEventListener('click', async () => {
    const shown = listSlot.querySelectorAll('li').length;
    limit += PAGE;
    await reload();
    // The keyboard goes on to the first reflection just shown.
    listSlot.querySelectorAll('li article')[shown]?.setAttribute('tabindex', '-1');
    listSlot.querySelectorAll('li article')[shown]?.focus();
  });

  draw(first);
  replace(main, h('div', { class: 'journal shared-reflections-page' },
    h('section', { class: 'journal-main', 'aria-labelledby': 'reflections-title' },
      h('p', { class: 'breadcrumb' }, h('a', { href: `#/circle/${circleId}` }, `← ${first.circle.name}`)),
      h('h1', { id: 'reflections-title' }, 'Shared reflections'),
      h('p', { class: 'lede' }, `What members of ${first.circle.name} shared with the circle, newest first. Private reflections stay with their authors; yours are in your journal.`),
      count,
      listSlot,
      h('div', { class: 'actions' }, more)),
    h('aside', { class: 'side' }, filters),
    status));
}
