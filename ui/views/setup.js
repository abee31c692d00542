// Getting a new circle going, on its home: the set-up checklist the core ticks from what the
// circle holds, and the form that adds several people at once and then makes their invites.

import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { announce, clearErrors, errorSummary, field, showError, submitting } from '../forms.js';
import { passphraseField } from './import.js';
import { fileActions, savedLines } from './sync.js';

/**
 * The checklist (`home.setup_checklist`, null once all is done): each step as the core words
 * it, ticked or not, with the button that does what is left. `act(step)` runs a step's action.
 */
export function renderChecklist(slot, checklist, act) {
  slot.hidden = !checklist;
  if (!checklist) { replace(slot); return; }
  replace(slot,
    h('div', { class: 'section-head' },
      h('h2', { id: 'setup-title', tabindex: '-1' }, 'Get the circle going'),
      h('p', { class: 'hint', id: 'setup-progress' }, checklist.progress)),
    h('ol', { class: 'setup-steps', id: 'setup-steps' }, checklist.steps.map((step) => h('li', {
      class: step.done ? 'setup-step done' : 'setup-step', 'data-step': step.key,
    },
    h('span', { class: 'step-mark', 'aria-hidden': 'true' }, step.done ? '✓' : ''),
    h('div', { class: 'step-text' },
      h('p', { class: 'step-label' }, step.label, h('span', { class: 'visually-hidden' }, step.done ? ' (done)' : ' (to do)')),
      h('p', { class: 'hint' }, step.detail)),
    step.action ? h('button', { type: 'button', class: 'small', id: `setup-${step.key}`, onclick: () => act(step) }, step.action) : null))));
}

/** One row of the people form: a name and an email, with the row's own error line. */
function personRow(n) {
  const row = h('fieldset', { class: 'field person-row', 'data-field': `Person ${n}` },
    h('legend', {}, `Person ${n}`),
    h('p', { class: 'field-error', hidden: true }),
    field({ name: 'name', label: 'Name', maxlength: 120, autocomplete: 'off' }),
    field({ name: 'email', label: 'Email', type: 'email', autocomplete: 'off' }));
  // A row is whole or empty, not half optional: the hint above says empty rows are skipped.
  for (const optional of row.querySelectorAll('.optional')) optional.remove();
  return row;
}

/**
 * "Add people": rows of name and email (two to start, "Add another person" for more; a row
 * left empty is skipped), added in one go, all or none. Then, in the same card, "Make invites
 * for them". Returns `{ card, focusFirstEmpty, offerInvites(members) }`.
 */
export function peopleCard(circleId, ctx) {
  const rows = h('div', { class: 'person-rows' }, personRow(1), personRow(2));
  const more = h('button', { type: 'button', id: 'add-person-row' }, 'Add another person');
  const form = h('form', { id: 'people-form', novalidate: true, 'aria-labelledby': 'people-title' },
    h('h2', { id: 'people-title' }, 'Add people'),
    errorSummary(),
    h('p', { class: 'hint' }, 'A name and an email a person. Rows left empty are skipped.'),
    rows,
    h('div', { class: 'actions wrap' }, more, h('button', { type: 'submit', class: 'primary', id: 'add-people' }, 'Add to the circle')));
  const invites = inviteForm(circleId, ctx);
  const card = h('section', { class: 'card people-card', id: 'people-card' }, form, invites.form);

  more.addEventListener('click', () => {
    const row = personRow(rows.children.length + 1);
    rows.append(row);
    row.querySelector('input').focus();
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const people = [...rows.children].map((row) => ({
      circle_id: circleId,
      name: row.querySelector('input[name=name]').value,
      email: row.querySelector('input[name=email]').value,
    }));
    let added = [];
    const ok = await submitting(form, async () => { added = await api.addMembers(circleId, people); });
    if (!ok) return;
    clearErrors(form);
    replace(rows, personRow(1), personRow(2));
    await ctx.refresh();
    const names = added.map((m) => m.name).join(', ');
    announce(ctx.status, `Added to the circle: ${names}.`);
    for (const m of added) {
      const row = document.querySelector(`#member-list [data-member-id="${CSS.escape(m.id)}"]`);
      row?.classList.add('just-added');
      row?.querySelector('.member-name')?.append(h('span', { class: 'tag added' }, 'just added'));
    }
    invites.offer(added);
  });

  return {
    card,
    focusFirstEmpty() {
      const empty = [...rows.querySelectorAll('input[name=name]')].find((i) => !i.value) ?? rows.querySelector('input');
      card.scrollIntoView({ block: 'nearest' });
      empty.focus();
    },
    offerInvites: invites.offer,
  };
}

/**
 * "Make invites for them": one passphrase for the batch, and each person still gets an invite
 * of their own (its own file and one-off key, made by the core one by one). Each saved file
 * gets the Sync screen's email and "Show the file" buttons.
 */
function inviteForm(circleId, ctx) {
  let members = [];
  const who = h('p', { id: 'invite-batch-who' });
  const submit = h('button', { type: 'submit', class: 'primary', id: 'make-invites' }, 'Make invites');
  const result = h('div', { class: 'invite-result', id: 'batch-invite-result', hidden: true });
  const form = h('form', { id: 'batch-invite-form', novalidate: true, hidden: true, 'aria-labelledby': 'batch-invite-title' },
    h('h3', { id: 'batch-invite-title', tabindex: '-1' }, 'Make invites for them'),
    errorSummary(),
    who,
    passphraseField({
      name: 'batch_passphrase',
      label: 'Passphrase for their invites',
      autocomplete: 'new-password',
      hint: 'At least 8 characters. One passphrase for all of them here; each still gets an invite of their own. Tell it to each of them by phone or in person, never in the email.',
    }),
    h('div', { class: 'actions' }, submit),
    result);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const passphrase = form.elements.batch_passphrase.value;
    const made = [];
    submit.textContent = 'Sealing the invites…';
    const ok = await submitting(form, async () => {
      try {
        for (const m of members) {
          made.push([m, await api.createInvite({ circleId, memberId: m.id, passphrase })]);
        }
      } finally {
        submit.textContent = 'Make invites';
      }
    });
    // Invites already saved stay listed even when a later one failed.
    if (made.length) show(made);
    if (!ok) return;
    clearErrors(form);
    form.elements.batch_passphrase.value = '';
    members = [];
    who.hidden = true;
    form.querySelector('.field').hidden = true;
    submit.hidden = true;
    await ctx.refresh();
    announce(ctx.status, `Saved ${made.length === 1 ? 'an invite' : `${made.length} invites`}. Email each, then tell them the passphrase by phone or in person.`);
    result.querySelector('.sync-saved')?.focus();
  });

  function show(made) {
    replace(result,
      h('p', { class: 'note' }, 'Email each their invite, then tell them the passphrase by phone or in person. It is not in the email.'),
      h('ul', { class: 'batch-invites', id: 'batch-invites' }, made.map(([m, r], i) => h('li', { 'data-member-id': m.id },
        ...savedLines(`invite-saved-${i}`, `Saved the invite for ${m.name}, ${r.file_name},`, r),
        fileActions(form, r, `Open email to ${m.name}`, [`email-invite-${i}`, `reveal-invite-${i}`])))));
    result.hidden = false;
  }

  return {
    form,
    /** Offers invites for `list` (`{id, name}`), the passphrase ready to type. */
    offer(list) {
      members = list;
      if (!members.length) return;
      replace(who, `For ${members.map((m) => m.name).join(', ')}.`);
      who.hidden = false;
      form.querySelector('.field').hidden = false;
      submit.hidden = false;
      replace(result);
      result.hidden = true;
      form.hidden = false;
      form.scrollIntoView({ block: 'nearest' });
      form.elements.batch_passphrase.focus();
    },
  };
}
