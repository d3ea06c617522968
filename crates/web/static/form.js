// The report form without lost work: leaving with unsaved changes asks first, and a draft saves
// itself a few seconds after a real change (the page works without this script; the server
// answers an autosave with the new version, or the problems, instead of a page).
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) return;
  var dirty = false;
  var timer = null;
  var saving = false;
  var status = document.getElementById("autosave-status");
  function say(text) {
    if (status) status.textContent = text;
  }
  function save() {
    if (saving || !dirty || !form.dataset.autosave) return;
    var data = new FormData(form);
    // A file goes with a deliberate save only.
    data.delete("file");
    data.delete("ask");
    saving = true;
    dirty = false;
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Theodoi-Autosave": "1" },
    })
      .then(function (r) {
        return r.text().then(function (body) {
          if (r.ok && /^\d+$/.test(body.trim())) {
            form.querySelector("input[name=version]").value = body.trim();
            say(form.dataset.saved);
          } else {
            dirty = true;
            say(form.dataset.unsaved);
          }
        });
      })
      .catch(function () {
        dirty = true;
        say(form.dataset.unsaved);
      })
      .then(function () {
        saving = false;
      });
  }
  function changed() {
    dirty = true;
    say("");
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, 4000);
  }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function () {
    dirty = false;
    if (timer) clearTimeout(timer);
  });
  window.addEventListener("beforeunload", function (e) {
    if (!dirty) return;
    e.preventDefault();
    e.returnValue = form.dataset.leave || "";
    return form.dataset.leave || "";
  });
})();
