/* Warns before an idle sign-in ends, and keeps it alive while the user works in the page.

   The server is the judge (casework/signin/idle.py): this script asks it how long is left before it
   warns (another tab may have been in use), tells it once a minute that the user typed or
   clicked, and when the time is up sends the browser to the sign-in page, which brings the
   user back here. A session form's text is kept as a server-side draft meanwhile (drafts.js). */
(function () {
  "use strict";

  var body = document.body;
  if (!body.dataset.idleTimeout) { return; }
  var timeout = Number(body.dataset.idleTimeout) * 1000;
  var warning = Number(body.dataset.idleWarning) * 1000;
  var url = body.dataset.idleUrl;
  var dialog = document.getElementById("idle-warning");
  var countdown = dialog && dialog.querySelector("[data-idle-countdown]");
  var deadline = Date.now() + timeout;
  var active = false;
  var asking = false;

  function token() {
    // The cookie, not the page's form: a sign-in in another tab renews it.
    var found = document.cookie.split("; ").filter(function (part) {
      return part.indexOf("csrftoken=") === 0;
    })[0];
    if (found) { return decodeURIComponent(found.slice("csrftoken=".length)); }
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function ask(method) {
    var options = {
      method: method,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": token() }
    };
    return fetch(url, options).then(function (response) {
      return response.json();
    }).then(function (payload) {
      deadline = Date.now() + payload.remaining * 1000;
      return payload.remaining;
    });
  }

  function signedOut() {
    var here = window.location.pathname + window.location.search;
    window.location.assign(body.dataset.loginUrl + "?next=" + encodeURIComponent(here));
  }

  function show(left) {
    var seconds = Math.max(0, Math.ceil(left / 1000));
    if (countdown) {
      countdown.textContent = Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");
    }
    if (dialog && !dialog.open) { dialog.showModal(); }
  }

  function tick() {
    var left = deadline - Date.now();
    if (dialog && dialog.open) {
      show(left);
      if (left > 0) { return; }
    } else if (left > warning) {
      return;
    }
    if (asking) { return; }
    asking = true;  // another tab may have kept the sign-in alive: ask before warning
    ask("GET").then(function (remaining) {
      if (remaining <= 0) { signedOut(); return; }
      if (remaining * 1000 <= warning) { show(remaining * 1000); }
      else if (dialog && dialog.open) { dialog.close(); }
    }).catch(function () { /* offline for a moment: try again at the next tick */ })
      .finally(function () { asking = false; });
  }

  function keepAlive() {
    if (!active || (dialog && dialog.open)) { return; }
    active = false;
    ask("POST").catch(function () { active = true; });
  }

  ["keydown", "pointerdown", "input"].forEach(function (name) {
    document.addEventListener(name, function () { active = true; }, { passive: true });
  });
  if (dialog) {
    dialog.querySelector("[data-idle-stay]").addEventListener("click", function () {
      ask("POST").then(function () { dialog.close(); }).catch(signedOut);
    });
    dialog.addEventListener("cancel", function (event) { event.preventDefault(); });
  }
  window.setInterval(tick, 1000);
  window.setInterval(keepAlive, 60 * 1000);
}());
