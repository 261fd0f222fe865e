// Panels: after the Add pool wizard draws its service forms, put the keyboard on the first tab.
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  panels: {
    focusFirstTab: function (_children, containerId) {
      setTimeout(function () {
        var tab = document.querySelector("#" + containerId + " [role=tab]");
        if (tab) { tab.focus(); }
      }, 50);
      return window.dash_clientside.no_update;
    },
  },
});
