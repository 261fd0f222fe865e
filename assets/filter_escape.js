// Escape in a Filter panel: with a searchable list open, it closes the list only; otherwise it
// closes the panel and puts the keyboard back on its Filter button. Mantine's own Escape
// handling (closeOnEscape, off on these panels) closed the panel too, or not, by timing.
document.addEventListener('keydown', function (event) {
  if (event.key !== 'Escape') return;
  var panel = event.target.closest && event.target.closest('.filter-panel');
  if (!panel) return;
  var listOpen = event.target.getAttribute('aria-expanded') === 'true';
  if (listOpen) return;
  var opener = document.getElementById(panel.getAttribute('data-opener'));
  if (opener) {
    opener.click();
    opener.focus();
  }
});
