// Builds DOM nodes. Strings always become text nodes (textContent), never markup, so text
// that came from the database or another member can never run as HTML or script.

/**
 * h('p', {class: 'x'}, 'text', child) → <p class="x">text<child/></p>.
 * Attributes starting with "on" are event listeners; `false`/`null` attributes are skipped.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith('on')) el.addEventListener(name.slice(2).toLowerCase(), value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

// Right-to-left letters (Hebrew, Arabic and the other RTL scripts) and the invisible
// characters that steer direction (marks, embeddings, overrides, isolates).
const BIDI = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\u{10800}-\u{10FFF}\u{1E800}-\u{1EFFF}]/u;

/**
 * A string as a node. Text that could change the direction of what surrounds it (a name in
 * Arabic, or a U+202E someone put in their pronouns) is isolated in a <bdi>, so it can
 * never reorder Kinship's own words around it.
 */
function textNode(text) {
  if (!BIDI.test(text)) return document.createTextNode(text);
  const isolated = document.createElement('bdi');
  isolated.textContent = text;
  return isolated;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : textNode(String(child)));
  }
}

/** Replaces everything inside `el` with `children`. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

// One formatter each, made when first used: making one per date costs more than formatting,
// and a circle home or journal formats dozens.
let dateTimeFormat = null;
let dateFormat = null;
const dateOnly = () => (dateFormat ??= new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'long', year: 'numeric' }));

/** Formats a stored RFC 3339 time for people, in their own time zone. */
export function formatDateTime(iso) {
  dateTimeFormat ??= new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: 'numeric', minute: '2-digit' });
  return dateTimeFormat.format(new Date(iso));
}

/** Formats a stored RFC 3339 time as a date only. */
export function formatDate(iso) {
  return dateOnly().format(new Date(iso));
}

/** A stored calendar date (YYYY-MM-DD) for people. Parsed as local, not UTC, so it never shifts a day. */
export function formatDay(ymd) {
  const [y, m, d] = ymd.split('-').map(Number);
  return dateOnly().format(new Date(y, m - 1, d));
}

/** `<input type=datetime-local>`'s value ("2026-12-08T13:00") as RFC 3339 with this laptop's offset then. */
export function localToRfc3339(value) {
  const when = new Date(value);
  if (!value || Number.isNaN(when.getTime())) return null;
  // The offset of that date, not today's: a meeting after a daylight-saving change keeps its hour.
  const offset = -when.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const pad = (n) => String(Math.floor(Math.abs(n))).padStart(2, '0');
  const seconds = value.length === 16 ? ':00' : '';
  return `${value}${seconds}${sign}${pad(offset / 60)}:${pad(offset % 60)}`;
}
