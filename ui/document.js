// Draws a document the core wrote (the mentoring record, a meeting's minutes): the same
// blocks its Markdown and text are written from, so the screen says what a copy says.

import { h } from './dom.js';

/** A paragraph line: its pieces, the strong ones in <strong>. */
function line(pieces) {
  return pieces.map((p) => (p.strong ? h('strong', {}, p.text) : p.text));
}

/**
 * The document's blocks as nodes. Its title is an <h`level`> (with `titleId`), headings one
 * level below and subheadings two; a subheading's tag (“Stays in the circle”) is a label.
 */
export function documentNodes(doc, { level = 2, titleId = null } = {}) {
  const blocks = {
    title: (b) => h(`h${level}`, { id: titleId }, b.text),
    heading: (b) => h(`h${level + 1}`, {}, b.text),
    subheading: (b) => h(`h${level + 2}`, {}, b.text, b.tag ? [' ', h('span', { class: 'tag confidential' }, b.tag)] : null),
    paragraph: (b) => h('p', {}, b.lines.flatMap((l, i) => (i ? [h('br'), ...line(l)] : line(l)))),
    figures: (b) => h('table', { class: 'record-figures' }, h('tbody', {}, b.rows.map((r) =>
      h('tr', {}, h('th', { scope: 'row' }, r.label), h('td', {}, r.value))))),
    list: (b) => h('ul', {}, b.items.map((item) => h('li', {}, item))),
    quote: (b) => h('blockquote', {}, b.lines.map((l) => h('p', {}, l))),
    footer: (b) => h('p', { class: 'record-footer' }, b.text),
  };
  return doc.blocks.map((b) => blocks[b.type](b));
}
