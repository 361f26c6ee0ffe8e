/* Time counted by the server while watching: a heartbeat every N seconds while the video plays (or,
   for a recording that plays elsewhere, while the person says they are watching; on the live page,
   while it is open). The server adds only its own time since the previous beat; this script sends
   no totals. "start" begins the count, "pause" ends it. */
(function () {
  "use strict";
  var box = document.querySelector("[data-presence]");
  if (!box) return;
  var url = box.dataset.beatUrl;
  var every = Number(box.dataset.every || 30) * 1000;
  var status = box.querySelector("[data-presence-status]");
  var toggle = box.querySelector("[data-presence-toggle]");
  var video = box.hasAttribute("data-video") ? document.querySelector("[data-watch-video]") : null;
  var token = document.querySelector("[name=csrfmiddlewaretoken]");
  var csrf = token ? token.value : (document.cookie.match(/csrftoken=([^;]+)/) || [])[1] || "";
  var timer = null;

  function say(text, isError) {
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("is-error", !!isError);
  }

  function beat(state) {
    var body = new FormData();
    body.append("state", state);
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", "X-CSRFToken": csrf },
    })
      .then(function (r) { return r.json().then(function (b) { return { ok: r.ok, body: b }; }); })
      .then(function (a) {
        if (!a.ok) { say(a.body.error || "Time is not being counted just now.", true); stop(false); return; }
        var m = a.body.counted_minutes;
        if (m === 0) { say("Counting: under a minute counted toward credit so far."); return; }
        say(m + " minute" + (m === 1 ? "" : "s") + " counted toward credit" +
            (a.body.capped ? " (all of it)." : "."));
      })
      .catch(function () { say("Offline: the time is not counted until the connection is back.", true); });
  }

  function start() {
    if (timer) return;
    beat("start");
    timer = window.setInterval(function () { beat("tick"); }, every);
    if (toggle) { toggle.setAttribute("aria-pressed", "true"); toggle.textContent = "I have stopped watching"; }
  }

  function stop(send) {
    if (!timer) return;
    window.clearInterval(timer);
    timer = null;
    if (send) beat("pause");
    if (toggle) { toggle.setAttribute("aria-pressed", "false"); toggle.textContent = "I am watching now"; }
  }

  if (video) {
    video.addEventListener("play", start);
    video.addEventListener("pause", function () { stop(true); });
    video.addEventListener("ended", function () { stop(true); });
  } else if (toggle) {
    toggle.addEventListener("click", function () { if (timer) stop(true); else start(); });
  } else {
    start(); // the live page: counted while it is open
  }
  window.addEventListener("pagehide", function () {
    if (!timer) return;
    var body = new FormData();
    body.append("state", "pause");
    body.append("csrfmiddlewaretoken", csrf);
    if (navigator.sendBeacon) navigator.sendBeacon(url, body);
  });
})();
