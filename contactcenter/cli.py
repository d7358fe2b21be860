"""The ``radgivning`` command line.

Each subcommand lives in a module of :mod:`contactcenter.commands` exposing
``register(subparsers)``; the handler it stores in ``func`` receives the
parsed arguments and the loaded settings and returns the exit code.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from contactcenter.callflow.reference_data import ReferenceDataError
from contactcenter.settings import SettingsError
from contactcenter.wallboard_config import WallboardConfigError
from decision_support.errors import ContentError
from journal.config import JournalConfigError
from referral_catalog.geo import CentresFileError

COMMAND_MODULES = (
    "contactcenter.commands.serve",
    "contactcenter.commands.demo",
    "contactcenter.commands.db",
    "contactcenter.commands.user",
    "contactcenter.commands.token",
    "contactcenter.commands.nurse",
    "contactcenter.commands.simulate",
    "contactcenter.commands.journal",
    "contactcenter.commands.catalog",
    "contactcenter.commands.guidelines",
    "contactcenter.commands.console",
)
CONFIGURATION_EXIT = 3
#: A configuration file is wrong: each names the file, the key or line, and the problem.
CONFIGURATION_ERRORS = (SettingsError, ReferenceDataError, JournalConfigError, ContentError,
                        CentresFileError, WallboardConfigError)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every available subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="radgivning",
        description="Contact center and nurse decision support for a health-advice line.",
    )
    parser.add_argument(
        "--config-dir", help="configuration folder (default: RADGIVNING_CONFIG_DIR or ./config)"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    from contactcenter.settings import load_settings

    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        settings = load_settings(config_dir=None if args.config_dir is None else Path(args.config_dir))
    except SettingsError as exc:
        return _configuration_error(exc)
    logging.basicConfig(
        level=getattr(logging, settings.service.log_level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if settings.service.log_level.lower() != "debug":
        logging.getLogger("alembic").setLevel(logging.WARNING)  # one line per plugin otherwise
    try:
        return int(args.func(args, settings) or 0)
    except CONFIGURATION_ERRORS as exc:
        # The contexts read their own files (journal.toml, decision_support.toml, the
        # guideline content, the municipality centres) when a command builds their
        # services: same message, same exit code as the settings.
        return _configuration_error(exc)


def _configuration_error(exc: Exception) -> int:
    print(f"radgivning: configuration error\n{exc}", file=sys.stderr)
    return CONFIGURATION_EXIT


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
