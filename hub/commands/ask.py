"""`cardmunk-hub ask "/search dinner"`: run a bot command and print its answer as plain text.

For owners without Telegram and for scripts: the answer is the one the Telegram bot gives,
without formatting. A terminal cannot press buttons, so a list of contacts to pick from
prints the command to run for each one, and a search with more results says so.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sqlite3
import sys

from bot.answer import Answer
from bot.commands import run_command
from bot.commands.context import CommandContext
from bot.render_text import render_text
from hub.settings import Settings
from hub.storage.database import Database
from hub.storage.errors import StorageUnavailable

# A one-shot read: the storage's INFO notices (writer started, writer stopped) would only
# clutter the answer, while warnings and errors stay visible. A stricter logging.level holds.
LOG_LEVEL = logging.WARNING


def run(args: argparse.Namespace, settings: Settings) -> int:
    quiet_logging()
    text = " ".join(args.text)
    path = settings.database.path
    if not path.exists():
        print(f"cardmunk-hub ask: database {path} not found; pass --database or --config", file=sys.stderr)
        return 1
    try:
        answer = asyncio.run(_ask(text, settings))
    except (StorageUnavailable, sqlite3.Error) as exc:
        print(f"cardmunk-hub ask: cannot read database {path}: {exc}", file=sys.stderr)
        return 1

    if answer.error:
        print(render_text(answer), file=sys.stderr)
        return 1
    print(render_text(answer))
    return 0


def quiet_logging() -> None:
    """Raise the root logger to LOG_LEVEL, and aiosqlite's logger, which hub.cli sets on its own."""
    for logger in (logging.getLogger(), logging.getLogger("aiosqlite")):
        logger.setLevel(max(LOG_LEVEL, logger.getEffectiveLevel()))


async def _ask(text: str, settings: Settings) -> Answer:
    database = Database(settings.database)
    await database.open()
    try:
        return await run_command(text, CommandContext(database.reader, settings))
    finally:
        await database.close()
