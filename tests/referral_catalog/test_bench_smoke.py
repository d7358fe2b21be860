"""The catalog benchmark still runs (tiny sizes; figures are printed, never asserted)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "catalog_search.py"


def test_the_benchmark_runs_and_writes_its_figures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RADGIVNING_TEST_PG_URL", raising=False)
    spec = importlib.util.spec_from_file_location("catalog_search_bench", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    out = tmp_path / "figures.json"
    assert module.main(["--units", "400", "--queries", "60", "--json", str(out)]) == 0
    figures = json.loads(out.read_text("utf-8"))
    assert figures["units"] == 400
    assert set(figures["in_memory"]) >= {"p50_ms", "p99_ms"}
    assert set(figures["service"]) >= {"p50_ms", "p99_ms"} and "service_update_s" in figures
    assert figures["top_k_agreement"] == 1.0
