// Counts the share of a course video actually played (seconds seen, not seeking) and reports it.
// Served as a file: the CSP allows no inline script. Without JavaScript the video still plays;
// the "Continue" button then says how much is left to watch.
(function () {
  "use strict";
  var video = document.querySelector("video[data-watch-url]");
  if (!video) return;
  var url = video.getAttribute("data-watch-url");
  var status = document.querySelector("[data-watched-status]");
  var minimum = parseInt(video.getAttribute("data-min-percent"), 10) || 90;
  var seen = {};  // whole seconds of the video that have played
  var reported = parseInt(video.getAttribute("data-watched"), 10) || 0;
  var last = null;
  var token = (document.body.getAttribute("hx-headers") || "").match(/"X-CSRFToken":\s*"([^"]+)"/);

  function percent() {
    if (!video.duration || !isFinite(video.duration)) return 0;
    var total = Math.ceil(video.duration);
    return Math.min(100, Math.floor(100 * Object.keys(seen).length / total));
  }

  function report(force) {
    var p = percent();
    if (p <= reported && !force) return;
    if (p > reported) reported = p;
    if (status) status.textContent = "Watched " + reported + "% (at least " + minimum + "% needed).";
    var body = new URLSearchParams();
    body.set("percent", String(reported));
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token[1] : "", "Content-Type": "application/x-www-form-urlencoded" },
      body: body.toString()
    });
  }

  video.addEventListener("timeupdate", function () {
    var t = video.currentTime;
    // Only time that plays on from where it was counts: a jump forward marks nothing.
    if (last !== null && t >= last && t - last < 1.5) {
      for (var s = Math.floor(last); s <= Math.floor(t); s++) seen[s] = true;
    }
    last = t;
    var p = percent();
    if (p >= reported + 5 || (p >= minimum && reported < minimum)) report(false);
  });
  video.addEventListener("seeking", function () { last = null; });
  video.addEventListener("pause", function () { report(false); });
  video.addEventListener("ended", function () { report(false); });
})();
