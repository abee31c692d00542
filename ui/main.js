// Starts the UI: asks the core who this laptop's person is, then shows the view the
// address (#/…) names. Each view module exports `render(main, params)`.

import { api, onOpenFile, takeOpenedFiles } from './api.js';
import { h, replace } from './dom.js';
import { FILES_OPENED, addWaiting, waitingFiles } from './opened-files.js';
import { markPainted } from './painted.js';

const main = document.getElementById('main');
const whoami = document.getElementById('whoami');

// Address → view module. The first match wins; its capture groups become params.
const ROUTES = [
  [/^#\/circle\/([0-9a-f-]{36})$/, './views/circle.js'],
  [/^#\/circle\/([0-9a-f-]{36})\?(hello)$/, './views/circle.js'],
  [/^#\/meeting\/([0-9a-f-]{36})(\/agenda)?$/, './views/meeting.js'],
  [/^#\/meeting\/([0-9a-f-]{36})()\?(add-point|hello)$/, './views/meeting.js'],
  [/^#\/run\/([0-9a-f-]{36})$/, './views/run.js'],
  [/^#\/reflect\/([0-9a-f-]{36})$/, './views/reflect.js'],
  [/^#\/board\/([0-9a-f-]{36})$/, './views/board.js'],
  [/^#\/reflections\/([0-9a-f-]{36})$/, './views/reflections.js'],
  [/^#\/journal$/, './views/journal.js'],
  [/^#\/goals$/, './views/goals.js'],
  [/^#\/actions$/, './views/actions.js'],
  [/^#\/search$/, './views/search.js'],
  [/^#\/record$/, './views/record.js'],
  [/^#\/data$/, './views/data.js'],
  [/^#\/sync\/([0-9a-f-]{36})(?:\?invite=([0-9a-f-]{36})|\?(hello))?$/, './views/sync.js'],
  [/^#\/import$/, './views/import.js'],
  [/^(#\/?)?$/, './views/circles.js'],
];

function showIdentity(identity) {
  replace(whoami, identity.name, identity.pronouns ? h('span', { class: 'pronouns' }, ` (${identity.pronouns})`) : null);
  // The whole name, for when the top bar cuts it short.
  whoami.title = whoami.textContent;
}

function showFatal(title, err) {
  replace(main, h('section', { class: 'card narrow fatal', role: 'alert' }, h('h1', {}, title), h('p', {}, err.message)));
}

/** Marks the site-navigation link of the section being shown. */
function markCurrentNav(hash) {
  const section = hash.startsWith('#/journal') || hash.startsWith('#/reflect/') ? '#/journal'
    : hash.startsWith('#/goals') ? '#/goals'
      : hash.startsWith('#/actions') ? '#/actions'
        : hash.startsWith('#/search') ? '#/search'
          : hash.startsWith('#/record') ? '#/record'
            : hash.startsWith('#/data') ? '#/data'
              : hash.startsWith('#/import') ? '#/import' : '#/';
  for (const link of document.querySelectorAll('#site-nav a')) {
    if (link.getAttribute('href') === section) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

let rendering = 0;

/** Renders the view for the current address. Views call this again to refresh. */
export async function route() {
  const hash = window.location.hash;
  const match = ROUTES.map(([pattern, module]) => [hash.match(pattern), module]).find(([m]) => m);
  const [groups, module] = match ?? [[], './views/circles.js'];
  const ticket = ++rendering;
  try {
    const view = await import(module);
    if (ticket !== rendering) return; // a newer navigation won
    await view.render(main, groups.slice(1));
    markCurrentNav(hash);
    document.title = `${main.querySelector('h1')?.textContent ?? 'Kinship'} · Kinship`;
    markPainted();
  } catch (err) {
    showFatal('This page could not be shown', err);
  }
}

/** Goes to an address like `#/circle/<id>` (and renders it). */
export function navigate(hash) {
  if (window.location.hash === hash) route();
  else window.location.hash = hash;
}

/** Once the person is set up: follow the address. */
function followAddress() {
  window.addEventListener('hashchange', () => route().then(() => main.focus()));
}

/** Opens any file dropped on the window (asked for after the first screen, which it would delay). */
function takeDrops() {
  api.onFileDrop(({ type, paths }) => {
    document.body.classList.toggle('file-over', type === 'enter' || type === 'over');
    if (type !== 'drop' || paths.length === 0) return;
    const bundles = paths.filter((p) => p.endsWith('.kinship'));
    openFiles(bundles.length ? bundles : paths.slice(0, 1)); // another kind of file: its error shows
  }).catch(() => {}); // without drag and drop, the file buttons still work
}

/**
 * Files opened from the system or dropped on the window go to the import screen, which
 * previews the first of them and lists the rest.
 */
function openFiles(paths) {
  if (paths.length === 0) return;
  addWaiting(paths);
  if (window.location.hash.startsWith('#/import')) window.dispatchEvent(new CustomEvent(FILES_OPENED, { detail: paths }));
  else navigate('#/import');
}

// A .kinship file opened from the system (at launch, or sent to this window by a later launch)
// goes to the import screen, or, before anyone is set up, to joining with it (an invite is what
// a newcomer opens). The event only says "look": the queue is the source, so a file is opened
// once even if it arrived before the page listened.
let openSystemFile = null; // before set-up: the welcome screen's
function openSystemFiles() {
  takeOpenedFiles().then((paths) => {
    if (openSystemFile) paths.forEach((path) => openSystemFile(path));
    else openFiles(paths);
  }).catch(() => {});
}

async function start() {
  try {
    const identity = await api.getIdentity();
    if (!identity) {
      // Only a first start needs the welcome screen, so only it loads it.
      const { renderWelcome } = await import('./views/welcome.js');
      const welcome = renderWelcome(main, {
        onDone: async (created) => {
          openSystemFile = null;
          showIdentity(created);
          document.getElementById('site-nav').hidden = false;
          followAddress();
          await route();
          takeDrops();
          main.focus();
          if (waitingFiles().length) navigate('#/import'); // bundles opened before set-up
        },
      });
      openSystemFile = (path) => welcome.openFile(path);
      markPainted();
    } else {
      showIdentity(identity);
      document.getElementById('site-nav').hidden = false;
      followAddress();
      await route();
      takeDrops();
    }
    // Listen first, then take what is waiting: a file arriving in between is not left behind.
    await onOpenFile(openSystemFiles).catch(() => {});
    openSystemFiles();
  } catch (err) {
    showFatal('Kinship could not open your data', err);
  }
}

start();
