"""The terminal console's benchmark still runs (two queries; figures are printed, never
asserted on)."""

from __future__ import annotations

import json
from pathlib import Path

from bench.console_tui import main


def test_the_terminal_benchmark_types_its_queries_and_writes_its_figures(
    tmp_path: Path,
) -> None:
    out = tmp_path / "figures.json"
    assert main(["--queries", "2", "--json", str(out)]) == 0
    figures = json.loads(out.read_text("utf-8"))
    assert figures["queries"] == 2
    for measure in ("keystroke_to_hits_shown", "keystroke_to_hits_painted",
                    "api_search_alone"):
        assert figures[measure]["n"] == 2 and set(figures[measure]) >= {"p50_ms", "p99_ms"}
    assert figures["typed_without_hits"] == 0  # "feb" and "feber" find the fever guidelines
