/* Keeps what a counsellor types in a form with data-draft-url as a server-side draft, a few
   seconds after each change, so a timed-out login or a closed tab loses no text. */
(function () {
  "use strict";

  function isJson(response) {
    return (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
  }

  document.querySelectorAll("form[data-draft-url]").forEach(function (form) {
    var status = form.querySelector("[data-draft-status]");
    var timer = null;
    var dirty = false;

    function show(text, warning) {
      if (!status) { return; }
      status.textContent = text;
      status.classList.toggle("warning", Boolean(warning));
    }

    function save() {
      timer = null;
      if (!dirty) { return; }
      dirty = false;
      fetch(form.dataset.draftUrl, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        redirect: "manual"
      }).then(function (response) {
        if (!response.ok || !isJson(response)) { throw new Error("draft not kept"); }
        return response.json();
      }).then(function (payload) {
        show(form.dataset.draftSaved.replace("{time}", payload.saved_at), false);
      }).catch(function () {
        dirty = true;
        show(form.dataset.draftFailed, true);
      });
    }

    form.addEventListener("input", function () {
      dirty = true;
      if (!timer) { timer = window.setTimeout(save, 2000); }
    });
    form.addEventListener("submit", function () {
      if (timer) { window.clearTimeout(timer); }
      dirty = false;
    });
  });
}());
