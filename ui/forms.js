// Form building blocks: labelled fields with hints, and the error summary that takes focus
// so a screen reader announces what went wrong (the GOV.UK pattern).

import { h, replace } from './dom.js';

let nextId = 0;

/**
 * A labelled input. `field` is the name the core uses for it in errors ("Email"),
 * so an error about it is shown beside it.
 */
export function field({ name, label, field: coreField = label, type = 'text', required = false, hint, multiline = false, options, value = '', autocomplete, maxlength }) {
  const id = `f-${name}-${++nextId}`;
  const hintId = hint ? `${id}-hint` : null;
  const errorId = `${id}-error`;
  const common = { id, name, required, 'aria-describedby': [hintId, errorId].join(' ').trim(), autocomplete, maxlength };
  let input;
  if (options) {
    input = h('select', common, options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)));
  } else if (multiline) {
    input = h('textarea', { ...common, rows: 3 });
    input.value = value;
  } else {
    input = h('input', { ...common, type });
    input.value = value;
  }
  return h('div', { class: 'field', 'data-field': coreField },
    h('label', { for: id }, label, required ? null : h('span', { class: 'optional' }, ' (optional)')),
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
    h('p', { class: 'field-error', id: errorId, hidden: true }),
    input);
}

/** The box at the top of a form that lists what to fix. Hidden until there is something. */
export function errorSummary() {
  return h('div', { class: 'error-summary', role: 'alert', tabindex: '-1', hidden: true });
}

/** Clears every error shown on `form`. */
export function clearErrors(form) {
  const summary = form.querySelector('.error-summary');
  summary.hidden = true;
  replace(summary);
  for (const f of form.querySelectorAll('.field')) {
    f.classList.remove('has-error');
    // A hand-built field (a file picker) may have no inline error slot.
    const inline = f.querySelector('.field-error');
    if (inline) inline.hidden = true;
    f.querySelector('input, textarea, select')?.removeAttribute('aria-invalid');
  }
}

/** Shows `err` (an ApiError) on `form`: in the summary, and beside its field if it names one. */
export function showError(form, err) {
  clearErrors(form);
  const summary = form.querySelector('.error-summary');
  const target = err.field && form.querySelector(`.field[data-field="${CSS.escape(err.field)}"]`);
  let fix = null;
  if (target) {
    const input = target.querySelector('input, textarea, select');
    target.classList.add('has-error');
    input.setAttribute('aria-invalid', 'true');
    const inline = target.querySelector('.field-error');
    inline.textContent = err.message;
    inline.hidden = false;
    fix = h('a', { href: `#${input.id}`, onclick: (e) => { e.preventDefault(); input.focus(); } }, 'Go to the field');
  }
  replace(summary, h('h2', {}, 'There is a problem'), h('p', {}, err.message), fix);
  summary.hidden = false;
  summary.focus();
}

/** The form's values by field name, as strings. */
export function values(form) {
  return Object.fromEntries(new FormData(form).entries());
}

/** Turns blank optional strings into null, which the core reads as "not given". */
export function orNull(value) {
  return value && value.trim() !== '' ? value : null;
}

/** A polite live region: what a screen reader says after an action succeeds. */
export function liveRegion() {
  return h('p', { class: 'visually-hidden', id: 'live-status', role: 'status', 'aria-live': 'polite' });
}

/** Says `message` in `region`; clearing first makes a repeated message heard again. */
export function announce(region, message) {
  region.textContent = '';
  setTimeout(() => { region.textContent = message; }, 50);
}

/**
 * A whole number from a form, or null when blank (the core then uses its default).
 * Throws an error shaped like the core's so showError marks the field.
 */
export function wholeNumber(value, coreField) {
  if (value === undefined || value.trim() === '') return null;
  if (!/^\d+$/.test(value.trim())) throw { field: coreField, message: `${coreField} must be a whole number, like 20.` };
  return Number(value);
}

/**
 * An inline "are you sure?" in place of a browser dialog, which desktop webviews do not
 * all show. Focus moves to the confirm button; `onCancel` puts it back.
 */
export function confirmPanel({ question, detail, confirmLabel, onConfirm, onCancel }) {
  const yes = h('button', { type: 'button', class: 'danger' }, confirmLabel);
  const panel = h('div', { class: 'confirm-box', role: 'group', 'aria-label': question },
    h('p', { class: 'confirm-question' }, question),
    detail ? h('p', { class: 'hint' }, detail) : null,
    h('div', { class: 'actions' }, yes, h('button', { type: 'button', onclick: onCancel }, 'Keep it')));
  yes.addEventListener('click', async () => {
    yes.disabled = true;
    try { await onConfirm(); } finally { yes.disabled = false; }
  });
  setTimeout(() => yes.focus(), 0);
  return panel;
}

/** Disables a form's submit button while `work` runs and shows its error on the form. */
export async function submitting(form, work) {
  const button = form.querySelector('button[type=submit]');
  if (button) button.disabled = true;
  try {
    await work();
    return true;
  } catch (err) {
    showError(form, err);
    return false;
  } finally {
    if (button) button.disabled = false;
  }
}
