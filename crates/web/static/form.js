// The report form without lost work: leaving with unsaved changes asks first, and a draft saves
// itself a few seconds after a real change (the page works without this script; the server
// answers an autosave with the new version, and the problems, instead of a page). The figures
// grid checks each row's breakdowns against its total as they are typed (the server checks the
// same on save), and Enter moves down a column as in a spreadsheet.
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) return;
  // Entries copied from the last round or read from a workbook are not saved yet.
  var dirty = form.dataset.dirty === "1";
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
          // First line: the version saved (empty when nothing was); then what is wrong.
          var first = body.split("\n")[0].trim();
          if (/^\d+$/.test(first)) {
            form.querySelector("input[name=version]").value = first;
          }
          if (r.ok && /^\d+$/.test(first)) {
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
  // Whole numbers as the server reads them: digits, thousands grouped by '.', ',' or spaces.
  function count(raw) {
    var s = raw.trim();
    if (s === "") return null;
    var groups = s.split(/[., \u00a0]/);
    if (groups.length > 1) {
      if (groups[0].length < 1 || groups[0].length > 3) return NaN;
      for (var i = 1; i < groups.length; i++) if (groups[i].length !== 3) return NaN;
      s = groups.join("");
    }
    return /^\d+$/.test(s) ? parseInt(s, 10) : NaN;
  }
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, k) {
      return values[k] === undefined ? "" : values[k];
    });
  }
  // Check one indicator's row: numbers, a total for any breakdown, exhaustive breakdowns adding
  // up to the total, no cell above it.
  function checkRow(id) {
    var out = document.getElementById("check-" + id);
    if (!out) return;
    var inputs = form.querySelectorAll('input[data-ind="' + id + '"]');
    var total = null;
    var sums = {};
    var labels = {};
    var problems = [];
    var any = false;
    inputs.forEach(function (input) {
      var v = count(input.value);
      var bad = v !== v; // NaN
      input.setAttribute("aria-invalid", bad ? "true" : "false");
      if (bad) {
        problems.push(fill(form.dataset.msgNumber, { value: input.value.trim() }));
        return;
      }
      if (input.dataset.total) {
        total = v;
        return;
      }
      if (v === null) return;
      any = true;
      var dim = input.dataset.dim;
      if (input.dataset.exh) {
        sums[dim] = (sums[dim] || 0) + v;
        labels[dim] = (input.dataset.dimLabel || dim).toLowerCase();
      }
      if (total !== null && v > total) {
        problems.push(fill(form.dataset.msgExceeds, { cat: input.dataset.cat, value: v, total: total }));
      }
    });
    if (!problems.length) {
      if (any && total === null) {
        problems.push(form.dataset.msgNoTotal);
      } else if (total !== null) {
        Object.keys(sums).forEach(function (dim) {
          if (sums[dim] !== total) {
            problems.push(fill(form.dataset.msgSum, { dim: labels[dim], sum: sums[dim], total: total }));
            // The cells that do not add up, marked as well as the row.
            form
              .querySelectorAll('input[data-ind="' + id + '"][data-dim="' + dim + '"]')
              .forEach(function (cell) {
                cell.setAttribute("aria-invalid", "true");
              });
          }
        });
      }
    }
    out.querySelectorAll(".field-error.live, .field-error").forEach(function (p) {
      p.remove();
    });
    problems.forEach(function (text) {
      var p = document.createElement("p");
      p.className = "field-error live";
      p.textContent = text;
      out.insertBefore(p, out.firstChild);
    });
  }
  form.addEventListener("input", function (e) {
    var id = e.target && e.target.dataset ? e.target.dataset.ind : null;
    if (id) checkRow(id);
  });
  // Enter in a figure moves down the column instead of sending the form.
  form.addEventListener("keydown", function (e) {
    var t = e.target;
    if (e.key !== "Enter" || !t.classList || !t.classList.contains("num")) return;
    e.preventDefault();
    var cell = t.closest("td");
    var row = t.closest("tr");
    if (!cell || !row) return;
    var col = Array.prototype.indexOf.call(row.children, cell);
    for (var next = row.nextElementSibling; next; next = next.nextElementSibling) {
      var target = next.children[col] && next.children[col].querySelector("input.num:not([disabled])");
      if (target && next.classList.contains("ind")) {
        target.focus();
        target.select();
        return;
      }
    }
  });
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
