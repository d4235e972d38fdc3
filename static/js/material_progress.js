// The course material's progress page: ask for the build's status every few
// seconds and show its step; once it is ready or has failed, reload, so the
// page shows the download links or the error as the server writes them.
// Without JavaScript, a meta refresh reloads the whole page instead.
(function () {
  var box = document.querySelector("[data-material-status]");
  if (!box) {
    return;
  }
  var url = box.getAttribute("data-material-status");
  var every = Number(box.getAttribute("data-refresh-every")) * 1000;
  var message = box.querySelector("[data-material-message]");
  var bar = box.querySelector("progress");

  function show(status) {
    if (status.ready || status.failed) {
      window.location.reload();
      return;
    }
    message.textContent = status.message;
    bar.max = status.steps;
    bar.value = status.step;
    window.setTimeout(poll, every);
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(
        function (response) {
          var type = response.headers.get("Content-Type") || "";
          if (response.ok && type.indexOf("application/json") === 0) {
            return response.json().then(show, function () {
              window.setTimeout(poll, every);
            });
          }
          // Signed out, or refused: the reloaded page says why.
          window.location.reload();
        },
        function () {
          // A dropped connection is common where the material is used: keep asking.
          window.setTimeout(poll, every);
        }
      );
  }

  // The first look starts the build, so it is made at once.
  poll();
})();
