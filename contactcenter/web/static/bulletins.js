// The supervisors' and editors' bulletins page: write, edit and withdraw bulletins and see
// which nurses have read each (/api/v1/bulletins). Regions offered are those the user may
// write for; a bad answer is shown in words.
"use strict";
const API_B = "/api/v1/bulletins";
const $b = (id) => document.getElementById(id);
let mine = [];

function text(tag, value, cls) { const e = document.createElement(tag); e.textContent = value; if (cls) e.className = cls; return e; }
function when(iso) { return iso ? new Date(iso).toLocaleString("sv-SE", { dateStyle: "short", timeStyle: "short" }) : ""; }
function toLocalInput(iso) {
  if (!iso) return "";
  const d = new Date(iso); d.setMinutes(d.getMinutes() - d.getTimezoneOffset());
  return d.toISOString().slice(0, 16);
}
function fromLocalInput(value) { return value ? new Date(value).toISOString() : null; }
function problem(msg) { const e = $b("error"); e.textContent = msg || ""; e.hidden = !msg; }

async function send(method, path, body) {
  const opts = { method, headers: {} };
  if (body !== undefined) { opts.headers["Content-Type"] = "application/json"; opts.body = JSON.stringify(body); }
  const resp = await fetch(API_B + path, opts);
  if (resp.status === 401) { location.href = "/login?next=/bulletins"; throw new Error("login"); }
  const data = await resp.json().catch(() => ({}));
  if (!resp.ok) {
    const words = { bulletin_not_allowed: "Du får inte skriva meddelanden för den regionen.",
      bulletin_not_found: "Meddelandet finns inte längre.",
      invalid_choice: "Kontrollera fälten: rubrik och text krävs, och slutet ska vara efter början." };
    throw new Error(words[data.error_id] || "Något gick fel. Försök igen.");
  }
  return data;
}

function fillRegions(regions) {
  const select = $b("f-region"), keep = select.value; select.replaceChildren();
  for (const r of regions) select.append(new Option(r.code ? r.name : "Hela landet (nationellt)", r.code || ""));
  if (keep) select.value = keep;
}

function render() {
  const ul = $b("list"); ul.replaceChildren();
  if (!mine.length) ul.append(text("li", "Inga meddelanden ännu.", "muted"));
  for (const b of mine) {
    const li = document.createElement("li"); if (b.withdrawn_at) li.className = "withdrawn";
    li.append(text("h3", b.title + (b.withdrawn_at ? " (återkallat)" : "")));
    li.append(text("p", b.text));
    li.append(text("p", `${b.region_name || "Nationellt"} · ${b.priority_name} · gäller ${when(b.valid_from)}`
      + (b.valid_to ? `–${when(b.valid_to)}` : "") + ` · skrivet av ${b.author_name}`, "muted"));
    li.append(text("p", `Läst av ${b.read_by.length} av ${b.read_by.length + b.not_read_by.length} sjuksköterskor.`));
    const who = document.createElement("details");
    who.append(text("summary", `Vem har läst: ${b.title}`));
    const read = b.read_by.map((r) => `${r.display_name} (${when(r.read_at)})`).join(", ") || "ingen ännu";
    who.append(text("p", "Har läst: " + read), text("p", "Har inte läst: " + (b.not_read_by.map((r) => r.display_name).join(", ") || "ingen")));
    li.append(who);
    if (!b.withdrawn_at) {
      const edit = text("button", "Ändra"); edit.type = "button"; edit.setAttribute("aria-label", `Ändra: ${b.title}`);
      edit.addEventListener("click", () => startEdit(b));
      const back = text("button", "Återkalla"); back.type = "button"; back.setAttribute("aria-label", `Återkalla: ${b.title}`);
      back.addEventListener("click", () => withdraw(b));
      li.append(edit, document.createTextNode(" "), back);
    }
    ul.append(li);
  }
}
async function load() {
  try {
    const data = await send("GET", "");
    mine = data.bulletins; if (!$b("f-region").disabled) fillRegions(data.regions);
    render(); problem("");
  } catch (e) { problem(e.message); }
}
function startEdit(b) {
  $b("f-id").value = b.bulletin_id; $b("f-title").value = b.title; $b("f-text").value = b.text;
  $b("f-priority").value = b.priority; $b("f-from").value = toLocalInput(b.valid_from); $b("f-to").value = toLocalInput(b.valid_to);
  $b("f-region").value = b.region || ""; $b("f-region").disabled = true;
  $b("f-save").textContent = "Spara ändringen"; $b("f-cancel").hidden = false; $b("f-title").focus();
}
function resetForm() {
  $b("bulletin-form").reset(); $b("f-id").value = ""; $b("f-region").disabled = false;
  $b("f-save").textContent = "Publicera"; $b("f-cancel").hidden = true;
}
async function withdraw(b) {
  try { await send("POST", `/${encodeURIComponent(b.bulletin_id)}/withdraw`); $b("f-status").textContent = `Återkallat: ${b.title}`; await load(); }
  catch (e) { problem(e.message); }
}
$b("bulletin-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const id = $b("f-id").value;
  const body = { title: $b("f-title").value, text: $b("f-text").value, priority: $b("f-priority").value,
    region: $b("f-region").value || null, valid_from: fromLocalInput($b("f-from").value), valid_to: fromLocalInput($b("f-to").value) };
  try {
    await send(id ? "PUT" : "POST", id ? `/${encodeURIComponent(id)}` : "", body);
    $b("f-status").textContent = id ? `Ändrat: ${body.title}` : `Publicerat: ${body.title}`;
    resetForm(); problem(""); await load();
  } catch (e) { problem(e.message); }
});
$b("f-cancel").addEventListener("click", resetForm);
load();
setInterval(load, 15000);  // reads come in as nurses acknowledge
