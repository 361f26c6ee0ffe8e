// Bedside's little JavaScript: the idle sign-out warning and compliance charts.
(function () {
  "use strict";

  function idleTimer() {
    var body = document.body;
    var idle = parseInt(body.dataset.idleSeconds || "0", 10);
    if (!idle) return;
    var warnBefore = parseInt(body.dataset.idleWarningSeconds || "120", 10);
    var dialog = document.getElementById("idle-warning");
    var countdown = dialog && dialog.querySelector("[data-idle-countdown]");
    var lastActive = Date.now();

    function csrf() {
      var m = document.cookie.match(/csrftoken=([^;]+)/);
      if (m) return m[1];
      var h = JSON.parse(body.getAttribute("hx-headers") || "{}");
      return h["X-CSRFToken"] || "";
    }
    // Any request the person makes resets the server's clock; htmx requests count unless background.
    document.body.addEventListener("htmx:afterRequest", function (e) {
      var headers = (e.detail.requestConfig && e.detail.requestConfig.headers) || {};
      if (!headers["X-Bedside-Background"]) lastActive = Date.now();
    });
    dialog && dialog.querySelector("[data-idle-stay]").addEventListener("click", function () {
      fetch(body.dataset.keepaliveUrl, { method: "POST", headers: { "X-CSRFToken": csrf() }, credentials: "same-origin" })
        .then(function () { lastActive = Date.now(); dialog.close(); });
    });
    setInterval(function () {
      var left = idle - Math.floor((Date.now() - lastActive) / 1000);
      // A little after the server's own deadline, so the server has signed the session out.
      if (left <= -2) {
        window.location.assign(body.dataset.endedUrl);
      } else if (left <= warnBefore && dialog) {
        if (!dialog.open) dialog.showModal();
        if (countdown) countdown.textContent = left <= 0 ? "a moment" : left > 60 ? Math.ceil(left / 60) + " minutes" : left + " seconds";
      }
    }, 1000);
  }

  function charts() {
    var data = document.getElementById("compliance-data");
    var canvas = document.getElementById("compliance-chart");
    if (!data || !canvas || !window.Chart) return;
    var d = JSON.parse(data.textContent);
    var box = canvas.parentElement;
    box.style.height = Math.max(160, d.labels.length * 28 + 60) + "px";
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: d.labels,
        datasets: [
          { label: "Done %", data: d.satisfied, backgroundColor: "#1e7d3c" },
          { label: "Due %", data: d.due, backgroundColor: "#c99400" },
          { label: "Overdue %", data: d.overdue, backgroundColor: "#b3261e" }
        ]
      },
      options: {
        indexAxis: "y", maintainAspectRatio: false, animation: false,
        scales: { x: { stacked: true, max: 100, ticks: { callback: function (v) { return v + "%"; } } }, y: { stacked: true } },
        plugins: { legend: { position: "bottom" } }
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () { idleTimer(); charts(); });
})();
