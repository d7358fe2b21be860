// The wallboard (väggtavla), fed by the /api/v1/wallboard/live WebSocket; its controls post
// to the queue context's supervisor routes, each with a required "Varför" and a confirmation.
"use strict";
const STATE_SV = { ready: "redo", offered: "ringer", on_call: "i samtal", wrap_up: "efterarbete",
  paused: "paus", logged_out: "utloggad" };
const KIND_SV = { common: "Nationell samverkanskö", night_pool: "Nattsamverkan", overflow: "Grannsamverkan" };
const FORCED_SV = { schedule: "schema", open: "tvingat öppet av arbetsledare", closed: "tvingat stängt av arbetsledare" };
const LEVEL_SV = { amber: "gul nivå", red: "röd nivå" };
const ERRORS_SV = { forbidden: "Du har inte behörighet att göra den ändringen.",
  invalid_why: "Skriv varför ändringen görs.", call_not_found: "Samtalet väntar inte längre.",
  agent_not_found: "Sjuksköterskan finns inte (längre).", redirect_not_found: "Omdirigeringen finns inte längre.",
  mode_not_found: "Samverkansläget finns inte.", rejected: "Ändringen gick inte att göra just nu.",
  invalid_transition: "Sjuksköterskan kan inte byta till det läget nu.", unauthenticated: "Du är utloggad. Logga in igen." };
let board = null, skewMs = 0;

function el(tag, text, cls) { const e = document.createElement(tag); if (text !== undefined && text !== null) e.textContent = text; if (cls) e.className = cls; return e; }
function secs(v) { if (v === null || v === undefined) return "–"; const s = Math.max(0, Math.round(v)); const m = Math.floor(s / 60);
  const h = Math.floor(m / 60); return h ? `${h} h ${m % 60} min` : m ? `${m} min ${s % 60} s` : `${s} s`; }
function since(iso) { return iso ? secs((Date.now() + skewMs - Date.parse(iso)) / 1000) : "–"; }
function pct(v) { return v === null || v === undefined ? "–" : `${Math.round(v * 100)} %`; }
function clock(iso) { return new Date(iso).toLocaleString("sv-SE", { timeZone: "Europe/Stockholm", dateStyle: "short", timeStyle: "short" }); }
function region(code) { return (board && board.regions[code]) || (code ? `region ${code}` : "utan region"); }
function regions(list) { return list.length > 4 ? `${list.length} regioner` : list.map(region).join(", "); }
function button(text, label, onClick) { const b = el("button", text); b.type = "button"; if (label) b.setAttribute("aria-label", label); b.addEventListener("click", onClick); return b; }
function cell(content, cls) { const td = el("td", undefined, cls); if (content instanceof Node) td.append(content); else td.textContent = content; return td; }
function levelled(text, level) {
  const td = el("td", text, "n" + (LEVEL_SV[level] ? " lvl-" + level : ""));
  if (LEVEL_SV[level]) td.append(el("span", " " + LEVEL_SV[level], "lvl"));
  return td;
}
function fill(id, rows, empty) {
  const tbody = document.querySelector(`#${id} tbody`); tbody.replaceChildren();
  if (!rows.length) { const tr = el("tr", undefined, "empty"); const td = el("td", empty); td.colSpan = 16; tr.append(td); tbody.append(tr); return; }
  for (const cells of rows) { const tr = el("tr"); tr.append(...cells); tbody.append(tr); }
}
function controls() { return board && board.viewer.supervisor; }

function queueRow(q) {
  const lv = q.levels, t = q.today, i = q.interval;
  const name = el("th", q.name); name.scope = "row";
  const open = q.open === undefined ? "–" : (q.open ? "öppen" : "stängd");
  return [name, cell(open), levelled(q.waiting, lv.waiting), levelled(secs(q.longest_wait_seconds), lv.longest_wait_seconds),
    levelled(secs(q.predicted_wait_seconds), lv.predicted_wait_seconds), levelled(q.callbacks_pending, lv.callbacks_pending),
    cell(t.offered, "n"), cell(t.answered, "n"), cell(t.abandoned, "n"), levelled(pct(t.service_level), lv.service_level),
    levelled(pct(t.service_level_2), lv.service_level_2),
    cell(i.offered, "n"), cell(i.answered, "n"), cell(i.abandoned, "n"), cell(pct(i.service_level), "n"), cell(pct(i.service_level_2), "n")];
}

function modeName(m) { return KIND_SV[m.kind] || m.kind; }
function modeRow(m) {
  const change = controls() && board.viewer.national
    ? button("Ändra", `Ändra ${modeName(m)} (${regions(m.regions)})`, () => modeControl(m)) : "–";
  return [cell(modeName(m)), cell(regions(m.regions)), cell(m.open ? "öppet" : "stängt"), cell(FORCED_SV[m.forced] || m.forced), cell(change)];
}

// Times in a state grow every second without rebuilding the tables (a rebuilt row would take
// the keyboard focus away from its button).
function ticking(td, iso, waited) { if (iso) td.dataset.since = iso; else td.dataset.waited = waited; return td; }
function tick() {
  if (!board) return;
  for (const td of document.querySelectorAll("[data-since]")) td.textContent = since(td.dataset.since);
  for (const td of document.querySelectorAll("[data-waited]")) td.textContent = secs(Number(td.dataset.waited) + board._age() / 1000);
}
function render() {
  if (!board) return;
  const focused = document.activeElement && document.activeElement.closest("main") ? document.activeElement.getAttribute("aria-label") : null;
  renderTables();
  if (focused) { const again = [...document.querySelectorAll("main button")].find(e => e.getAttribute("aria-label") === focused); if (again) again.focus(); }
}
function renderTables() {
  const b = board;
  document.getElementById("sl-seconds").textContent = b.service_level_seconds;
  const crisis = b.crisis.national ? "Krisläge för hela landet är på."
    : b.crisis.regions.length ? `Krisläge är på för ${b.crisis.regions.map(region).join(", ")}.` : "Inget krisläge.";
  document.getElementById("crisis-text").textContent = crisis;
  fill("queues", b.queues.map(queueRow), "Inga köer");
  fill("modes", b.modes.map(modeRow), "Inga samverkanslägen");
  fill("redirects", b.redirects.map(r => [cell(region(r.from_region)), cell(region(r.to_region)), cell(clock(r.start)), cell(clock(r.end)),
    cell(r.active ? "ja" : "nej"), cell(controls() ? button("Avsluta", `Avsluta omdirigeringen från ${region(r.from_region)} till ${region(r.to_region)}`, () => endRedirect(r)) : "–")]),
    "Inga omdirigeringar");
  document.getElementById("waiting-section").hidden = !controls();
  fill("waiting", b.waiting_calls.map((c, n) => [cell(`Samtal ${n + 1}${c.callback ? " (återuppringning)" : ""}`), cell(region(c.region)),
    cell(region(c.queue)), ticking(cell(secs(c.waited_seconds), "n"), null, c.waited_seconds), cell(c.priority, "n"),
    cell(button("Ändra prioritet", `Ändra prioritet för samtal ${n + 1} (${region(c.region)})`, () => priorityControl(c, n + 1)))]), "Inga väntande samtal");
  const counts = {};
  for (const n of b.nurses) counts[n.state] = (counts[n.state] || 0) + 1;
  document.getElementById("nurse-counts").textContent = Object.keys(STATE_SV).filter(s => counts[s])
    .map(s => `${STATE_SV[s]}: ${counts[s]}`).join(" · ") || "Inga sjuksköterskor";
  fill("nurses", b.nurses.map(n => [cell(n.display_name), cell(region(n.region)), cell(STATE_SV[n.state] || n.state, "state-" + n.state),
    ticking(cell(since(n.since), "n"), n.since), cell(n.pause_reason ? n.pause_reason + (n.paused_by_supervisor ? " (av arbetsledare)" : "") : "–"),
    cell(n.phase ? n.phase.phase_name : "–"), n.phase ? ticking(cell(since(n.phase.phase_since), "n"), n.phase.phase_since) : cell("–", "n"),
    cell(nurseButtons(n))]),
    "Inga sjuksköterskor");
  renderCharts();
  fill("ledger", b.ledger.map(l => [cell(region(l.for_region)), cell(region(l.by_region)), cell(l.answered, "n")]),
    "Inga samtal besvarade mellan regioner idag");
}

// -- charts: inline SVG, today's line solid and the comparison dashed --------------------------
const SVG = "http://www.w3.org/2000/svg", W = 480, H = 150, LEFT = 42, RIGHT = 18;
function svgEl(tag, attrs, text) { const e = document.createElementNS(SVG, tag); for (const k in attrs) e.setAttribute(k, attrs[k]); if (text !== undefined) e.textContent = text; return e; }
function upToNow(series, values) { const now = Date.now() + skewMs; return values.map((v, i) => Date.parse(series.start[i]) <= now ? v : null); }
function chart(id, lines, max, label, summary) {
  const svg = document.getElementById(id); svg.replaceChildren();
  const top = max > 0 ? max : 1, n = Math.max(...lines.map(l => l.values.length), 2);
  const x = i => LEFT + (i / (n - 1)) * (W - LEFT - RIGHT), y = v => 8 + (1 - v / top) * (H - 16);
  svg.append(svgEl("line", { x1: LEFT, y1: y(0), x2: W - RIGHT, y2: y(0), class: "axis" }), svgEl("line", { x1: LEFT, y1: y(top), x2: W - RIGHT, y2: y(top), class: "axis" }),
    svgEl("text", { x: LEFT - 4, y: y(top) + 4, "text-anchor": "end" }, label(top)), svgEl("text", { x: LEFT - 4, y: y(0) + 4, "text-anchor": "end" }, label(0)));
  for (const hour of [0, 6, 12, 18, 24]) svg.append(svgEl("text", { x: x(Math.min(n - 1, hour * 4)), y: H + 16, "text-anchor": "middle" }, `${String(hour).padStart(2, "0")}:00`));
  for (const line of lines) {
    let points = [];
    const flush = () => { if (points.length) svg.append(svgEl("polyline", { points: points.join(" "), class: line.cls })); points = []; };
    line.values.forEach((v, i) => { if (v === null || v === undefined) flush(); else points.push(`${x(i).toFixed(1)},${y(v).toFixed(1)}`); });
    flush();
  }
  document.getElementById(id + "-sum").textContent = summary;
}
function sum(values) { return values.reduce((a, v) => a + (v || 0), 0); }
function renderCharts() {
  const c = board.charts; if (!c) return;
  for (const [id, key] of [["c-offered", "offered"], ["c-answered", "answered"]]) {
    const today = upToNow(c.today, c.today[key]), then = c.last_week[key];
    chart(id, [{ values: then, cls: "then" }, { values: today, cls: "now" }], Math.max(...today.map(v => v || 0), ...then, 1), v => String(Math.round(v)),
      `Idag hittills ${sum(today)}, samma veckodag förra veckan ${sum(then)} under hela dagen.`);
  }
  const sl = upToNow(c.today, c.today.service_level), sl2 = upToNow(c.today, c.today.service_level_2);
  const last = (values) => { const known = values.filter(v => v !== null); return known.length ? pct(known[known.length - 1]) : "inga besvarade ännu"; };
  chart("c-sl", [{ values: sl2, cls: "then" }, { values: sl, cls: "now" }], 1, v => `${Math.round(v * 100)} %`,
    `Senaste kvarten med samtal: SL ${last(sl)}, SL2 ${last(sl2)}.`);
}

function nurseButtons(n) {
  if (!controls() || n.state === "logged_out") return "–";
  const span = el("span", undefined, "actions");
  if (n.state !== "paused") span.append(button("Tvinga paus", `Tvinga paus för ${n.display_name}`, () => pauseControl(n)));
  span.append(button("Logga ut", `Logga ut ${n.display_name}`, () => logoutControl(n)));
  return span;
}

function renderControls() {
  const crisis = document.getElementById("crisis-controls"), redirect = document.getElementById("redirect-controls");
  crisis.replaceChildren(); redirect.replaceChildren();
  if (!controls()) return;
  crisis.append(button("Ändra krisläge", null, crisisControl));
  redirect.append(button("Ny omdirigering", null, redirectControl));
}
function ownRegions() { return Object.keys(board.regions).filter(c => /^\d\d$/.test(c) && (board.viewer.national || board.viewer.regions.includes(c))); }
function options(pairs) { return pairs.map(([value, text]) => ({ value, text })); }

// -- the control dialog: fields, "Varför", a confirmation step, then the request ---------------
const dialog = document.getElementById("control"), form = document.getElementById("control-form");
let current = null, confirming = false;

function field(f) {
  const wrap = el("div", undefined, "field"), label = el("label", f.label); label.htmlFor = "cf-" + f.id;
  let input;
  if (f.options) { input = el("select"); for (const o of f.options) { const opt = el("option", o.text); opt.value = o.value; input.append(opt); } }
  else { input = el("input"); input.type = f.type || "text"; if (f.min !== undefined) input.min = f.min; if (f.max !== undefined) input.max = f.max; }
  input.id = "cf-" + f.id; if (f.value !== undefined) input.value = f.value;
  wrap.append(label, input); return wrap;
}
function values() { const out = {}; for (const f of current.fields) out[f.id] = document.getElementById("cf-" + f.id).value; return out; }
function step(confirm) {
  confirming = confirm;
  document.getElementById("control-confirm").hidden = !confirm;
  document.getElementById("control-back").hidden = !confirm;
  document.getElementById("control-next").textContent = confirm ? "Bekräfta" : "Fortsätt";
  for (const e of form.querySelectorAll("#control-fields select, #control-fields input, #control-why")) e.disabled = confirm;
}
function openControl(spec) {
  current = spec;
  document.getElementById("control-title").textContent = spec.title;
  document.getElementById("control-what").textContent = spec.what;
  document.getElementById("control-fields").replaceChildren(...spec.fields.map(field));
  document.getElementById("control-why").value = "";
  document.getElementById("control-why-error").hidden = true;
  document.getElementById("control-error").hidden = true;
  step(false);
  dialog.showModal();
  (form.querySelector("#control-fields select, #control-fields input") || document.getElementById("control-why")).focus();
}
form.addEventListener("submit", async (e) => {
  e.preventDefault();
  const why = document.getElementById("control-why").value.trim();
  const whyError = document.getElementById("control-why-error");
  if (!why) { whyError.hidden = false; document.getElementById("control-why").setAttribute("aria-invalid", "true"); document.getElementById("control-why").focus(); return; }
  whyError.hidden = true; document.getElementById("control-why").removeAttribute("aria-invalid");
  if (!confirming) {
    document.getElementById("control-summary").textContent = `${current.summary(values())} Varför: ”${why}”. Bekräfta ändringen?`;
    step(true); document.getElementById("control-next").focus(); return;
  }
  const { method, path, body } = current.send(values());
  const error = document.getElementById("control-error");
  try {
    const resp = await fetch(path, { method, headers: { "Content-Type": "application/json" }, body: JSON.stringify({ ...body, why }) });
    if (!resp.ok) { const err = await resp.json().catch(() => ({})); error.textContent = ERRORS_SV[err.error_id] || "Ändringen gick inte igenom."; error.hidden = false; return; }
  } catch (_) { error.textContent = "Ingen kontakt med tjänsten. Försök igen."; error.hidden = false; return; }
  dialog.close();
  notice(`Ändrat: ${current.summary(values())}`);
});
document.getElementById("control-back").addEventListener("click", () => { step(false); document.getElementById("control-why").focus(); });
document.getElementById("control-cancel").addEventListener("click", () => dialog.close());
function notice(text) { const n = document.getElementById("notice"); n.textContent = text; n.hidden = false; }

const MODE_STATES = options([["open", "Öppet"], ["closed", "Stängt"], ["schedule", "Följ schema"]]);
const MODE_SV = { open: "tvingas öppet", closed: "tvingas stängt", schedule: "följer sitt schema" };
function modeControl(m) {
  openControl({ title: `Ändra ${modeName(m)}`, what: `${modeName(m)} för ${regions(m.regions)} är ${m.open ? "öppet" : "stängt"} (${FORCED_SV[m.forced]}).`,
    fields: [{ id: "state", label: "Nytt läge", options: MODE_STATES, value: m.forced }],
    summary: v => `${modeName(m)} (${regions(m.regions)}) ${MODE_SV[v.state]}.`,
    send: v => ({ method: "POST", path: `/api/v1/supervisor/modes/${encodeURIComponent(m.id)}`,
      body: { open: v.state === "schedule" ? null : v.state === "open" } }) });
}
function crisisControl() {
  const where = [...(board.viewer.national ? [["", "Hela landet"]] : []), ...ownRegions().map(c => [c, region(c)])];
  openControl({ title: "Ändra krisläge", what: document.getElementById("crisis-text").textContent
      + " I krisläge går nya samtal till den nationella kön och hör krismeddelandet.",
    fields: [{ id: "region", label: "Gäller", options: options(where) }, { id: "on", label: "Krisläge", options: options([["on", "På"], ["off", "Av"]]) }],
    summary: v => `Krisläge ${v.on === "on" ? "på" : "av"} för ${v.region ? region(v.region) : "hela landet"}.`,
    send: v => ({ method: "POST", path: "/api/v1/supervisor/crisis", body: { region: v.region || null, on: v.on === "on" } }) });
}
function redirectControl() {
  const all = Object.keys(board.regions).filter(c => /^\d\d$/.test(c)).map(c => [c, region(c)]);
  openControl({ title: "Ny omdirigering", what: "Låt en annan regions sjuksköterskor ta emot en regions samtal under en tid.",
    fields: [{ id: "from", label: "Samtal från", options: options(ownRegions().map(c => [c, region(c)])) },
      { id: "to", label: "Tas emot av", options: options(all) },
      { id: "minutes", label: "Hur länge (minuter)", type: "number", min: 1, max: 1440, value: 60 }],
    summary: v => `${region(v.to)} tar emot samtal från ${region(v.from)} i ${v.minutes} minuter från nu.`,
    send: v => { const start = new Date(); const end = new Date(start.getTime() + Math.max(1, Number(v.minutes) || 60) * 60000);
      return { method: "POST", path: "/api/v1/supervisor/redirects", body: { id: `tavla-${v.from}-${start.getTime()}`,
        from_region: v.from, to_region: v.to, start: start.toISOString(), end: end.toISOString() } }; } });
}
function endRedirect(r) {
  openControl({ title: "Avsluta omdirigering", what: `${region(r.to_region)} tar emot samtal från ${region(r.from_region)} till ${clock(r.end)}.`,
    fields: [], summary: () => `Omdirigeringen från ${region(r.from_region)} till ${region(r.to_region)} avslutas nu.`,
    send: () => ({ method: "DELETE", path: `/api/v1/supervisor/redirects/${encodeURIComponent(r.id)}`, body: {} }) });
}
function priorityControl(c, n) {
  openControl({ title: `Ändra prioritet för samtal ${n}`, what: `Samtal ${n} från ${region(c.region)} har prioritet ${c.priority} (lägre besvaras tidigare).`,
    fields: [{ id: "priority", label: "Ny prioritet (−9 till 9)", type: "number", min: -9, max: 9, value: c.priority }],
    summary: v => `Samtal ${n} får prioritet ${v.priority}.`,
    send: v => ({ method: "POST", path: `/api/v1/supervisor/calls/${encodeURIComponent(c.call_id)}/priority`, body: { priority: Number(v.priority) } }) });
}
function pauseControl(n) {
  openControl({ title: `Tvinga paus för ${n.display_name}`, what: `${n.display_name} är ${STATE_SV[n.state]}. Pausen börjar efter pågående samtal och efterarbete.`,
    fields: [{ id: "reason", label: "Pausorsak", options: options(Object.entries(board.pause_reasons)) }],
    summary: v => `${n.display_name} pausas (${board.pause_reasons[v.reason] || v.reason}).`,
    send: v => ({ method: "POST", path: `/api/v1/supervisor/agents/${encodeURIComponent(n.nurse_id)}/force-pause`, body: { reason: v.reason } }) });
}
function logoutControl(n) {
  openControl({ title: `Logga ut ${n.display_name}`, what: `${n.display_name} är ${STATE_SV[n.state]}. Utloggningen sker efter pågående samtal och efterarbete.`,
    fields: [], summary: () => `${n.display_name} loggas ut.`,
    send: () => ({ method: "POST", path: `/api/v1/supervisor/agents/${encodeURIComponent(n.nurse_id)}/force-logout`, body: {} }) });
}

function connect(delay) {
  const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/api/v1/wallboard/live");
  const feed = document.getElementById("feed");
  ws.onopen = () => { feed.textContent = "live"; feed.className = "pill on"; delay = 500; };
  ws.onmessage = (m) => {
    const first = board === null; board = JSON.parse(m.data); const received = Date.now();
    board._age = () => Date.now() - received;
    if (board.server_time) skewMs = Date.parse(board.server_time) - received;
    if (first) renderControls();
    render();
  };
  ws.onclose = () => { feed.textContent = "frånkopplad"; feed.className = "pill off"; setTimeout(() => connect(Math.min(delay * 2, 10000)), delay); };
}
fetch("/api/v1/auth/whoami").then(r => r.ok ? r.json() : null).then(w => { if (w) document.getElementById("who").textContent = w.display_name || w.username || ""; });
setInterval(tick, 1000);
connect(500);
