// The Sync screen's "Shared folder" card: a folder that Syncthing, OneDrive, Google Drive,
// Dropbox or Nextcloud keeps in step between the members' laptops. Choose it, change it or
// stop using it; see each laptop's file and when it last changed, what was brought in by
// itself (Undo through the import history), what waits for a preview (when automatic import
// is off) and what was refused. Every decision is the core's; this card draws its answer.

import { api } from '../api.js';
import { formatDateTime, h, replace } from '../dom.js';
import { announce, errorSummary, field, showError, submitting, values } from '../forms.js';
import { count, undoImport } from './import.js';

/**
 * The card, drawn from `api.folderStatus`. `preview({path})` opens a waiting file in the
 * import box's preview; `refresh()` reloads the whole screen after an undo.
 */
export function folderCard({ circleId, status, preview, refresh }) {
  const card = h('section', { class: 'card sync-section', id: 'sync-folder', 'aria-labelledby': 'sync-folder-title' });
  let folder = null;
  let choosing = false;

  async function load() {
    folder = await api.folderStatus(circleId);
    draw();
  }

  function chooseForm() {
    const pathField = field({ name: 'folder_path', label: 'Folder', field: 'Folder', required: true,
      value: folder?.path ?? '', autocomplete: 'off',
      hint: 'Or type its full path, for example /home/ana/Sync/Circle. Every member chooses the same synced folder on their own laptop.' });
    pathField.querySelector('input').id = 'folder-path';
    pathField.querySelector('label').htmlFor = 'folder-path';
    const cancel = folder ? h('button', { type: 'button', id: 'folder-cancel' }, 'Cancel') : null;
    const pick = h('button', { type: 'button', class: folder ? null : 'primary', id: 'folder-pick' }, 'Choose folder…');
    const form = h('form', { id: 'folder-form', novalidate: true },
      errorSummary(),
      h('div', { class: 'actions wrap' }, pick),
      pathField,
      h('div', { class: 'actions wrap' },
        h('button', { type: 'submit', id: 'folder-use' }, 'Use this folder'), cancel));
    // The system's folder picker: the chosen path goes straight to the core.
    pick.addEventListener('click', () => submitting(form, async () => {
      const chosen = await api.chooseSyncFolder(circleId);
      if (chosen) used(chosen);
    }));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      submitting(form, async () => {
        used(await api.setSyncFolder(circleId, values(form).folder_path.trim()));
      });
    });
    cancel?.addEventListener('click', () => { choosing = false; draw(); });
    return form;
  }

  function used(chosen) {
    folder = chosen;
    choosing = false;
    draw();
    announce(status, 'The circle now syncs through this folder. Kinship writes its file there and brings in the others’ by itself.');
    card.querySelector('h2').focus();
  }

  function laptopFiles() {
    return h('ul', { class: 'folder-files', id: 'folder-member-files' }, folder.member_files.map((f) =>
      h('li', {},
        h('span', { class: 'member-name' }, h('bdi', {}, f.member_name)), ` (${f.laptop}${f.this_laptop ? ', this laptop' : ''}): `,
        f.changed_at ? `file changed ${formatDateTime(f.changed_at)}` : 'no file in the folder yet')));
  }

  function broughtIn() {
    if (!folder.brought_in.length) return h('p', { class: 'hint', id: 'folder-brought-in' }, 'Nothing brought in from the folder yet.');
    return h('ul', { class: 'folder-files', id: 'folder-brought-in' }, folder.brought_in.map((f) => {
      const undo = f.undoable ? h('button', { type: 'button', class: 'folder-undo' }, 'Undo this import') : null;
      undo?.addEventListener('click', () => undoImport(circleId, undo, card, status, refresh));
      return h('li', {},
        'From ', h('bdi', {}, f.sender_name ?? 'a member'), `: ${count(f.new_changes, 'new change')}, ${formatDateTime(f.seen_at)}`,
        f.undone ? ' (undone)' : '', undo ? ' ' : null, undo);
    }));
  }

  function waiting() {
    if (!folder.waiting.length) return null;
    return h('div', { id: 'folder-waiting' },
      h('h3', {}, 'Waiting for you'),
      h('ul', { class: 'folder-files' }, folder.waiting.map((f) => {
        const button = h('button', { type: 'button', 'aria-label': `Preview the file from ${f.sender_name ?? 'a member'}` }, 'Preview');
        button.addEventListener('click', () => preview({ path: f.path }));
        return h('li', {}, 'From ', h('bdi', {}, f.sender_name ?? 'a member'), ' (waiting) ', button);
      })));
  }

  function refused() {
    if (!folder.refused.length) return null;
    return h('div', { id: 'folder-refused' },
      h('h3', {}, 'Refused'),
      h('ul', { class: 'folder-files' }, folder.refused.map((f) =>
        h('li', {}, h('span', { class: 'file-name' }, f.name), `: ${f.reason ?? ''}`))));
  }

  function autoImport() {
    const input = h('input', { type: 'checkbox', id: 'folder-auto', checked: folder.auto_import, 'aria-describedby': 'folder-auto-hint' });
    input.addEventListener('change', async () => {
      try {
        folder = await api.setFolderAutoImport(circleId, input.checked);
        draw();
        announce(status, folder.auto_import ? 'New files come in by themselves.' : 'New files wait for you to preview them.');
      } catch (err) {
        showError(card, err);
      }
    });
    return h('div', { class: 'check-option' },
      input,
      h('label', { for: 'folder-auto' }, 'Bring new files in by themselves'),
      h('p', { class: 'hint', id: 'folder-auto-hint' }, 'A backup is made first, and Undo takes an import back. Off: each file waits for you to preview it.'));
  }

  function draw() {
    const title = h('h2', { id: 'sync-folder-title', tabindex: '-1' }, 'Shared folder');
    if (!folder || choosing) {
      replace(card, title,
        h('p', { class: 'hint' },
          'Instead of email, the circle can use a folder that Syncthing, OneDrive, Google Drive, Dropbox or Nextcloud keeps in step. ',
          'Kinship writes its sealed file there and brings in the others’ by itself while it is open.'),
        chooseForm());
      return;
    }
    const change = h('button', { type: 'button', id: 'folder-change' }, 'Change folder');
    const stop = h('button', { type: 'button', id: 'folder-stop' }, 'Stop using this folder');
    change.addEventListener('click', () => { choosing = true; draw(); card.querySelector('input').focus(); });
    stop.addEventListener('click', async () => {
      try {
        await api.unsetSyncFolder(circleId);
        folder = null;
        draw();
        announce(status, 'The circle no longer syncs through the folder on this laptop. The files there stay.');
        card.querySelector('h2').focus();
      } catch (err) {
        showError(card, err);
      }
    });
    replace(card, title,
      errorSummary(),
      h('p', { class: 'file-path', id: 'folder-path-shown' }, folder.path),
      folder.problem ? h('p', { class: 'folder-problem', id: 'folder-problem', role: 'alert' }, folder.problem) : null,
      autoImport(),
      h('h3', {}, 'Each laptop’s file'),
      laptopFiles(),
      h('h3', {}, 'Brought in by itself'),
      broughtIn(),
      waiting(),
      refused(),
      h('div', { class: 'actions wrap' }, change, stop));
  }

  return { card, load };
}
