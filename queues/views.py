"""What the API and the live page show of the queue engine: nurses and queues as plain dicts."""

from __future__ import annotations

from typing import Any

from queues.engine import Engine
from queues.model import AgentState

S = AgentState


def nurse_view(engine: Engine, info: dict[str, dict[str, Any]], nurse_id: str) -> dict[str, Any]:
    """One nurse: name and region from the roster, state and call from the engine."""
    agent = engine.nurse(nurse_id)
    shown = info.get(nurse_id) or {"display_name": nurse_id, "region": agent.home_region}
    return {
        "nurse_id": nurse_id,
        "display_name": shown["display_name"],
        "region": shown["region"],
        "state": agent.state.value,
        "since": agent.state_since.isoformat() if agent.state_since else None,
        "call_id": agent.call_id,
        "pause_reason": agent.pause_reason,
    }


def queue_snapshot(engine: Engine, names: dict[str, str], national: str) -> list[dict[str, Any]]:
    """Each queue with callers waiting or nurses logged in: waiting calls in order, the
    oldest arrival, nurses ready and logged in, and the predicted wait."""
    by_lane: dict[str, list[Any]] = {}
    for entry in engine.calls.entries.values():
        if entry.status == "waiting":
            by_lane.setdefault(entry.lane, []).append(entry)
    out = []
    for queue_id, name in names.items():
        waiting = sorted(by_lane.get(queue_id, []), key=lambda e: e.key)
        staff = [a for a in engine.agents.values()
                 if queue_id == national or a.home_region == queue_id]
        logged_in = [a for a in staff if a.state is not S.LOGGED_OUT]
        if not waiting and not logged_in:
            continue
        oldest = min((e.arrived_at for e in waiting), default=None)
        predicted = engine.predicted_wait(queue_id)
        out.append({
            "queue_id": queue_id,
            "name": name,
            "waiting": len(waiting),
            "oldest_arrival": oldest.isoformat() if oldest else None,
            "nurses_ready": sum(1 for a in staff if a.state is S.READY),
            "nurses_logged_in": len(logged_in),
            "predicted_wait_seconds": None if predicted is None else round(predicted),
            "calls": [e.call_id for e in waiting],
        })
    return out
