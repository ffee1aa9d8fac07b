/* The planning desk's small script: the pages work without it; with it, the New-plan form
   checks itself before sending, the upload takes drag-and-drop and refuses an oversize file,
   the report's findings can be filtered by severity, and times are shown in local time.
   No libraries; the Content-Security-Policy allows this file and nothing inline. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function ready(fn) {
    if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn);
  }

  function fieldError(input, message) {
    var label = input.closest("label");
    var box = label && label.querySelector(".field-error.live");
    if (!message) {
      input.removeAttribute("aria-invalid");
      if (box) box.remove();
      return;
    }
    input.setAttribute("aria-invalid", "true");
    if (!box && label) {
      box = document.createElement("p");
      box.className = "field-error live";
      label.appendChild(box);
    }
    if (box) box.textContent = message;
  }

  function newPlanForm(form) {
    var words = form.dataset;
    function check() {
      var ok = true;
      var start = form.elements.start, end = form.elements.end, budget = form.elements.budget;
      var rows = form.elements.rows, channels = form.elements.channels;
      [start, end].forEach(function (input) {
        var bad = input.value && !/^\d{4}-\d{2}-\d{2}$/.test(input.value);
        fieldError(input, bad ? words.date : "");
        ok = ok && !bad;
      });
      if (start.value && end.value && end.value < start.value) {
        fieldError(end, words.endBeforeStart);
        ok = false;
      }
      var money = budget.value.replace(/[,\s，]/g, "");
      var badBudget = money !== "" && (isNaN(Number(money)) || Number(money) < 0);
      fieldError(budget, badBudget ? words.number : "");
      var n = rows.value.trim();
      var badRows = n !== "" && !(/^\d+$/.test(n) && Number(n) >= 1 && Number(n) <= Number(rows.max));
      fieldError(rows, badRows ? words.rows : "");
      var names = channels.value.split(/[,，、;；\n]/).map(function (s) { return s.trim().toLowerCase(); })
        .filter(function (s) { return s; });
      var repeat = names.some(function (name, i) { return names.indexOf(name) !== i; });
      fieldError(channels, repeat ? words.channelsRepeat : "");
      return ok && !badBudget && !badRows && !repeat;
    }
    form.addEventListener("change", check);
    form.addEventListener("submit", function (event) {
      if (!check()) {
        event.preventDefault();
        var first = form.querySelector('[aria-invalid="true"]');
        if (first) first.focus();
      }
    });
  }

  function uploadForm(form) {
    var input = form.querySelector('input[type="file"]');
    var drop = form.querySelector(".drop");
    var name = form.querySelector(".drop-name");
    var error = form.querySelector("#file-error");
    var submit = form.querySelector('button[type="submit"]');
    var max = Number(form.dataset.maxBytes);
    function show(message) {
      error.textContent = message || "";
      error.hidden = !message;
    }
    function chosen() {
      var file = input.files && input.files[0];
      name.textContent = file ? form.dataset.chosen + file.name : "";
      if (file && file.size > max) { show(form.dataset.tooBig); return false; }
      show("");
      return !!file;
    }
    input.addEventListener("change", chosen);
    ["dragenter", "dragover"].forEach(function (type) {
      drop.addEventListener(type, function (event) { event.preventDefault(); drop.classList.add("over"); });
    });
    ["dragleave", "dragend", "drop"].forEach(function (type) {
      drop.addEventListener(type, function () { drop.classList.remove("over"); });
    });
    drop.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        chosen();
      }
    });
    form.addEventListener("submit", function (event) {
      if (!input.files || !input.files.length) { event.preventDefault(); show(form.dataset.noFile); return; }
      if (!chosen()) { event.preventDefault(); return; }
      submit.disabled = true;
      submit.textContent = form.dataset.working;
    });
    window.addEventListener("pageshow", function () { submit.disabled = false; });
  }

  function filters(box) {
    var findings = document.querySelectorAll(".finding[data-sev]");
    var groups = document.querySelectorAll("[data-group]");
    var none = document.getElementById("all-hidden");
    function apply() {
      var on = {};
      box.querySelectorAll("input[data-filter]").forEach(function (input) { on[input.value] = input.checked; });
      var shown = 0;
      findings.forEach(function (item) {
        item.hidden = !on[item.dataset.sev];
        if (!item.hidden) shown += 1;
      });
      groups.forEach(function (group) {
        group.hidden = !group.querySelector(".finding:not([hidden])");
      });
      if (none) none.hidden = shown > 0;
    }
    box.addEventListener("change", apply);
    apply();
  }

  function localTimes() {
    document.querySelectorAll("time.local-time[datetime]").forEach(function (node) {
      var when = new Date(node.getAttribute("datetime"));
      if (!isNaN(when.getTime())) {
        node.textContent = when.toLocaleTimeString(document.documentElement.lang, { hour: "2-digit", minute: "2-digit" });
      }
    });
  }

  ready(function () {
    var form = document.getElementById("new-form");
    if (form) newPlanForm(form);
    var upload = document.getElementById("check-form");
    if (upload) uploadForm(upload);
    var box = document.getElementById("filters");
    if (box) filters(box);
    localTimes();
  });
})();
