"use strict";
// Call coaching as the nurse sees it: who listens to her call now (and how), and the notes
// coaches wrote her afterwards (the "Handledning" section). Uses $ and el of console.js.
const COACH_SV = {
  listen: "Samtalshandledare lyssnar: ",
  whisper: "Samtalshandledare talar med dig: ",
  barge: "Samtalshandledare är med i samtalet: ",
};
function renderCoaching(view) {
  const coach = view.coach, badge = $("coach");
  const text = coach ? (COACH_SV[coach.mode] || COACH_SV.listen) + coach.name : "";
  if (badge.textContent !== text) badge.textContent = text;
  badge.hidden = !coach;
  const notes = view.coaching_notes || [], box = $("coaching-notes"), ul = $("coaching-list");
  box.hidden = !notes.length; ul.replaceChildren();
  for (const n of notes) {
    const when = new Date(n.at).toLocaleString("sv-SE", { dateStyle: "short", timeStyle: "short" });
    const li = el("li");
    li.append(el("span", `${when} · ${n.coach_name}: `, "muted"), el("span", n.text));
    ul.append(li);
  }
}
