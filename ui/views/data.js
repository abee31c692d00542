// Your data (#/data): backups (with what each holds, and restore), the whole of your data
// as one JSON file (which re-imports into a fresh install) or readable Markdown, and each
// circle's meetings as a calendar file.

import { api } from '../api.js';
import { formatDateTime, h, replace } from '../dom.js';
import { announce, confirmPanel, errorSummary, liveRegion, showError, clearErrors } from '../forms.js';

function plural(n, one) {
  return `${n} ${one}${n === 1 ? '' : 's'}`;
}

function size(bytes) {
  return bytes >= 1048576 ? `${(bytes / 1048576).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/** A line saying where a file went, kept visible (and announced). */
function savedLine(id) {
  return h('p', { class: 'data-saved', id, hidden: true });
}

function say(line, status, message) {
  line.textContent = message;
  line.hidden = false;
  announce(status, message);
}

/** Runs `work` with `button` disabled; errors go to the summary of `box`. */
async function busy(button, box, work) {
  button.disabled = true;
  try {
    await work();
    clearErrors(box);
  } catch (err) {
    showError(box, err);
  } finally {
    button.disabled = false;
  }
}

export async function render(main) {
  const status = liveRegion();
  const circles = await api.listCircles();

  // Backups.
  const backupBox = h('section', { class: 'card data-section', id: 'backups', 'aria-labelledby': 'backups-title' });
  const backupSaved = savedLine('backup-saved');
  const list = h('ul', { class: 'backup-list', id: 'backup-list' });
  const backupNow = h('button', { type: 'button', class: 'primary', id: 'backup-now' }, 'Back up now');

  async function showBackups() {
    const backups = await api.backups();
    replace(list, backups.length ? backups.map((b) => backupItem(b)) : h('li', { class: 'empty' }, 'No backups yet. Back up now, or let Kinship do it before risky changes.'));
  }

  function backupItem(b) {
    const item = h('li', { class: 'backup-item' });
    const restore = h('button', { type: 'button' }, 'Restore…');
    const holds = `${plural(b.circles, 'circle')}, ${plural(b.meetings, 'meeting')}, ${plural(b.reflections, 'reflection')}`;
    const row = h('div', { class: 'backup-row' },
      h('div', {},
        h('p', { class: 'backup-when' }, b.made_at ? formatDateTime(b.made_at) : b.file_name),
        h('p', { class: 'hint' }, `${holds} · ${size(b.bytes)}`)),
      restore);
    restore.setAttribute('aria-label', `Restore the backup of ${b.made_at ? formatDateTime(b.made_at) : b.file_name}`);
    restore.addEventListener('click', () => {
      const panel = confirmPanel({
        question: 'Replace all your data with this backup?',
        detail: `It holds ${holds}. Your data as it is now is backed up first, so you can come back to it.`,
        confirmLabel: 'Restore this backup',
        onConfirm: () => busy(restore, backupBox, async () => {
          const before = await api.restoreBackup(b.file_name);
          await showBackups();
          say(backupSaved, status, `Restored. Your data as it was just before is in ${before.path}`);
          backupSaved.focus();
        }),
        onCancel: () => { panel.remove(); restore.focus(); },
      });
      item.append(panel);
    });
    item.append(row);
    return item;
  }

  backupNow.addEventListener('click', () => busy(backupNow, backupBox, async () => {
    const b = await api.backupNow();
    await showBackups();
    say(backupSaved, status, `Backed up to ${b.path}`);
  }));
  backupSaved.setAttribute('tabindex', '-1');
  replace(backupBox,
    h('h2', { id: 'backups-title' }, 'Backups'),
    errorSummary(),
    h('p', { class: 'hint' }, 'A backup is a copy of everything on this laptop, kept in Kinship’s data folder (the newest 10). The list shows what each one holds.'),
    h('div', { class: 'actions' }, backupNow),
    backupSaved,
    list);

  // Export.
  const exportBox = h('section', { class: 'card data-section', id: 'export', 'aria-labelledby': 'export-title' });
  const exportSaved = savedLine('export-saved');
  const asJson = h('button', { type: 'button', id: 'export-json' }, 'Export as JSON');
  const asMarkdown = h('button', { type: 'button', id: 'export-markdown' }, 'Export as Markdown');
  for (const [button, markdown] of [[asJson, false], [asMarkdown, true]]) {
    button.addEventListener('click', () => busy(button, exportBox, async () => {
      say(exportSaved, status, `Saved to ${await api.saveDataExport(markdown)}`);
    }));
  }
  replace(exportBox,
    h('h2', { id: 'export-title' }, 'Export all your data'),
    errorSummary(),
    h('p', { class: 'hint' }, 'One file with everything: your circles, meetings, goals and all your reflections, private ones too. Keep it somewhere safe. JSON can be imported into a fresh Kinship; Markdown is for reading.'),
    h('div', { class: 'actions' }, asJson, asMarkdown),
    exportSaved);

  // Calendars.
  const calendarBox = h('section', { class: 'card data-section', id: 'calendars', 'aria-labelledby': 'calendars-title' });
  const calendarSaved = savedLine('calendar-saved');
  replace(calendarBox,
    h('h2', { id: 'calendars-title' }, 'Calendar files'),
    errorSummary(),
    h('p', { class: 'hint' }, 'A circle’s meetings as an .ics file for any calendar app. Importing a newer file updates the same events. Talking points that stay in the circle show only as “(stays in the circle)”.'),
    circles.length
      ? h('ul', { class: 'calendar-list' }, circles.map((c) => {
        const button = h('button', { type: 'button', 'data-circle-id': c.id }, `Save calendar: ${c.name}`);
        button.addEventListener('click', () => busy(button, calendarBox, async () => {
          say(calendarSaved, status, `Saved to ${await api.saveCircleCalendar(c.id)}`);
        }));
        return h('li', {}, button);
      }))
      : h('p', { class: 'empty' }, 'No circles yet.'),
    calendarSaved);

  // Import.
  const importForm = h('form', { class: 'card data-section', id: 'import-form', novalidate: true, 'aria-labelledby': 'import-title' });
  const importSaved = savedLine('import-saved');
  const fileInput = h('input', { type: 'file', id: 'import-file', name: 'file', accept: '.json,application/json', 'aria-describedby': 'import-hint' });
  importForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = importForm.querySelector('button[type=submit]');
    await busy(button, importForm, async () => {
      const file = fileInput.files[0];
      if (!file) throw { field: null, message: 'Choose a JSON file made by “Export as JSON” first.' };
      const s = await api.importData(await file.text());
      say(importSaved, status, `Imported ${plural(s.circles, 'circle')}, ${plural(s.meetings, 'meeting')}, ${plural(s.reflections, 'reflection')} and ${plural(s.goals, 'goal')}.`);
    });
  });
  replace(importForm,
    h('h2', { id: 'import-title' }, 'Import a JSON export'),
    errorSummary(),
    h('p', { class: 'hint', id: 'import-hint' }, 'Only into a fresh install that holds nothing yet (no circles, no identity): nothing already here is ever overwritten. On a new laptop, choose “Bring in my data from another laptop” on Kinship’s first screen.'),
    h('div', { class: 'field' }, h('label', { for: 'import-file' }, 'Export file'), fileInput),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Import')),
    importSaved);

  replace(main,
    h('div', { class: 'data-page' },
      h('h1', {}, 'Your data'),
      h('p', { class: 'hint' }, 'Everything Kinship keeps is on this laptop. Back it up, take it with you, or put your meetings in your calendar.'),
      h('div', { class: 'data-grid' }, backupBox, exportBox, calendarBox, importForm),
      status));
  await showBackups();
}
