// Simulation drills: the facilitator's running clock, and a unit's readiness chart (Chart.js).
(function () {
  "use strict";
  function pad(n) { return n < 10 ? "0" + n : String(n); }

  var clock = document.querySelector("[data-started]");
  if (clock) {
    var started = Date.parse(clock.dataset.started);
    var out = clock.querySelector("[data-clock]");
    var tick = function () {
      var s = Math.max(0, Math.floor((Date.now() - started) / 1000));
      out.textContent = Math.floor(s / 60) + ":" + pad(s % 60);
    };
    tick();
    setInterval(tick, 1000);
  }

  var data = document.getElementById("readiness-data");
  var canvas = document.getElementById("readiness-chart");
  if (data && canvas && window.Chart) {
    var d = JSON.parse(data.textContent);
    var colours = ["#005eb8", "#a4161a", "#0b6b2f", "#7a4b00", "#5b2a86", "#0b4f8a"];
    var datasets = [];
    d.series.forEach(function (s, i) {
      var colour = colours[i % colours.length];
      datasets.push({ label: s.label, data: s.values, borderColor: colour, backgroundColor: colour, spanGaps: true, tension: 0.2 });
      if (s.target) {
        datasets.push({
          label: s.label + " target", data: d.months.map(function () { return s.target; }),
          borderColor: colour, borderDash: [6, 4], pointRadius: 0, borderWidth: 1, backgroundColor: colour
        });
      }
    });
    canvas.parentElement.style.height = "320px";
    new window.Chart(canvas, {
      type: "line",
      data: { labels: d.months, datasets: datasets },
      options: {
        maintainAspectRatio: false,
        scales: { y: { beginAtZero: true, title: { display: true, text: "Seconds from start (median)" } } },
        plugins: { legend: { position: "bottom" } }
      }
    });
  }
})();
