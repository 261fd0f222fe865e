// A session that ended elsewhere (sign-out in another tab, a password change, an admin
// disabling the user, the idle or absolute limit) makes the next callback answer 401:
// go to the sign-in page and come back here afterwards, instead of a silently dead page.
(function () {
  function showServerError(message) {
    let box = document.getElementById("server-error");
    if (!box) {
      box = document.createElement("div");
      box.id = "server-error";
      box.setAttribute("role", "alert");
      document.body.appendChild(box);
    }
    box.textContent = (typeof message === "string" && message) ||
      "Something went wrong on our side. Nothing was changed.";  // text, never HTML
    box.hidden = false;
    clearTimeout(box.hideTimer);
    box.hideTimer = setTimeout(function () { box.hidden = true; }, 10000);
  }
  const fetchOriginal = window.fetch;
  window.fetch = function (input, init) {
    return fetchOriginal(input, init).then(function (response) {
      const url = typeof input === "string" ? input : (input && input.url) || "";
      if (response.status === 401 && url.indexOf("/_dash") !== -1) {
        const here = window.location.pathname + window.location.search;
        window.location.assign("/login?ended=1&next=" + encodeURIComponent(here));
      } else if (response.status >= 500 && url.indexOf("/_dash-update-component") !== -1) {
        // A callback that failed on the server (a bug, a database that cannot write) would
        // otherwise leave the page as if nothing had been asked: say it, in the server's words.
        response.clone().json().then(function (body) { showServerError(body && body.error); },
                                     function () { showServerError(null); });
      }
      return response;
    });
  };
})();
