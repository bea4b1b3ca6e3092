"""Read `signal-cli -o json receive` output, from a file or standard input (`-`)."""

from __future__ import annotations

import json
from typing import Iterator

from bridges.core.records import ParseError, ReadOptions, Record
from bridges.signal.convert import convert_line
from bridges.signal.lines import numbered_lines
from bridges.signal.owner import Owner


def read(path: str, options: ReadOptions) -> Iterator[Record]:
    """Yield one record per non-blank line, each as soon as its line has been read."""
    base_owner = Owner.from_me(options.me, options.phone_region)
    owners: dict[object, Owner] = {}
    try:
        for line_number, raw in numbered_lines(path):
            if not raw.strip():
                continue
            location = f"line {line_number}"
            try:
                line = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError:
                yield ParseError(path, location, "line is not UTF-8")
                continue
            except json.JSONDecodeError as exc:
                # The message and column name the fault without quoting the line.
                yield ParseError(path, location, f"invalid JSON: {exc.msg} at column {exc.colno}")
                continue

            account = line.get("account") if isinstance(line, dict) else None
            key = account if isinstance(account, str) else None
            if key not in owners:
                owners[key] = base_owner.with_account(account, options.phone_region)
            yield convert_line(path, line_number, line, owners[key], options.phone_region)
    except OSError as exc:
        yield ParseError(path, "file", f"cannot read the input: {exc.strerror}")
