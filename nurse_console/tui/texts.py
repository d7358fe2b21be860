"""What the terminal console says, in Swedish: codes become words (no widget here, so the
wording is tested without a terminal). The same words as the web view's."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from nurse_console.client import ConsoleApiError
from nurse_console.model import PHASE_LABELS, Phase
from nurse_console.ports import Codes

STATE_SV = {"logged_out": "utloggad", "ready": "redo", "offered": "samtal ringer",
            "on_call": "i samtal", "wrap_up": "efterarbete", "paused": "paus"}
STATUS_SV = {"offered": "ringer", "on_call": "i samtal", "caller_gone": "samtalet avslutat",
             "closed": "avslutat"}
CAUSE_SV = {"caller_hangup": "den som ringde lade på", "nurse_hangup": "du lade på",
            "system_error": "tekniskt fel", "lost_during_restart": "avbrutet vid omstart"}
OUTCOME_SV = {"signerad": "signerad", "closed": "avslutat", "caller_gone": "avslutat, ej signerat",
              "on_call": "pågår", "offered": "ringde", "ended": "avslutat",
              "abandoned": "lade på i kön", "connected": "pågår", "queued": "i kö",
              "callback_waiting": "väntar på återuppringning"}
ERRORS_SV = {
    "answer_on_phone": "Svara i telefonen: din telefon kan inte besvaras härifrån.",
    "no_call": "Du har inget samtal just nu.",
    "not_on_roster": "Din inloggning är inte kopplad till någon sjuksköterska i schemat.",
    "invalid_choice": "Ogiltigt val.",
    "nurse_state_refused": "Det går inte att byta läge just nu.",
    "cannot_sign": "Anteckningen kan inte signeras än.",
    "draft_conflict": "Anteckningen har ändrats i ett annat fönster. Din text finns kvar här "
                      "och sparas när du skriver vidare. Ctrl+T visar den sparade texten i stället.",
    "unreachable": "Ingen kontakt med tjänsten. Försöker igen.",
    "unauthenticated": "Inloggningen gäller inte längre. Logga in igen.",
    "session_ended": "Inloggningen har avslutats. Logga in igen.",
    "invalid_credentials": "Fel användarnamn eller lösenord.",
    "forbidden": "Du har inte behörighet till det här.",
    "storage_unavailable": "Ändringen kunde inte sparas just nu. Försök igen.",
}
PHASE_KEYS = tuple(p.value for p in Phase)
SWEDEN = ZoneInfo("Europe/Stockholm")


def explain(error: ConsoleApiError) -> str:
    """The error as the nurse reads it; what is missing for a signature is listed."""
    text = ERRORS_SV.get(error.error_id, "Något gick fel. Försök igen.")
    missing = error.details.get("missing") if error.error_id == "cannot_sign" else None
    if missing:
        text += " Saknas: " + ", ".join(str(m) for m in missing) + "."
    return text


def label(codes: Codes | None, kind: str, code: str | None) -> str:
    """The Swedish label of a configured code (never the raw code)."""
    if not code:
        return ""
    labels: dict[str, str] = getattr(codes, kind, {}) if codes else {}
    return labels.get(code, "okänd kod")


def clock(seconds: float) -> str:
    s = max(0, int(seconds))
    return f"{s // 60}:{s % 60:02d}"


def phase_title(phase: str, seconds: float = 0.0, *, narrow: bool = False) -> str:
    """A phase tab's title: its key and name (the short name in a narrow terminal), and
    its time once it has one."""
    name = PHASE_LABELS[Phase(phase)]
    if narrow:
        name = name.rsplit("/", 1)[-1]
    title = f"{PHASE_KEYS.index(phase) + 1} {name}"
    return f"{title} {clock(seconds)}" if seconds >= 1 else title


def header(nurse: dict[str, Any], codes: Codes | None) -> str:
    """Who is logged in, where, and her state (with the pause reason)."""
    state = STATE_SV.get(nurse.get("state", ""), "okänt läge")
    if nurse.get("state") == "paused" and nurse.get("pause_reason"):
        state += f" ({label(codes, 'pause_reasons', nurse['pause_reason'])})"
    where = f" · {nurse['region_name']}" if nurse.get("region_name") else ""
    return f"{nurse.get('display_name') or nurse.get('nurse_id', '')}{where} — {state}"


def facts(f: dict[str, Any]) -> str:
    """The caller's facts before hello, one per line."""
    lines = [f"Nummer: {f.get('number') or 'dolt nummer'}",
             f"Region: {f.get('region_name') or 'ingen region (nationell kö)'}"]
    if f.get("region_source"):
        lines.append(f"Hur regionen valdes: {f['region_source']}")
    if f.get("wait_seconds") is not None:
        lines.append(f"Väntetid: {clock(f['wait_seconds'])}")
    if f.get("ivr_choices"):
        lines.append("Knappade siffror i röstsvaret: " + ", ".join(f["ivr_choices"]))
    if f.get("callback"):
        lines.append("Återuppringning: ja")
    if f.get("identity"):
        lines.append(f"Knappat personnummer: {f['identity']}")
    return "\n".join(lines)


def repeat_calls(calls: list[dict[str, Any]], codes: Codes | None) -> str:
    """Earlier calls from the same number or person (empty when there are none)."""
    if not calls:
        return ""
    lines = [f"Återkommande: {len(calls)} tidigare samtal de senaste dygnen"]
    for c in calls:
        parts = [local(c.get("at")),
                 "samma person" if c.get("same") == "person" else "samma nummer",
                 label(codes, "urgencies", c.get("urgency"))]
        if c.get("referral"):
            parts.append(f"hänvisad till {c['referral']}")
        else:
            parts.append(label(codes, "care_types", c.get("care_type")))
        parts.append(OUTCOME_SV.get(c.get("outcome", ""), "okänt utfall"))
        lines.append("• " + " · ".join(p for p in parts if p))
    return "\n".join(lines)


def call_status(work: dict[str, Any]) -> str:
    text = STATUS_SV.get(work["status"], "okänt")
    if work.get("end_cause"):
        text += f" ({CAUSE_SV.get(work['end_cause'], 'avslutat')})"
    return text


COACH_SV = {
    "listen": "Samtalshandledare lyssnar",
    "whisper": "Samtalshandledare talar med dig",
    "barge": "Samtalshandledare är med i samtalet",
}


def coach(coach: dict[str, Any] | None) -> str:
    """Who coaches the call and how ("Samtalshandledare lyssnar: Henrik Åberg"), or ""."""
    if not coach:
        return ""
    return f"{COACH_SV.get(coach.get('mode', ''), COACH_SV['listen'])}: {coach.get('name', '')}"


def call_line(work: dict[str, Any], now: datetime | None = None, saved: str = "",
              coaching: dict[str, Any] | None = None) -> str:
    """The line above the phases: who the call is with, where it stands, the talk time
    (and the wrap-up time once the caller is gone) at the service's time ``now``, how
    the draft stands, and a coach on the call (``coaching``: the view's ``coach``)."""
    number = work["facts"].get("number") or "dolt nummer"
    parts = [f"Samtal med {number}", call_status(work)]
    if now is not None:
        parts += _call_times(work, now)
    if saved:
        parts.append(saved)
    if coaching:
        parts.append(coach(coaching))
    return " · ".join(parts)


def _call_times(work: dict[str, Any], now: datetime) -> list[str]:
    def at(key: str) -> datetime | None:
        value = work.get(key)
        return datetime.fromisoformat(value) if value else None
    answered, gone = at("answered_at"), at("caller_gone_at")
    out = []
    if answered:
        out.append(f"samtalstid {clock(((gone or now) - answered).total_seconds())}")
    if gone and work.get("status") == "caller_gone":
        out.append(f"efterarbete {clock((now - gone).total_seconds())}")
    return out


def assessment(work: dict[str, Any], codes: Codes | None) -> str:
    a = work.get("assessment")
    if not a:
        return "Bocka i kriterier i en öppnad riktlinje."
    kinds = " eller ".join(label(codes, "care_types", c) for c in a["care_types"])
    return f"Beslutsstödet ger: {label(codes, 'urgencies', a['urgency'])} · {kinds}"


def referral(work: dict[str, Any], codes: Codes | None) -> str:
    if work.get("referral"):
        r = work["referral"]
        return f"Hänvisad till {r['unit_name']} ({label(codes, 'care_types', r['care_type'])})"
    return "Egenvårdsråd" if work.get("self_care") else "Ingen hänvisning än."


def nudges(work: dict[str, Any]) -> str:
    items = work.get("nudges") or []
    return "\n".join("• " + n["text"] for n in items) or "Inget att påminna om."


PERSON_KINDS_SV = {"unidentified": "Oidentifierad person", "personnummer": "Personnummer",
                   "samordningsnummer": "Samordningsnummer", "reservnummer": "Reservnummer"}
RELATIONS_SV = {"patient": "Patienten själv", "parent_or_guardian":
                "Förälder/vårdnadshavare", "other": "Annan person"}
SEXES_SV = {"female": "Kvinna", "male": "Man"}


def local(at: str | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored UTC time as Swedish local time (empty when there is none)."""
    if not at:
        return ""
    try:
        return datetime.fromisoformat(at).astimezone(SWEDEN).strftime(fmt)
    except ValueError:
        return ""


def unsigned(item: dict[str, Any]) -> str:
    """One of the nurse's earlier unsigned notes, as the list shows it."""
    when = local(item.get("offered_at"), "%H:%M")
    parts = [when, item.get("number") or "dolt nummer"]
    if item.get("summary"):
        parts.append(item["summary"])
    return " · ".join(p for p in parts if p)


def coaching_notes(notes: list[dict[str, Any]]) -> str:
    """The coaches' notes to the nurse, newest first, one a line."""
    return "\n".join(f"{local(n.get('at'), '%d/%m %H:%M')} · {n.get('coach_name', '')}: "
                     f"{n.get('text', '')}" for n in notes)


def idle(nurse: dict[str, Any], codes: Codes | None) -> str:
    """What the console says with no call on."""
    state = nurse.get("state")
    if state == "ready":
        return "Du är redo. Nästa samtal visas här när det ringer."
    if state == "paused":
        reason = label(codes, "pause_reasons", nurse.get("pause_reason"))
        return f"Du har paus{f' ({reason})' if reason else ''}. Tryck r för att bli redo."
    return "Tryck r (Redo) för att ta emot samtal."


def connection(lost_since: float | None, now: float) -> str:
    """The line on the connection to the service (empty while it is up)."""
    if lost_since is None:
        return ""
    return f"Ingen kontakt med tjänsten sedan {clock(now - lost_since)} · försöker igen"
