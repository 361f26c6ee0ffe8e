// Form helpers, all progressive: without JavaScript every field shows and every checkbox works.
// - a filter box over long checkbox lists (units), with "tick all shown" and "untick all";
// - only the fields of the chosen recurrence are shown.
(function () {
  "use strict";

  function filterLists() {
    document.querySelectorAll("[data-filter-list]").forEach(function (list) {
      var tools = list.querySelector(".filter-tools");
      var input = list.querySelector("[data-filter-input]");
      var status = list.querySelector("[data-filter-status]");
      var labels = Array.prototype.slice.call(list.querySelectorAll(".checkbox-list label"));
      if (!tools || !input) return;
      tools.hidden = false;
      function shown() { return labels.filter(function (l) { return !l.hidden; }); }
      function apply() {
        var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
        labels.forEach(function (label) {
          var text = label.textContent.toLowerCase();
          label.hidden = !words.every(function (w) { return text.indexOf(w) !== -1; });
        });
        var ticked = labels.filter(function (l) { return l.querySelector("input").checked; }).length;
        status.textContent = shown().length + " of " + labels.length + " shown, " + ticked + " ticked";
      }
      function tick(value) {
        return function () {
          (value ? shown() : labels).forEach(function (l) { l.querySelector("input").checked = value; });
          apply();
          // One change event so the live count under the list updates once.
          list.dispatchEvent(new Event("change", { bubbles: true }));
        };
      }
      input.addEventListener("input", apply);
      input.addEventListener("keydown", function (e) { if (e.key === "Enter") e.preventDefault(); });
      list.addEventListener("change", function (e) { if (e.target !== list) apply(); });
      list.querySelector("[data-filter-select]").addEventListener("click", tick(true));
      list.querySelector("[data-filter-clear]").addEventListener("click", tick(false));
      apply();
    });
  }

  function recurrenceFields() {
    var choice = document.querySelector("[data-recurrence-choice]");
    if (!choice) return;
    var groups = document.querySelectorAll("[data-recurrence-fields]");
    function apply() {
      var checked = choice.querySelector("input:checked");
      var value = checked ? checked.value : "";
      groups.forEach(function (group) {
        group.hidden = group.getAttribute("data-recurrence-fields") !== value;
      });
    }
    choice.addEventListener("change", apply);
    document.querySelectorAll(".recurrence-note").forEach(function (note) { note.hidden = true; });
    apply();
  }

  document.addEventListener("DOMContentLoaded", function () { filterLists(); recurrenceFields(); });
})();
