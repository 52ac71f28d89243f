// Live progress of a practical submission's grading: polls the JSON status endpoint, shows the
// phase and elapsed time, and swaps the result in when grading ends. No framework, no CDN.
(function () {
  "use strict";
  var panel = document.getElementById("grading-progress");
  if (!panel || panel.dataset.done === "true") { return; }
  var statusUrl = panel.dataset.statusUrl;
  var statusEl = document.getElementById("grading-status");
  var phaseEl = document.getElementById("grading-phase");
  var elapsedEl = document.getElementById("grading-elapsed");
  var POLL_MS = 1500;
  var MAX_POLL_MS = 15000;
  var delay = POLL_MS;
  // Between polls the elapsed time keeps counting on the page, from the last server value.
  var elapsedBase = parseFloat(elapsedEl.textContent) || 0;
  var elapsedAt = Date.now();

  function tick() {
    var seconds = elapsedBase + (Date.now() - elapsedAt) / 1000;
    elapsedEl.textContent = String(Math.floor(seconds));
  }
  var ticker = window.setInterval(tick, 1000);

  function showResult() {
    // Fetch this page again and swap in the result section; reload if that fails.
    fetch(window.location.href, { headers: { "Accept": "text/html" }, credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        ["submission-result", "grading-progress"].forEach(function (id) {
          var next = fresh.getElementById(id);
          var current = document.getElementById(id);
          if (next && current) { current.replaceWith(next); }
        });
        var heading = document.getElementById("result-heading");
        if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
      })
      .catch(function () { window.location.reload(); });
  }

  function poll() {
    fetch(statusUrl, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("status " + response.status); }
        return response.json();
      })
      .then(function (status) {
        delay = POLL_MS;
        statusEl.textContent = status.status_label;
        phaseEl.textContent = status.done || !status.phase ? "" : ": " + status.phase;
        elapsedBase = status.elapsed_seconds;
        elapsedAt = Date.now();
        tick();
        if (status.done) {
          window.clearInterval(ticker);
          showResult();
          return;
        }
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        // Back off while the server is unreachable; keep trying.
        delay = Math.min(delay * 2, MAX_POLL_MS);
        window.setTimeout(poll, delay);
      });
  }
  window.setTimeout(poll, POLL_MS);
}());
