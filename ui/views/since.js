// "Since you last looked": what others brought to a circle, as the core lists and groups it,
// each entry a link to its place, and "Mark as seen" (this laptop only). Shown on the circle
// home while there is something new; it stays until the person marks it seen, so opening one
// entry and coming back leaves the others listed.

import { api } from '../api.js';
import { formatDateTime, h, replace } from '../dom.js';
import { announce } from '../forms.js';

/** The address of an entry's place, as the core names it. */
export function placeHref(opens) {
  switch (opens.screen) {
    case 'meeting': return `#/meeting/${opens.meeting_id}`;
    case 'reflections': return `#/reflections/${opens.circle_id}`;
    case 'board': return `#/board/${opens.circle_id}`;
    default: return null;
  }
}

function entry(item) {
  const href = placeHref(item.opens);
  const detail = [item.starts_at ? formatDateTime(item.starts_at) : null, item.detail].filter(Boolean).join(' · ');
  return h('li', { class: 'since-entry' },
    href ? h('a', { href, class: 'since-link' }, item.text) : h('span', {}, item.text),
    h('span', { class: 'hint since-detail' }, detail));
}

/**
 * Draws the panel into `slot` (emptied and hidden when nothing is new). `onSeen` runs after
 * "Mark as seen" has been saved.
 */
export function renderSince(slot, since, { status, onSeen }) {
  slot.hidden = since.total === 0;
  if (since.total === 0) { replace(slot); return; }
  const mark = h('button', { type: 'button', id: 'mark-seen' }, 'Mark as seen');
  mark.addEventListener('click', async () => {
    mark.disabled = true;
    try {
      await api.markSeen(since.circle_id, since.seen_upto);
    } catch (err) {
      mark.disabled = false;
      announce(status, err.message);
      return;
    }
    replace(slot);
    slot.hidden = true;
    announce(status, 'Marked as seen. New things will show here when they arrive.');
    onSeen?.();
  });
  replace(slot,
    h('div', { class: 'section-head' }, h('h2', { id: 'since-title', tabindex: '-1' }, since.heading), mark),
    h('p', { class: 'since-summary', id: 'since-summary' }, since.summary),
    since.groups.map((g) => h('div', { class: 'since-group', 'data-kind': g.kind },
      h('h3', { id: `since-${g.kind}` }, g.label),
      h('ul', { class: 'since-list', 'aria-labelledby': `since-${g.kind}` }, g.items.map(entry)),
      g.more_label ? h('p', { class: 'hint' }, g.more_label) : null)));
}
