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
    box.style.height = Math.max(160, d.labels.length * 30 + 70) + "px";
    // On a phone the unit names get a fixed share of the width and are shortened with "…";
    // the tooltip and the table below give the whole name.
    var narrow = box.clientWidth < 600;
    var maxChars = narrow ? 21 : 44;
    // "Medicine 7 North (HG)": shorten the unit's name, keep its site code.
    function shorten(label) {
      if (label.length <= maxChars) return label;
      var m = label.match(/^(.*)( \([^)]*\))$/);
      var name = m ? m[1] : label, code = m ? m[2] : "";
      return name.slice(0, Math.max(4, maxChars - code.length - 1)) + "…" + code;
    }
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
        maxBarThickness: 22,
        scales: {
          x: { stacked: true, max: 100, ticks: { callback: function (v) { return v + "%"; } } },
          y: {
            stacked: true,
            ticks: { autoSkip: false, callback: function (v) { return shorten(this.getLabelForValue(v)); } },
            afterFit: function (scale) { scale.width = Math.min(scale.width, box.clientWidth * (narrow ? 0.46 : 0.35)); }
          }
        },
        plugins: { legend: { position: "bottom" } },
        // A bar opens its unit; the table's links are the keyboard and screen-reader path.
        onClick: function (event, elements) {
          if (elements.length && d.urls) window.location.assign(d.urls[elements[0].index]);
        },
        onHover: function (event, elements) {
          event.native.target.style.cursor = elements.length ? "pointer" : "default";
        }
      }
    });
  }

  // A form that comes back with errors puts focus on its summary, which links to each field.
  function focusSummary() {
    var summary = document.querySelector(".error-summary") || document.querySelector(".confirm-summary");
    if (summary) summary.focus();
  }

  document.addEventListener("DOMContentLoaded", function () { idleTimer(); charts(); focusSummary(); });
})();
