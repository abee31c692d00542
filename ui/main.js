// Starts the UI: asks the core who this laptop's person is, then shows the right view.

import { api } from './api.js';
import { h, replace } from './dom.js';
import { renderCircles } from './views/circles.js';
import { renderWelcome } from './views/welcome.js';

const main = document.getElementById('main');
const whoami = document.getElementById('whoami');

function showIdentity(identity) {
  replace(whoami, identity.name, identity.pronouns ? h('span', { class: 'pronouns' }, ` (${identity.pronouns})`) : null);
}

async function start() {
  try {
    const identity = await api.getIdentity();
    if (identity) {
      showIdentity(identity);
      await renderCircles(main);
    } else {
      renderWelcome(main, {
        onDone: async (created) => {
          showIdentity(created);
          await renderCircles(main);
          main.focus();
        },
      });
    }
  } catch (err) {
    replace(main, h('section', { class: 'card narrow fatal', role: 'alert' },
      h('h1', {}, 'Kinship could not open your data'),
      h('p', {}, err.message)));
  }
}

start();
