"""The golden query set: nurse-typed queries with the guideline a nurse expects.

Reports top-1 and top-3 accuracy (printed; run with ``-s`` to see them) and
fails under 95 % top-3.
"""

from __future__ import annotations

import csv
from pathlib import Path

from decision_support.content import GuidelineLibrary
from decision_support.search import GuidelineIndex

GOLDEN = Path(__file__).with_name("golden_queries.csv")


def load_golden() -> list[dict[str, str]]:
    with GOLDEN.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_the_golden_set_is_large_and_names_existing_guidelines(library: GuidelineLibrary) -> None:
    rows = load_golden()
    assert len(rows) >= 150
    ids = {g.id for g in library.guidelines}
    assert {r["expected"] for r in rows} <= ids
    assert len({r["query"] for r in rows}) == len(rows)


def test_golden_queries_find_the_expected_guideline_in_the_top_three(
    index: GuidelineIndex,
) -> None:
    rows = load_golden()
    top1 = top3 = 0
    misses = []
    for row in rows:
        ids = [h.guideline_id for h in index.search(row["query"], limit=3)]
        top1 += ids[:1] == [row["expected"]]
        if row["expected"] in ids:
            top3 += 1
        else:
            misses.append(f"{row['query']!r} -> {ids} (expected {row['expected']})")
    n = len(rows)
    print(f"\ngolden queries: {n}  top-1 {top1 / n:.1%}  top-3 {top3 / n:.1%}")
    for miss in misses:
        print("  miss:", miss)
    assert top3 / n >= 0.95, misses
