// The nurse console's bulletins (Meddelanden): the ones she has not acknowledged come with
// every console view (pushed at once when one is written); "Jag har läst" acknowledges one.
// Alt+M moves to the first of them. At the first login of a shift the briefing (the
// guideline changes since her last shift) is shown until she acknowledges it.
"use strict";
function renderBulletins(items) {
  const box = document.getElementById("bulletins"), list = document.getElementById("bulletin-list");
  const had = list.contains(document.activeElement);
  box.hidden = !items.length; list.replaceChildren();
  for (const b of items) {
    const item = document.createElement("li");
    item.className = "bulletin" + (b.priority === "important" ? " important" : "");
    const head = document.createElement("h3"); head.textContent = b.title;
    if (b.priority === "important") {
      const tag = document.createElement("span"); tag.className = "pill warn"; tag.textContent = "Viktigt";
      head.append(" ", tag);
    }
    const text = document.createElement("p"); text.textContent = b.text;
    const meta = document.createElement("p"); meta.className = "muted small";
    meta.textContent = `${b.region ? "Regionalt" : "Nationellt"} · från ${b.author_name} · gäller ${bulletinTime(b.valid_from)}`
      + (b.valid_to ? `–${bulletinTime(b.valid_to)}` : "");
    const button = document.createElement("button"); button.type = "button"; button.textContent = "Jag har läst";
    button.setAttribute("aria-label", `Jag har läst: ${b.title}`);
    button.addEventListener("click", () => acknowledgeBulletin(b.bulletin_id, button));
    item.append(head, text, meta, button); list.append(item);
  }
  if (had) focusFirstBulletin();
}
function bulletinTime(iso) {
  return new Date(iso).toLocaleString("sv-SE", { dateStyle: "short", timeStyle: "short" });
}
function focusFirstBulletin() {
  const first = document.querySelector("#bulletin-list button");
  if (first) first.focus();
}
async function acknowledgeBulletin(id, button) {
  button.disabled = true;
  const note = document.getElementById("bulletin-note");
  try {
    const resp = await fetch(`/api/v1/console/bulletins/${encodeURIComponent(id)}/acknowledge`,
      { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
    if (!resp.ok) throw new Error(String(resp.status));
    const data = await resp.json();
    note.textContent = "Markerat som läst.";
    renderBulletins(data.bulletins);
    focusFirstBulletin();
  } catch (e) {
    button.disabled = false;
    note.textContent = "Det gick inte att markera meddelandet som läst. Försök igen.";
  }
}
document.addEventListener("keydown", (ev) => {
  if (ev.altKey && !ev.ctrlKey && !ev.metaKey && (ev.code === "KeyM" || ev.key.toLowerCase() === "m")) {
    ev.preventDefault(); focusFirstBulletin();
  }
});

function renderBriefing(briefing, unread) {
  const box = document.getElementById("briefing");
  if (!briefing) { if (box.open) box.close(); return; }
  document.getElementById("briefing-since").textContent =
    `Ändringar i beslutsstödet sedan ditt förra pass (${bulletinTime(briefing.since)}).`;
  const ul = document.getElementById("briefing-changes"); ul.replaceChildren();
  for (const c of briefing.changes) {
    const li = document.createElement("li");
    const name = document.createElement("strong"); name.textContent = c.title;
    const versions = c.old_version ? `version ${c.old_version} → ${c.new_version}` : `ny, version ${c.new_version}`;
    li.append(name, ` (${versions}): ${c.summary}`); ul.append(li);
  }
  document.getElementById("briefing-bulletins").textContent = unread
    ? `Du har ${unread} olästa meddelanden. De visas under Meddelanden.` : "Inga olästa meddelanden.";
  if (!box.open) box.show();
}
document.getElementById("btn-briefed").addEventListener("click", async () => {
  const note = document.getElementById("bulletin-note");
  try {
    const resp = await fetch("/api/v1/console/briefing/acknowledge",
      { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
    if (!resp.ok) throw new Error(String(resp.status));
    renderBriefing(null, 0); note.textContent = "Genomgången är bekräftad.";
    focusFirstBulletin();
  } catch (e) { note.textContent = "Det gick inte att bekräfta genomgången. Försök igen."; }
});
