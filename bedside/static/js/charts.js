// Charts of the staffing and campaign pages: coverage per window, campaign progress against the deadline.
(function () {
  "use strict";

  function json(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function coverage() {
    var d = json("coverage-data");
    var canvas = document.getElementById("coverage-chart");
    if (!d || !canvas || !window.Chart) return;
    canvas.parentElement.style.height = Math.max(180, d.labels.length * 34 + 80) + "px";
    var colours = d.scheduled.map(function (v, i) { return v < d.minimum[i] ? "#b3261e" : "#1e7d3c"; });
    new window.Chart(canvas, {
      data: {
        labels: d.labels,
        datasets: [
          { type: "bar", label: "Scheduled (fewest at once)", data: d.scheduled, backgroundColor: colours },
          { type: "line", label: "Minimum", data: d.minimum, borderColor: "#1d1d1f", backgroundColor: "#1d1d1f",
            showLine: false, pointStyle: "line", rotation: 90, pointRadius: 14, pointBorderWidth: 3 },
          { type: "line", label: "Optimal", data: d.optimal, borderColor: "#6b5b00", backgroundColor: "#6b5b00",
            showLine: false, pointStyle: "crossRot", pointRadius: 6 }
        ]
      },
      options: {
        indexAxis: "y", maintainAspectRatio: false, animation: false, maxBarThickness: 22,
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { position: "bottom" } }
      }
    });
  }

  var progressChart = null;
  function progress() {
    var d = json("progress-data");
    var canvas = document.getElementById("progress-chart");
    if (!d || !canvas || !window.Chart) return;
    var data = {
      labels: d.labels,
      datasets: [
        { label: "Done %", data: d.done, borderColor: "#1e7d3c", backgroundColor: "#1e7d3c", tension: 0.2 },
        { label: "On track to the deadline %", data: d.target, borderColor: "#6b6b6b", backgroundColor: "#6b6b6b",
          borderDash: [6, 4], pointRadius: 0 }
      ]
    };
    if (progressChart) {
      progressChart.data = data;
      progressChart.update("none");
      return;
    }
    progressChart = new window.Chart(canvas, {
      type: "line", data: data,
      options: {
        maintainAspectRatio: false, animation: false,
        scales: { y: { min: 0, max: 100, ticks: { callback: function (v) { return v + "%"; } } } },
        plugins: { legend: { position: "bottom" } }
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () { coverage(); progress(); });
  // The progress block is swapped in by htmx polling: redraw the chart from its new numbers.
  document.addEventListener("htmx:afterSwap", progress);
})();
