// Keep each grid's view in the query string (components/grid_url.py reads it back when the
// page is built): reload, Back/Forward and a shared link show the same rows. replaceState,
// so paging and searching do not fill the history; Back leaves the page as the user left it.
// The infinite row model ignores a page in AG Grid's initialState: the page from the URL is
// opened once the first rows arrive, and kept in the URL until then.
var pageToRestore = {};

// The query string as params say, kept for this tab's links back to the page too.
function writeView(params) {
  var search = params.toString();
  try { sessionStorage.setItem('view:' + window.location.pathname, search); } catch (e) { /* private mode */ }
  var url = window.location.pathname + (search ? '?' + search : '') + window.location.hash;
  if (url !== window.location.pathname + window.location.search + window.location.hash) {
    window.history.replaceState(window.history.state, '', url);
  }
}

function forgetPage(gridId) {
  var params = new URLSearchParams(window.location.search);
  params.delete(gridId.replace(/-grid$/, '') + '_page');
  writeView(params);
}

window.dash_clientside = Object.assign({}, window.dash_clientside, {
  gridUrl: {
    remember: function (query, request, gridId, options) {
      var prefix = gridId.replace(/-grid$/, '');
      var params = new URLSearchParams(window.location.search);
      if (!(gridId in pageToRestore)) {
        pageToRestore[gridId] = parseInt(params.get(prefix + '_page') || '1', 10) || 1;
      }
      if (pageToRestore[gridId] > 1 && request && !request.startRow) {
        return window.dash_clientside.no_update;  // the first page, before the page is restored
      }
      Array.from(params.keys()).forEach(function (key) {
        if (key.indexOf(prefix + '_') === 0) params.delete(key);
      });
      query = query || {};
      if (query.search) params.set(prefix + '_q', query.search);
      var filters = query.filters || {};
      Object.keys(filters).sort().forEach(function (key) {
        if (filters[key] && filters[key].length) params.set(prefix + '_' + key, filters[key].join(','));
      });
      if (request) {
        var sort = (request.sortModel || [])[0];
        if (sort) params.set(prefix + '_sort', sort.colId + '.' + sort.sort);
        var size = (options && options.paginationPageSize) || 50;
        var page = Math.floor((request.startRow || 0) / size) + 1;
        if (page > 1) params.set(prefix + '_page', String(page));
      }
      writeView(params);
      return window.dash_clientside.no_update;
    },
    restorePage: function (_rowCount, gridId) {
      refocusOpenedRow(gridId);
      var page = pageToRestore[gridId];
      if (page > 1) {
        pageToRestore[gridId] = 1;
        dash_ag_grid.getApiAsync(gridId).then(function (api) {
          setTimeout(function () {  // once the rows are in
            // A page past the end (an old link, rows deleted since) opens the last page.
            var target = Math.min(page, Math.max(1, api.paginationGetTotalPages()));
            if (target > 1) {
              api.paginationGoToPage(target - 1);  // its rows request rewrites the URL
            } else {
              forgetPage(gridId);
            }
          }, 0);
        });
      }
      return window.dash_clientside.no_update;
    },
  },
});

// Links back to the directory ("← Reseller directory", the navigation) return to the view the
// user left there in this tab, as Back does, instead of the unsorted first page.
document.addEventListener('click', function (event) {
  var link = event.target && event.target.closest ? event.target.closest('a[href="/"]') : null;
  if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  var view = null;
  try { view = sessionStorage.getItem('view:/'); } catch (e) { return; }
  if (!view) return;
  event.preventDefault();
  event.stopPropagation();
  window.location.assign('/?' + view);
}, true);

// Back from a reseller's dashboard puts the keyboard on the row whose link was opened, as
// the browser's own back/forward cache would (the console's pages are never cached).
function openedKey(gridId) { return 'opened:' + window.location.pathname + ':' + gridId; }

document.addEventListener('click', function (event) {
  var link = event.target && event.target.closest ? event.target.closest('.ag-cell a[href]') : null;
  var row = link && link.closest('.ag-row[row-id]');
  var grid = link && link.closest('.dash-ag-grid, [id$="-grid"]');
  if (!row || !grid || !grid.id) return;
  try {
    sessionStorage.setItem(openedKey(grid.id), JSON.stringify({
      row: row.getAttribute('row-id'), col: link.closest('.ag-cell').getAttribute('col-id'),
    }));
  } catch (e) { /* private mode */ }
}, true);

function refocusOpenedRow(gridId) {
  var saved = null;
  try {
    saved = JSON.parse(sessionStorage.getItem(openedKey(gridId)) || 'null');
    sessionStorage.removeItem(openedKey(gridId));
  } catch (e) { return; }
  var navigation = (performance.getEntriesByType('navigation') || [])[0];
  if (!saved || !navigation || navigation.type !== 'back_forward') return;
  dash_ag_grid.getApiAsync(gridId).then(function (api) {
    var tries = 0;
    var timer = setInterval(function () {  // the row arrives with its page, perhaps a restored one
      var node = api.getRowNode(saved.row);
      tries += 1;
      if (node && node.rowIndex != null && node.displayed !== false) {
        clearInterval(timer);
        var active = document.activeElement;
        // The page's heading takes focus on load (focus_on_navigation.js): the row is better.
        if (!active || active === document.body || active.classList.contains('focus-target')) {
          focusCell(api, gridId, node.rowIndex, saved.col, 0);
        }
      } else if (tries > 30) {
        clearInterval(timer);  // no longer on the page the view shows
      }
    }, 100);
  });
}

// A row further down is drawn only once scrolled to: focus its cell when it exists (AG Grid
// marks a cell focused but cannot give an undrawn one the keyboard).
function focusCell(api, gridId, rowIndex, colId, attempt) {
  api.ensureIndexVisible(rowIndex, 'middle');
  setTimeout(function () {
    api.setFocusedCell(rowIndex, colId);
    var active = document.activeElement;
    var inGrid = active && active.closest && active.closest('#' + CSS.escape(gridId) + ' .ag-cell');
    if (!inGrid && attempt < 10) focusCell(api, gridId, rowIndex, colId, attempt + 1);
  }, 60);
}

// Removing a filter chip removes the button that had focus: give it to the next chip's
// remove button, else to Filter, instead of the top of the page.
document.addEventListener('click', function (event) {
  var remove = event.target && event.target.closest ? event.target.closest('[aria-label^="Remove filter"]') : null;
  var chips = remove && remove.closest('[id$="-chips"]');
  if (!chips) return;
  var prefix = chips.id.replace(/-chips$/, '');
  var wasKeyboard = document.activeElement === remove;
  var tries = 0;
  // The chips are drawn again after a round trip, whose time depends on the server's load:
  // wait for the removed button to leave the page (at most 5 s), then move the focus.
  (function settle() {
    var active = document.activeElement;
    if (!wasKeyboard && active && active !== document.body && active !== remove) return;
    if (active && active !== document.body && active !== remove && active.isConnected) return;
    if (remove.isConnected && ++tries < 50) { setTimeout(settle, 100); return; }
    var next = document.querySelector('#' + CSS.escape(chips.id) + ' [aria-label^="Remove filter"]');
    (next || document.getElementById(prefix + '-filter-open') || document.body).focus();
  })();
}, true);
