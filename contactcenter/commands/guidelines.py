"""``radgivning guidelines``: search the guideline library and check content files.

Both subcommands work from the files alone (no database): the content set in
``<config dir>/guidelines`` (or the given path) and the urgency levels and care
types of ``<config dir>/decision_support.toml``.

* ``guidelines search [--json] [--age N] [--audience adult|child] "query"`` prints
  the ranked hits with id, title, version, score and why each matched;
* ``guidelines check [PATH]`` validates a content directory (or one file) and
  prints every problem as file, field and problem; exit status 1 if any.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from contactcenter.settings import Settings
from decision_support.content import check_content, load_config, load_library
from decision_support.errors import ContentError
from decision_support.search import GuidelineIndex

CONFIG_NAME = "decision_support.toml"
CONTENT_DIR = "guidelines"


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``guidelines search|check`` to the CLI."""
    parser = subparsers.add_parser("guidelines", help="decision-support guidelines: search, check")
    sub = parser.add_subparsers(dest="guidelines_command", metavar="SUBCOMMAND", required=True)
    search = sub.add_parser("search", help="search the guideline library as a nurse would")
    search.add_argument("query", help="what the caller says, e.g. 'ont i bröstet'")
    search.add_argument("--json", action="store_true", help="print a JSON list")
    search.add_argument("--age", type=float, help="patient's age in years")
    search.add_argument("--audience", choices=("adult", "child"))
    search.add_argument("--limit", type=int, default=10)
    search.add_argument("--content-dir", type=Path,
                        help="content set directory (default: <config dir>/guidelines)")
    search.set_defaults(func=run_search)
    check = sub.add_parser("check", help="validate guideline content files")
    check.add_argument("path", nargs="?", type=Path,
                       help="content directory or one guideline file "
                            "(default: <config dir>/guidelines)")  # fmt: skip
    check.set_defaults(func=run_check)


def run_search(args: argparse.Namespace, settings: Settings) -> int:
    """Print the ranked hits for the query."""
    try:
        config = load_config(settings.config_dir / CONFIG_NAME)
        library = load_library(args.content_dir or settings.config_dir / CONTENT_DIR, config)
    except ContentError as exc:
        print(f"radgivning: the guideline content has problems (run `guidelines check`)\n{exc}",
              file=sys.stderr)
        return 1
    hits = GuidelineIndex.build(library.guidelines).search(
        args.query, age=args.age, audience=args.audience, limit=args.limit)
    notice = library.content_set.notice if library.content_set.is_sample else ""
    if args.json:
        print(json.dumps([{"id": h.guideline_id, "title": h.title, "version": h.version,
                           "score": h.score, "why": h.why} for h in hits],
                         ensure_ascii=False, indent=2))
        return 0
    if notice:
        print(f"[{notice}]")
    if not hits:
        print("no guideline matches")
    for rank, h in enumerate(hits, 1):
        print(f"{rank:>2}. {h.guideline_id:<28} {h.title}  (v{h.version}, score {h.score:.2f})")
        for why in h.why:
            print(f"      - {why}")
    return 0


def run_check(args: argparse.Namespace, settings: Settings) -> int:
    """Validate content and print each problem as file, field, problem."""
    target = args.path or settings.config_dir / CONTENT_DIR
    problems = check_content(target, settings.config_dir / CONFIG_NAME)
    for p in problems:
        print(f"{p.file}\t{p.field or '-'}\t{p.problem}")
    if problems:
        print(f"{len(problems)} problem(s) in {target}", file=sys.stderr)
        return 1
    print(f"{target}: no problems")
    return 0
