// Keeps the text of every editor form on the server as a private draft:
// a few seconds after typing stops, and when the page is left. The form
// is found by its draft_key field, so this works with any editor markup.
(function () {
  "use strict";
  var DELAY = 3000;

  function setup(form) {
    var status = form.querySelector("[data-draft-status]");
    var timer = null, dirty = false, saving = false, submitted = false;

    function say(text, link) {
      if (!status) return;
      status.textContent = text;
      if (link) {
        var a = document.createElement("a");
        a.className = "kern-link";
        a.href = link;
        a.textContent = status.dataset.signin;
        status.append(" ", a);
      }
    }

    function body() {
      var data = new FormData(form);
      data.delete("action");
      form.querySelectorAll("input[type=file]").forEach(function (input) { if (input.name) data.delete(input.name); });
      return data;
    }

    function save(leaving) {
      if (!dirty || submitted) return;
      var data = body();
      dirty = false;
      if (leaving) {
        // On leaving, the request must outlive the page: a beacon carries
        // the CSRF token in the form data; fetch with keepalive is the
        // fallback when the beacon is refused (about 64 KB at most).
        if (navigator.sendBeacon && navigator.sendBeacon("/entwuerfe", data)) return;
        fetch("/entwuerfe", { method: "POST", body: data, keepalive: true, credentials: "same-origin", headers: { "Accept": "application/json" } }).catch(function () {});
        return;
      }
      saving = true;
      fetch("/entwuerfe", { method: "POST", body: data, credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (res) {
          return res.json().catch(function () { return {}; }).then(function (json) {
            if (res.ok) {
              var at = new Date(json.saved_at || Date.now());
              say(status.dataset.saved.replace("{time}", at.toLocaleTimeString(document.documentElement.lang || "de", { hour: "2-digit", minute: "2-digit", second: "2-digit" })));
              status.dataset.savedAt = String(Date.now());
            } else if (res.status === 401 && json.signin) {
              say(status.dataset.expired, json.signin);
            } else {
              dirty = true;
              say(status.dataset.failed);
            }
          });
        })
        .catch(function () { dirty = true; say(status.dataset.failed); })
        .then(function () { saving = false; });
    }

    function changed() {
      dirty = true;
      clearTimeout(timer);
      timer = setTimeout(function () { if (!saving) save(false); else changed(); }, DELAY);
    }

    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    form.addEventListener("submit", function () { submitted = true; clearTimeout(timer); });
    window.addEventListener("pagehide", function () { save(true); });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") save(true);
    });
  }

  document.querySelectorAll("form").forEach(function (form) {
    if (form.querySelector("input[name=draft_key]") && !form.dataset.draftsReady) {
      form.dataset.draftsReady = "1";
      setup(form);
    }
  });
})();
