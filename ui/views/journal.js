// Your journal: your own reflections (and only yours), newest first, each clearly private
// or shared, with a search box and a form for an entry that belongs to no meeting (always
// private). Others' shared reflections are on each circle's Reflections page.

import { api } from '../api.js';
import { formatDateTime, h, replace } from '../dom.js';
import { clearErrors, errorSummary, showError } from '../forms.js';
import { promptField, reflectionTextField } from './reflect.js';

/** True when every word of `query` is in the entry's prompt or text. */
function matches(r, query) {
  const haystack = `${r.prompt ?? ''} ${r.text}`.toLocaleLowerCase();
  return query.toLocaleLowerCase().split(/\s+/).filter(Boolean).every((w) => haystack.includes(w));
}

function badge(r) {
  const shared = r.visibility === 'shared';
  return h('span', { class: `badge ${shared ? 'badge-shared' : 'badge-private'}` }, shared ? 'Shared' : 'Private');
}

/** The share / make-private control, with an in-place confirmation before sharing. */
function shareControl(r, onChanged) {
  const slot = h('div', { class: 'share-control' });
  const problem = h('p', { class: 'field-error', role: 'alert', hidden: true });
  const set = async (shared) => {
    try {
      await api.setReflectionShared(r.id, shared);
      await onChanged(shared ? 'Shared with the circle. They will see it in the next sync.' : 'Made private. The next sync removes it from the circle’s laptops.');
      // The list was redrawn: keep the keyboard where it was, on this entry's control.
      document.querySelector(`[data-reflection-id="${CSS.escape(r.id)}"] .share-control button`)?.focus();
    } catch (err) {
      problem.textContent = err.message;
      problem.hidden = false;
    }
  };
  const ask = () => {
    const yes = h('button', { type: 'button', class: 'primary', onclick: () => set(true) }, 'Yes, share it');
    replace(slot, h('div', { class: 'confirm', role: 'group', 'aria-label': 'Confirm sharing' },
      h('p', {}, `Share this with ${r.circle_name ?? 'the circle'}? Everyone in the circle will see it after the next sync.`),
      h('div', { class: 'actions' }, yes, h('button', { type: 'button', onclick: idle }, 'Cancel'))), problem);
    yes.focus();
  };
  function idle() {
    if (!r.circle_id) return replace(slot, h('p', { class: 'muted' }, 'Only on this laptop; a journal entry cannot be shared.'));
    replace(slot, r.visibility === 'shared'
      ? h('button', { type: 'button', onclick: () => set(false) }, 'Make private')
      : h('button', { type: 'button', onclick: ask }, 'Share with the circle…'), problem);
  }
  idle();
  return slot;
}

function entry(r, onChanged) {
  return h('li', { class: `journal-entry ${r.visibility}`, 'data-reflection-id': r.id },
    h('article', { 'aria-labelledby': `r-${r.id}` },
      h('header', { class: 'journal-entry-head' },
        h('h2', { id: `r-${r.id}` }, r.prompt ?? 'Free writing'),
        badge(r)),
      h('p', { class: 'muted' }, h('time', { datetime: r.created_at }, formatDateTime(r.created_at)), ' · ', r.from),
      h('p', { class: 'prose' }, r.text),
      shareControl(r, onChanged)));
}

function newEntryForm(onSaved) {
  const form = h('form', { class: 'card', id: 'journal-form', novalidate: true, 'aria-labelledby': 'journal-form-title' });
  form.append(
    h('h2', { id: 'journal-form-title' }, 'New journal entry'),
    h('p', { class: 'privacy' }, 'Private: stays on this laptop, never in any sync.'),
    errorSummary(),
    promptField(''),
    reflectionTextField(form),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Save entry')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      await api.addReflection({ text: form.elements.text.value, prompt: form.elements.prompt.value || null });
      clearErrors(form);
      form.reset();
      form.dispatchEvent(new Event('change')); // the label follows the reset prompt
      await onSaved('Entry saved in your journal.');
    } catch (err) {
      showError(form, err);
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

// Entries drawn at once: the newest first, the next ones as the person scrolls to them (or
// presses "Show older entries"), so a journal of years opens as fast as a new one.
const PAGE = 15;

export async function render(main) {
  const status = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite', id: 'journal-status' });
  const listSlot = h('div', { id: 'journal-list-slot' });
  const search = h('input', { type: 'search', id: 'journal-search', name: 'q', autocomplete: 'off' });
  const count = h('p', { class: 'muted', id: 'journal-count' });
  let mine = null; // the journal's entries, as the core serves them
  // How many entries are drawn: kept when the list is redrawn after a change, so the entry
  // just shared stays on screen; back to one page for a new search.
  let limit = PAGE;
  let nearEnd = null;

  function draw() {
    const shown = mine.filter((r) => matches(r, search.value));
    count.textContent = search.value.trim() ? `${shown.length} of ${mine.length} entries match.` : `${mine.length} ${mine.length === 1 ? 'entry' : 'entries'}.`;
    nearEnd?.disconnect();
    if (mine.length === 0) {
      return replace(listSlot, h('div', { class: 'empty' }, h('p', {}, 'Nothing here yet. After a meeting, “Write your reflection” brings you here; or start a journal entry with the form.')));
    }
    if (shown.length === 0) return replace(listSlot, h('p', { class: 'empty' }, 'No entry has all of those words.'));
    const list = h('ol', { class: 'journal-list', id: 'journal-list', 'aria-label': 'Your reflections, newest first' });
    const more = h('button', { type: 'button', id: 'journal-more', class: 'show-more' });
    let drawn = 0;
    function drawUpTo(end) {
      list.append(...shown.slice(drawn, end).map((r) => entry(r, refresh)));
      drawn = Math.min(end, shown.length);
      limit = Math.max(limit, drawn);
      more.hidden = drawn >= shown.length;
      more.textContent = `Show older entries (${shown.length - drawn} more)`;
    }
    more.addEventListener('click', () => drawUpTo(drawn + PAGE));
    drawUpTo(limit);
    replace(listSlot, list, more);
    // Scrolling near the end draws the next page before the person gets there.
    nearEnd = new IntersectionObserver((seen) => {
      if (seen.some((e) => e.isIntersecting) && drawn < shown.length) drawUpTo(drawn + PAGE);
    }, { rootMargin: '800px 0px' });
    nearEnd.observe(more);
  }

  async function refresh(message) {
    try {
      mine = await api.journal();
      draw();
      if (message) status.textContent = message;
    } catch (err) {
      replace(listSlot, h('p', { class: 'error-text', role: 'alert' }, err.message));
    }
  }

  search.addEventListener('input', () => {
    if (!mine) return;
    limit = PAGE;
    draw();
    status.textContent = count.textContent;
  });

  replace(main, h('div', { class: 'journal' },
    h('section', { class: 'journal-main', 'aria-labelledby': 'journal-title' },
      h('h1', { id: 'journal-title' }, 'Your journal'),
      h('p', { class: 'lede', id: 'journal-lede' }, 'Only you can see your journal. Reflections you share also appear on the circle’s Reflections page.'),
      h('p', { class: 'muted' }, 'Your reflections, newest first. Private ones never leave this laptop.'),
      h('div', { class: 'field journal-search' }, h('label', { for: 'journal-search' }, 'Search your journal'), search),
      count,
      listSlot),
    h('aside', { class: 'side' }, newEntryForm(refresh)),
    status));
  await refresh();
}
