// Moving between pages inside the console (a navigation link, Back, Forward) replaces the
// page's content, and with it, often, the element that had focus: the keyboard would start
// again from the top of the document. As accessible single-page apps do, focus the new page's
// heading, so Tab continues from there and a screen reader says where the user landed.
(function () {
  function heading() {
    var content = document.getElementById('_pages_content');
    return content && content.querySelector('h1, h2');
  }

  // onlyIfUnfocused: on a page load, the user (or a restored row) may already hold focus.
  function focusNewHeading(onlyIfUnfocused) {
    var before = onlyIfUnfocused === true ? null : heading();
    var tries = 0;
    var timer = setInterval(function () {
      var now = heading();
      tries += 1;
      if (now && now !== before && now.isConnected) {
        clearInterval(timer);
        var active = document.activeElement;
        if (onlyIfUnfocused === true && active && active !== document.body) return;
        now.setAttribute('tabindex', '-1');
        now.classList.add('focus-target');
        now.focus({ preventScroll: true });
      } else if (tries > 200) {
        clearInterval(timer);  // 10 s: the page did not change (same path, or an error page)
      }
    }, 50);
  }

  window.addEventListener('popstate', focusNewHeading);
  window.addEventListener('_dashprivate_pushstate', focusNewHeading);
  focusNewHeading(true);  // a page opened by a link, typed or reloaded starts at its heading too
})();
