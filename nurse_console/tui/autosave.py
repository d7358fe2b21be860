"""The nurse's unsaved text and the draft revision it was written on (no widget here).

Autosave sends what changed since the last save, based on the revision last read. A
conflict (the draft was saved elsewhere since) keeps every typed word pending: the next
save is based on the stored revision, so her text goes in over it, and nothing she
typed is ever replaced under her."""

from __future__ import annotations

from typing import Any


class DraftBuffer:
    """Pending note fields and the revision they are based on."""

    def __init__(self) -> None:
        self.base = 0
        self.pending: dict[str, Any] = {}
        self._sending: dict[str, Any] = {}

    def edit(self, field: str, value: Any) -> None:
        self.pending[field] = value

    def busy(self, field: str) -> bool:
        """Whether ``field`` holds text the server does not have yet."""
        return field in self.pending or field in self._sending

    @property
    def unsaved(self) -> bool:
        """Whether any text is not stored yet (pending, or on its way)."""
        return bool(self.pending or self._sending)

    def take(self) -> dict[str, Any]:
        """The fields to send now (empty when there is nothing new or a save is on)."""
        if self._sending or not self.pending:
            return {}
        self._sending, self.pending = self.pending, {}
        return dict(self._sending)

    def saved(self, revision: int) -> None:
        self._sending = {}
        self.base = revision

    def failed(self, stored_revision: int | None = None) -> None:
        """The save did not go in: keep its text pending (newer edits win)."""
        self.pending = {**self._sending, **self.pending}
        self._sending = {}
        if stored_revision is not None:
            self.base = stored_revision

    def seen(self, revision: int) -> None:
        """A view arrived: with nothing unsaved, the next save builds on it."""
        if not self.pending and not self._sending:
            self.base = revision
