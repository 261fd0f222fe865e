// The header row of a grid is one Tab stop: Tab from any header cell (the selection column's
// too, which grid options cannot reach) goes on to the rows (the first row shown, same column);
// Shift+Tab leaves the grid backwards; arrow keys still move between header cells. Handled on
// the key itself, in the capture phase, so the focus never passes through the elements after
// the grid on its way (under load it stopped on the pager first).
document.addEventListener('keydown', function (event) {
  if (event.key !== 'Tab' || event.shiftKey || event.altKey || event.ctrlKey || event.metaKey) return;
  var cell = event.target.closest && event.target.closest('.ag-header-cell');
  if (!cell) return;
  var host = cell.closest('.ag-root-wrapper');
  while (host && !host.id) host = host.parentElement;
  if (!host) return;
  var api;
  try { api = dash_ag_grid.getApi(host.id); } catch (e) { return; }
  if (!api || !api.getDisplayedRowCount()) return;
  event.preventDefault();
  event.stopPropagation();
  var row = api.getFirstDisplayedRowIndex();
  var column = api.getColumn(cell.getAttribute('col-id')) || api.getAllDisplayedColumns()[0];
  api.ensureIndexVisible(row);
  api.setFocusedCell(row, column);
}, true);
