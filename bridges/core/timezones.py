"""Choosing the time zone for formats that carry only local wall-clock times.

The zone comes from `--timezone`, else the config file, else the machine's own zone. The
machine's IANA name is found the way the C library finds the zone: the TZ variable first,
then the /etc/localtime link, then Debian's /etc/timezone.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

logger = logging.getLogger(__name__)

LOCALTIME_LINK = Path("/etc/localtime")
TIMEZONE_FILE = Path("/etc/timezone")


class InvalidTimezone(ValueError):
    """A zone name that is not in the IANA time zone database."""


@dataclass(frozen=True)
class ChosenZone:
    """The zone a run uses and where its name came from, for the log."""

    zone: ZoneInfo
    origin: str


def load_zone(name: str) -> ZoneInfo:
    """Return the ZoneInfo for an IANA name such as `Europe/Berlin`, or raise InvalidTimezone."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        # ValueError: names that are not normalized relative paths (`/etc/x`, `../x`) or
        # files of the database that are not zones (`zone.tab`). OSError: folders (`Europe`).
        raise InvalidTimezone(
            f"invalid time zone {name!r}: not an IANA time zone name such as Europe/Berlin"
        ) from exc


def _zone_name_from_path(path: str) -> str | None:
    """Return `Europe/Berlin` for `/usr/share/zoneinfo/Europe/Berlin` and similar paths."""
    marker = "zoneinfo/"
    position = path.rfind(marker)
    if position < 0:
        return None
    name = path[position + len(marker):]
    # Debian and others also ship `posix/` and `right/` copies of the database.
    for prefix in ("posix/", "right/"):
        if name.startswith(prefix):
            name = name[len(prefix):]
    return name or None


def _name_from_tz_variable(value: str) -> str | None:
    # POSIX allows a leading colon; the rest is a zone name or a path to a zone file.
    value = value.removeprefix(":").strip()
    if not value:
        return None
    if value.startswith("/"):
        return _zone_name_from_path(value)
    return value


def machine_zone_name(
    environ: dict[str, str] | None = None,
    localtime: Path = LOCALTIME_LINK,
    timezone_file: Path = TIMEZONE_FILE,
) -> str | None:
    """Return the IANA name of this machine's zone, or None when it cannot be found."""
    environ = dict(os.environ) if environ is None else environ
    if "TZ" in environ:
        name = _name_from_tz_variable(environ["TZ"])
        if name:
            return name

    try:
        name = _zone_name_from_path(os.readlink(localtime))
    except OSError:
        name = None
    if name:
        return name

    try:
        name = timezone_file.read_text(encoding="utf-8").strip()
    except OSError:
        name = None
    return name or None


def choose_zone(option: str | None, configured: str | None) -> ChosenZone:
    """Return the zone from the option, the config file or the machine, in that order."""
    if option:
        return ChosenZone(load_zone(option), "--timezone")
    if configured:
        return ChosenZone(load_zone(configured), "config file")

    name = machine_zone_name()
    if name is None:
        logger.warning("could not find this machine's time zone; using UTC (set --timezone)")
        return ChosenZone(ZoneInfo("UTC"), "fallback")
    try:
        return ChosenZone(load_zone(name), "this machine")
    except InvalidTimezone:
        logger.warning("this machine's time zone %r is unknown; using UTC (set --timezone)", name)
        return ChosenZone(ZoneInfo("UTC"), "fallback")
