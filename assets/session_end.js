// A session that ended elsewhere (sign-out in another tab, a password change, an admin
// disabling the user, the idle or absolute limit) makes the next callback answer 401:
// go to the sign-in page and come back here afterwards, instead of a silently dead page.
(function () {
  const fetchOriginal = window.fetch;
  window.fetch = function (input, init) {
    return fetchOriginal(input, init).then(function (response) {
      const url = typeof input === "string" ? input : (input && input.url) || "";
      if (response.status === 401 && url.indexOf("/_dash") !== -1) {
        const here = window.location.pathname + window.location.search;
        window.location.assign("/login?ended=1&next=" + encodeURIComponent(here));
      }
      return response;
    });
  };
})();
