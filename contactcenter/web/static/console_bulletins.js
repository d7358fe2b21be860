// The nurse console's bulletins (Meddelanden): the ones she has not acknowledged come with
// every console view (pushed at once when one is written); "Jag har läst" acknowledges one.
// Alt+M moves to the first of them.
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
