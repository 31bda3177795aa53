/* Live search, progressive enhancement (the page works without it):
   - on small screens the filters start folded in a panel, so the first result is near the top; the
     panel keeps its state while results update;
   - the language switch keeps the query and the filters the live search pushed into the address;
   - "Next" / "Previous" bring the view back to the top of the results. */
(function () {
  "use strict";
  var phone = window.matchMedia("(max-width: 820px)");
  var open = !phone.matches;

  function panel() {
    return document.querySelector("details.facets-panel");
  }
  function applyPanel() {
    var details = panel();
    if (!details) return;
    details.open = open;
    details.addEventListener("toggle", function () { open = details.open; });
  }
  function syncLanguageLinks() {
    document.querySelectorAll(".lang-switch a[data-lang]").forEach(function (link) {
      link.search = window.location.search;
    });
  }
  function start() {
    applyPanel();
    document.body.addEventListener("htmx:afterSwap", applyPanel);
    document.body.addEventListener("htmx:pushedIntoHistory", syncLanguageLinks);
    document.body.addEventListener("htmx:replacedInHistory", syncLanguageLinks);
    window.addEventListener("popstate", syncLanguageLinks);
    document.body.addEventListener("htmx:afterSettle", function (event) {
      var source = event.detail && event.detail.requestConfig && event.detail.requestConfig.elt;
      var rel = source && source.getAttribute ? source.getAttribute("rel") : null;
      if (rel === "next" || rel === "prev") {
        var results = document.getElementById("search-results");
        if (results) results.scrollIntoView({ block: "start" });
        var first = document.querySelector(".program-cards a");
        if (first) first.focus({ preventScroll: true });
      }
    });
    phone.addEventListener("change", function () { open = !phone.matches; applyPanel(); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
