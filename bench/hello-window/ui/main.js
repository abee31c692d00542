// Puts one line on the page, then sets the mark Kinship's UI sets once its first screen is
// painted (ui/painted.js): after the next animation frame, once that frame is drawn.
document.getElementById('main').textContent = 'Hello, world';
requestAnimationFrame(() => setTimeout(() => performance.mark('kinship-ready'), 0));
