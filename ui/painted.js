// Marks when what was just put on the page has been drawn: the next animation frame, then a
// task after it (that frame is painted by then, and the page is free to take input). The
// first mark of a launch is also `kinship-ready`: the first screen is painted and
// interactive. `scripts/bench-window` reads these marks through WebDriver.

export const READY = 'kinship-ready';
export const PAINTED = 'kinship-painted';

let first = true;

/** Call once a screen's content is in the page. */
export function markPainted() {
  requestAnimationFrame(() => setTimeout(() => {
    if (first) performance.mark(READY);
    first = false;
    performance.mark(PAINTED);
  }, 0));
}
