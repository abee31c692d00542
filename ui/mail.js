// Handing text and files to the person's other apps: their email app (a saved file attached,
// or a mailto: address), and the clipboard.

import { api } from './api.js';
import { showError } from './forms.js';

/**
 * A mailto: address for the system's email app. Every part is percent-encoded, each address
 * too, so no text a member wrote (a '?' or '&' in an address) can add a header or a recipient.
 */
export function mailto(to, subject, body) {
  const addresses = to.map(encodeURIComponent).join(',');
  return `mailto:${addresses}?subject=${encodeURIComponent(subject)}&body=${encodeURIComponent(body)}`;
}

/**
 * Copies `text` to the clipboard; resolves to what to tell the person. Where the clipboard is
 * out of reach, `area` (a textarea holding the text) is selected for Ctrl+C instead.
 */
export async function copyText(text, area) {
  try {
    await navigator.clipboard.writeText(text);
    return null;
  } catch {
    area.hidden = false;
    area.focus();
    area.select();
    return document.execCommand('copy') ? null : 'Kinship could not copy it. The text is selected: press Ctrl+C (⌘C on a Mac) to copy it.';
  }
}

/**
 * Opens a new message in the person's email app with a saved file attached (`r`: a saved
 * file with its email, from the core). Where no email app takes attachments, a plain email
 * (mailto:) with `r.body`, and `said` tells what is left to do: by default, to attach the
 * file by hand; `fallbackSaid` when the body already carries everything. Errors go to `box`.
 */
export async function emailFile(box, r, said, fallbackSaid = null) {
  try {
    const handed = r.email_token ? await api.emailSavedFile(r.email_token) : 'no_mail_app';
    if (handed === 'opened') {
      said.textContent = `Your email app has a new message with ${r.file_name} attached. Check it, then send it.`;
      return;
    }
  } catch (err) {
    showError(box, err);
    return;
  }
  try {
    await api.openLink(mailto(r.to, r.subject, r.body));
    said.textContent = fallbackSaid ?? `Your email app could not take the file: attach ${r.file_name} to the email yourself (Show the file finds it).`;
  } catch {
    said.textContent = `Kinship could not open an email app. Write an email to the circle and attach ${r.file_name} (Show the file finds it).`;
  }
}
