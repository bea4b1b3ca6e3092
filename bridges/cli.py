"""The `cardmunk-bridge` command: read exports of one source and push them to the hub.

    cardmunk-bridge SOURCE PATH... [options]

One subcommand per source (see `bridges.core.sources`). Exit status: 0 when every record
was delivered, 1 when records were rejected or failed or the run stopped early, 2 for
usage errors found before any file is read, 130 after Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import textwrap
from typing import Sequence

from tqdm.contrib.logging import logging_redirect_tqdm

from bridges.core.config import ConfigError, load_config
from bridges.core.runner import run_bridge
from bridges.core.settings import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_DEAD_LETTER,
    DEFAULT_HUB,
    TOKEN_VARIABLE,
    UsageError,
    log_settings,
    resolve_settings,
)
from bridges.core.sources import SOURCES, ReaderUnavailable, SourceSpec
from bridges.core.summary import EXIT_USAGE
from hub.ingest.item import MAX_BATCH_ITEMS

logger = logging.getLogger("bridges.cli")

HELP_WIDTH = 78
LOG_HANDLER_NAME = "cardmunk-bridge"
# 128 + SIGINT, the shell's convention for a command stopped with Ctrl-C.
EXIT_INTERRUPTED = 130

DESCRIPTION = (
    "Read exports of one source (mail files, chat exports, call logs...) and push the "
    "interactions they contain to the Cardmunk hub. The hub token is read from the environment "
    f"variable {TOKEN_VARIABLE}; it is never a command-line option."
)

EPILOG = (
    "Re-running a bridge on the same files is cheap: a checkpoint file stores how many records "
    "of each unchanged file the hub acknowledged, and the hub ignores duplicates. Records the "
    "hub rejects and records that cannot be parsed go to the dead-letter file.",
    "Exit status: 0 when everything was delivered, 1 when records were rejected or failed or "
    "the run stopped early, 2 for invalid options, 130 when interrupted with Ctrl-C.",
)


def _add_reading_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("reading")
    group.add_argument(
        "--me", metavar="HANDLE", action="append",
        help="one of your own handles (email address, phone number, Signal UUID, Telegram id, "
        "WhatsApp display name); repeatable, added to those in the config file. Your own "
        "messages become outbound and you never become a contact",
    )
    group.add_argument(
        "--since", metavar="DATE",
        help="import only interactions at or after DATE, an ISO date (2024-03-01) or date and time "
        "(2024-03-01T08:00:00+01:00); without an offset it is read in --timezone",
    )
    group.add_argument(
        "--timezone", metavar="ZONE",
        help="IANA time zone (Europe/Berlin) for formats with local wall-clock times only "
        "(default: from the config file, else this machine's zone)",
    )
    group.add_argument(
        "--phone-region", metavar="CC",
        help="two-letter country code (DE, US) for phone numbers written without a country code",
    )


def _add_hub_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("pushing")
    group.add_argument(
        "--hub", metavar="URL",
        help=f"URL of the hub (default: from the config file, else {DEFAULT_HUB})",
    )
    group.add_argument(
        "--dry-run", action="store_true",
        help="print the interactions as JSON lines (the ingestion API's item shape) and push nothing; "
        "no token needed",
    )
    group.add_argument(
        "--batch-size", metavar="N", type=int,
        help=f"interactions per request to the hub, 1 to {MAX_BATCH_ITEMS} (default: {DEFAULT_BATCH_SIZE})",
    )


def _add_file_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("files and output")
    group.add_argument(
        "--config", metavar="FILE",
        help="TOML file with defaults for these options (default: ~/.config/cardmunk/bridge.toml "
        "when it exists; see bridge.example.toml)",
    )
    group.add_argument(
        "--checkpoint", metavar="FILE",
        help="checkpoint file recording what the hub acknowledged per input file "
        "(default: $XDG_STATE_HOME/cardmunk/bridge-SOURCE.checkpoint.json, "
        "XDG_STATE_HOME defaulting to ~/.local/state)",
    )
    group.add_argument(
        "--dead-letter", metavar="FILE",
        help="JSON Lines file, appended with mode 0600, for records the hub rejected or that could "
        f"not be parsed (default: ./{DEFAULT_DEAD_LETTER})",
    )
    group.add_argument("--no-progress", action="store_true", help="show no progress bar or progress lines")
    group.add_argument("-v", "--verbose", action="store_true", help="log debug messages")


def build_parser(sources: dict[str, SourceSpec] = SOURCES) -> argparse.ArgumentParser:
    """Return the argument parser with one subcommand per source."""
    parser = argparse.ArgumentParser(
        prog="cardmunk-bridge",
        description=_paragraphs(DESCRIPTION),
        epilog=_paragraphs(*EPILOG),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    subparsers = parser.add_subparsers(dest="source", metavar="SOURCE", required=True)
    for spec in sources.values():
        subparser = subparsers.add_parser(
            spec.name,
            help=spec.summary,
            description=_paragraphs(f"{spec.summary[0].upper()}{spec.summary[1:]}.", spec.files, DESCRIPTION),
            epilog=f"example:\n  {spec.example}\n\n{_paragraphs(*EPILOG)}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        subparser.add_argument(
            "paths", metavar="PATH", nargs="+",
            help="input file" + (" (- for standard input)" if spec.accepts_stdin else ""),
        )
        _add_reading_options(subparser)
        _add_hub_options(subparser)
        _add_file_options(subparser)
    return parser


def _paragraphs(*texts: str) -> str:
    return "\n\n".join(textwrap.fill(text, width=HELP_WIDTH) for text in texts)


def _configure_logging(verbose: bool) -> None:
    """Send the `bridges` loggers to the current stderr; calling it again replaces the handler."""
    package_logger = logging.getLogger("bridges")
    for handler in list(package_logger.handlers):
        if handler.get_name() == LOG_HANDLER_NAME:
            package_logger.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(LOG_HANDLER_NAME)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    package_logger.addHandler(handler)
    package_logger.setLevel(logging.DEBUG if verbose else logging.INFO)


def main(argv: Sequence[str] | None = None, sources: dict[str, SourceSpec] = SOURCES) -> int:
    """Run `cardmunk-bridge` and return its exit status."""
    args = build_parser(sources).parse_args(argv)
    _configure_logging(args.verbose)
    spec = sources[args.source]

    try:
        config = load_config(args.config)
        settings = resolve_settings(args, config, accepts_stdin=spec.accepts_stdin)
        reader = spec.load_reader()
    except (ConfigError, UsageError, ReaderUnavailable) as exc:
        logger.error("%s", exc)
        return EXIT_USAGE

    log_settings(settings)
    try:
        with logging_redirect_tqdm(loggers=[logging.getLogger("bridges")]):
            return asyncio.run(run_bridge(settings, reader))
    except KeyboardInterrupt:
        # run_bridge has logged the stop and what a re-run will do.
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
