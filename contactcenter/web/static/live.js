// Live view of calls, queues and nurses, fed by the /api/v1/live WebSocket.
"use strict";
const STATE_SV = { ivr: "röstsvar", queued: "i kö", offered: "ringer hos ssk", connected: "i samtal",
  abandoned: "avbrutet i kö", ended: "avslutat", ready: "redo", ringing: "ringer", offered: "ringer", paused: "paus", on_call: "i samtal",
  wrap_up: "efterarbete", logged_out: "utloggad" };
const SOURCE_SV = { municipality: "kommun (nät)", area_code: "riktnummer", ivr: "knappval",
  abroad: "utland", relay: "förmedlingstjänst", unknown: "okänd" };
let snapshot = null, serverSkewMs = 0;

function el(tag, text, cls) { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; }
function since(iso) { if (!iso) return ""; const s = Math.max(0, Math.round((Date.now() + serverSkewMs - Date.parse(iso)) / 1000));
  const m = Math.floor(s / 60); return m ? `${m} min ${s % 60} s` : `${s} s`; }
function secs(v) { if (v === null || v === undefined) return ""; const s = Math.round(v); const m = Math.floor(s / 60); return m ? `${m} min ${s % 60} s` : `${s} s`; }
function fill(id, rows, empty) {
  const tbody = document.querySelector(`#${id} tbody`); tbody.replaceChildren();
  if (!rows.length) { const tr = el("tr", undefined, "empty"); const td = el("td", empty); td.colSpan = 9; tr.append(td); tbody.append(tr); return; }
  for (const cells of rows) { const tr = el("tr"); for (const c of cells) tr.append(c); tbody.append(tr); }
}
function td(text, cls) { return el("td", text, cls); }

function render() {
  if (!snapshot) return;
  const s = snapshot;
  document.getElementById("ari").textContent = s.ari_connected ? "växel ansluten" : "växel frånkopplad";
  document.getElementById("ari").className = "pill " + (s.ari_connected ? "on" : "off");
  const waiting = s.queues.reduce((a, q) => a + q.waiting, 0);
  document.getElementById("t-waiting").textContent = waiting;
  document.getElementById("t-connected").textContent = s.calls.filter(c => c.state === "connected").length;
  document.getElementById("t-ready").textContent = s.agents.filter(a => a.state === "ready").length;
  document.getElementById("t-answered").textContent = s.totals.answered;
  document.getElementById("t-abandoned").textContent = s.totals.abandoned;
  fill("queues", s.queues.map(q => [td(q.name), td(q.waiting, "n"), td(q.oldest_arrival ? since(q.oldest_arrival) : "", "n"),
    td(q.nurses_ready, "n"), td(q.nurses_logged_in, "n")]), "Inga köer");
  fill("calls", s.calls.map(c => [td(c.call_id.slice(0, 8)), td("caller_number" in c ? (c.caller_number || "dolt") : "–"), td(c.region_name || c.region || ""),
    td(SOURCE_SV[c.region_source] || ""), td(STATE_SV[c.state] || c.state, "state-" + c.state), td(c.nurse_name || ""),
    td(since(c.arrived_at), "n")]), "Inga pågående samtal");
  fill("agents", s.agents.map(a => [td(a.display_name), td(a.region_name || a.region), td(STATE_SV[a.state] || a.state, "state-" + a.state),
    td(since(a.since), "n"), td(a.call_id ? a.call_id.slice(0, 8) : "")]), "Inga sjuksköterskor");
  fill("recent", s.recent.map(c => [td(c.call_id.slice(0, 8)), td(c.region_name || c.region || ""), td(STATE_SV[c.state] || c.state, "state-" + c.state),
    td(secs(c.wait_seconds), "n"), td(c.end_cause || "")]), "Inga avslutade samtal ännu");
}

function connect(delay) {
  const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/api/v1/live");
  const feed = document.getElementById("feed");
  ws.onopen = () => { feed.textContent = "live"; feed.className = "pill on"; delay = 500; };
  ws.onmessage = (m) => { snapshot = JSON.parse(m.data); if (snapshot.server_time) serverSkewMs = Date.parse(snapshot.server_time) - Date.now(); render(); };
  ws.onclose = () => { feed.textContent = "frånkopplad"; feed.className = "pill off"; setTimeout(() => connect(Math.min(delay * 2, 10000)), delay); };
}

fetch("/api/v1/auth/whoami").then(r => r.ok ? r.json() : null).then(w => {
  if (w) document.getElementById("who").textContent = w.display_name || w.username || "";
});
setInterval(render, 1000);
connect(500);
