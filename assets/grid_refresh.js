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
