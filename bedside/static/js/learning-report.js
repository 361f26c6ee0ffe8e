// The course report's chart: share of right answers per question, hardest first (numbers in the table below).
(function () {
  "use strict";
  var el = document.getElementById("difficulty-data");
  var canvas = document.getElementById("difficulty-chart");
  if (!el || !canvas || !window.Chart) return;
  var d = JSON.parse(el.textContent);
  canvas.parentElement.style.height = Math.max(160, d.labels.length * 30 + 70) + "px";
  new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: d.labels,
      datasets: [{
        label: "Answered right %",
        data: d.difficulty,
        backgroundColor: d.difficulty.map(function (v) { return v !== null && v < 50 ? "#b3261e" : "#005eb8"; })
      }]
    },
    options: {
      indexAxis: "y", maintainAspectRatio: false, animation: false, maxBarThickness: 22,
      scales: { x: { min: 0, max: 100, ticks: { callback: function (v) { return v + "%"; } } } },
      plugins: { legend: { position: "bottom" } }
    }
  });
})();
