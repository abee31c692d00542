// Circle home (#/circle/<id>, or …?hello right after joining): the set-up checklist while a
// circle is new, the circle's agreement, members, meetings, open action items, the latest
// shared reflections and upcoming deadlines, with forms to edit the circle, add people and
// schedule, and "Share updates" offered when members lack changes.

import { api } from '../api.js';
import { sharedReflection } from './reflections.js';
import { renderSince } from './since.js';
import { peopleCard, renderChecklist } from './setup.js';
import { shareBar } from './share-bar.js';
import { formatDate, formatDateTime, formatDay, h, localToRfc3339, replace } from '../dom.js';
import {
  announce, clearErrors, confirmPanel, errorSummary, field, liveRegion, orNull, showError, submitting, values, wholeNumber,
} from '../forms.js';

const CADENCES = [
  ['weekly', 'Weekly'], ['fortnightly', 'Every two weeks'], ['monthly', 'Monthly'], ['quarterly', 'Quarterly'], ['ad_hoc', 'When we agree'],
];
const CADENCE_LABEL = Object.fromEntries(CADENCES);
const ROLES = [['member', 'Member'], ['convener', 'Convener']];
const ROLE_LABEL = Object.fromEntries(ROLES);

/** Meeting statuses as people say them. Shared with the meeting view. */
export const MEETING_STATUS = { scheduled: 'Scheduled', running: 'Running now', ended: 'Ended', cancelled: 'Cancelled' };

export async function render(main, [circleId, hello]) {
  const status = liveRegion();
  const slots = {
    setup: h('section', { class: 'card setup', id: 'setup-checklist', 'aria-labelledby': 'setup-title', hidden: true }),
    since: h('section', { class: 'card since', id: 'since-panel', 'aria-labelledby': 'since-title', hidden: true }),
    about: h('section', { class: 'card about', 'aria-labelledby': 'about-title' }),
    members: h('section', { class: 'card', 'aria-labelledby': 'members-title' }),
    next: h('section', { class: 'card next-meeting', 'aria-labelledby': 'next-title' }),
    meetings: h('section', { class: 'card', 'aria-labelledby': 'meetings-title' }),
    actions: h('section', { class: 'card', 'aria-labelledby': 'actions-title' }),
    reflections: h('section', { class: 'card', id: 'latest-reflections', 'aria-labelledby': 'latest-reflections-title' }),
    deadlines: h('section', { class: 'card', 'aria-labelledby': 'deadlines-title' }),
  };
  const heading = h('h1', { id: 'circle-title', tabindex: '-1' });
  const syncLink = h('a', { class: 'link-button', href: `#/sync/${circleId}`, id: 'sync-link' }, 'Sync');
  let home = null;
  const share = shareBar(circleId, { hello });
  const ctx = { refresh, status };
  const people = peopleCard(circleId, ctx);
  const schedule = scheduleForm(circleId, () => home, ctx);
  // What each checklist step's button does: the form for it, or the agenda to start.
  const act = (step) => {
    // Invites need people first: with nobody waiting for one, the button goes to adding them.
    if (step.key === 'members' || (step.key === 'invites' && !step.member_ids.length)) people.focusFirstEmpty();
    else if (step.key === 'invites') people.offerInvites(step.member_ids.map((id) => home.members.find((m) => m.id === id)));
    else if (step.key === 'meeting') { schedule.scrollIntoView({ block: 'nearest' }); schedule.querySelector('input').focus(); }
    else if (step.key === 'agenda') window.location.hash = `#/meeting/${step.meeting_id}?add-point`;
  };

  // Re-reads the circle and redraws every part; forms being typed in live outside the parts.
  async function refresh() {
    // Asked for together. Who has joined, and invites already made, are for the members
    // list; the home still shows if sync cannot tell.
    const [fresh, since, sync, invites] = await Promise.all([
      api.circleHome(circleId), api.sinceLastLooked(circleId),
      api.syncStatus(circleId).catch(() => null), api.memberInvites(circleId).catch(() => []),
    ]);
    home = Object.assign(fresh, { since, sync, invites });
    const conflicts = home.sync?.conflicts.length ?? 0;
    replace(syncLink, 'Sync', conflicts ? h('span', { class: 'tag' }, conflicts === 1 ? '1 conflict' : `${conflicts} conflicts`) : null);
    replace(heading, home.circle.name);
    document.title = `${home.circle.name} · Kinship`;
    renderSince(slots.since, home.since, { status, onSeen: () => heading.focus() });
    renderChecklist(slots.setup, home.setup_checklist, act);
    await Promise.all([share.refresh(), schedule.prepare(home)]);
    renderAbout(slots.about, home, { refresh, status });
    renderMembers(slots.members, home, { refresh, status });
    renderNext(slots.next, home);
    renderMeetings(slots.meetings, home);
    renderActions(slots.actions, home, { refresh, status });
    renderReflections(slots.reflections, home);
    renderDeadlines(slots.deadlines, home);
  }

  await refresh();
  replace(main,
    h('div', { class: 'circle-home' },
      h('p', { class: 'breadcrumb' }, h('a', { href: '#/' }, '← All circles')),
      h('div', { class: 'section-head' }, heading, syncLink),
      h('div', { class: 'circle-grid' },
        h('div', { class: 'circle-main' }, share.element, slots.setup, slots.since, slots.about, slots.next, slots.meetings, slots.actions, slots.reflections),
        h('div', { class: 'circle-side' },
          slots.members,
          people.card,
          schedule,
          slots.deadlines)),
      status));
}

// ── About: purpose, agreement, cadence, and the form that edits them ──────────────────

function renderAbout(slot, home, ctx) {
  const { circle } = home;
  const edit = h('button', { type: 'button', id: 'edit-circle', onclick: () => editAbout(slot, home, ctx) }, 'Edit');
  replace(slot,
    h('div', { class: 'section-head' }, h('h2', { id: 'about-title' }, 'About this circle'), edit),
    circle.purpose ? h('p', { class: 'purpose' }, circle.purpose) : h('p', { class: 'hint' }, 'No purpose written yet.'),
    h('h3', {}, 'Our agreement'),
    h('p', { class: 'agreement', id: 'agreement' }, circle.agreement || 'No agreement written yet.'),
    h('p', { class: 'cadence' }, h('strong', {}, 'Meets: '), CADENCE_LABEL[circle.cadence] ?? circle.cadence));
}

function editAbout(slot, home, ctx) {
  const { circle } = home;
  const form = h('form', { id: 'circle-form', novalidate: true, 'aria-labelledby': 'about-title' },
    h('h2', { id: 'about-title' }, 'Edit this circle'),
    errorSummary(),
    field({ name: 'name', label: 'Circle name', field: 'Circle name', required: true, maxlength: 120, value: circle.name }),
    field({ name: 'purpose', label: 'What the circle is for', field: 'Purpose', multiline: true, value: circle.purpose }),
    field({ name: 'agreement', label: 'Our agreement', field: 'Agreement', multiline: true, value: circle.agreement,
      hint: 'One ground rule a line. Everyone in the circle sees it.' }),
    field({ name: 'cadence', label: 'How often you meet', field: 'Cadence', required: true, options: CADENCES, value: circle.cadence }),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, 'Save changes'),
      h('button', { type: 'button', onclick: () => { renderAbout(slot, home, ctx); slot.querySelector('#edit-circle').focus(); } }, 'Cancel')));
  form.querySelector('textarea[name=agreement]').rows = 6;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const v = values(form);
    const ok = await submitting(form, () => api.updateCircle(circle.id, { name: v.name, purpose: v.purpose, agreement: v.agreement, cadence: v.cadence }));
    if (!ok) return;
    await ctx.refresh();
    announce(ctx.status, 'Circle details saved.');
    slot.querySelector('#edit-circle').focus();
  });
  replace(slot, form);
  form.querySelector('input').focus();
}

// ── Members ──────────────────────────────────────────────────────────────────────────

function memberFacts(m) {
  const bits = [m.pronouns, m.institution, ROLE_LABEL[m.role] ?? m.role].filter(Boolean);
  return h('p', { class: 'member-facts' }, bits.join(' · '));
}

function renderMembers(slot, home, ctx) {
  const current = home.members.filter((m) => !m.left_at).length;
  replace(slot,
    h('h2', { id: 'members-title', tabindex: '-1' }, `Members (${current})`),
    h('ul', { class: 'member-list', id: 'member-list' }, home.members.map((m) => memberRow(m, home, ctx))));
}

function memberRow(m, home, ctx) {
  const li = h('li', { class: m.left_at ? 'member left' : 'member', 'data-member-id': m.id });
  const show = () => {
    const isMe = m.id === home.me;
    const sync = home.sync?.members.find((s) => s.member_id === m.id);
    const notJoined = sync && !sync.joined && !m.left_at && !isMe;
    const invite = notJoined ? home.invites.find((i) => i.member_id === m.id) : null;
    const buttons = m.left_at ? null : h('div', { class: 'row-actions' },
      notJoined ? h('a', { class: 'link-button small', href: `#/sync/${home.circle.id}?invite=${m.id}`, 'aria-label': `${invite ? 'Invite again' : 'Invite'} ${m.name}` },
        invite ? 'Invite again' : 'Invite') : null,
      h('button', { type: 'button', class: 'small', 'aria-label': `Edit ${m.name}`, onclick: () => editMember(li, m, ctx, show) }, 'Edit'),
      isMe ? null : h('button', { type: 'button', class: 'small', 'aria-label': `Remove from circle: ${m.name}`, onclick: () => confirmRemove(li, m, ctx) }, 'Remove from circle'));
    replace(li,
      h('p', { class: 'member-name' }, m.name, isMe ? h('span', { class: 'tag' }, 'you') : null,
        notJoined ? h('span', { class: 'tag not-joined' }, invite ? 'invited, not joined yet' : 'not joined yet') : null),
      memberFacts(m),
      invite ? h('p', { class: 'hint invite-note' }, invite.summary) : null,
      h('p', { class: 'member-contact' }, [m.email, m.contact].filter(Boolean).join(' · ')),
      m.left_at ? h('p', { class: 'left-note' }, `Left on ${formatDate(m.left_at)}`) : null,
      buttons);
  };
  show();
  return li;
}

function confirmRemove(li, m, ctx) {
  const open = li.querySelector('.confirm-box');
  if (open) { open.querySelector('button').focus(); return; }
  const cancel = () => { panel.remove(); li.querySelector('button:last-child').focus(); };
  const panel = confirmPanel({
    question: `Remove ${m.name} from the circle?`,
    detail: 'They keep their history: past meetings, action items and shared reflections stay as they are. You can add them again later.',
    confirmLabel: 'Yes, remove',
    onConfirm: async () => {
      try {
        await api.removeMember(m.circle_id, m.id);
      } catch (err) {
        replace(panel, h('p', { class: 'error-text', role: 'alert' }, err.message));
        return;
      }
      await ctx.refresh();
      announce(ctx.status, `${m.name} has left the circle; their history stays.`);
      document.getElementById('members-title')?.focus();
    },
    onCancel: cancel,
  });
  li.append(panel);
}

function editMember(li, m, ctx, show) {
  const form = h('form', { class: 'member-form', novalidate: true, 'aria-label': `Edit ${m.name}` },
    errorSummary(),
    field({ name: 'name', label: 'Name', required: true, maxlength: 120, value: m.name }),
    field({ name: 'email', label: 'Email', type: 'email', required: true, value: m.email }),
    field({ name: 'pronouns', label: 'Pronouns', value: m.pronouns ?? '' }),
    field({ name: 'institution', label: 'Institution', value: m.institution ?? '' }),
    field({ name: 'role', label: 'Role in the circle', field: 'Role', required: true, options: ROLES, value: m.role }),
    field({ name: 'contact', label: 'Other contact', field: 'Contact', value: m.contact ?? '', hint: 'A phone number or chat handle.' }),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, 'Save'),
      h('button', { type: 'button', onclick: () => { show(); li.querySelector('button').focus(); } }, 'Cancel')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const v = values(form);
    // Blank optional fields are sent as "" so the core clears them.
    const ok = await submitting(form, () => api.updateMember(m.id, v));
    if (!ok) return;
    await ctx.refresh();
    announce(ctx.status, `${v.name}’s details saved.`);
    document.querySelector(`[data-member-id="${CSS.escape(m.id)}"] button`)?.focus();
  });
  replace(li, form);
  form.querySelector('input').focus();
}

// ── Meetings ─────────────────────────────────────────────────────────────────────────

function meetingFacts(m) {
  return [formatDateTime(m.starts_at), `${m.minutes} min`, m.place].filter(Boolean).join(' · ');
}

function renderNext(slot, home) {
  const m = home.next_meeting;
  if (!m) {
    replace(slot, h('h2', { id: 'next-title' }, 'Next meeting'), h('p', { class: 'hint' }, 'Nothing scheduled yet. Use “Schedule meetings” to plan the next one.'));
    return;
  }
  replace(slot,
    h('h2', { id: 'next-title' }, 'Next meeting'),
    h('p', { class: 'next-title' }, m.title),
    h('p', {}, meetingFacts(m)),
    h('div', { class: 'actions' },
      h('a', { class: 'link-button', href: `#/meeting/${m.id}` }, 'Open the agenda'),
      m.status === 'running' ? h('a', { class: 'link-button primary', href: `#/run/${m.id}` }, 'Join the running meeting') : null));
}

function meetingRow(m) {
  return h('li', { class: 'meeting-row' },
    h('a', { href: `#/meeting/${m.id}` }, m.title),
    h('span', { class: 'meeting-when' }, meetingFacts(m)),
    h('span', { class: `status status-${m.status}` }, MEETING_STATUS[m.status] ?? m.status));
}

/** The meetings as the core groups them: upcoming soonest first, past newest first (the
 * latest few, and "Show all" for the rest). */
function renderMeetings(slot, { circle, upcoming, past, past_more: more }) {
  const list = (items, empty, id) => items.length
    ? h('ul', { class: 'meeting-list', id }, items.map(meetingRow))
    : h('p', { class: 'hint' }, empty);
  const pastList = list(past, 'No past meetings yet.', 'past-meetings');
  const showAll = more ? h('button', { type: 'button', id: 'show-all-past' }, `Show all ${past.length + more} past meetings`) : null;
  showAll?.addEventListener('click', async () => {
    const all = await api.pastMeetings(circle.id);
    pastList.replaceChildren(...all.map(meetingRow));
    showAll.remove();
    // The keyboard goes on where the list used to end.
    (pastList.querySelectorAll('a')[past.length] ?? pastList.querySelector('a'))?.focus();
  });
  replace(slot,
    h('h2', { id: 'meetings-title' }, 'Meetings'),
    h('h3', {}, 'Upcoming'), list(upcoming, 'No upcoming meetings.', 'upcoming-meetings'),
    h('h3', {}, 'Past'), pastList, showAll);
}

/**
 * Schedules one meeting (or a series), its agenda started from a template if one is chosen.
 * One meeting opens its agenda, the cursor in "Add a talking point". `form.prepare(home)`
 * offers the circle's templates and fills in what the core suggests (`home.schedule`: the
 * start on the circle's rhythm, the length, the template for a first meeting).
 */
function scheduleForm(circleId, getHome, ctx) {
  const template = field({ name: 'template', label: 'Agenda', field: 'Template', options: [['', 'An empty agenda']],
    hint: 'A template puts its talking points on the agenda, fitted to the meeting’s length.' });
  const form = h('form', { class: 'card', id: 'schedule-form', novalidate: true, 'aria-labelledby': 'schedule-title' },
    h('h2', { id: 'schedule-title' }, 'Schedule meetings'),
    errorSummary(),
    field({ name: 'starts_at', label: 'Starts', field: 'Start', type: 'datetime-local', required: true, hint: 'In your own time zone.' }),
    field({ name: 'minutes', label: 'Length in minutes', field: 'Length', type: 'number', required: true }),
    template,
    field({ name: 'place', label: 'Place or link', field: 'Place or link', hint: 'A room, or a video-call link (shown as text).' }),
    field({ name: 'title', label: 'Title', field: 'Title', hint: 'Left blank, it is named after the circle and the date.' }),
    field({ name: 'count', label: 'How many meetings', field: 'Count', type: 'number', required: true, value: '1',
      hint: '1 schedules one meeting; more schedule a series that follows the circle’s rhythm.' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'schedule-meeting' }, 'Schedule')));
  for (const name of ['minutes', 'count']) form.querySelector(`input[name=${name}]`).min = '1';
  form.querySelector('input[name=count]').defaultValue = '1'; // form.reset() schedules one again
  const select = template.querySelector('select');
  let offered = null;
  form.prepare = async (home) => {
    const suggested = JSON.stringify(home.schedule);
    if (offered === suggested) return; // keep what the person chose
    offered = suggested;
    const templates = await api.templates(circleId).catch(() => []);
    replace(select, h('option', { value: '' }, 'An empty agenda'), templates.map((t) => h('option', { value: t.id }, t.name)));
    select.value = home.schedule.template_id ?? '';
    // Defaults too, so form.reset() goes back to the suggestion.
    const set = (name, value) => {
      const input = form.querySelector(`input[name=${name}]`);
      input.value = value;
      input.defaultValue = value;
    };
    set('starts_at', home.schedule.starts_at_local);
    set('minutes', String(home.schedule.minutes));
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const v = values(form);
    let created = [];
    const ok = await submitting(form, async () => {
      const startsAt = localToRfc3339(v.starts_at);
      if (!startsAt) throw { field: 'Start', message: 'Start cannot be empty. Please choose a date and time.' };
      const count = wholeNumber(v.count, 'Count') ?? 1;
      created = await api.createMeetings({
        circle_id: circleId, starts_at: startsAt, minutes: wholeNumber(v.minutes, 'Length'), place: orNull(v.place), title: orNull(v.title),
      }, count);
      for (const m of v.template ? created : []) await api.applyTemplate(m.id, v.template);
    });
    if (!ok) return;
    clearErrors(form);
    form.reset();
    if (created.length === 1) {
      window.location.hash = `#/meeting/${created[0].id}?add-point`;
      return;
    }
    await ctx.refresh();
    const cadence = CADENCE_LABEL[getHome().circle.cadence]?.toLowerCase();
    announce(ctx.status, `${created.length} meetings scheduled, ${cadence}.`);
    document.querySelector('#upcoming-meetings a')?.focus();
  });
  return form;
}

// ── Action items and deadlines ───────────────────────────────────────────────────────

/** One open action item: what, who, by when, from which meeting. Shared with the meeting view. */
export function actionFacts(a, withOwner = true) {
  return [
    !withOwner ? null : a.owner_name ? `Owner: ${a.owner_name}` : 'No owner yet',
    a.due ? `Due ${formatDay(a.due)}` : null,
    `From ${a.meeting_title}`,
  ].filter(Boolean).join(' · ');
}

/** One open action in its owner's group, with its checkbox; ticking it marks it done (a change that syncs). */
function actionRow(a, { onDone, status }) {
  const id = `action-${a.id}`;
  const box = h('input', { type: 'checkbox', id });
  box.addEventListener('change', async () => {
    box.disabled = true;
    try {
      await api.setActionDone(a.id, box.checked);
    } catch (err) {
      box.disabled = false;
      box.checked = false;
      announce(status, err.message);
      return;
    }
    await onDone(a);
  });
  return h('li', { class: a.overdue ? 'action-row overdue' : 'action-row' }, box,
    h('label', { for: id },
      h('span', { class: 'action-text' }, a.text),
      a.overdue ? h('span', { class: 'tag overdue' }, 'Overdue') : null,
      h('span', { class: 'hint' }, actionFacts(a, false))));
}

/** The open actions as the core groups them: by owner, overdue first within each. */
function renderActions(slot, home, ctx) {
  const onDone = async (a) => {
    const boxes = [...slot.querySelectorAll('input[type=checkbox]')];
    const index = boxes.findIndex((b) => b.id === `action-${a.id}`);
    await ctx.refresh();
    announce(ctx.status, `Done: ${a.text}`);
    // Keep the keyboard where it was: the next item, or the heading when the list is empty.
    const left = slot.querySelectorAll('input[type=checkbox]');
    (left[Math.min(index, left.length - 1)] ?? slot.querySelector('h2')).focus();
  };
  const groups = home.actions_by_owner.map((g, i) => {
    const rows = h('ul', { class: 'action-list', 'aria-labelledby': `owner-actions-${i}` },
      g.actions.map((a) => actionRow(a, { onDone, status: ctx.status })));
    // The core sends a few per owner; the rest on asking.
    const showAll = g.more ? h('button', { type: 'button', class: 'show-all-actions' },
      `Show all ${g.actions.length + g.more} of ${g.owner_name}’s`) : null;
    showAll?.addEventListener('click', async () => {
      const all = await api.ownerOpenActions(home.circle.id, g.owner_id);
      rows.replaceChildren(...all.map((a) => actionRow(a, { onDone, status: ctx.status })));
      showAll.remove();
      rows.querySelectorAll('input[type=checkbox]')[g.actions.length]?.focus();
    });
    return h('li', { class: 'owner-group' }, h('h3', { id: `owner-actions-${i}` }, g.owner_name), rows, showAll);
  });
  replace(slot,
    h('h2', { id: 'actions-title', tabindex: '-1' }, 'Open action items'),
    groups.length ? h('ul', { class: 'owner-groups', id: 'open-actions' }, groups) : h('p', { class: 'hint' }, 'Nothing open: every commitment is done.'));
}

// ── Shared reflections ───────────────────────────────────────────────────────────────

/** The latest reflections members shared with the circle, and the way to all of them. */
function renderReflections(slot, home) {
  const latest = home.latest_reflections;
  replace(slot,
    h('h2', { id: 'latest-reflections-title' }, 'Shared reflections'),
    latest.length
      ? h('ul', { class: 'journal-list latest-reflections' }, latest.map((s) => h('li', { class: 'journal-entry shared' }, sharedReflection(s, 'h3'))))
      : h('p', { class: 'hint' }, 'Nothing shared yet. Reflections members share with the circle appear here.'),
    h('p', {}, h('a', { href: `#/reflections/${home.circle.id}`, id: 'all-reflections-link' }, 'All shared reflections')));
}

const RESOURCE_KIND = { article: 'Article', training: 'Training', conference: 'Conference', workshop: 'Workshop', job: 'Job', grant: 'Grant', other: 'Other' };

function renderDeadlines(slot, home) {
  const rows = home.upcoming_deadlines.map((r) => h('li', { class: 'deadline-row' },
    h('p', { class: 'deadline-title' }, r.title),
    h('p', { class: 'hint' }, `${RESOURCE_KIND[r.kind] ?? r.kind} · deadline ${formatDay(r.deadline)}`),
    // Shown as text here; the board's "Open in browser" opens it outside Kinship's window.
    r.url ? h('p', { class: 'url' }, r.url) : null));
  replace(slot,
    h('h2', { id: 'deadlines-title' }, 'Upcoming deadlines'),
    rows.length ? h('ul', { class: 'deadline-list' }, rows) : h('p', { class: 'hint' }, 'No upcoming deadlines on the circle’s board.'),
    h('p', {}, h('a', { href: `#/board/${home.circle.id}`, id: 'board-link' }, 'Resources and opportunities board')));
}
