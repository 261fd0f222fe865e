// Panels: keep the keyboard where the user is working when a panel redraws its steps.
(function () {
  function focusFirst(containerId, selector) {
    setTimeout(function () {
      var container = document.getElementById(containerId);
      var target = container && container.querySelector(selector);
      if (target && container.offsetParent !== null) { target.focus(); }
    }, 50);
    return window.dash_clientside.no_update;
  }
  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    panels: {
      // After Next: the first service's tab.
      focusFirstTab: function (_children, containerId) { return focusFirst(containerId, "[role=tab]"); },
      // After Back: the first service card.
      focusFirstCard: function (_style, containerId) { return focusFirst(containerId, "[role=checkbox]"); },
    },
  });
})();
