// "Share updates", offered where the change was made (the circle home, an agenda): a small bar
// that shows while members with a laptop lack changes this laptop has, as the core says
// (`share_reminder`). One click saves the bundle and opens the email, as the Sync screen's
// Share updates does. Right after joining (`hello`), it also keeps "Send hello to the circle"
// one click away.

import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { announce, errorSummary, liveRegion, showError } from '../forms.js';
import { fileActions, savedLines } from './sync.js';

/** Returns `{ element, refresh() }`; refresh after every change on the page. */
export function shareBar(circleId, { hello = false } = {}) {
  const element = h('section', { class: 'share-bar', id: 'share-bar', 'aria-label': 'Share updates', hidden: true });
  const status = liveRegion();
  status.id = 'share-bar-status';
  let shown = null; // the saved bundle's result, kept on screen until the next change

  function draw(reminder) {
    const helloLine = hello
      ? h('p', { id: 'hello-line' }, 'You joined the circle. Your first share is your hello: it brings the others this laptop’s key. ',
        h('a', { href: `#/sync/${circleId}?hello`, id: 'send-hello-link' }, 'Send hello to the circle'))
      : null;
    if (!reminder && !shown && !helloLine) {
      element.hidden = true;
      replace(element);
      return;
    }
    const button = reminder ? h('button', { type: 'button', class: 'primary small', id: 'share-now' }, 'Share updates') : null;
    button?.addEventListener('click', () => share(button));
    replace(element,
      errorSummary(),
      helloLine,
      reminder ? h('div', { class: 'share-line' }, h('p', { id: 'share-reminder' }, reminder.text), button) : null,
      shown,
      status);
    element.hidden = false;
  }

  async function share(button) {
    button.disabled = true;
    let r;
    try {
      r = await api.shareUpdates(circleId, false, false);
    } catch (err) {
      button.disabled = false;
      showError(element, err);
      return;
    }
    const [saved, path] = savedLines('bar-saved', `Saved ${r.file_name}`, r);
    shown = h('div', { class: 'share-result', id: 'bar-result' },
      saved, path,
      fileActions(element, r, 'Open the email again', ['bar-email', 'bar-reveal'], true));
    await refresh();
    element.querySelector('#bar-saved')?.focus();
    announce(status, `${saved.textContent} Your email app opens with it attached.`);
  }

  async function refresh() {
    const reminder = await api.shareReminder(circleId).catch(() => null);
    // A new change to share: the last saved bundle's buttons give way to the offer.
    if (reminder) shown = null;
    draw(reminder);
  }

  return { element, refresh };
}
