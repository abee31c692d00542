// Home: the person's circles, and the form to start a new one (which opens the new circle).

import { api } from '../api.js';
import { formatDate, formatDateTime, h, replace } from '../dom.js';
import { clearErrors, errorSummary, field, submitting, values } from '../forms.js';

const CADENCES = [
  ['weekly', 'Weekly'], ['fortnightly', 'Every two weeks'], ['monthly', 'Monthly'], ['quarterly', 'Quarterly'], ['ad_hoc', 'When we agree'],
];
const cadenceLabel = Object.fromEntries(CADENCES);

function circleCard(summary) {
  const members = summary.member_count === 1 ? '1 member' : `${summary.member_count} members`;
  return h('li', { class: 'circle-card', 'data-circle-id': summary.id },
    h('h3', {}, h('a', { href: `#/circle/${summary.id}` }, summary.name)),
    summary.purpose ? h('p', { class: 'purpose' }, summary.purpose) : null,
    h('dl', { class: 'facts' },
      h('div', {}, h('dt', {}, 'Members'), h('dd', {}, members)),
      h('div', {}, h('dt', {}, 'Meets'), h('dd', {}, cadenceLabel[summary.cadence] ?? summary.cadence)),
      h('div', {}, h('dt', {}, 'Next meeting'), h('dd', {}, summary.next_meeting_at ? formatDateTime(summary.next_meeting_at) : 'Not scheduled yet')),
      h('div', {}, h('dt', {}, 'Started'), h('dd', {}, formatDate(summary.created_at)))));
}

function circleList(circles) {
  if (circles.length === 0) {
    return h('div', { class: 'empty', id: 'circle-list' },
      h('p', {}, 'You are not in any circle yet.'),
      h('p', {}, 'Start one with the form: give it a name, say what it is for, and choose how often you will meet. You can invite colleagues once it exists.'));
  }
  return h('ul', { class: 'circle-list', id: 'circle-list', 'aria-label': 'Your circles' }, circles.map(circleCard));
}

export async function render(main) {
  const status = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
  const listSlot = h('div', {});
  const form = h('form', { class: 'card', id: 'new-circle-form', novalidate: true, 'aria-labelledby': 'new-circle-title' },
    h('h2', { id: 'new-circle-title' }, 'Start a circle'),
    errorSummary(),
    field({ name: 'name', label: 'Circle name', field: 'Circle name', required: true, maxlength: 120, hint: 'For example “Early-career librarians, Pacific Northwest”.' }),
    field({ name: 'purpose', label: 'What the circle is for', field: 'Purpose', multiline: true }),
    field({ name: 'cadence', label: 'How often you meet', field: 'Cadence', required: true, options: CADENCES, value: 'monthly' }),
    h('p', { class: 'hint' }, 'The circle starts with an agreement (“what is said in the circle stays in the circle”) that you can change together later.'),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Create circle')));

  async function refresh() {
    try {
      replace(listSlot, circleList(await api.listCircles()));
    } catch (err) {
      replace(listSlot, h('p', { class: 'error-text', role: 'alert' }, err.message));
    }
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const v = values(form);
    await submitting(form, async () => {
      const circle = await api.createCircle({ name: v.name, purpose: v.purpose, cadence: v.cadence });
      clearErrors(form);
      form.reset();
      // The new circle opens, with its set-up checklist.
      window.location.hash = `#/circle/${circle.id}`;
    });
  });

  replace(main,
    h('div', { class: 'home' },
      h('section', { class: 'circles', 'aria-labelledby': 'circles-title' },
        h('h1', { id: 'circles-title' }, 'Your circles'),
        listSlot),
      h('aside', { class: 'side' }, form),
      status));
  await refresh();
}
