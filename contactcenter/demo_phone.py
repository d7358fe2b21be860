"""The demo's simulated nurse phones as a small port for the rest of the service.

In the demo the nurse linked to a login (``sjukskoterska``) has a simulated
phone that rings until answered by hand, as a real desk phone would. A nurse
console answers it through :class:`SimulatedPhones` (its Svara button), so
nothing outside the demo needs to know the ARI simulator exists; with a real
Asterisk the nurse answers her real phone and no such port is wired.
"""

from __future__ import annotations

from ari_simulator import AriSimulator

__all__ = ["SimulatedPhones"]


class SimulatedPhones:
    """Answer, hang up and look at the demo's simulated phones by endpoint
    (``PJSIP/nurse-01-1``). An endpoint without a simulated phone never rings:
    every method answers False for it."""

    def __init__(self, simulator: AriSimulator) -> None:
        self._sim = simulator

    async def answer(self, endpoint: str) -> bool:
        """Pick up the phone's ringing call; False when nothing rings."""
        try:
            return await self._sim.answer_phone(endpoint)
        except KeyError:
            return False

    async def hang_up(self, endpoint: str) -> bool:
        """End the phone's answered call from the phone; False when no call is up."""
        try:
            return await self._sim.hang_up_phone(endpoint)
        except KeyError:
            return False

    def ringing(self, endpoint: str) -> bool:
        """Whether the phone is ringing now."""
        try:
            return self._sim.ringing(endpoint)
        except KeyError:
            return False
