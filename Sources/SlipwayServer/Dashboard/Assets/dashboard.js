// Live updates: the server pushes the overview's HTML as it changes (Server-Sent Events); no polling.
(function () {
  "use strict";
  // Every form that changes something asks first (its data-confirm says what).
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
  var live = document.querySelector("[data-live]");
  if (!live || !window.EventSource) { return; }
  var source = new EventSource(live.getAttribute("data-live"));
  source.addEventListener("overview", function (event) {
    var current = document.getElementById("overview");
    if (!current) { return; }
    var template = document.createElement("template");
    template.innerHTML = event.data;
    var next = template.content.getElementById("overview");
    if (next) { current.replaceWith(next); }
  });
  source.addEventListener("signed-out", function () { window.location.assign("/sign-in"); });
})();
