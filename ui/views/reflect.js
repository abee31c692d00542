// Writing a reflection after a meeting. Private unless the person ticks the separate
// share box: a reflection is personal, so sharing must be a deliberate act.

import { api } from '../api.js';
import { formatDate, h, replace } from '../dom.js';
import { errorSummary, field, showError } from '../forms.js';

/** The core's rotating prompts (REFLECTION_PROMPTS), plus free writing (no prompt). */
export const PROMPTS = ['What did I learn?', 'What will I try?', 'What support do I need?', 'What am I grateful for?'];

/** A labelled select of the prompts, with `chosen` selected. */
export function promptField(chosen) {
  const options = [...PROMPTS.map((p) => [p, p]), ['', 'Free writing']];
  return field({ name: 'prompt', label: 'Prompt', field: 'Prompt', required: true, options, value: chosen ?? '',
    hint: 'Pick the question you want to answer, or write freely.' });
}

/** The large text box; its label follows the chosen prompt so it reads as the question. */
export function reflectionTextField(form) {
  const f = field({ name: 'text', label: 'Your reflection', field: 'Reflection', required: true, multiline: true });
  const area = f.querySelector('textarea');
  area.rows = 8;
  const label = f.querySelector('label');
  const sync = () => {
    const prompt = form.querySelector('select[name=prompt]')?.value;
    label.firstChild.textContent = prompt || 'Your reflection';
  };
  form.addEventListener('change', sync);
  queueMicrotask(sync);
  return f;
}

export async function render(main, [meetingId]) {
  const [meeting, prompt] = await Promise.all([api.getMeeting(meetingId), api.nextPrompt()]);
  const form = h('form', { class: 'card reflect-form', id: 'reflection-form', novalidate: true, 'aria-labelledby': 'reflect-title' });
  const shareBox = h('input', { type: 'checkbox', id: 'reflection-share', name: 'shared', 'aria-describedby': 'share-hint' });
  const privacy = h('p', { class: 'privacy', id: 'privacy-state' });
  const syncPrivacy = () => {
    privacy.textContent = shareBox.checked
      ? 'Shared: the circle will see this reflection.'
      : 'Private: stays on this laptop, never in any sync.';
    privacy.classList.toggle('shared', shareBox.checked);
  };
  shareBox.addEventListener('change', syncPrivacy);
  syncPrivacy();

  form.append(
    errorSummary(),
    promptField(prompt),
    reflectionTextField(form),
    h('fieldset', { class: 'visibility' },
      h('legend', {}, 'Who sees it'),
      privacy,
      h('div', { class: 'field', 'data-field': 'Share' },
        h('p', { class: 'field-error', hidden: true }),
        h('label', { class: 'check', for: 'reflection-share' }, shareBox, ' Share this reflection with the circle'),
        h('p', { class: 'hint', id: 'share-hint' },
          'If you share it, the circle will see it in the next sync. You can make it private again later: the next sync removes it from their Kinship, though it cannot unsay what they have read, and their backups may still hold it.'))),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, 'Save reflection'),
      h('a', { href: `#/run/${meeting.id}`, class: 'button-link' }, 'Back to the meeting')));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      await api.addReflection({
        meeting_id: meeting.id,
        prompt: form.elements.prompt.value || null,
        text: form.elements.text.value,
        shared: shareBox.checked,
      });
      window.location.hash = '#/journal';
    } catch (err) {
      showError(form, err);
    } finally {
      button.disabled = false;
    }
  });

  replace(main, h('div', { class: 'reflect' },
    h('h1', { id: 'reflect-title' }, `Reflect on ${meeting.title}`),
    h('p', { class: 'lede' }, `Meeting of ${formatDate(meeting.starts_at)}. A few honest lines are enough.`),
    form));
}
