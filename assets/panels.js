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
      // A panel filled in as it opens (Edit pool): its first field that can be changed.
      // It opens with a transition and Mantine puts the focus on its close button meanwhile:
      // tried again until the field has it (at most three seconds, for a slow machine), but
      // never taken from a control the user has moved to meanwhile.
      // insideId: an element of the panel (a Drawer's own id is not on the page).
      focusFirstField: function (_data, insideId) {
        var selector = "input:not([disabled]):not([type=hidden]):not([readonly])";
        var tries = 0, held = 0;
        (function attempt() {
          var inside = document.getElementById(insideId);
          var container = inside && inside.closest("[role=dialog]");
          var target = container && container.querySelector(selector);
          var active = document.activeElement;
          if (target && active === target) {
            held += 1;  // kept for a few checks: the opening transition is over
          } else if (!active || active === document.body || !container || !container.contains(active)
                     || active === container || active.classList.contains("mantine-CloseButton-root")) {
            held = 0;
            if (target && container.offsetParent !== null) { target.focus(); }
          } else {
            return;  // the user has moved to another control of the panel
          }
          if (held < 4 && ++tries < 60) { setTimeout(attempt, 50); }
        })();
        return window.dash_clientside.no_update;
      },
    },
  });
})();
