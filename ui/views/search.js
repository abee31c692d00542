// Search: agenda items and their notes, decisions, action items, resources, your own
// reflections and those others shared with your circles, each result opening its place.

import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { markPainted } from '../painted.js';

const KIND_LABELS = {
  agenda_item: 'Talking point',
  action_item: 'Action item',
  decision: 'Decision',
  resource: 'Resource',
  reflection: 'Your reflection',
  shared_reflection: 'Shared reflection',
};

function placeOf(hit) {
  if (hit.kind === 'reflection') return '#/journal';
  if (hit.kind === 'shared_reflection') return `#/reflections/${hit.circle_id}`;
  if (hit.meeting_id) return `#/meeting/${hit.meeting_id}`;
  return hit.circle_id ? `#/circle/${hit.circle_id}` : '#/';
}

// The core marks matched words as [word]; show them highlighted, still as text.
function highlighted(snippet) {
  return snippet.split(/(\[[^\]]*\])/).map((part) =>
    part.startsWith('[') && part.endsWith(']') ? h('mark', {}, part.slice(1, -1)) : part);
}

function resultItem(hit) {
  return h('li', { class: 'search-hit' },
    h('p', { class: 'hit-kind' }, KIND_LABELS[hit.kind] ?? hit.kind, hit.author_name ? ` by ${hit.author_name}` : null),
    h('a', { href: placeOf(hit) }, hit.title || '(untitled)'),
    hit.snippet ? h('p', { class: 'hit-snippet' }, highlighted(hit.snippet)) : null);
}

export async function render(main) {
  const status = h('p', { class: 'search-status', role: 'status', 'aria-live': 'polite' });
  const results = h('ol', { class: 'search-results', id: 'search-results' });
  const input = h('input', { id: 'search-text', type: 'search', name: 'q', autocomplete: 'off' });
  let ticket = 0;

  async function runSearch() {
    const text = input.value.trim();
    const mine = ++ticket;
    if (!text) {
      replace(results);
      status.textContent = '';
      return;
    }
    try {
      const hits = await api.search(text);
      if (mine !== ticket) return; // a newer search is on its way
      replace(results, hits.map(resultItem));
      status.textContent = hits.length === 0 ? `Nothing found for “${text}”.` : `${hits.length} found.`;
      markPainted();
    } catch (err) {
      status.textContent = err.message;
    }
  }

  let timer;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(runSearch, 200);
  });

  replace(main,
    h('section', { class: 'search', 'aria-labelledby': 'search-title' },
      h('h1', { id: 'search-title' }, 'Search'),
      h('form', { role: 'search', onsubmit: (e) => { e.preventDefault(); runSearch(); } },
        h('label', { for: 'search-text' }, 'Search your circles and reflections'),
        h('p', { class: 'hint' }, 'Talking points and their notes, decisions, action items, resources, your reflections, and reflections others shared with your circles.'),
        input),
      status,
      results));
  input.focus();
}
