// Cell renderers. User text is passed to React as a child, so it is always escaped,
// never parsed as HTML or Markdown.
var dagcomponentfuncs = (window.dashAgGridComponentFunctions = window.dashAgGridComponentFunctions || {});

dagcomponentfuncs.ResellerLink = function (props) {
  if (!props.data) return null;
  return React.createElement(
    'a',
    { href: '/resellers/' + encodeURIComponent(props.data.id), className: 'cell-link' },
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
  return React.createElement(
    'label',
    { className: 'visibility-toggle' + (on ? ' on' : ' off') + (readOnly ? ' read-only' : '') },
    React.createElement('input', {
      type: 'checkbox',
      role: 'switch',
      checked: on,
      disabled: !on || readOnly,
      'aria-label': "View reseller's customers for " + props.data.organization_name,
      onChange: function () { if (on) { props.setData({ visible: false }); } },
    }),
    React.createElement('span', { className: 'track' }, React.createElement('span', { className: 'thumb' })),
    React.createElement('span', { className: 'state' }, on ? 'On' : 'Off')
  );
};
