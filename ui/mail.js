// Handing text to the person's other apps: their email app through a mailto: address, and
// the clipboard.

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
