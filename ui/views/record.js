// Your mentoring record (#/record): the mentoring work of one member of a circle over a
// period, for an annual review or a tenure dossier. The preview shows the words the
// Markdown export writes, as the core gives them; the record is saved as Markdown, CSV or a
// printable HTML page. No reflection is in it unless the person ticks it (their own only);
// talking points that stay in the circle are left out, or shown only by their kind.

import { api } from '../api.js';
import { documentNodes } from '../document.js';
import { h, replace } from '../dom.js';
import { announce, clearErrors, errorSummary, field, liveRegion, orNull, showError, values } from '../forms.js';

const FORMATS = [['md', 'Markdown'], ['csv', 'CSV'], ['html', 'HTML']];

/** The record exactly as the core words it (the same blocks the Markdown export writes). */
function preview(doc) {
  return documentNodes(doc, { level: 2, titleId: 'record-preview-title' });
}

function thisYear() {
  const y = new Date().getFullYear();
  return [`${y}-01-01`, `${y}-12-31`];
}

export async function render(main) {
  const status = liveRegion();
  const circles = await api.listCircles();
  if (!circles.length) {
    replace(main, h('section', { class: 'card narrow' }, h('h1', {}, 'Your mentoring record'),
      h('p', {}, 'Your record is made from your circles’ meetings. Create or join a circle first.'),
      h('p', {}, h('a', { href: '#/' }, 'Go to your circles'))));
    return;
  }
  const [from, to] = thisYear();
  const form = h('form', { class: 'card record-options', id: 'record-form', novalidate: true, 'aria-labelledby': 'record-options-title' },
    h('h2', { id: 'record-options-title' }, 'What goes in it'),
    errorSummary(),
    field({ name: 'circle_id', label: 'Circle', field: 'Circle', required: true, options: circles.map((c) => [c.id, c.name]) }),
    field({ name: 'member_id', label: 'Member', field: 'Member', required: true, options: [] }),
    h('div', { class: 'record-dates' },
      field({ name: 'from', label: 'From', field: 'From', type: 'date', value: from }),
      field({ name: 'to', label: 'To', field: 'To', type: 'date', value: to })),
    field({
      name: 'confidential', label: 'Talking points that stay in the circle', field: 'Confidential items', required: true,
      options: [['omit', 'Leave them out'], ['kind', 'Show only their kind']],
    }),
    field({
      name: 'narrative', label: 'Your narrative', field: 'Narrative', multiline: true,
      hint: 'A few sentences in your own words, put at the top: what the circle is and what you gave to it.',
    }),
    h('fieldset', { class: 'record-reflections', id: 'record-reflections' },
      h('legend', {}, 'Reflections to include'),
      h('p', { class: 'hint', id: 'record-reflections-hint' }, 'None unless you tick them. Only your own can go in.'),
      h('div', { class: 'record-reflection-list' })),
    h('div', { class: 'actions record-save' }, FORMATS.map(([format, label]) =>
      h('button', { type: 'button', 'data-format': format, class: format === 'html' ? 'primary' : null }, `Save as ${label}`))),
    h('p', { class: 'record-saved', id: 'record-saved', hidden: true }));
  const circleSelect = form.querySelector('select[name=circle_id]');
  const memberSelect = form.querySelector('select[name=member_id]');
  const paper = h('article', { class: 'record-paper', id: 'record-preview', 'aria-labelledby': 'record-preview-title', 'aria-live': 'polite' });
  const saved = form.querySelector('#record-saved');

  function options() {
    const v = values(form);
    const picked = [...form.querySelectorAll('input[name=reflection]:checked')].map((box) => box.value);
    return { member_id: v.member_id, from: orNull(v.from), to: orNull(v.to), confidential: v.confidential, narrative: v.narrative ?? '', reflection_ids: picked };
  }

  // The core offers your own reflections in this circle and period, and only for your own record.
  const reflectionList = form.querySelector('.record-reflection-list');
  const reflectionHint = form.querySelector('#record-reflections-hint');
  let me = null;
  let choicesTicket = 0;
  async function showReflectionChoices() {
    const v = values(form);
    const mine = ++choicesTicket;
    let offered;
    try {
      offered = v.member_id === me ? await api.recordReflectionChoices(options()) : [];
    } catch {
      offered = []; // a bad date: the record's own error says what to fix
    }
    if (mine !== choicesTicket) return;
    const ticked = new Set(options().reflection_ids);
    reflectionHint.textContent = v.member_id !== me ? 'Reflections can go only into your own record.'
      : offered.length ? 'None unless you tick them. Private ones stay private everywhere else.'
        : 'You wrote no reflections in this circle in this period.';
    replace(reflectionList, offered.map((r) => {
      const id = `pick-${r.id}`;
      const excerpt = r.text.length > 90 ? `${r.text.slice(0, 90)}…` : r.text;
      return h('div', { class: 'check' },
        h('input', { type: 'checkbox', name: 'reflection', id, value: r.id, checked: ticked.has(r.id) }),
        h('label', { for: id }, `${r.date}${r.prompt ? ` — ${r.prompt}` : ''}: ${excerpt}`));
    }));
  }

  let ticket = 0;
  async function refresh() {
    const mine = ++ticket;
    try {
      const record = await api.mentoringRecord(options());
      if (mine !== ticket) return;
      clearErrors(form);
      replace(paper, preview(record));
    } catch (err) {
      if (mine !== ticket) return;
      showError(form, err);
      replace(paper, h('h2', { id: 'record-preview-title' }, 'Preview'), h('p', { class: 'hint' }, 'Fix the problem above to see your record.'));
    }
  }

  async function loadMembers() {
    const people = await api.circlePeople(circleSelect.value);
    me = people.me;
    replace(memberSelect, people.members.map((m) =>
      h('option', { value: m.id, selected: m.id === me }, m.id === me ? `${m.name} (you)` : m.name)));
  }

  let timer = null;
  form.addEventListener('input', (event) => {
    if (event.target === circleSelect) return;
    if (['member_id', 'from', 'to'].includes(event.target.name)) showReflectionChoices();
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  });
  form.addEventListener('change', async (event) => {
    clearTimeout(timer);
    if (event.target === circleSelect) {
      await loadMembers();
      await showReflectionChoices(); // ticks from the other circle go before the preview asks
    }
    await refresh();
  });
  form.addEventListener('submit', (event) => event.preventDefault());
  for (const button of form.querySelectorAll('.record-save button')) {
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        const path = await api.saveRecord(options(), button.dataset.format);
        clearErrors(form);
        saved.textContent = `Saved to ${path}`;
        saved.hidden = false;
        announce(status, `Saved to ${path}`);
      } catch (err) {
        showError(form, err);
      } finally {
        button.disabled = false;
      }
    });
  }

  replace(main,
    h('div', { class: 'record-page' },
      h('div', { class: 'record-head' },
        h('h1', {}, 'Your mentoring record'),
        h('p', { class: 'hint' }, 'The mentoring work you do in your circle, for an annual review or a tenure dossier. Check the preview, then save it.')),
      h('div', { class: 'record-layout' }, form, h('section', { class: 'record-preview-wrap', 'aria-label': 'Preview' }, paper)),
      status));
  await loadMembers();
  // Nothing is ticked yet, so the reflections offered and the preview are asked for together.
  await Promise.all([showReflectionChoices(), refresh()]);
}
