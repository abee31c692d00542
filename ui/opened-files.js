// Files opened from the system (a double-click, a later launch handing its file over) or
// dropped on the window, waiting for the import screen. Several can arrive at once (three
// emails' attachments opened together): each is previewed on its own, none is dropped.

/** The event the import screen listens for; `detail` lists the paths just opened. */
export const FILES_OPENED = 'kinship:files-opened';

const waiting = [];

/** The last part of a path, as the person knows the file. */
export const fileName = (path) => path.split(/[\\/]/).pop();

/** Adds paths to the waiting list (at its start with `first`), each once. */
export function addWaiting(paths, { first = false } = {}) {
  const fresh = paths.filter((path) => !waiting.includes(path));
  if (first) waiting.unshift(...fresh);
  else waiting.push(...fresh);
}

/** The files waiting, in the order they were opened. */
export const waitingFiles = () => [...waiting];

/** Takes a file off the waiting list (it is being previewed). */
export function takeWaiting(path) {
  const at = waiting.indexOf(path);
  if (at >= 0) waiting.splice(at, 1);
}
