// Drills review screen: keyboard shortcuts (Space shows the answer, 1-4 answer, U undoes), single-best-answer
// options that mark the pick and reveal, and the time spent on the card. Works without it: the page is forms.
(function () {
  "use strict";
  var reveal = document.getElementById("reveal");
  var form = document.getElementById("answer-form");
  var shownAt = Date.now();

  function show() {
    if (reveal && !reveal.open) {
      reveal.open = true;
      var first = form && form.querySelector(".rate-3");
      if (first) first.focus({ preventScroll: true });
    }
  }

  document.querySelectorAll(".drill-option").forEach(function (button) {
    button.addEventListener("click", function () {
      document.querySelectorAll(".drill-option").forEach(function (b) {
        if (b.dataset.correct === "1") b.dataset.picked = "right";
      });
      if (button.dataset.correct !== "1") button.dataset.picked = "wrong";
      show();
    });
  });

  if (form) {
    form.addEventListener("submit", function (event) {
      var ms = form.querySelector("[data-ms]");
      if (ms) ms.value = String(Math.min(3600000, Date.now() - shownAt));
      // One answer per card: a second tap while the first is on its way does nothing.
      if (form.dataset.sent === "1") { event.preventDefault(); return; }
      form.dataset.sent = "1";
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA")) return;
    if (event.key === " " || event.key === "Enter") {
      if (reveal && !reveal.open) { event.preventDefault(); show(); }
      return;
    }
    if (/^[1-4]$/.test(event.key) && reveal && reveal.open && form) {
      var button = form.querySelector('[data-key="' + event.key + '"]');
      if (button) { event.preventDefault(); button.click(); }
      return;
    }
    if (event.key === "u" || event.key === "U") {
      var undo = document.querySelector("[data-undo]");
      if (undo) { event.preventDefault(); undo.click(); }
    }
  });
})();
