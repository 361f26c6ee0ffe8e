/* The live dialogue: follows the event's stream (server-sent events) and keeps the questions and polls
   current without reloading; posts questions, votes, answers and moderation without leaving the page. */
(function () {
  "use strict";
  var root = document.querySelector("[data-live]");
  if (!root) return;
  var mode = root.dataset.mode;
  var list = root.querySelector("[data-questions]");
  var template = root.querySelector("[data-question-template]");
  var polls = root.querySelector("[data-polls]");
  var feedback = root.querySelector("[data-feedback]");
  var connection = root.querySelector("[data-connection]");
  var empty = root.querySelector("[data-questions-empty]");
  var count = root.querySelector("[data-question-count]");
  var TAGS = { open: "tag-due", approved: "tag-info", answered: "tag-satisfied", hidden: "tag-overdue" };

  function say(text, isError) {
    if (!feedback) return;
    feedback.textContent = text || "";
    feedback.classList.toggle("is-error", !!isError);
  }

  function visible(q) {
    if (mode === "speaker") return q.status === "approved";
    if (mode === "moderator") return q.status !== "merged";
    return q.status === "open" || q.status === "approved" || q.status === "answered";
  }

  function order() {
    var items = Array.prototype.slice.call(list.children);
    items.sort(function (a, b) {
      var dv = Number(b.dataset.votes) - Number(a.dataset.votes);
      if (dv) return dv;
      return a.dataset.at < b.dataset.at ? -1 : a.dataset.at > b.dataset.at ? 1 : 0;
    });
    items.forEach(function (li) { list.appendChild(li); });
    if (empty) empty.hidden = list.children.length > 0;
    if (count) count.textContent = "(" + list.children.length + ")";
  }

  function buttons(li) {
    if (mode !== "moderator") return;
    var status = li.dataset.status;
    var show = {
      approve: status === "open" || status === "hidden",
      answered: status === "open" || status === "approved",
      hide: status !== "hidden",
      reopen: status === "answered" || status === "hidden",
    };
    li.querySelectorAll("[data-action]").forEach(function (b) {
      b.closest("form").hidden = !show[b.dataset.action];
    });
  }

  function slot(el, name) { return el.querySelector('[data-slot="' + name + '"]'); }

  function applyQuestion(q) {
    var li = list.querySelector('[data-question="' + q.id + '"]');
    if (li && Number(li.dataset.rev) >= q.rev) return;
    if (!visible(q)) {
      if (li) li.remove();
      order();
      return;
    }
    if (!li) {
      li = template.content.firstElementChild.cloneNode(true);
      li.dataset.question = q.id;
      li.querySelectorAll("form").forEach(function (f) {
        // getAttribute: a form's `action` property is shadowed by its input named "action".
        f.setAttribute("action", f.getAttribute("action").replace(/\/questions\/0\//, "/questions/" + q.id + "/"));
      });
      list.appendChild(li);
      li.classList.add("is-new");
    }
    li.dataset.rev = q.rev;
    li.dataset.votes = q.votes;
    li.dataset.status = q.status;
    li.dataset.at = q.at;
    slot(li, "text").textContent = q.text;
    slot(li, "author").textContent = q.author;
    slot(li, "votes").textContent = q.votes;
    var tag = slot(li, "status");
    tag.textContent = q.status_label;
    tag.className = "tag " + (TAGS[q.status] || "tag-due");
    buttons(li);
    order();
  }

  function pollResults(section, p) {
    p.options.forEach(function (o) {
      var row = section.querySelector('[data-option="' + o.id + '"]');
      if (!row) return;
      slot(row, "count").textContent = o.count;
      slot(row, "share").value = o.share;
    });
  }

  function buildPoll(p) {
    var section = document.createElement("section");
    section.className = "poll";
    section.dataset.poll = p.id;
    var h = document.createElement("h3");
    h.textContent = p.prompt + " ";
    var tag = document.createElement("span");
    tag.dataset.slot = "poll-status";
    h.appendChild(tag);
    section.appendChild(h);
    if (mode === "attendee" && p.status === "open") {
      var form = document.createElement("form");
      form.method = "post";
      form.setAttribute("action", root.dataset.pollUrl.replace(/\/polls\/0\//, "/polls/" + p.id + "/"));
      form.setAttribute("data-live-form", "");
      form.setAttribute("data-poll-form", "");
      var token = document.querySelector("[name=csrfmiddlewaretoken]");
      if (token) form.appendChild(token.cloneNode());
      p.options.forEach(function (o) {
        var label = document.createElement("label");
        label.className = "choice";
        var input = document.createElement("input");
        input.type = "radio";
        input.name = "option";
        input.value = o.id;
        input.required = true;
        label.appendChild(input);
        label.appendChild(document.createTextNode(" " + o.text));
        form.appendChild(label);
      });
      var button = document.createElement("button");
      button.type = "submit";
      button.textContent = "Answer";
      form.appendChild(button);
      section.appendChild(form);
    }
    var ul = document.createElement("ul");
    ul.className = "poll-results";
    p.options.forEach(function (o) {
      var li = document.createElement("li");
      li.dataset.option = o.id;
      var text = document.createElement("span");
      text.textContent = o.text + " ";
      var meter = document.createElement("meter");
      meter.min = 0; meter.max = 100; meter.dataset.slot = "share";
      var n = document.createElement("span");
      n.dataset.slot = "count";
      li.appendChild(text); li.appendChild(meter); li.appendChild(document.createTextNode(" ")); li.appendChild(n);
      ul.appendChild(li);
    });
    section.appendChild(ul);
    return section;
  }

  function applyPoll(p) {
    var section = polls && polls.querySelector('[data-poll="' + p.id + '"]');
    if (!polls) return;
    if (mode !== "moderator" && p.status === "draft") return;
    if (mode === "speaker" && p.status !== "open") {
      if (section) section.remove();
      return;
    }
    if (section && Number(section.dataset.rev) >= p.rev) return;
    if (!section || (mode === "moderator" && section.dataset.status !== p.status)) {
      if (mode === "moderator" && section) { window.location.reload(); return; }
      section = buildPoll(p);
      polls.insertBefore(section, polls.firstChild);
    }
    section.dataset.rev = p.rev;
    section.dataset.status = p.status;
    var tag = section.querySelector('[data-slot="poll-status"]');
    if (tag) {
      tag.textContent = p.status === "open" ? "Open" : p.status === "closed" ? "Closed" : "Ready";
      tag.className = "tag " + (p.status === "open" ? "tag-info" : "tag-satisfied");
    }
    if (p.status !== "open") {
      var form = section.querySelector("[data-poll-form]");
      if (form) form.remove();
    }
    pollResults(section, p);
  }

  list.querySelectorAll("[data-question]").forEach(buttons);

  var source = new EventSource(root.dataset.stream);
  source.addEventListener("open", function () { if (connection) connection.textContent = "Live"; });
  source.addEventListener("error", function () { if (connection) connection.textContent = "Reconnecting…"; });
  source.addEventListener("question", function (e) { applyQuestion(JSON.parse(e.data)); });
  source.addEventListener("poll", function (e) { applyPoll(JSON.parse(e.data)); });
  source.addEventListener("closed", function () {
    if (connection) connection.textContent = "Closed";
    var ask = root.querySelector("[data-ask-form]");
    if (ask) ask.remove();
  });

  root.addEventListener("focusin", function (e) {
    var select = e.target.closest("[data-merge-targets]");
    if (!select) return;
    var self = select.closest("[data-question]").dataset.question;
    var chosen = select.value;
    while (select.options.length > 1) select.remove(1);
    list.querySelectorAll("[data-question]").forEach(function (li) {
      if (li.dataset.question === self || li.dataset.status === "hidden") return;
      var text = slot(li, "text").textContent;
      select.add(new Option(text.length > 60 ? text.slice(0, 59) + "…" : text, li.dataset.question));
    });
    select.value = chosen;
  });

  root.addEventListener("submit", function (e) {
    var form = e.target.closest("[data-live-form]");
    if (!form) return;
    e.preventDefault();
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    fetch(form.getAttribute("action"), {
      method: "POST",
      body: new FormData(form),
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
    })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
      .then(function (answer) {
        if (!answer.ok) { say(answer.body.error || "That did not work: try again.", true); return; }
        say(answer.body.ok);
        if (form.hasAttribute("data-ask-form")) form.reset();
        if (form.hasAttribute("data-poll-form")) form.remove();
        if (form.classList.contains("poll-new")) window.location.reload();
        if (form.hasAttribute("data-vote-form")) {
          var up = form.querySelector("[name=up]");
          var voted = answer.body.voted;
          up.value = voted ? "0" : "1";
          button.classList.toggle("voted", voted);
          button.setAttribute("aria-pressed", voted ? "true" : "false");
        }
      })
      .catch(function () { say("No connection: your last action was not sent.", true); })
      .finally(function () { if (button) button.disabled = false; });
  });
})();
