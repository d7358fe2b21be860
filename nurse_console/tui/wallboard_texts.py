"""The wallboard's words and figures in Swedish for the terminal (no widget here): a
figure past its amber or red threshold is marked with ! or !! beside its colour, so
it reads without colour too."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from nurse_console.tui.texts import STATE_SV, clock

KIND_SV = {"region": "regionkö", "national": "nationell kö", "common": "samverkanskö",
           "night_pool": "nattsamverkan", "overflow": "överflöde"}
FORCED_SV = {"open": "handledare", "closed": "handledare", "schedule": "schema"}
PHASE_SV = {"oppna": "Öppna", "lyssna": "Lyssna", "bedoma": "Bedöma", "atgard": "Åtgärd",
            "avsluta": "Avsluta"}
MARK = {"ok": "", "amber": " !", "red": " !!"}
STYLE = {"ok": "", "amber": "bold yellow", "red": "bold red"}
QUEUE_COLUMNS = ("Kö", "Väntar", "Längsta", "Beräknad", "Erbjudna", "Besvarade", "Avbrutna",
                 "SL", "SL2", "Återuppr.")
NURSE_COLUMNS = ("Sjuksköterska", "Region", "Läge", "Tid i läget", "Fas")
MODE_COLUMNS = ("Samverkan", "Regioner", "Läge", "Styrs")
LEGEND = "! över gul gräns · !! över röd gräns · SL2 räknar in avbrutna samtal"


def seconds(value: float | None) -> str:
    return "–" if value is None else clock(value)


def share(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)} %"


def level(row: dict[str, Any], name: str) -> str:
    return str((row.get("levels") or {}).get(name, "ok"))


def queue_cells(row: dict[str, Any]) -> list[tuple[str, str]]:
    """The queue row's cells as (text, level), in :data:`QUEUE_COLUMNS` order."""
    today = row["today"]
    name = row["name"] + ("" if row.get("open", True) else " (stängd)")
    return [(name, "ok"),
            (str(row["waiting"]), level(row, "waiting")),
            (seconds(row.get("longest_wait_seconds")), level(row, "longest_wait_seconds")),
            (seconds(row.get("predicted_wait_seconds")), level(row, "predicted_wait_seconds")),
            (str(today["offered"]), "ok"), (str(today["answered"]), "ok"),
            (str(today["abandoned"]), "ok"),
            (share(today["service_level"]), level(row, "service_level")),
            (share(today["service_level_2"]), level(row, "service_level_2")),
            (str(row.get("callbacks_pending", 0)), level(row, "callbacks_pending"))]


def _since(at: str | None, now: datetime) -> str:
    return clock((now - datetime.fromisoformat(at)).total_seconds()) if at else ""


def nurse_cells(nurse: dict[str, Any], regions: dict[str, str], now: datetime) -> list[str]:
    """A nurse's row: name, region, state (pause reason, forced), time in state, phase."""
    state = STATE_SV.get(nurse["state"], "okänt läge")
    if nurse.get("pause_reason"):
        state += f" ({nurse['pause_reason']})"
    if nurse.get("paused_by_supervisor"):
        state += ", av handledare"
    phase = nurse.get("phase") or {}
    phase_text = ""
    if phase.get("phase"):
        phase_text = f"{PHASE_SV.get(phase['phase'], '')} {_since(phase.get('phase_since'), now)}"
    return [nurse["display_name"], regions.get(nurse["region"], nurse["region"]), state,
            _since(nurse.get("since"), now), phase_text.strip()]


def mode_cells(mode: dict[str, Any], regions: dict[str, str]) -> list[str]:
    names = ", ".join(regions.get(r, r) for r in mode["regions"])
    return [KIND_SV.get(mode["kind"], "samverkan"), names,
            "öppen" if mode["open"] else "stängd", FORCED_SV.get(mode["forced"], "")]


def crisis(board: dict[str, Any]) -> str:
    c = board.get("crisis") or {}
    regions = board.get("regions") or {}
    if c.get("national"):
        return "KRISLÄGE i hela landet"
    if c.get("regions"):
        return "KRISLÄGE: " + ", ".join(regions.get(r, r) for r in c["regions"])
    return "Inget krisläge"


def ledger(board: dict[str, Any]) -> str:
    regions = board.get("regions") or {}
    rows = [f"{regions.get(r['by_region'], r['by_region'])} besvarade {r['answered']} åt "
            f"{regions.get(r['for_region'], r['for_region'])}" for r in board.get("ledger", [])]
    return "Samverkanskonto i dag: " + ("; ".join(rows) if rows else "inga samtal åt andra")
