// Escape in a Filter panel: with a searchable list open, it closes the list only; otherwise it
// closes the panel and puts the keyboard back on its Filter button. Mantine's own Escape
// handling (closeOnEscape, off on these panels) closed the panel too, or not, by timing.
document.addEventListener('keydown', function (event) {
  if (event.key !== 'Escape') return;
  var panel = event.target.closest && event.target.closest('.filter-panel');
  if (!panel) return;
  // A Select says so on its input; a MultiSelect (customers, pools) only shows its listbox.
  var listbox = panel.querySelector('[role=listbox]');
  var listOpen = event.target.getAttribute('aria-expanded') === 'true' ||
    !!(listbox && listbox.offsetParent !== null && panel.contains(event.target) && event.target.tagName === 'INPUT');
  if (listOpen) return;
  var opener = document.getElementById(panel.getAttribute('data-opener'));
  if (opener) {
    opener.click();
    opener.focus();
  }
}, true);  // capture: read the list's state before the list itself handles the key and closes

// Its Filter (apply) button closes the panel: the keyboard goes back to the panel's Filter
// button, not to the page (the focused button is hidden with the panel).
document.addEventListener('click', function (event) {
  var apply = event.target.closest && event.target.closest('.filter-panel [id$="-filter-apply"]');
  if (!apply) return;
  var opener = document.getElementById(apply.closest('.filter-panel').getAttribute('data-opener'));
  if (opener) opener.focus();
});
