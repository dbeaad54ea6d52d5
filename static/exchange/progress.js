// Follows an import job (templates/exchange/_progress.html): polls its progress address
// every second, moves the bar, and reloads the page once the job is done, which then
// shows its result. No library: a fetch and a timer.
(function () {
  "use strict";
  var box = document.querySelector(".import-job[data-progress-url]");
  if (!box) return;
  var bar = box.querySelector(".import-progress");
  var status = box.querySelector(".import-status");
  var url = box.getAttribute("data-progress-url");
  var template = box.getAttribute("data-rows"); // "{done} of {total} rows", translated

  function show(progress) {
    if (progress.finished) {
      window.location.reload();
      return;
    }
    if (progress.total) {
      bar.max = progress.total;
      bar.value = progress.done;
      status.textContent = template.replace("{done}", progress.done).replace("{total}", progress.total);
    }
    window.setTimeout(poll, 1000);
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response); })
      .then(show)
      .catch(function () { window.setTimeout(poll, 5000); }); // the server busy or away: later
  }

  window.setTimeout(poll, 1000);
})();
