"""Benchmark: guideline search at 5,000 guidelines, against two baselines in the same run.

The index holds the sample library plus generated variants (different ids and
titles made by combining the sample's search terms with synthetic words, so
both the vocabulary and the postings grow as a real library would). Queries
are the golden set in ``tests/decision_support/golden_queries.csv``; a query
counts as found when its expected guideline is in the top 3. The variants are
distractors: they reuse real terms but are never the expected answer.

Figures: query latency p50/p99 (first pass, and steady state over repeated
passes), index build time, memory (tracemalloc peak during build and the
retained size), top-1/top-3 accuracy. Baselines on the same data and queries:

* ``rapidfuzz-titles``: ``rapidfuzz.process.extract`` over titles only (WRatio);
* ``fts5-trigram``: SQLite FTS5 with the trigram tokenizer over title and all
  search terms, query words OR-ed, ranked by bm25 (raw text as typed);
* ``fts5-trigram+fold``: the same with our diacritic folding on both sides.

    .venv/bin/python bench/guideline_search.py [--size 5000] [--passes 5] [--json PATH]
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import random
import sqlite3
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz, process, utils

from decision_support.content import load_library
from decision_support.model import Guideline, SearchTerms
from decision_support.normalise import fold, stem, words
from decision_support.search import GuidelineIndex

GOLDEN = ROOT / "tests" / "decision_support" / "golden_queries.csv"
#: Queries written after tuning and never tuned against (reported beside the golden set).
HELDOUT = ROOT / "tests" / "decision_support" / "heldout_queries.csv"
SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ne",
    "su",
    "ra",
    "to",
    "vi",
    "ba",
    "de",
    "fo",
    "gu",
    "hy",
    "jo",
    "ke",
    "la",
    "mu",
    "ni",
    "po",
    "re",
    "sa",
    "ti",
    "va",
]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def pseudo_word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(3, 4)))


QUALIFIERS = (
    "hos gravida", "efter operation", "hos äldre", "vid diabetes", "vid cancerbehandling",
    "efter utlandsresa", "hos idrottare", "vid hjärtsvikt", "vid KOL", "efter vaccination",
    "hos personer med demens", "vid nedsatt immunförsvar", "efter förlossning", "vid njursvikt",
    "hos personer med funktionsnedsättning", "vid blodförtunnande behandling", "i skolmiljö",
    "vid missbruk", "hos nyanlända", "vid palliativ vård",
)  # fmt: skip
_FIELDS = ("symptoms", "body_parts", "events", "lay_terms", "synonyms")


def make_variants(
    sample: tuple[Guideline, ...], size: int, style: str = "specialised", seed: int = 1177
) -> list[Guideline]:
    """Distractor guidelines with their own ids and titles, made by combining terms.

    ``specialised``: a sample guideline's clinical terms plus a qualifier
    ("Feber hos gravida"), synthetic specialist words as synonyms — the shape of
    a large real library, where topics have specialised siblings.
    ``adversarial``: titles and terms mix *any* phrases (lay phrases included) of
    two sample guidelines ("Varm i pannan vid bebisen hostar") — many distractors
    carry a query's exact wording in their title.
    ``realistic``: specialised and comorbidity siblings whose lay phrases carry
    their qualifier, as an editor writes them (:func:`_realistic`).

    Why ``adversarial`` is a stress test and not a forecast: each of its
    distractors copies phrases of the sample *verbatim* into its own symptom,
    event and title fields, so a typical lay phrase ("ont i bröstet") sits in
    10–20 distractors, often in a field weighted at least as high as where the
    real guideline has it. Such a distractor carries all the evidence the
    right guideline has for the query and differs only in a field label or a
    tie-break, which no honest ranking can use; a curated library does not
    list another topic's lay phrases as its own symptoms.
    """
    rng = random.Random(seed)
    pool = [pseudo_word(rng) for _ in range(3000)]
    variants = []
    for k in range(size - len(sample)):
        a, b = rng.sample(sample, 2)
        ta = [t for f in _FIELDS for t in getattr(a.search_terms, f)]
        tb = [t for f in _FIELDS for t in getattr(b.search_terms, f)]
        extra = rng.sample(pool, 3)
        if style == "realistic":
            title, terms = _realistic(rng, a, b, extra)
        elif style == "adversarial":
            title = f"{rng.choice(ta).capitalize()} vid {rng.choice(tb)} ({extra[0]})"
            terms = SearchTerms(
                symptoms=tuple(rng.sample(ta, min(2, len(ta)))),
                body_parts=tuple(a.search_terms.body_parts[:1]),
                events=tuple(rng.sample(tb, min(1, len(tb)))),
                lay_terms=(f"{extra[1]} {rng.choice(tb)}",),
                synonyms=(extra[2],),
            )
        else:
            core = list(a.search_terms.symptoms) or [a.title]
            qualifier = rng.choice(QUALIFIERS)
            title = f"{rng.choice(core).capitalize()} {qualifier}"
            terms = SearchTerms(
                symptoms=tuple(rng.sample(core, min(2, len(core)))),
                body_parts=tuple(rng.sample(a.search_terms.body_parts,
                                            min(1, len(a.search_terms.body_parts)))),
                events=(qualifier,),
                synonyms=(extra[0], f"{extra[1]} {extra[2]}"),
            )  # fmt: skip
        variants.append(
            replace(a, id=f"variant-{k:05d}", title=title, search_terms=terms, summary="")
        )
    return variants


def _realistic(
    rng: random.Random, a: Guideline, b: Guideline, extra: list[str]
) -> tuple[str, SearchTerms]:
    """A sibling of ``a`` as a curated library would write it (see ``make_variants``).

    Four in five are specialised for a population or situation ("Feber hos
    gravida"), one in five for a comorbidity named by another guideline's title
    ("Hosta vid astma, försämring"). Their lay phrases carry the qualifier
    ("varm i pannan gravida"), as an editor would write them, and their clinical
    terms are a subset of the parent's; the parent keeps its plain lay phrases.
    """
    core = list(a.search_terms.symptoms) or [a.title]
    if rng.random() < 0.8:
        qualifier = rng.choice(QUALIFIERS)
        keyword = qualifier.split()[-1]
    else:
        qualifier = f"vid {b.title.split(',')[0].lower()}"
        keyword = qualifier.split()[-1]
    lay = list(a.search_terms.lay_terms)
    terms = SearchTerms(
        symptoms=tuple(rng.sample(core, min(2, len(core)))),
        body_parts=tuple(rng.sample(a.search_terms.body_parts,
                                    min(1, len(a.search_terms.body_parts)))),
        events=(qualifier,),
        lay_terms=tuple(f"{t} {keyword}" for t in rng.sample(lay, min(2, len(lay)))),
        synonyms=(extra[0], f"{extra[1]} {extra[2]}"),
    )  # fmt: skip
    return f"{rng.choice(core).capitalize()} {qualifier}", terms


def load_golden(path: Path = GOLDEN) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def measure(
    name: str, search: Callable[[str], list[str]], golden: list[dict[str, str]], passes: int
) -> dict[str, Any]:
    top1 = top3 = 0
    first: list[float] = []
    steady: list[float] = []
    for p in range(passes):
        for row in golden:
            t0 = time.perf_counter()
            ids = search(row["query"])
            elapsed = (time.perf_counter() - t0) * 1000
            (first if p == 0 else steady).append(elapsed)
            if p == 0:
                top1 += ids[:1] == [row["expected"]]
                top3 += row["expected"] in ids[:3]
    steady = steady or first
    n = len(golden)
    return {
        "name": name,
        "queries": n,
        "top1": top1 / n,
        "top3": top3 / n,
        "first_pass_p50_ms": statistics.median(first),
        "first_pass_p99_ms": pct(first, 99),
        "p50_ms": statistics.median(steady),
        "p99_ms": pct(steady, 99),
        "max_ms": max(steady),
    }


def rss_kb() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * 4


def bench_index(
    guidelines: list[Guideline],
    golden: list[dict[str, str]],
    passes: int,
    heldout: list[dict[str, str]] | None = None,
) -> dict:
    gc.collect()
    rss0 = rss_kb()
    t0 = time.perf_counter()
    index = GuidelineIndex.build(guidelines)
    build_s = time.perf_counter() - t0
    rss_delta = rss_kb() - rss0
    del index
    gc.collect()
    tracemalloc.start()
    index = GuidelineIndex.build(guidelines)
    retained, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # A long-lived index is moved out of the collector's generations, as the service
    # should do after loading, so full collections do not walk its ~10^5 objects.
    gc.freeze()
    stem.cache_clear()  # the first pass starts cold: no query word stemmed yet
    # limit=10 as a nurse's result list would show; accuracy looks at the first three.
    result = measure(
        "guideline-index", lambda q: [h.guideline_id for h in index.search(q, limit=10)],
        golden, passes,
    )  # fmt: skip
    if heldout:
        held = measure("held-out", lambda q: [h.guideline_id for h in index.search(q, limit=3)],
                       heldout, 1)
        result.update(heldout_top1=held["top1"], heldout_top3=held["top3"])
    gc.unfreeze()
    result.update(
        build_s=build_s,
        build_peak_mb=peak / 1e6,
        retained_mb=retained / 1e6,
        rss_delta_mb=rss_delta / 1024,
        vocabulary=index.vocabulary_size,
    )
    return result


def bench_titles(guidelines: list[Guideline], golden: list[dict[str, str]], passes: int) -> dict:
    titles = [g.title for g in guidelines]
    ids = [g.id for g in guidelines]
    t0 = time.perf_counter()
    processed = [utils.default_process(t) for t in titles]
    build_s = time.perf_counter() - t0

    def search(q: str) -> list[str]:
        hits = process.extract(
            utils.default_process(q), processed, scorer=fuzz.WRatio, limit=3, processor=None
        )
        return [ids[i] for _, _, i in hits]

    result = measure("rapidfuzz-titles", search, golden, passes)
    result["build_s"] = build_s
    return result


def bench_fts(
    guidelines: list[Guideline], golden: list[dict[str, str]], passes: int, folded: bool
) -> dict:
    norm = fold if folded else (lambda s: s.lower())
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE g USING fts5(gid UNINDEXED, title, terms, tokenize='trigram')")
    t0 = time.perf_counter()
    rows = []
    for g in guidelines:
        t = g.search_terms
        all_terms = [*t.symptoms, *t.body_parts, *t.events, *t.lay_terms, *t.misspellings,
                     *t.synonyms]  # fmt: skip
        rows.append((g.id, norm(g.title), norm(" ; ".join(all_terms))))
    db.executemany("INSERT INTO g VALUES (?, ?, ?)", rows)
    build_s = time.perf_counter() - t0

    def search(q: str) -> list[str]:
        parts = [w for w in (fold(q).split() if folded else words(q)) if len(w) >= 3]
        if not parts:
            return []
        match = " OR ".join('"' + w.replace('"', '""') + '"' for w in parts)
        cur = db.execute(
            "SELECT gid FROM g WHERE g MATCH ? ORDER BY bm25(g, 10.0, 5.0) LIMIT 3", (match,)
        )
        return [r[0] for r in cur]

    result = measure("fts5-trigram" + ("+fold" if folded else ""), search, golden, passes)
    result["build_s"] = build_s
    return result


def run_style(library: Any, golden: list[dict[str, str]], size: int, passes: int, style: str,
              heldout: list[dict[str, str]] | None = None):  # fmt: skip
    guidelines = [*library.guidelines, *make_variants(library.guidelines, size, style)]
    return [
        bench_index(guidelines, golden, passes, heldout),
        bench_titles(guidelines, golden, passes),
        bench_fts(guidelines, golden, passes, folded=False),
        bench_fts(guidelines, golden, passes, folded=True),
    ]


def print_table(title: str, results: list[dict[str, Any]]) -> None:
    print(f"\n{title}")
    header = f"{'engine':<24}{'top-1':>7}{'top-3':>7}{'p50 ms':>9}{'p99 ms':>9}" \
             f"{'1st p99':>9}{'max ms':>9}{'build s':>9}"  # fmt: skip
    print(header)
    print("-" * len(header))
    for r in results:
        print(f"{r['name']:<24}{r['top1']:>7.1%}{r['top3']:>7.1%}{r['p50_ms']:>9.3f}"
              f"{r['p99_ms']:>9.3f}{r['first_pass_p99_ms']:>9.3f}{r['max_ms']:>9.3f}"
              f"{r['build_s']:>9.3f}")  # fmt: skip
    ix = results[0]
    print(
        f"index: vocabulary {ix['vocabulary']} stems, build peak {ix['build_peak_mb']:.1f} MB "
        f"(tracemalloc), retained {ix['retained_mb']:.1f} MB, RSS delta {ix['rss_delta_mb']:.1f} MB"
    )
    if "heldout_top3" in ix:
        print(f"index on held-out queries: top-1 {ix['heldout_top1']:.1%}, "
              f"top-3 {ix['heldout_top3']:.1%}")
    best_baseline = max(r["top3"] for r in results[1:])
    print(
        f"targets: p99 < 5 ms: {'yes' if ix['p99_ms'] < 5 else 'NO'}; "
        f"top-3 >= 95 %: {'yes' if ix['top3'] >= 0.95 else 'NO'}; "
        f"better top-3 than both baselines: {'yes' if ix['top3'] > best_baseline else 'NO'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=5000)
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--styles", default="specialised,realistic,adversarial",
                        help="variant styles to run, comma-separated")  # fmt: skip
    parser.add_argument("--json", type=Path, help="write the figures as JSON to this path")
    args = parser.parse_args()

    library = load_library()
    golden = load_golden()
    heldout = load_golden(HELDOUT) if HELDOUT.exists() else []
    sample_index = GuidelineIndex.build(library.guidelines)
    sample_only = measure(
        "guideline-index (sample only)",
        lambda q: [h.guideline_id for h in sample_index.search(q, limit=3)],
        golden,
        1,
    )
    print(
        f"golden queries: {len(golden)}; size {args.size} "
        f"({len(library.guidelines)} sample + generated variants); passes {args.passes}"
    )
    print(f"sample library only ({len(library.guidelines)} guidelines): "
          f"top-1 {sample_only['top1']:.1%}, top-3 {sample_only['top3']:.1%}")  # fmt: skip
    if heldout:
        held = measure("held-out (sample only)",
                       lambda q: [h.guideline_id for h in sample_index.search(q, limit=3)],
                       heldout, 1)  # fmt: skip
        print(f"held-out queries ({len(heldout)}), sample only: top-1 {held['top1']:.1%}, "
              f"top-3 {held['top3']:.1%}")
    figures: dict[str, Any] = {"size": args.size, "golden": len(golden), "passes": args.passes,
                               "sample_only": sample_only, "styles": {}}  # fmt: skip
    for style in args.styles.split(","):
        results = run_style(library, golden, args.size, args.passes, style, heldout)
        print_table(f"variants: {style}", results)
        figures["styles"][style] = results
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
