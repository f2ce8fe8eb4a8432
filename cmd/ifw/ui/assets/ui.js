// ifw ui: live updates and countdowns. The pages work without it.
"use strict";
(function () {
  const body = document.body;

  // Remaining times count down from data-until.
  function fmt(sec) {
    if (sec <= 0) return "ended";
    const d = Math.floor(sec / 86400), h = Math.floor(sec % 86400 / 3600),
      m = Math.floor(sec % 3600 / 60), s = Math.floor(sec % 60);
    if (d > 0) return d + "d " + h + "h";
    if (h > 0) return h + "h " + m + "m";
    if (m > 0) return m + "m " + s + "s";
    return s + "s";
  }
  function tick() {
    const now = Date.now();
    for (const td of document.querySelectorAll("td.remaining[data-until]")) {
      const until = Date.parse(td.dataset.until);
      if (!isNaN(until)) td.textContent = fmt((until - now) / 1000);
    }
  }
  tick();
  setInterval(tick, 1000);

  // A fragment of the page (its #live part) fetched again; the scopes
  // chosen in the questions stay.
  let fetching = null, deferred = false;
  function refresh() {
    const live = document.getElementById("live");
    if (!live) return;
    // Not under the user's fingers: a field being edited (a rule's line,
    // a duration) waits until the user leaves it.
    const el = document.activeElement;
    if (el && live.contains(el) && el.matches("input, select, textarea")) {
      if (!deferred) {
        deferred = true;
        el.addEventListener("blur", function () { deferred = false; refresh(); }, { once: true });
      }
      return;
    }
    if (fetching) fetching.abort();
    fetching = new AbortController();
    const u = new URL(location.href);
    u.searchParams.set("fragment", "1");
    fetch(u, { credentials: "same-origin", signal: fetching.signal })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
      .then(function (html) {
        const kept = {};
        for (const sel of live.querySelectorAll("tr[data-id] select")) {
          kept[sel.closest("tr").dataset.id + " " + sel.name] = sel.value;
        }
        live.innerHTML = html;
        for (const sel of live.querySelectorAll("tr[data-id] select")) {
          const v = kept[sel.closest("tr").dataset.id + " " + sel.name];
          if (v !== undefined) sel.value = v;
        }
        tick();
      })
      .catch(function () {});
  }

  // Enter in a row's duration field means Block… (the form's first
  // button, which Enter would press, is Block 1 h).
  document.addEventListener("keydown", function (e) {
    const t = e.target;
    if (e.key !== "Enter" || !t.matches || !t.matches("tr.alert input[name=for]")) return;
    e.preventDefault();
    const b = t.form && t.form.querySelector('button[data-action="block-for"]');
    if (b) b.click();
  });

  // The Log's newest alert, seen while the page is in view, is marked
  // seen in the daemon (the tray icon stops asking for attention).
  let seenUpTo = 0;
  function markSeen() {
    const table = document.getElementById("alerts");
    if (!table || table.dataset.paged === "on" || document.visibilityState !== "visible") return;
    const top = table.querySelector("tbody tr.alert[data-id]");
    const csrf = document.querySelector('input[name="csrf"]');
    if (!top || !csrf) return;
    const id = Number(top.dataset.id);
    if (!(id > seenUpTo)) return;
    seenUpTo = id;
    fetch("/log/seen", { method: "POST", credentials: "same-origin",
      body: new URLSearchParams({ csrf: csrf.value, up_to: String(id) }) }).catch(function () {});
  }
  document.addEventListener("visibilitychange", markSeen);

  // A new alert goes on top of the Log's first page.
  function addAlert(html) {
    const table = document.getElementById("alerts");
    if (!table || table.dataset.paged === "on") return;
    const tpl = document.createElement("template");
    tpl.innerHTML = html.trim();
    const row = tpl.content.firstElementChild;
    if (!row || Number(row.dataset.level) < Number(table.dataset.min || 0)) return;
    const tbody = table.tBodies[0];
    if (tbody.querySelector('tr.alert[data-id="' + row.dataset.id + '"]')) return;
    row.classList.add("fresh");
    tbody.insertBefore(row, tbody.firstChild);
    const empty = document.querySelector("#live p.empty");
    if (empty) empty.remove();
    markSeen();
  }

  // The daemon's events, through the ui: /events answers once the
  // daemon's stream is connected. A stream that failed for good (the
  // daemon was down) is opened again after a while; once it is back,
  // the page's lists are fetched again.
  const kinds = (body.dataset.kinds || "").split(" ").filter(Boolean);
  let es = null, lost = false;
  function connect() {
    es = new EventSource("/events");
    es.addEventListener("open", function () {
      body.dataset.live = "on";
      if (lost) { lost = false; refresh(); }
    });
    es.addEventListener("error", function () {
      body.dataset.live = "off";
      lost = true;
      if (es.readyState === EventSource.CLOSED) setTimeout(connect, 5000);
    });
    es.addEventListener("alert", function (e) { addAlert(e.data); });
    es.addEventListener("changed", function (e) {
      if (kinds.indexOf(e.data) >= 0 || e.data === "all") refresh();
    });
  }
  connect();
  window.addEventListener("pagehide", function () { if (es) es.close(); });
})();
