// First run: who are you? Creates this laptop's identity, then hands over to the circles view.
// Or, with an invite from a circle: the invite file and its passphrase say who you are, and
// joining creates the identity and lands on the next meeting's agenda, hello offered there. Or, moving
// laptops: a JSON export of all one's data brings everything (identity included) into this
// empty install.

import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { announce, errorSummary, field, liveRegion, orNull, submitting, values } from '../forms.js';
import { addWaiting, fileName, takeWaiting } from '../opened-files.js';
import { joinForm, joinedAddress } from './import.js';

/**
 * Renders the first screen. `onDone(identity)` runs once the person is set up. Returns
 * `{ openFile(path) }`: a `.kinship` file opened from the system (a double-click on an
 * emailed invite, most likely) goes straight to joining with it. Opened files wait in the
 * list of `opened-files.js` for the import screen; the invite joined with leaves it.
 */
export function renderWelcome(main, { onDone }) {
  const form = h('form', { class: 'card narrow', id: 'welcome-form', novalidate: true },
    errorSummary(),
    field({ name: 'name', label: 'Your name', field: 'Name', required: true, autocomplete: 'name', maxlength: 120 }),
    field({ name: 'email', label: 'Email', field: 'Email', type: 'email', required: true, autocomplete: 'email',
      hint: 'How your circle knows and reaches you. Kinship sends nothing anywhere by itself.' }),
    field({ name: 'pronouns', label: 'Pronouns', field: 'Pronouns', hint: 'For example she/her, he/him, they/them.' }),
    field({ name: 'institution', label: 'Institution', field: 'Institution', autocomplete: 'organization' }),
    field({ name: 'career_stage', label: 'Role or career stage', field: 'Role or career stage', hint: 'For example early-career instruction librarian.' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Set up Kinship')));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const v = values(form);
    await submitting(form, async () => {
      const identity = await api.createIdentity({
        name: v.name, email: v.email, pronouns: orNull(v.pronouns), institution: orNull(v.institution), career_stage: orNull(v.career_stage),
      });
      onDone(identity);
    });
  });

  const status = liveRegion();
  const slot = h('div', { class: 'welcome-slot' }, form);
  const haveInvite = h('button', { type: 'button', id: 'have-invite', 'aria-expanded': 'false', 'aria-controls': 'welcome-slot' }, 'I have an invite');
  const haveExport = h('button', { type: 'button', id: 'have-export', 'aria-expanded': 'false', 'aria-controls': 'welcome-slot' }, 'Bring in my data from another laptop');
  slot.id = 'welcome-slot';
  // Each choice swaps the form below; choosing it again goes back to setting up afresh.
  const onJoined = (circleId) => joined(circleId, onDone);
  const choices = [
    [haveInvite, 'I have an invite', () => joinForm({ status, onJoined, newcomer: true })],
    [haveExport, 'Bring in my data from another laptop', () => importForm(status, onDone)],
  ];
  /** Shows `content` below the choices, with `button` as the open one (none: the set-up form). */
  function show(button, content) {
    for (const [other, otherLabel] of choices) {
      const open = other === button;
      other.setAttribute('aria-expanded', String(open));
      other.textContent = open ? 'Set up afresh instead' : otherLabel;
    }
    replace(slot, content);
    slot.querySelector('input').focus();
  }
  for (const [button, , make] of choices) {
    button.addEventListener('click', () => {
      const opening = button.getAttribute('aria-expanded') !== 'true';
      show(opening ? button : null, opening ? make() : form);
    });
  }

  replace(main,
    h('section', { class: 'welcome', 'aria-labelledby': 'welcome-title' },
      h('h1', { id: 'welcome-title' }, 'Welcome to Kinship'),
      h('p', { class: 'lede' },
        'Kinship keeps your mentoring circle’s agenda, meetings and reflections on this laptop. ',
        'Nothing is sent anywhere: you choose what to share with your circle, and your reflections stay private unless you share them.'),
      h('div', { class: 'welcome-choice' },
        h('p', {}, 'Did someone invite you to their circle? Open the invite file they emailed you.'),
        haveInvite),
      h('div', { class: 'welcome-choice' },
        h('p', {}, 'Moving to a new laptop? Bring in the file your old one saved with “Export as JSON” (Your data).'),
        haveExport),
      slot,
      status));
  form.querySelector('input').focus();

  return {
    openFile(path) {
      addWaiting([path]);
      const name = fileName(path);
      const note = `You opened “${name}”. If it is an invite to a circle, type the passphrase you were told. `
        + 'If it is a bundle of updates, set up Kinship or join your circle first: the bundle opens afterwards.';
      const joinedWithIt = (circleId) => {
        takeWaiting(path); // the invite did its work
        return onJoined(circleId);
      };
      show(haveInvite, h('div', {},
        h('p', { class: 'note', id: 'opened-file' }, note),
        joinForm({ source: { path }, status, onJoined: joinedWithIt, newcomer: true })));
      announce(status, note);
    },
  };
}

/** The form that imports a JSON export of all one's data into this empty install. */
function importForm(status, onDone) {
  const fileInput = h('input', { type: 'file', id: 'welcome-import-file', accept: '.json,application/json', 'aria-describedby': 'welcome-import-hint' });
  const form = h('form', { class: 'card narrow', id: 'welcome-import-form', novalidate: true, 'aria-labelledby': 'welcome-import-title' },
    h('h2', { id: 'welcome-import-title' }, 'Bring in your data'),
    errorSummary(),
    h('p', { class: 'hint', id: 'welcome-import-hint' }, 'The .json file Kinship saved on your old laptop (Your data → Export as JSON). Your circles, meetings, reflections and goals come with you, private ones included; nothing else is read.'),
    h('div', { class: 'field' }, h('label', { for: 'welcome-import-file' }, 'Export file'), fileInput),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Bring in my data')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    await submitting(form, async () => {
      const file = fileInput.files[0];
      if (!file) throw { code: 'invalid', field: null, message: 'Choose the .json file your old laptop saved first.' };
      const s = await api.importData(await file.text());
      announce(status, `Brought in ${s.circles} circles, ${s.meetings} meetings, ${s.reflections} reflections and ${s.goals} goals.`);
      onDone(await api.getIdentity());
    });
  });
  return form;
}

/** After joining from an invite: the next meeting's agenda (or the circle), as the person the invite set up. */
async function joined(circleId, onDone) {
  // replaceState, not a hash change: onDone renders the address itself.
  window.history.replaceState(null, '', await joinedAddress(circleId));
  onDone(await api.getIdentity());
}
