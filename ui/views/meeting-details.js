// A meeting's details (title, start, length, place, link): the form that edits them and
// the link that opens the video call, shared by the screens that show a meeting. Each
// detail is listed here once for the window.

import { api } from '../api.js';
import { h, localToRfc3339 } from '../dom.js';
import { errorSummary, field, submitting, values, wholeNumber } from '../forms.js';

/** A stored RFC 3339 time as `<input type=datetime-local>` takes it, in this laptop's time zone. */
function toLocalInput(iso) {
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * The form that edits `meeting`'s details. `onSaved(meeting)` gets the saved meeting;
 * `onCancel()` closes it unsaved. Errors show on the form, beside their field.
 */
export function detailsForm(meeting, { onSaved, onCancel }) {
  const form = h('form', { class: 'card details-form', id: 'meeting-details-form', novalidate: true, 'aria-labelledby': 'details-title' },
    h('h2', { id: 'details-title' }, 'Meeting details'),
    errorSummary(),
    field({ name: 'title', label: 'Title', field: 'Title', required: true, maxlength: 500, value: meeting.title }),
    field({ name: 'starts_at', label: 'Starts', field: 'Start', type: 'datetime-local', required: true,
      value: toLocalInput(meeting.starts_at), hint: 'In your own time zone.' }),
    field({ name: 'minutes', label: 'Length in minutes', field: 'Length', type: 'number', required: true, value: String(meeting.minutes) }),
    field({ name: 'place', label: 'Place', field: 'Place or link', maxlength: 500, value: meeting.place ?? '', hint: 'A room or an address.' }),
    field({ name: 'link', label: 'Video-call link', field: 'Link', type: 'url', maxlength: 500, value: meeting.link ?? '',
      hint: 'The web address of the video call; it opens in your browser. Leave it empty for none.' }),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, 'Save details'),
      h('button', { type: 'button', onclick: onCancel }, 'Cancel')));
  form.querySelector('input[name=minutes]').min = '1';
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const v = values(form);
    let saved = null;
    const ok = await submitting(form, async () => {
      const startsAt = localToRfc3339(v.starts_at);
      if (!startsAt) throw { field: 'Start', message: 'Start cannot be empty. Please choose a date and time.' };
      const minutes = wholeNumber(v.minutes, 'Length');
      if (minutes === null) throw { field: 'Length', message: 'Length cannot be empty. Please give it in minutes, like 60.' };
      // Every detail is sent; the core writes (and syncs) only those that changed.
      saved = await api.updateMeeting(meeting.id, { title: v.title, starts_at: startsAt, minutes, place: v.place, link: v.link });
    });
    if (ok) onSaved(saved);
  });
  return form;
}

/** The meeting's video-call link as a button that opens it in the person's browser (never in Kinship), or null. */
export function callLink(meeting) {
  if (!meeting.link) return null;
  const said = h('span', { class: 'hint', role: 'status' });
  const problem = h('p', { class: 'field-error', role: 'alert', hidden: true });
  const open = async () => {
    problem.hidden = true;
    try {
      await api.openLink(meeting.link);
      said.textContent = 'Opened in your browser.';
    } catch (err) {
      problem.textContent = `Could not open the link: ${err.message}`;
      problem.hidden = false;
    }
  };
  return h('div', { class: 'call-link' },
    h('button', { type: 'button', class: 'link-button', id: 'join-call', onclick: open }, 'Join the video call'),
    h('span', { class: 'url', id: 'meeting-link' }, meeting.link),
    said,
    problem);
}
