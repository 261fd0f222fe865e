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
      // A panel filled in as it opens (Edit pool, Set threshold), or kept on the page between
      // openings (Filter): its first field that can be changed (of a group of radio buttons, the
      // chosen one, where Tab would land).
      // It opens with a transition and Mantine puts the focus on its close button meanwhile:
      // tried again until the field has it (at most three seconds, for a slow machine), but
      // never taken from a control the user has moved to meanwhile, nor once the keyboard has
      // been in the panel and left it (closed by Escape, perhaps quicker than one check).
      // data: falsy when the panel closes (nothing to do). insideId: an element of the panel
      // (a Drawer's own id is not on the page).
      focusFirstField: function (data, insideId) {
        if (!data) { return window.dash_clientside.no_update; }
        var selector = "input:not([disabled]):not([type=hidden]):not([readonly]):not([type=radio]:not(:checked))";
        var tries = 0, held = 0, entered = false, left = false;
        function panel() {
          var inside = document.getElementById(insideId);
          return inside && inside.closest("[role=dialog]");
        }
        function watch(event) {
          var container = panel();
          if (container && container.contains(event.target)) { entered = true; } else if (entered) { left = true; }
        }
        document.addEventListener("focusin", watch, true);
        (function attempt() {
          var container = panel();
          var target = container && container.querySelector(selector);
          var active = document.activeElement;
          var within = !!(container && active && container.contains(active));
          entered = entered || within;
          var done = left || (entered && !within && !!active && active !== document.body);
          if (done) {
            // the panel was closed: the keyboard is back outside it
          } else if (target && active === target) {
            held += 1;  // kept for a few checks: the opening transition is over
          } else if (!active || active === document.body || !within
                     || active === container || active.classList.contains("mantine-CloseButton-root")) {
            held = 0;
            if (target && container.offsetParent !== null) { target.focus(); }
          } else {
            done = true;  // the user has moved to another control of the panel
          }
          if (!done && held < 4 && ++tries < 60) {
            setTimeout(attempt, 50);
          } else {
            document.removeEventListener("focusin", watch, true);
          }
        })();
        return window.dash_clientside.no_update;
      },
    },
  });
})();
