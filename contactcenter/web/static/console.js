// The nurse console: a thin view of /api/v1/console. The server holds the call work and
// pushes the whole view over /api/v1/console/events; this page renders it, sends the
// nurse's actions, and autosaves her text (queued while the connection is down).
"use strict";
const API = "/api/v1/console";
const PHASES = ["oppna", "lyssna", "bedoma", "atgard", "avsluta"];
const STATE_SV = { logged_out: "utloggad", ready: "redo", offered: "samtal ringer", on_call: "i samtal",
  wrap_up: "efterarbete", paused: "paus" };
const STATUS_SV = { offered: "ringer", on_call: "i samtal", caller_gone: "samtalet avslutat", closed: "avslutat" };
const CAUSE_SV = { caller_hangup: "den som ringde lade på", nurse_hangup: "du lade på",
  system_error: "tekniskt fel", lost_during_restart: "avbrutet vid omstart" };
const OUTCOME_SV = { signerad: "signerad", closed: "avslutat", caller_gone: "avslutat, ej signerat",
  on_call: "pågår", offered: "ringde", ended: "avslutat", abandoned: "lade på i kön",
  connected: "pågår", queued: "i kö", callback_waiting: "väntar på återuppringning" };
let view = null, codes = null, skewMs = 0, socket = null, online = false;
let guideline = null, ticked = new Set();
let pending = {}, saving = false, saveTimer = null, conflictDraft = null;
let shownWorkId = null, draftBase = 0;

const $ = (id) => document.getElementById(id);
function el(tag, text, cls) { const e = document.createElement(tag); if (text !== undefined && text !== null) e.textContent = text; if (cls) e.className = cls; return e; }
function clock(seconds) { const s = Math.max(0, Math.floor(seconds)); const m = Math.floor(s / 60);
  return `${m}:${String(s % 60).padStart(2, "0")}`; }
function since(iso) { return iso ? (Date.now() + skewMs - Date.parse(iso)) / 1000 : 0; }
function label(list, code) { return (codes && codes[list] && codes[list][code]) || (code ? "okänd kod" : ""); }
function showError(text) { const e = $("error"); e.textContent = text; e.hidden = !text; }

async function call(method, path, body) {
  const opts = { method, headers: {} };
  if (body !== undefined) { opts.headers["Content-Type"] = "application/json"; opts.body = JSON.stringify(body); }
  let resp;
  try { resp = await fetch(API + path, opts); }
  catch (e) { showError("Ingen kontakt med tjänsten. Det du skriver sparas när kontakten är tillbaka."); throw e; }
  showError("");  // the service answered (whatever it said, there is contact)
  if (resp.status === 401) { location.href = "/login?next=/console"; throw new Error("unauthenticated"); }
  const data = await resp.json().catch(() => ({}));
  if (!resp.ok) { const err = new Error(data.message || "fel"); err.status = resp.status; err.body = data; throw err; }
  return data;
}
function act(method, path, body) {
  return call(method, path, body).then((v) => { if (v && v.nurse) apply(v); return v; })
    .catch((e) => { if (e.status) showError(explain(e)); return null; });
}
function explain(e) {
  const id = e.body && e.body.error_id;
  const sv = { answer_on_phone: "Svara i telefonen: din telefon kan inte besvaras härifrån.",
    no_call: "Du har inget samtal just nu.", not_on_roster: "Din inloggning är inte kopplad till någon sjuksköterska i schemat.",
    invalid_choice: "Ogiltigt val.", nurse_state_refused: "Det går inte att byta läge just nu.",
    cannot_sign: "Anteckningen kan inte signeras än." };
  return sv[id] || "Något gick fel. Försök igen.";
}

// -- rendering --------------------------------------------------------------------------
function apply(v) {
  view = v; if (v.server_time) skewMs = Date.parse(v.server_time) - Date.now();
  render();
}
function fact(dl, name, value) { if (value === null || value === undefined || value === "") return;
  dl.append(el("dt", name), el("dd", String(value))); }
function factsInto(dl, f) {
  dl.replaceChildren();
  fact(dl, "Nummer", f.number || "dolt nummer");
  fact(dl, "Region", f.region_name ? `${f.region_name}` : "ingen region (nationell kö)");
  fact(dl, "Hur regionen valdes", f.region_source);
  fact(dl, "Väntetid", f.wait_seconds !== null && f.wait_seconds !== undefined ? clock(f.wait_seconds) : "");
  fact(dl, "Knappade siffror i röstsvaret", (f.ivr_choices || []).join(", "));
  fact(dl, "Återuppringning", f.callback ? "ja" : "");
  fact(dl, "Knappat personnummer", f.identity);
}
function repeatInto(box, calls) {
  box.replaceChildren(); box.hidden = !calls || !calls.length; if (box.hidden) return;
  box.append(el("h3", `Återkommande: ${calls.length} tidigare samtal de senaste dygnen`));
  const ul = el("ul");
  for (const c of calls) {
    const when = c.at ? new Date(c.at).toLocaleString("sv-SE", { dateStyle: "short", timeStyle: "short" }) : "";
    const parts = [when, c.same === "person" ? "samma person" : "samma nummer"];
    if (c.urgency) parts.push(label("urgencies", c.urgency));
    if (c.referral) parts.push(`hänvisad till ${c.referral}`);
    else if (c.care_type) parts.push(label("care_types", c.care_type));
    parts.push(OUTCOME_SV[c.outcome] || "okänt utfall");
    ul.append(el("li", parts.filter(Boolean).join(" · ")));
  }
  box.append(ul);
}
function render() {
  if (!view) return;
  const n = view.nurse, w = view.work;
  $("who").textContent = `${n.display_name} · ${n.region_name}`;
  $("state").textContent = STATE_SV[n.state] || "okänt läge";
  $("state").className = "pill state-" + n.state;
  $("btn-ready").disabled = n.state === "ready" || n.state === "offered" || n.state === "on_call";
  $("btn-pause").disabled = n.state === "paused" || n.state === "offered" || n.state === "on_call" || n.state === "logged_out";
  const offered = w && w.status === "offered";
  $("offer").hidden = !offered;
  if (offered) { factsInto($("offer-facts"), w.facts); repeatInto($("offer-repeat"), w.repeat_calls); }
  const active = w && w.status !== "offered" && w.status !== "closed";
  $("call").hidden = !active;
  $("idle").hidden = !!w && w.status !== "closed";
  $("idle-text").textContent = n.state === "ready" ? "Du är redo. Nästa samtal visas här när det ringer."
    : n.state === "paused" ? `Du har paus (${label("pause_reasons", n.pause_reason)}). Tryck Alt+R för att bli redo.`
    : "Tryck Alt+R (Redo) för att ta emot samtal.";
  renderUnsigned(view.unsigned || [], n);
  renderBulletins(view.bulletins || []);
  renderBriefing(view.briefing || null, (view.bulletins || []).length);
  renderCoaching(view);
  if (!active) { shownWorkId = null; return; }
  if (shownWorkId !== w.call_id) { shownWorkId = w.call_id; guideline = null; ticked = new Set(w.assessment ? w.assessment.ticked : []);
    $("guideline").hidden = true; $("hits").replaceChildren(); $("units").replaceChildren(); pending = {};
    draftBase = w.draft_revision;
    // A reload or another window: show the guideline last opened, with its ticks.
    if (w.guidelines.length) openGuideline(w.guidelines[w.guidelines.length - 1].guideline_id, false); }
  $("call-title").textContent = w.status === "on_call" ? "Pågående samtal" : "Avslutat samtal – efterarbete";
  $("btn-hangup").hidden = $("kbd-hangup").hidden = w.status !== "on_call";
  $("call-status").textContent = STATUS_SV[w.status] + (w.end_cause ? ` (${CAUSE_SV[w.end_cause] || "avslutat"})` : "");
  $("call-status").className = "pill " + (w.status === "on_call" ? "on" : "warn");
  factsInto($("call-facts"), w.facts);
  repeatInto($("call-repeat"), w.repeat_calls);
  for (const p of PHASES) {
    const tab = $("tab-" + p), selected = w.phase === p;
    tab.setAttribute("aria-selected", String(selected)); tab.tabIndex = selected ? 0 : -1;
    $("panel-" + p).hidden = !selected;
  }
  renderFields(w);
  renderDecision(w);
  $("signed").hidden = !w.signed_at;
  $("btn-sign").disabled = !!w.signed_at;
  const nudges = $("nudges"); nudges.replaceChildren();
  if (!w.nudges.length) nudges.append(el("li", "Inget att påminna om.", "none"));
  for (const x of w.nudges) nudges.append(el("li", x.text));
  $("journal-problem").textContent = w.journal_problem || "";
  $("journal-problem").hidden = !w.journal_problem;
  tick();
}
function renderFields(w) {
  // The draft revision the nurse's text is based on moves on only when every field shows
  // the stored text; a field she is typing in that differs keeps the old base, so her save
  // is told of the conflict instead of overwriting another window's text.
  let inStep = true;
  for (const input of document.querySelectorAll("[data-field]")) {
    const name = input.dataset.field;
    const value = w.draft[name], shown = value === null || value === undefined ? "" : String(value);
    if (name in pending || document.activeElement === input) {  // the nurse's text wins
      if (input.value !== shown) inStep = false;
      continue;
    }
    input.value = shown;
  }
  if (inStep) draftBase = w.draft_revision;
  $("safety-net").checked = !!w.safety_net_given;
  $("self-care").checked = !!w.self_care;
  $("contact-reason").value = w.contact_reason || "";
  $("referral-now").textContent = w.referral ? `Hänvisad till ${w.referral.unit_name} (${label("care_types", w.referral.care_type)})`
    : w.self_care ? "Egenvårdsråd, ingen hänvisning." : "Ingen hänvisning vald.";
}
function renderDecision(w) {
  const a = w.assessment;
  $("assessment").textContent = a ? `Beslutsstödet ger: ${label("urgencies", a.urgency)} · ${a.care_types.map((c) => label("care_types", c)).join(" eller ")}` : "";
  if (document.activeElement !== $("urgency")) $("urgency").value = w.urgency || "";
  if (document.activeElement !== $("care-type")) $("care-type").value = w.care_type || "";
  $("deviation").hidden = !w.deviates;
  if (document.activeElement !== $("deviation-reason")) $("deviation-reason").value = (w.deviation && w.deviation.reason_code) || "";
  if (document.activeElement !== $("deviation-text")) $("deviation-text").value = (w.deviation && w.deviation.text) || "";
}
function tick() {
  if (!view) return;
  const w = view.work;
  if (w && w.status !== "closed") {
    const running = w.status === "on_call" && w.phase_since ? since(w.phase_since) : 0;
    for (const p of PHASES) {
      const base = (w.phase_seconds && w.phase_seconds[p]) || 0;
      const extra = p === w.phase ? running : 0;
      const total = w.status === "on_call" ? base + extra : (w.phase_durations[p] || 0);
      $("tab-" + p).querySelector(".t").textContent = total ? clock(total) : "";
    }
    $("call-timer").textContent = w.answered_at ? `Samtalstid ${clock(w.caller_gone_at ? (Date.parse(w.caller_gone_at) - Date.parse(w.answered_at)) / 1000 : since(w.answered_at))}` : "";
    const wrap = $("wrapup");
    wrap.hidden = w.status !== "caller_gone";
    if (!wrap.hidden) wrap.textContent = `Efterarbete ${clock(since(w.caller_gone_at))}`;
  }
}

// -- options ----------------------------------------------------------------------------
function fillSelect(select, entries, blank) {
  select.replaceChildren();
  if (blank !== undefined) { const o = el("option", blank); o.value = ""; select.append(o); }
  for (const [code, name] of Object.entries(entries)) { const o = el("option", name); o.value = code; select.append(o); }
}

// -- draft autosave ---------------------------------------------------------------------
function queueSave(name, value) {
  pending[name] = value;
  $("saved").textContent = "Ändringar sparas …";
  clearTimeout(saveTimer); saveTimer = setTimeout(flush, 500);
}
async function flush(extra) {
  if (!view || !view.work) return;
  if (saving) { clearTimeout(saveTimer); saveTimer = setTimeout(flush, 300); return; }
  const fields = { ...pending };
  if (!Object.keys(fields).length && !extra) return;
  saving = true;
  try {
    const body = { draft_revision: draftBase, fields, ...(extra || {}) };
    const v = await call("PUT", "/draft", body);
    for (const k of Object.keys(fields)) if (pending[k] === fields[k]) delete pending[k];
    draftBase = v.work.draft_revision;
    apply(v);
    $("saved").textContent = "Sparat " + new Date().toLocaleTimeString("sv-SE");
  } catch (e) {
    if (e.status === 409 && e.body && e.body.error_id === "draft_conflict") {
      conflictDraft = e.body.details; $("conflict").hidden = false;
      $("saved").textContent = "Inte sparat: konflikt.";
    } else if (!e.status) {
      $("saved").textContent = "Inte sparat än: ingen kontakt. Försöker igen …";
      saveTimer = setTimeout(flush, 2000);
    } else { showError(explain(e)); }
  } finally { saving = false; }
}
$("btn-keep-mine").addEventListener("click", () => {
  if (!conflictDraft) return;
  draftBase = conflictDraft.draft_revision;
  for (const input of document.querySelectorAll("[data-field]")) pending[input.dataset.field] = fieldValue(input);
  $("conflict").hidden = true; conflictDraft = null; flush();
});
$("btn-take-theirs").addEventListener("click", () => {
  if (!conflictDraft) return;
  pending = {}; draftBase = conflictDraft.draft_revision;
  view.work.draft = conflictDraft.draft; $("conflict").hidden = true; conflictDraft = null;
  for (const input of document.querySelectorAll("[data-field]")) input.blur();
  render();
});
function fieldValue(input) {
  if (input.dataset.field === "patient_age_years") return input.value === "" ? null : Number(input.value);
  if (input.dataset.field === "patient_sex") return input.value || null;
  return input.value;
}
for (const input of document.querySelectorAll("[data-field]")) {
  const handler = () => queueSave(input.dataset.field, fieldValue(input));
  input.addEventListener(input.tagName === "SELECT" ? "change" : "input", handler);
}

// -- actions ----------------------------------------------------------------------------
$("btn-ready").addEventListener("click", () => act("POST", "/state", { state: "ready" }));
$("btn-pause").addEventListener("click", () => act("POST", "/state", { state: "paused", reason: $("pause-reason").value }));
$("btn-answer").addEventListener("click", () => act("POST", "/answer"));
$("btn-hangup").addEventListener("click", () => act("POST", "/hangup"));
// Logging out of the console logs the nurse out of the queues too (no calls offered to an
// empty chair); on a call the queue refuses and she stays logged in there.
$("logout").addEventListener("submit", async (ev) => {
  ev.preventDefault(); flushNow();
  const state = view && view.nurse && view.nurse.state;
  if (state && state !== "logged_out") await call("POST", "/state", { state: "logged_out" }).catch(() => null);
  ev.target.submit();
});
// Leaving or reloading the page sends what is still unsaved (the request outlives the page).
window.addEventListener("pagehide", () => flushNow());
function flushNow() {
  if (!view || !view.work || !Object.keys(pending).length) return;
  clearTimeout(saveTimer);
  fetch(API + "/draft", { method: "PUT", keepalive: true, headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ draft_revision: draftBase, fields: { ...pending } }) });
}
for (const tab of document.querySelectorAll("[role=tab]")) {
  tab.addEventListener("click", () => goPhase(tab.dataset.phase));
  tab.addEventListener("keydown", (ev) => {
    const i = PHASES.indexOf(tab.dataset.phase);
    if (ev.key === "ArrowRight" || ev.key === "ArrowLeft") {
      ev.preventDefault();
      const next = PHASES[(i + (ev.key === "ArrowRight" ? 1 : PHASES.length - 1)) % PHASES.length];
      goPhase(next);
    }
  });
}
async function goPhase(p) {
  if (!view || !view.work) return;
  view.work.phase = p; render(); $("tab-" + p).focus();
  await act("POST", "/phase", { phase: p });
}
let searchSeq = 0;
// Every keystroke searches at once; an answer to an older keystroke is dropped (searchSeq).
$("search").addEventListener("input", () => search());
$("search").addEventListener("keydown", (ev) => {
  if (ev.key === "ArrowDown") { const first = $("hits").querySelector("button"); if (first) { ev.preventDefault(); first.focus(); } }
  if (ev.key === "Enter") { const first = $("hits").querySelector("button"); if (first) { ev.preventDefault(); first.click(); } }
});
async function search() {
  const q = $("search").value.trim(), seq = ++searchSeq;
  const age = view && view.work && view.work.draft.patient_age_years;
  if (!q) { $("hits").replaceChildren(); return; }
  const params = new URLSearchParams({ q }); if (age !== null && age !== undefined) params.set("age", age);
  let data; try { data = await call("GET", "/search?" + params); } catch (e) { return; }
  if (seq !== searchSeq) return;  // a newer search is on its way
  const ul = $("hits"); ul.replaceChildren();
  if (!data.hits.length) ul.append(el("li", "Inga träffar."));
  data.hits.forEach((h, i) => {
    const li = el("li"); const b = el("button", h.title); b.type = "button";
    b.addEventListener("click", () => openGuideline(h.guideline_id));
    b.addEventListener("keydown", (ev) => {
      const items = [...ul.querySelectorAll("button")];
      if (ev.key === "ArrowDown" && items[i + 1]) { ev.preventDefault(); items[i + 1].focus(); }
      if (ev.key === "ArrowUp") { ev.preventDefault(); (items[i - 1] || $("search")).focus(); }
    });
    li.append(b, el("p", "Träff på: " + h.why.join("; "), "why")); ul.append(li);
  });
  document.dispatchEvent(new CustomEvent("hits-rendered", { detail: { q } }));
}
function renderUnsigned(items, n) {
  const box = $("unsigned"), ul = $("unsigned-list");
  box.hidden = !items.length; ul.replaceChildren();
  const busy = n.state === "offered" || n.state === "on_call";
  for (const u of items) {
    const when = new Date(u.offered_at).toLocaleTimeString("sv-SE", { hour: "2-digit", minute: "2-digit" });
    const li = el("li"); li.append(el("span", `${when} · ${u.number || "dolt nummer"}${u.summary ? " · " + u.summary : ""}`));
    const b = el("button", "Fortsätt"); b.type = "button"; b.disabled = busy;
    b.setAttribute("aria-label", `Fortsätt anteckningen för samtalet ${when}`);
    b.addEventListener("click", () => act("POST", "/resume", { call_id: u.call_id }));
    li.append(b); ul.append(li);
  }
}
async function openGuideline(id, focus = true) {
  let g; try { g = await call("POST", "/guidelines/" + encodeURIComponent(id)); } catch (e) { showError(explain(e)); return; }
  guideline = g; ticked = new Set(view.work.assessment && view.work.assessment.guideline_id === id ? view.work.assessment.ticked : []);
  $("guideline").hidden = false; $("g-title").textContent = `${g.title} (version ${g.version})`;
  $("g-notice").textContent = g.sample_notice || ""; $("g-notice").hidden = !g.sample_notice;
  const box = $("g-levels"); box.replaceChildren();
  for (const level of g.levels) {
    const div = el("div", undefined, "level u-" + level.urgency);
    div.append(el("h5", `${level.urgency_name} → ${level.care_types.map((c) => c.name).join(" eller ")}`));
    for (const c of level.criteria) {
      const lab = el("label"); const box2 = document.createElement("input"); box2.type = "checkbox";
      box2.checked = ticked.has(c.id);
      box2.addEventListener("change", () => { if (box2.checked) ticked.add(c.id); else ticked.delete(c.id);
        act("POST", "/criteria", { guideline_id: g.guideline_id, ticked: [...ticked] }); });
      lab.append(box2, document.createTextNode(c.text)); div.append(lab);
    }
    box.append(div);
  }
  $("safety-advice").textContent = g.safety_net.length ? "Beslutsstödets säkerhetsnät: " + g.safety_net.join(" ") : "";
  const first = box.querySelector("input"); if (first && focus) first.focus();
}
function decide() {
  act("POST", "/decision", { urgency: $("urgency").value || null, care_type: $("care-type").value || null,
    deviation_reason: $("deviation-reason").value || null, deviation_text: $("deviation-text").value });
}
for (const id of ["urgency", "care-type", "deviation-reason"]) $(id).addEventListener("change", decide);
$("deviation-text").addEventListener("change", decide);
$("btn-suggest").addEventListener("click", suggest);
async function suggest() {
  let data; try { data = await call("GET", "/referrals"); } catch (e) { showError(explain(e)); return; }
  const ul = $("units"); ul.replaceChildren();
  if (!data.units.length) ul.append(el("li", "Inga förslag: välj brådskandegrad och vårdform först."));
  for (const u of data.units) {
    const li = el("li"); li.append(el("strong", u.name), el("p", u.why.join(" · "), "why"));
    const b = el("button", "Hänvisa hit"); b.type = "button"; b.setAttribute("aria-label", "Hänvisa till " + u.name);
    b.addEventListener("click", () => act("POST", "/referral", { hsa_id: u.hsa_id }));
    li.append(b); ul.append(li);
  }
  const first = ul.querySelector("button"); if (first) first.focus();
}
$("self-care").addEventListener("change", () => act("POST", "/referral", { hsa_id: null, self_care: $("self-care").checked }));
$("safety-net").addEventListener("change", () => flush({ safety_net_given: $("safety-net").checked }));
$("contact-reason").addEventListener("change", () => act("POST", "/contact-reason", { code: $("contact-reason").value || null }));
$("btn-sign").addEventListener("click", sign);
async function sign() {
  await flush();
  const box = $("missing");
  try { apply(await call("POST", "/sign")); box.hidden = true; $("saved").textContent = "Signerad."; }
  catch (e) {
    if (e.body && e.body.error_id === "cannot_sign") {
      box.replaceChildren(el("p", "Det här saknas innan du kan signera:"));
      const ul = el("ul"); for (const m of (e.body.details.missing || [])) ul.append(el("li", m)); box.append(ul);
      box.hidden = false;
    } else if (e.status) showError(explain(e));
  }
}

// -- keyboard ---------------------------------------------------------------------------
document.addEventListener("keydown", (ev) => {
  if (!ev.altKey || ev.ctrlKey || ev.metaKey) return;
  const k = ev.key.toLowerCase(), code = ev.code;
  const digit = code && code.startsWith("Digit") ? Number(code.slice(5)) : NaN;
  if (digit >= 1 && digit <= 5) { ev.preventDefault(); goPhase(PHASES[digit - 1]); return; }
  const keys = { KeyR: "btn-ready", KeyP: "btn-pause", KeyS: "btn-answer", KeyG: "btn-sign", KeyL: "btn-hangup" };
  const byKey = { r: "btn-ready", p: "btn-pause", s: "btn-answer", g: "btn-sign", l: "btn-hangup" };
  if (keys[code] || byKey[k]) {
    ev.preventDefault(); const b = $(keys[code] || byKey[k]);
    if (!b.disabled && !b.closest("[hidden]")) b.click();
  }
  if (code === "KeyK" || k === "k") { ev.preventDefault(); if (view && view.work) { goPhase("bedoma").then(() => $("search").focus()); } }
});

// -- live connection --------------------------------------------------------------------
function connect(delay) {
  const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + API + "/events");
  socket = ws;
  ws.onopen = () => { online = true; $("feed").textContent = "ansluten"; $("feed").className = "pill on"; delay = 500;
    if (Object.keys(pending).length) flush(); };
  ws.onmessage = (m) => { const data = JSON.parse(m.data); if (data.type === "console") apply(data); };
  ws.onclose = (ev) => { online = false; $("feed").textContent = "frånkopplad"; $("feed").className = "pill off";
    if (ev.code === 4401) { location.href = "/login?next=/console"; return; }
    setTimeout(() => connect(Math.min(delay * 2, 10000)), delay); };
}
async function start() {
  try { codes = await call("GET", "/codes"); }
  catch (e) { if (e.status === 403) showError(explain(e)); return; }
  fillSelect($("pause-reason"), codes.pause_reasons);
  fillSelect($("urgency"), codes.urgencies, "Välj brådskandegrad");
  fillSelect($("care-type"), codes.care_types, "Välj vårdform");
  fillSelect($("deviation-reason"), codes.deviation_reasons, "Välj orsak");
  fillSelect($("contact-reason"), codes.contact_reasons, "Välj kontaktorsak");
  if (codes.sample_notice) { $("sample").textContent = codes.sample_notice; $("sample").hidden = false; }
  try { apply(await call("GET", "")); } catch (e) { /* the socket brings it */ }
  connect(500);
}
setInterval(tick, 1000);
start();
