// A meeting's minutes (#/meeting/<id> once it has ended): what was recorded, as the core
// writes it, with "Copy as text", "Save as Markdown" and "Email the minutes to the circle".
// The screen draws the same blocks the Markdown and the text are written from.

import { api } from '../api.js';
import { documentNodes } from '../document.js';
import { h, replace } from '../dom.js';
import { announce, errorSummary, liveRegion, showError } from '../forms.js';
import { copyText, emailFile } from '../mail.js';

export async function render(main, [meetingId]) {
  const minutes = await api.minutes(meetingId);
  const { meeting } = minutes;
  const status = liveRegion();
  const said = h('p', { class: 'minutes-said', id: 'minutes-said', hidden: true });
  const copyArea = h('textarea', { class: 'bundle-text', id: 'minutes-text', readonly: true, rows: 6, hidden: true, 'aria-label': 'The minutes as text' });
  copyArea.value = minutes.text;
  const tools = h('aside', { class: 'card minutes-tools', 'aria-labelledby': 'minutes-tools-title' },
    h('h2', { id: 'minutes-tools-title' }, 'Share the minutes'),
    errorSummary(),
    h('p', { class: 'hint' }, 'Items that stay in the circle are labelled wherever the minutes go.'),
    h('div', { class: 'actions stacked' },
      h('button', { type: 'button', id: 'copy-minutes', onclick: () => copy() }, 'Copy as text'),
      h('button', { type: 'button', id: 'save-minutes', onclick: () => save() }, 'Save as Markdown'),
      h('button', { type: 'button', class: 'primary', id: 'email-minutes', onclick: () => email() }, 'Email the minutes to the circle')),
    said,
    copyArea,
    h('h2', {}, 'More about this meeting'),
    h('ul', { class: 'plain-links' },
      h('li', {}, h('a', { href: `#/reflect/${meeting.id}`, id: 'write-reflection' }, 'Write your reflection')),
      h('li', {}, h('a', { href: `#/reflections/${meeting.circle_id}`, id: 'circle-reflections-link' }, 'All the circle’s shared reflections')),
      h('li', {}, h('a', { href: `#/meeting/${meeting.id}/agenda`, id: 'agenda-as-it-was' }, 'The agenda and roles as they were'))));

  function tell(message) {
    said.textContent = message;
    said.hidden = false;
    announce(status, message);
  }

  async function copy() {
    tell(await copyText(minutes.text, copyArea) ?? 'Copied the minutes as text. Paste them wherever you like.');
  }

  async function save() {
    try {
      tell(`Saved to ${await api.saveMinutes(meeting.id)}`);
    } catch (err) {
      showError(tools, err);
    }
  }

  async function email() {
    if (minutes.recipients.length === 0) {
      tell('Nobody else in the circle has an email address yet. Add theirs on the circle page.');
      return;
    }
    // The Markdown file attached, the same path bundles take; where no email app takes a
    // file, a plain email with the minutes as its text.
    let saved;
    try {
      saved = await api.saveMinutesForEmail(meeting.id);
    } catch (err) {
      showError(tools, err);
      return;
    }
    await emailFile(tools, saved, said, 'Your email app has the minutes as text (it could not take the file). Check them and send.');
    said.hidden = false;
    announce(status, said.textContent);
  }

  replace(main,
    h('div', { class: 'minutes-page' },
      h('p', { class: 'breadcrumb' }, h('a', { href: `#/circle/${meeting.circle_id}` }, `← ${minutes.circle_name}`)),
      h('div', { class: 'minutes-layout' },
        h('article', { class: 'card record-paper minutes-paper', id: 'minutes', 'aria-labelledby': 'minutes-title' },
          documentNodes(minutes.document, { level: 1, titleId: 'minutes-title' })),
        tools),
      status));
}
