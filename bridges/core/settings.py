"""The settings of one bridge run, resolved from the command line, the config file and defaults.

Every check of user input happens here, before any file is read, so that a wrong option
fails at once with exit status 2 and a message naming the value.
"""

from __future__ import annotations

import ipaddress
import logging
import os
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import phonenumbers

from bridges.core.config import ConfigFile, SourceSettings
from bridges.core.records import ReadOptions
from bridges.core.timezones import InvalidTimezone, choose_zone
from hub.ingest.item import MAX_BATCH_ITEMS

logger = logging.getLogger(__name__)

TOKEN_VARIABLE = "CARDMUNK_TOKEN"
DEFAULT_HUB = "http://127.0.0.1:8080"
DEFAULT_BATCH_SIZE = 500
DEFAULT_DEAD_LETTER = "cardmunk-rejected.jsonl"
STDIN_PATH = "-"


class UsageError(ValueError):
    """An invalid option or a missing prerequisite, found before the run starts."""


@dataclass(frozen=True)
class RunSettings:
    """Everything one run of `cardmunk-bridge SOURCE` needs to know."""

    source: str
    paths: tuple[str, ...]
    hub: str
    token: str | None
    dry_run: bool
    since: datetime | None
    options: ReadOptions
    zone_origin: str
    batch_size: int
    checkpoint_path: Path
    dead_letter_path: Path
    progress: bool

    def __repr__(self) -> str:
        # The token must not reach a log or a traceback through a repr.
        return f"RunSettings(source={self.source!r}, hub={self.hub!r}, paths={len(self.paths)})"


def default_checkpoint_path(source: str, environ: dict[str, str] | None = None) -> Path:
    """Return `$XDG_STATE_HOME/cardmunk/bridge-SOURCE.checkpoint.json`, by default under ~/.local/state."""
    environ = dict(os.environ) if environ is None else environ
    base = environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "cardmunk" / f"bridge-{source}.checkpoint.json"


def parse_hub_url(value: str) -> str:
    """Return the hub URL without a trailing slash, or raise UsageError."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"invalid hub URL {value!r}: expected http://HOST:PORT or https://HOST")
    if parts.query or parts.fragment:
        raise UsageError(f"invalid hub URL {value!r}: a query or fragment is not allowed")
    return value.rstrip("/")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_since(value: str, zone: ZoneInfo) -> datetime:
    """Return the instant for an ISO date or date-time; values without an offset use `zone`."""
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), time(0), tzinfo=zone)
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise UsageError(
            f"invalid --since value {value!r}: expected an ISO date (2024-03-01) "
            "or date and time (2024-03-01T08:00:00+01:00)"
        ) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment


def parse_phone_region(value: str) -> str:
    """Return the region code in upper case, or raise UsageError."""
    region = value.strip().upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise UsageError(
            f"invalid --phone-region {value!r}: expected a two-letter country code such as DE or US"
        )
    return region


def _check_paths(source: str, paths: list[str], accepts_stdin: bool) -> tuple[str, ...]:
    if paths.count(STDIN_PATH) > 1:
        raise UsageError("standard input (-) can be given only once")
    for path in paths:
        if path == STDIN_PATH:
            if not accepts_stdin:
                raise UsageError(f"the {source} bridge cannot read standard input; give file paths")
        elif not os.path.exists(path):
            raise UsageError(f"input file not found: {path}")
    return tuple(paths)


def _first(*values: Any) -> Any:
    return next((value for value in values if value is not None), None)


def resolve_settings(
    args: Any, config: ConfigFile, accepts_stdin: bool, environ: dict[str, str] | None = None
) -> RunSettings:
    """Combine the parsed command line `args` with the config file into RunSettings."""
    environ = dict(os.environ) if environ is None else environ
    source: str = args.source
    file_settings: SourceSettings = config.for_source(source)

    paths = _check_paths(source, list(args.paths), accepts_stdin)
    hub = parse_hub_url(_first(args.hub, file_settings.hub, DEFAULT_HUB))

    token = environ.get(TOKEN_VARIABLE) or None
    if token is None and not args.dry_run:
        raise UsageError(
            f"no hub token: set the environment variable {TOKEN_VARIABLE} to an ingest token "
            "(create one with `cardmunk-hub token create --scope ingest`), or use --dry-run"
        )

    try:
        chosen = choose_zone(args.timezone, file_settings.timezone)
    except InvalidTimezone as exc:
        raise UsageError(str(exc)) from exc

    region_value = _first(args.phone_region, file_settings.phone_region)
    region = parse_phone_region(region_value) if region_value else None

    batch_size = _first(args.batch_size, file_settings.batch_size, DEFAULT_BATCH_SIZE)
    if not 1 <= batch_size <= MAX_BATCH_ITEMS:
        raise UsageError(f"invalid --batch-size {batch_size}: must be between 1 and {MAX_BATCH_ITEMS}")

    me = tuple(dict.fromkeys(handle.strip() for handle in [*file_settings.me, *(args.me or [])] if handle.strip()))
    since = parse_since(args.since, chosen.zone) if args.since else None
    checkpoint = _first(args.checkpoint, file_settings.checkpoint)
    dead_letter = _first(args.dead_letter, file_settings.dead_letter, DEFAULT_DEAD_LETTER)
    progress = not args.no_progress and _first(file_settings.progress, True)

    return RunSettings(
        source=source,
        paths=paths,
        hub=hub,
        token=token,
        dry_run=args.dry_run,
        since=since,
        options=ReadOptions(me=me, timezone=chosen.zone, phone_region=region),
        zone_origin=chosen.origin,
        batch_size=batch_size,
        checkpoint_path=Path(checkpoint).expanduser() if checkpoint else default_checkpoint_path(source, environ),
        dead_letter_path=Path(dead_letter).expanduser(),
        progress=progress,
    )


def log_settings(settings: RunSettings) -> None:
    """Log what the run uses, without the token, handles or file names."""
    logger.info("time zone for wall-clock times: %s (from %s)", settings.options.timezone, settings.zone_origin)
    if settings.dry_run:
        logger.info("dry run: printing interactions, pushing nothing")
        return
    logger.info("pushing to %s in batches of %d", settings.hub, settings.batch_size)
    host = urlsplit(settings.hub).hostname or ""
    if settings.hub.startswith("http://") and not _is_loopback(host):
        logger.warning("the hub URL is plain http to another host: the token and data travel unencrypted")
