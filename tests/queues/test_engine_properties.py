"""Property-based tests of the queue engine's invariants (hypothesis stateful testing).

A random sequence of callers, nurses, supervisor commands and the passing of
time is run against the engine; after every step the test checks, against its
own naive account:

* no call is lost: every caller is known to the engine until an event says
  they left (answered and ended, abandoned, callback completed or rejected);
* no double assignment: a call is offered to one nurse, a nurse has one call;
* FIFO within equal priority and eligibility, and the place kept: a call's
  arrival time and sequence never change, and nobody in its bucket with the
  same priority who arrived earlier is still waiting when it is offered;
* completeness: no waiting call has an eligible ready nurse (naive scan);
* announced positions never increase; announced waits never rise by more
  than the tolerance;
* wrap-up is honoured across queues: no offer reaches a nurse in efterarbete;
* replaying the recorded events rebuilds the same state.
"""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from queues.engine import Engine
from queues.events import (
    Announcement,
    CallAbandoned,
    CallbackCompleted,
    CallEnded,
    CallOffered,
    CallQueued,
    Event,
)
from queues.model import AgentState
from tests.queues.engine_fixtures import MONDAY, config, local

REGIONS = ["01", "03", "04", "07", "10", "12", "13", "14", "17", "20", "21"]
NURSES = [f"n{i}" for i in range(8)]
NEEDS = [frozenset(), frozenset(), frozenset({"lang:ar"})]
START = local(MONDAY, 21, 30)


class EngineMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.engine = Engine(config(), START)
        self.now = START
        self.log: list[Event] = []
        self.live: set[str] = set()
        self.placed: dict[str, tuple[float, int]] = {}
        self.announced: dict[str, tuple[int | None, int | None]] = {}
        self.wrap_until: dict[str, float] = {}
        self.next_call = 0
        self.added: set[str] = set()

    # -- helpers ----------------------------------------------------------------------------
    def run(self, events: list[Event]) -> None:
        self.log += events
        offered_now: set[str] = set()
        for e in events:
            if isinstance(e, CallOffered):
                assert e.call_id in self.live, f"offered a call that left: {e}"
                assert e.call_id not in offered_now, f"offered twice in one step: {e}"
                offered_now.add(e.call_id)
                assert e.at.timestamp() >= self.wrap_until.get(e.nurse_id, 0.0), (
                    f"offered during wrap-up: {e}")
                self.check_fifo(e.call_id)
            elif isinstance(e, CallEnded):
                self.wrap_until[e.nurse_id] = e.at.timestamp() + e.wrap_up_seconds
                self.live.discard(e.call_id)
            elif isinstance(e, (CallAbandoned, CallbackCompleted)):
                if not (isinstance(e, CallbackCompleted) and e.outcome == "answered"):
                    self.live.discard(e.call_id)
            elif isinstance(e, CallQueued):
                self.live.add(e.call_id)
            elif isinstance(e, Announcement):
                last_pos, last_wait = self.announced.get(e.call_id, (None, None))
                if last_pos is not None and e.position is not None:
                    assert e.position <= last_pos, f"position went up: {e}"
                if last_wait is not None and e.expected_wait_seconds is not None:
                    assert e.expected_wait_seconds <= last_wait + \
                        self.engine.config.announce_increase_tolerance_seconds
                self.announced[e.call_id] = (
                    e.position if e.position is not None else last_pos,
                    e.expected_wait_seconds if e.expected_wait_seconds is not None else last_wait)

    def check_fifo(self, call_id: str) -> None:
        offered = self.engine.calls.entries[call_id]
        for other in self.engine.calls.entries.values():
            if other.status == "waiting" and other.bucket == offered.bucket \
                    and other.priority == offered.priority:
                assert (other.arrival_ts, other.seq) > (offered.arrival_ts, offered.seq), (
                    f"{other.call_id} waits although ahead of {call_id}")

    def eligible(self, nurse_id: str, call_id: str) -> bool:
        agent = self.engine.nurse(nurse_id)
        entry = self.engine.calls.entries[call_id]
        vias = self.engine.rules.answering(entry.lane, entry.aged).get(agent.home_region, ())
        served = agent.serves is None or any(v in agent.serves for v in vias)
        return (agent.home_region in self.engine.eligible_regions(call_id) and served
                and entry.needs <= agent.skills)

    def nurses_in(self, *states: AgentState) -> list[str]:
        return [n for n in sorted(self.added) if self.engine.nurse(n).state in states]

    def calls_in(self, status: str) -> list[str]:
        return sorted(c for c, e in self.engine.calls.entries.items() if e.status == status)

    # -- rules ---------------------------------------------------------------------------------
    @rule(origin=st.sampled_from([*REGIONS, None]), priority=st.sampled_from([0, 0, 0, 1, -1]),
          needs=st.sampled_from(NEEDS), national=st.booleans())
    def call_arrives(self, origin: str | None, priority: int, needs: frozenset[str],
                     national: bool) -> None:
        call_id = f"c{self.next_call}"
        self.next_call += 1
        self.run(self.engine.call_arrived(call_id, origin, self.now, priority, needs,
                                          national and self.next_call % 5 == 0))
        entry = self.engine.call(call_id)
        if entry is not None:
            self.placed[call_id] = (entry.arrival_ts, entry.seq)

    @rule(nurse=st.sampled_from(NURSES), region=st.sampled_from(REGIONS),
          arabic=st.booleans())
    def nurse_logs_in(self, nurse: str, region: str, arabic: bool) -> None:
        if nurse not in self.added:
            skills = frozenset({"lang:ar"}) if arabic else frozenset()
            self.run(self.engine.add_nurse(nurse, region, self.now, skills=skills))
            self.added.add(nurse)
        if self.engine.nurse(nurse).state is AgentState.LOGGED_OUT:
            self.run(self.engine.log_in(nurse, self.now))

    @rule(data=st.data())
    def nurse_answers(self, data: st.DataObject) -> None:
        ringing = self.nurses_in(AgentState.OFFERED)
        if ringing:
            self.run(self.engine.answer(data.draw(st.sampled_from(ringing)), self.now))

    @rule(data=st.data())
    def nurse_declines(self, data: st.DataObject) -> None:
        ringing = self.nurses_in(AgentState.OFFERED)
        if ringing:
            self.run(self.engine.decline(data.draw(st.sampled_from(ringing)), self.now))

    @rule(data=st.data(), transferred=st.booleans())
    def call_ends(self, data: st.DataObject, transferred: bool) -> None:
        talking = [n for n in self.nurses_in(AgentState.ON_CALL)
                   if not self.engine.calls.entries[self.engine.nurse(n).call_id].callback
                   or self.engine.calls.entries[self.engine.nurse(n).call_id].answered_ts]
        if talking:
            self.run(self.engine.end_call(data.draw(st.sampled_from(talking)), self.now,
                                          transferred))

    @rule(data=st.data(), outcome=st.sampled_from(["answered", "no_answer"]))
    def callback_dialled(self, data: st.DataObject, outcome: str) -> None:
        dialling = [c for c in self.calls_in("connected")
                    if self.engine.calls.entries[c].callback
                    and not self.engine.calls.entries[c].answered_ts]
        if dialling:
            self.run(self.engine.callback_result(data.draw(st.sampled_from(dialling)), self.now,
                                                 outcome))

    @rule(data=st.data())
    def caller_hangs_up(self, data: st.DataObject) -> None:
        candidates = [c for c in self.calls_in("waiting") + self.calls_in("offered")
                      if not self.engine.calls.entries[c].callback]
        if candidates:
            self.run(self.engine.hang_up(data.draw(st.sampled_from(candidates)), self.now))

    @rule(data=st.data())
    def caller_asks_for_callback(self, data: st.DataObject) -> None:
        candidates = [c for c in self.calls_in("waiting")
                      if not self.engine.calls.entries[c].callback]
        if candidates:
            self.run(self.engine.request_callback(data.draw(st.sampled_from(candidates)),
                                                  self.now))

    @rule(data=st.data(), pause=st.booleans())
    def nurse_leaves(self, data: st.DataObject, pause: bool) -> None:
        present = [n for n in self.nurses_in(*AgentState) if
                   self.engine.nurse(n).state not in (AgentState.LOGGED_OUT,)
                   and not (pause and self.engine.nurse(n).state is AgentState.PAUSED)]
        if present:
            nurse = data.draw(st.sampled_from(present))
            if pause:
                self.run(self.engine.pause(nurse, self.now, "lunch"))
            else:
                self.run(self.engine.log_out(nurse, self.now))

    @rule(data=st.data())
    def nurse_unpauses(self, data: st.DataObject) -> None:
        paused = self.nurses_in(AgentState.PAUSED)
        if paused:
            self.run(self.engine.unpause(data.draw(st.sampled_from(paused)), self.now))

    @rule(mode=st.sampled_from(["national_common", "night_norr", "overflow_vast"]),
          state=st.sampled_from([True, False, None]))
    def supervisor_sets_mode(self, mode: str, state: bool | None) -> None:
        self.run(self.engine.set_mode(mode, self.now, state, by="sup", why="test"))

    @rule(region=st.sampled_from([*REGIONS[:4], None]), on=st.booleans())
    def supervisor_sets_crisis(self, region: str | None, on: bool) -> None:
        self.run(self.engine.set_crisis(region, on, self.now, by="sup", why="test"))

    @rule(source=st.sampled_from(REGIONS), to=st.sampled_from(REGIONS),
          minutes=st.integers(0, 30))
    def supervisor_redirects(self, source: str, to: str, minutes: int) -> None:
        start = self.now + timedelta(minutes=minutes)
        self.run(self.engine.redirect(f"r{len(self.log)}", source, to, start,
                                      start + timedelta(minutes=20), self.now, by="sup",
                                      why="apt"))

    @rule(data=st.data(), priority=st.sampled_from([-1, 0, 1]))
    def supervisor_changes_priority(self, data: st.DataObject, priority: int) -> None:
        waiting = self.calls_in("waiting")
        if waiting:
            self.run(self.engine.set_priority(data.draw(st.sampled_from(waiting)), priority,
                                              self.now, by="sup", why="test"))

    @rule(data=st.data(), serves=st.sampled_from([None, (("national_common", 2), ("13", 1)),
                                                   (("night_norr", 1), ("20", 1))]),
          arabic=st.booleans())
    def supervisor_moves_a_nurse(self, data: st.DataObject,
                                 serves: tuple[tuple[str, int], ...] | None,
                                 arabic: bool) -> None:
        if self.added:
            nurse = data.draw(st.sampled_from(sorted(self.added)))
            skills = frozenset({"lang:ar"}) if arabic else frozenset()
            self.run(self.engine.set_nurse_queues(nurse, self.now, serves, skills, by="sup",
                                                  why="test"))

    @rule(data=st.data())
    def nurse_ends_wrap_up_early(self, data: st.DataObject) -> None:
        wrapping = self.nurses_in(AgentState.WRAP_UP)
        if wrapping:
            nurse = data.draw(st.sampled_from(wrapping))
            self.wrap_until[nurse] = self.now.timestamp()
            self.run(self.engine.end_wrap_up(nurse, self.now))

    @rule(seconds=st.sampled_from([1, 5, 30, 90, 200, 900, 3600]))
    def time_passes(self, seconds: int) -> None:
        target = self.now + timedelta(seconds=seconds)
        while True:
            due = self.engine.next_change_at()
            if due is None or due > target:
                break
            self.now = max(self.now, due)
            self.run(self.engine.tick(self.now))
        self.now = target
        self.run(self.engine.tick(self.now))

    # -- invariants -------------------------------------------------------------------------------
    @invariant()
    def no_call_is_lost(self) -> None:
        assert set(self.engine.calls.entries) == self.live

    @invariant()
    def no_double_assignment(self) -> None:
        holders: dict[str, str] = {}
        for nurse_id in sorted(self.added):
            agent = self.engine.nurse(nurse_id)
            if agent.state in (AgentState.OFFERED, AgentState.ON_CALL):
                assert agent.call_id is not None
                assert agent.call_id not in holders, f"{agent.call_id} held twice"
                holders[agent.call_id] = nurse_id
                assert self.engine.calls.entries[agent.call_id].nurse_id == nurse_id
        for call_id, entry in self.engine.calls.entries.items():
            if entry.status in ("offered",) or (entry.status == "connected"):
                assert holders.get(call_id) == entry.nurse_id

    @invariant()
    def place_is_kept_and_position_is_consistent(self) -> None:
        lanes: dict[str, list[tuple[int, float, int]]] = {}
        for call_id, entry in self.engine.calls.entries.items():
            assert (entry.arrival_ts, entry.seq) == self.placed[call_id]
            if not entry.answered_ts:  # a callback being dialled still holds its place
                lanes.setdefault(entry.lane, []).append(entry.key[:3])
        for call_id, entry in self.engine.calls.entries.items():
            if not entry.answered_ts:
                ahead = sum(1 for k in lanes[entry.lane] if k < entry.key[:3])
                assert self.engine.position(call_id) == ahead + 1

    @invariant()
    def no_waiting_call_has_an_eligible_ready_nurse(self) -> None:
        ready = self.nurses_in(AgentState.READY)
        for call_id in self.calls_in("waiting"):
            for nurse_id in ready:
                assert not self.eligible(nurse_id, call_id), (
                    f"{call_id} waits while {nurse_id} is ready and eligible")

    def teardown(self) -> None:
        rebuilt = Engine.replay(self.engine.config, START, self.log)
        assert rebuilt.snapshot() == self.engine.snapshot()


EngineMachine.TestCase.settings = settings(
    max_examples=400, stateful_step_count=60, deadline=None,
    suppress_health_check=[HealthCheck.too_slow], derandomize=True)
test_engine_invariants_hold_for_any_sequence_of_events = EngineMachine.TestCase
