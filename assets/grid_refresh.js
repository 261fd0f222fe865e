// After a search, a filter or an action, drop the grid's cached pages so it asks the
// server again, and clear a selection that may name rows that are gone.
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  grid: {
    reload: function (_query, _refresh, gridId) {
      dash_ag_grid.getApiAsync(gridId).then(function (api) {
        api.deselectAll();
        api.purgeInfiniteCache();
      });
      return window.dash_clientside.no_update;
    },
  },
});

// After an action the grid reloads and the control the user used may be gone or disabled
// (Delete, once nothing is selected): the browser would drop focus to the page's top. For two
// seconds after an action, focus that falls out like that goes to the grid's first cell, or
// to its search box when no row is left.
window.dash_clientside.grid.keepFocus = function (_refresh, gridId) {
  var checks = 0;
  var timer = setInterval(function () {
    checks += 1;
    if (checks > 20) { clearInterval(timer); return; }
    var active = document.activeElement;
    if (active && active !== document.body && active.isConnected && !active.disabled) return;
    if (document.querySelector('.mantine-Modal-content, .mantine-Drawer-content')) return;  // a dialog is open
    clearInterval(timer);
    dash_ag_grid.getApiAsync(gridId).then(function (api) {
      var columns = api.getAllDisplayedColumns();
      if (api.getDisplayedRowCount() > 0 && columns.length) {
        focusCell(api, gridId, 0, columns[0].getColId(), 0);  // assets/grid_url.js
      } else {
        var search = document.getElementById(gridId.replace(/-grid$/, '-search'));
        if (search) search.focus();
      }
    });
  }, 100);
  return window.dash_clientside.no_update;
};
