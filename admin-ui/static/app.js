// AgencyHall page enhancements. Every page works without this file; it only
// adds conveniences. It runs under a CSP without 'unsafe-inline', so pages
// declare behaviour in data attributes instead of inline handlers.
(function () {
  "use strict";

  // Irreversible actions: a form with data-confirm="…" asks before it is
  // sent. The listener runs in the capture phase so it sees the submit
  // before htmx or anything else, and a "cancel" stops it completely.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    var message = form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // Copy buttons (data-copy="#selector") are hidden in the markup and shown
  // only where the clipboard API exists.
  function setUpCopyButtons(root) {
    if (!navigator.clipboard) return;
    root.querySelectorAll("[data-copy]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var source = document.querySelector(button.getAttribute("data-copy"));
        if (!source) return;
        navigator.clipboard.writeText(source.textContent.trim()).then(function () {
          button.textContent = "已复制";
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpCopyButtons(document);
  });
})();
