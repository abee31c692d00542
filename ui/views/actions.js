// My actions (#/actions): the open action items I own in every circle, by circle, overdue
// first (as the core orders them), each with a "Done" button. Done is the same change the
// circle home's checkbox makes, so it reaches the circle with the next sync.

import { api } from '../api.js';
import { formatDay, h, replace } from '../dom.js';
import { announce, liveRegion } from '../forms.js';

export async function render(main) {
  const status = liveRegion();
  const list = h('div', { id: 'my-actions' });

  async function refresh() {
    const circles = await api.myActions();
    replace(list, circles.length
      ? circles.map((c) => circleSection(c))
      : h('p', { class: 'hint', id: 'my-actions-empty' }, 'Nothing open: every action you took on is done.'));
  }

  function circleSection(c) {
    const titleId = `my-actions-${c.circle_id}`;
    return h('section', { class: 'card my-actions-circle', 'aria-labelledby': titleId },
      h('h2', { id: titleId, tabindex: '-1' }, h('a', { href: `#/circle/${c.circle_id}` }, c.circle_name)),
      h('ul', { class: 'action-list' }, c.actions.map((a) => actionRow(a, c))));
  }

  function actionRow(a, c) {
    const textId = `my-action-${a.id}`;
    const done = h('button', { type: 'button', class: 'small', id: `done-${a.id}`, 'aria-describedby': textId }, 'Done');
    done.addEventListener('click', async () => {
      done.disabled = true;
      try {
        await api.setActionDone(a.id, true);
      } catch (err) {
        done.disabled = false;
        announce(status, err.message);
        return;
      }
      const buttons = [...list.querySelectorAll('button')];
      const index = buttons.indexOf(done);
      await refresh();
      announce(status, `Done: ${a.text}. It goes to ${c.circle_name} with your next sync.`);
      // Keep the keyboard where it was: the next action, or the page heading when none is left.
      const left = list.querySelectorAll('button');
      (left[Math.min(index, left.length - 1)] ?? main.querySelector('h1')).focus();
    });
    const facts = [a.due ? `Due ${formatDay(a.due)}` : 'No due date', `From ${a.meeting_title}`].join(' · ');
    return h('li', { class: a.overdue ? 'action-row my-action overdue' : 'action-row my-action' },
      h('div', { class: 'my-action-text' },
        h('span', { class: 'action-text', id: textId }, a.text),
        a.overdue ? h('span', { class: 'tag overdue' }, 'Overdue') : null,
        h('span', { class: 'hint' }, facts)),
      done);
  }

  await refresh();
  replace(main,
    h('div', { class: 'my-actions-page' },
      h('h1', { tabindex: '-1' }, 'My actions'),
      h('p', { class: 'hint' }, 'What you took on in your circles and have not marked done yet, overdue ones first.'),
      list,
      status));
}
