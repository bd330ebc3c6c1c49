// Live updates pushed by the server (Server-Sent Events), no polling: the overview's HTML as it
// changes; a deployment's record at each stage and its log line by line.
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
  // The page as it would be without its "Updated …;" time: what tells news from a new reading.
  function content(element) { return element.outerHTML.replace(/Updated [^;]*;/, ""); }
  var pending = null;
  // Replaces the element with `id` by the one of the same id in `html`. Nothing moves under the
  // reader's hands: when only the time changed, only the time is written; while a field inside is
  // being filled in, the change waits until the field is left.
  function replace(id, html) {
    var current = document.getElementById(id);
    if (!current) { return; }
    var template = document.createElement("template");
    template.innerHTML = html;
    var next = template.content.getElementById(id);
    if (!next) { return; }
    if (content(next) === content(current)) {
      var time = current.querySelector(".updated"), fresh = next.querySelector(".updated");
      if (time && fresh) { time.textContent = fresh.textContent; }
      return;
    }
    var active = document.activeElement;
    if (active && current.contains(active) && (active.tagName === "INPUT" || active.tagName === "SELECT")) {
      pending = { id: id, html: html };
      return;
    }
    pending = null;
    current.replaceWith(next);
  }
  document.addEventListener("focusout", function () {
    if (pending) { var waiting = pending; pending = null; setTimeout(function () { replace(waiting.id, waiting.html); }, 0); }
  });
  source.addEventListener("overview", function (event) { replace("overview", event.data); });
  source.addEventListener("record", function (event) { replace("record", event.data); });
  var log = document.getElementById("log");
  // Follows the tail only while the reader is at the bottom.
  function write(update) {
    if (!log) { return; }
    var atEnd = log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
    update();
    if (atEnd) { log.scrollTop = log.scrollHeight; }
  }
  source.addEventListener("log-reset", function (event) {
    write(function () { log.textContent = event.data ? event.data + (event.data.slice(-1) === "\n" ? "" : "\n") : ""; });
  });
  source.addEventListener("line", function (event) {
    write(function () { log.appendChild(document.createTextNode(event.data + "\n")); });
  });
  source.addEventListener("finished", function (event) {
    replace("record", event.data);
    source.close();
    var following = document.querySelector(".live-tail");
    if (following) { following.textContent = "finished"; }
    document.documentElement.setAttribute("data-finished", "true");
  });
  source.addEventListener("signed-out", function () { source.close(); window.location.assign("/sign-in"); });
})();
