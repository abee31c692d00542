// First run: who are you? Creates this laptop's identity, then hands over to the circles view.
// Or, with an invite from a circle: the invite file and its passphrase say who you are, and
// joining creates the identity and opens the circle.

import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { errorSummary, field, liveRegion, orNull, submitting, values } from '../forms.js';
import { joinForm } from './import.js';

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
  slot.id = 'welcome-slot';
  haveInvite.addEventListener('click', () => {
    const joining = haveInvite.getAttribute('aria-expanded') !== 'true';
    haveInvite.setAttribute('aria-expanded', String(joining));
    haveInvite.textContent = joining ? 'Set up without an invite' : 'I have an invite';
    replace(slot, joining ? joinForm({ status, onJoined: (circleId) => joined(circleId, onDone) }) : form);
    slot.querySelector('input').focus();
  });

  replace(main,
    h('section', { class: 'welcome', 'aria-labelledby': 'welcome-title' },
      h('h1', { id: 'welcome-title' }, 'Welcome to Kinship'),
      h('p', { class: 'lede' },
        'Kinship keeps your mentoring circle’s agenda, meetings and reflections on this laptop. ',
        'Nothing is sent anywhere: you choose what to share with your circle, and your reflections stay private unless you share them.'),
      h('div', { class: 'welcome-choice' },
        h('p', {}, 'Did someone invite you to their circle? Open the invite file they emailed you.'),
        haveInvite),
      slot,
      status));
  form.querySelector('input').focus();
}

/** After joining from an invite: the circle's home, with the person the invite set up. */
async function joined(circleId, onDone) {
  // replaceState, not a hash change: onDone renders the address itself.
  window.history.replaceState(null, '', `#/circle/${circleId}`);
  onDone(await api.getIdentity());
}
