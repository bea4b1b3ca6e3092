"""The bridge config file (TOML): defaults for the command-line options.

Top-level keys apply to every source. A table named after a source (`[whatsapp]`) sets
the same keys for that source only and overrides the top level. Options given on the
command line override both, except `me`: its handles from all three places are combined. The
token is never read from the file: it comes from the CARDMUNK_TOKEN environment variable.
`bridge.example.toml` at the repository root documents every key.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hub.ingest.item import MAX_BATCH_ITEMS

CONFIG_FILE_NAME = "bridge.toml"


class ConfigError(ValueError):
    """A config file that is missing, not TOML, or has unknown or invalid keys."""


class SourceSettings(BaseModel):
    """The keys allowed at the top level and in each source's table."""

    model_config = ConfigDict(extra="forbid")

    hub: str | None = Field(default=None, description="URL of the hub")
    me: list[str] = Field(default_factory=list, description="the owner's own handles or names")
    timezone: str | None = Field(default=None, description="IANA zone for wall-clock times")
    phone_region: str | None = Field(default=None, description="default phone region (ISO 3166)")
    batch_size: int | None = Field(default=None, ge=1, le=MAX_BATCH_ITEMS, description="items per request")
    checkpoint: str | None = Field(default=None, description="checkpoint file")
    dead_letter: str | None = Field(default=None, description="dead-letter file for rejected records")
    progress: bool | None = Field(default=None, description="show progress")


class ConfigFile(SourceSettings):
    """The whole file: top-level keys plus an optional table per source."""

    email: SourceSettings | None = None
    calendar: SourceSettings | None = None
    calls: SourceSettings | None = None
    sms: SourceSettings | None = None
    whatsapp: SourceSettings | None = None
    telegram: SourceSettings | None = None
    signal: SourceSettings | None = None

    def for_source(self, source: str) -> SourceSettings:
        """Merge the top level with the source's table; `me` lists are combined."""
        top = SourceSettings.model_validate(self.model_dump(include=set(SourceSettings.model_fields)))
        table: SourceSettings | None = getattr(self, source, None)
        if table is None:
            return top
        overrides = table.model_dump(exclude_unset=True)
        overrides["me"] = [*top.me, *table.me]
        return top.model_copy(update=overrides)


def default_config_path(environ: dict[str, str] | None = None) -> Path:
    """Return `$XDG_CONFIG_HOME/cardmunk/bridge.toml`, by default under ~/.config."""
    environ = dict(os.environ) if environ is None else environ
    base = environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "cardmunk" / CONFIG_FILE_NAME


def _describe(error: ValidationError) -> str:
    problems = []
    for detail in error.errors():
        key = ".".join(str(part) for part in detail["loc"])
        if detail["type"] == "extra_forbidden":
            hint = " (the token is read from CARDMUNK_TOKEN only)" if key.endswith("token") else ""
            problems.append(f"unknown key {key!r}{hint}")
        else:
            problems.append(f"{key}: {detail['msg']}")
    return "; ".join(problems)


def parse_config(text: str, origin: str) -> ConfigFile:
    """Parse a config file's text; `origin` names the file in error messages."""
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid config file {origin}: not valid TOML ({exc})") from exc
    try:
        return ConfigFile.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"invalid config file {origin}: {_describe(exc)}") from exc


def load_config(explicit: str | None) -> ConfigFile:
    """Read the file given with --config, else the default file when it exists."""
    if explicit is not None:
        path = Path(explicit).expanduser()
        if not path.is_file():
            raise ConfigError(f"config file not found: {explicit}")
    else:
        path = default_config_path()
        if not path.is_file():
            return ConfigFile()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}") from exc
    return parse_config(text, str(path))

