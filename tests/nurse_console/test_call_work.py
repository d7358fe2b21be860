"""The call work's rules, pure: phases keep their own time, nudges remind and never block."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from nurse_console import model
from nurse_console.model import Assessment, CallWork, Deviation, Draft, Phase, WorkStatus

T0 = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)


def offered() -> CallWork:
    return CallWork(call_id="c1", username="ssk", nurse_id="ssk-01-1",
                    status=WorkStatus.OFFERED, offered_at=T0.isoformat())


def on_call() -> CallWork:
    return model.answered(offered(), T0 + timedelta(seconds=5))


def codes(work: CallWork) -> list[str]:
    return [n.code for n in model.nudges(work)]


def test_each_phase_keeps_its_own_time_and_the_clock_stops_when_the_caller_is_gone() -> None:
    w = on_call()
    w = model.move_to_phase(w, Phase.LISTEN, T0 + timedelta(seconds=35))
    w = model.move_to_phase(w, Phase.ASSESS, T0 + timedelta(seconds=95))
    w = model.move_to_phase(w, Phase.LISTEN, T0 + timedelta(seconds=105))
    assert model.phase_durations(w, T0 + timedelta(seconds=115)) == {
        "oppna": 30.0, "lyssna": 70.0, "bedoma": 10.0, "atgard": 0.0, "avsluta": 0.0}
    gone = model.caller_gone(w, T0 + timedelta(seconds=125), "caller_hangup")
    assert model.phase_durations(gone, T0 + timedelta(seconds=900))["lyssna"] == 80.0
    closed = model.closed(gone, T0 + timedelta(seconds=950))
    assert closed.status is WorkStatus.CLOSED
    assert closed.phase_seconds["lyssna"] == 80.0


def test_an_offer_has_no_nudges_and_an_empty_summary_is_nudged_after_listen() -> None:
    assert codes(offered()) == []
    w = on_call()
    assert codes(w) == []
    w = model.move_to_phase(w, Phase.ASSESS, T0 + timedelta(seconds=60))
    assert codes(w) == ["no_listen_summary"]
    w = model.drafted(w, Draft(listen_summary="Feber i två dygn"))
    assert codes(w) == []


def test_urgency_without_a_guideline_and_a_deviation_without_reason_are_nudged() -> None:
    w = model.drafted(on_call(), Draft(listen_summary="x"))
    w = model.decided(w, urgency="INOM_ETT_DYGN", care_type="VARDCENTRAL", deviation=None)
    assert codes(w) == ["urgency_without_guideline"]
    w = model.opened_guideline(w, model.GuidelineOpened("feber-vuxen", "1.0", "Feber",
                                                        T0.isoformat()))
    w = model.assessed(w, Assessment("feber-vuxen", "1.0", "EGENVARD", ("EGENVARD",)))
    assert codes(w) == []
    w = model.decided(w, urgency="INOM_ETT_DYGN", care_type="VARDCENTRAL", deviation=None)
    assert w.deviates and codes(w) == ["deviation_without_reason"]
    w = model.decided(w, urgency="INOM_ETT_DYGN", care_type="VARDCENTRAL",
                      deviation=Deviation("PATIENT_PREFERENCE"))
    assert codes(w) == []


def test_self_care_when_the_guideline_says_self_care_is_no_deviation() -> None:
    w = model.assessed(on_call(), Assessment("g", "1", "EGENVARD", ("EGENVARD",)))
    w = model.referred(w, None, self_care=True)
    assert w.given_care_type == "EGENVARD" and not w.deviates


def test_no_safety_net_in_avsluta_and_an_unsigned_entry_after_the_call_are_nudged() -> None:
    w = model.drafted(on_call(), Draft(listen_summary="x"))
    w = model.move_to_phase(w, Phase.CLOSE, T0 + timedelta(seconds=60))
    assert codes(w) == ["no_safety_net"]
    w = model.drafted(w, w.draft, safety_net_given=True)
    assert codes(w) == []
    w = model.caller_gone(w, T0 + timedelta(seconds=90), "caller_hangup")
    assert codes(w) == ["unsigned_after_call"]
    w = model.signed(w, T0 + timedelta(seconds=100), 3)
    assert codes(w) == []


def test_the_work_survives_its_stored_form() -> None:
    w = model.assessed(on_call(), Assessment("g", "1", "EGENVARD", ("EGENVARD",), ("k1",),
                                            ("k1",)))
    w = model.referred(w, model.Referral("SE1", "VC Test", "VARDCENTRAL"), self_care=False)
    assert model.from_plain(model.to_plain(w)) == w
