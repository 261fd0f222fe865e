// Cell renderers. User text is passed to React as a child, so it is always escaped,
// never parsed as HTML or Markdown.
var dagcomponentfuncs = (window.dashAgGridComponentFunctions = window.dashAgGridComponentFunctions || {});

// A reseller's name as a link to its dashboard; idField names the row's reseller id when the
// row is not the reseller itself (a Renewals row is a pool).
dagcomponentfuncs.ResellerLink = function (props) {
  if (!props.data) return null;
  var id = props.data[props.idField || 'id'];
  if (id === null || id === undefined || id === '') return props.value || null;
  return React.createElement(
    'a',
    { href: '/resellers/' + encodeURIComponent(id), className: 'cell-link' },
    props.value
  );
};

dagcomponentfuncs.StatusBadge = function (props) {
  if (!props.value) return null;
  var slug = String(props.value).toLowerCase().replace(/[^a-z]+/g, '-');
  return React.createElement('span', { className: 'status-badge status-' + slug }, props.value);
};

// One-way switch: the LAR can only turn visibility off; the renderer only reports the
// wish (cellRendererData) and the server decides, after a confirmation.
dagcomponentfuncs.VisibilityToggle = function (props) {
  if (!props.data) return null;
  var on = !!props.value;
  var readOnly = !!(props.context && props.context.readOnly);
  // A disabled switch says why (on the label: a disabled input gets no hover events).
  var why = !on ? 'Only the reseller can turn this back on'
    : (readOnly ? 'Analysts can read this setting but not change it' : null);
  return React.createElement(
    'label',
    { className: 'visibility-toggle' + (on ? ' on' : ' off') + (readOnly ? ' read-only' : ''), title: why },
    React.createElement('input', {
      type: 'checkbox',
      role: 'switch',
      checked: on,
      disabled: !on || readOnly,
      'aria-label': "View reseller's customers for " + props.data.organization_name,
      title: why || undefined,  // also read out: the reason is not only for a mouse
      onChange: function () { if (on) { props.setData({ visible: false }); } },
    }),
    React.createElement('span', { className: 'track' }, React.createElement('span', { className: 'thumb' })),
    React.createElement('span', { className: 'state' }, on ? 'On' : 'Off')
  );
};

// Keyboard use of the grids: the focused cell's link opens with Enter, its switch toggles with
// Enter or Space (Space elsewhere selects the row, as AG Grid does). Returning true tells
// the grid the key was handled here.
var dagfuncs = (window.dashAgGridFunctions = window.dashAgGridFunctions || {});
dagfuncs.activateCellControl = function (params) {
  var event = params.event;
  if (event.type !== 'keydown' || event.altKey || event.ctrlKey || event.metaKey) return false;
  var cell = event.target && event.target.closest ? event.target.closest('.ag-cell') : null;
  if (!cell) return false;
  var toggle = cell.querySelector('input[role="switch"]');
  var link = cell.querySelector('a[href]');
  if (toggle && (event.key === 'Enter' || event.key === ' ')) {
    event.preventDefault();
    if (!toggle.disabled) toggle.click();
    return true;
  }
  if (link && event.key === 'Enter') {
    event.preventDefault();
    link.click();
    return true;
  }
  return false;
};

// Two Tab stops per grid, the header row and the rows: Tab from the rows leaves the grid (AG
// Grid: false hands the key to the browser), Shift+Tab goes back to the header row; arrow keys
// move between cells inside.
dagfuncs.leaveGridOnTab = function (params) {
  if (!params.backwards || params.api.getGridOption('suppressHeaderFocus')) return false;
  // Shift+Tab from the rows goes to the header row (its own single stop), as Tab came from it.
  var api = params.api;
  var column = params.previousCellPosition && params.previousCellPosition.column;
  setTimeout(function () { api.setFocusedHeader(column || api.getAllDisplayedColumns()[0]); }, 0);
  return true;
};

// Quantities in several units ("1,250 user seats · 49 GB"): a line may break between units,
// never between a number and its unit.
dagcomponentfuncs.Quantities = function (props) {
  if (props.value === null || props.value === undefined) return null;
  var parts = String(props.value).split(' · ');
  var children = [];
  parts.forEach(function (part, i) {
    if (i) children.push(' · ');
    children.push(React.createElement('span', { key: i, className: 'quantity' }, part));
  });
  return React.createElement('span', null, children);
};
