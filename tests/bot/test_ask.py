"""`cardmunk-hub ask` as a subprocess on a database filled through the ingestion API."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.commands.search import MORE_RESULTS, PAGE_SIZE
from bot.settings import TOKEN_ENVIRONMENT_VARIABLE
from hub.app import create_app
from hub.commands.ask import quiet_logging
from tests.hub.conftest import Hub, create_tokens, interaction, make_settings


@pytest.fixture
async def seeded(tmp_path: Path, aiohttp_client: Any, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv(TOKEN_ENVIRONMENT_VARIABLE, raising=False)
    settings = make_settings(tmp_path, owner={"handles": ["email:me@example.com"]})
    hub = Hub(await aiohttp_client(create_app(settings)), settings, create_tokens(settings))
    await hub.push(
        interaction("m1", subject=None, content="Shall we have dinner on Friday? <b>&amp;</b> 😀"),
        interaction("m2", occurred_at="2024-04-01T10:00:00Z", subject="Lunch", content="lunch",
                    participants=[{"handle": "alice@example.com", "kind": "email", "name": "Alice Example",
                                   "role": "from"}]),
    )
    return settings.database.path


def ask(database: Path, *text: str) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if key != TOKEN_ENVIRONMENT_VARIABLE}
    return subprocess.run([sys.executable, "-m", "hub.cli", "ask", *text, "--database", str(database)],
                          cwd=database.parent, capture_output=True, text=True, timeout=60, env=environment)


async def test_ask_search_prints_plain_text(seeded: Path) -> None:
    result = ask(seeded, "/search dinner")

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Results 1–1 for dinner\n\n2024-03-08 20:10 · email · Bob Example\n")
    assert "Shall we have dinner on Friday? <b>&amp;</b> 😀" in result.stdout
    assert MORE_RESULTS not in result.stdout


async def test_ask_logs_only_warnings(seeded: Path) -> None:
    result = ask(seeded, "/search dinner")

    assert result.returncode == 0
    assert result.stderr == ""


@pytest.mark.parametrize(("configured", "expected"), [
    (logging.DEBUG, logging.WARNING),
    (logging.INFO, logging.WARNING),
    (logging.ERROR, logging.ERROR),
])
def test_ask_log_level_floor(configured: int, expected: int) -> None:
    loggers = [logging.getLogger(), logging.getLogger("aiosqlite")]
    saved = [logger.level for logger in loggers]
    try:
        for logger in loggers:
            logger.setLevel(configured)

        quiet_logging()

        assert [logger.level for logger in loggers] == [expected, expected]
    finally:
        for logger, level in zip(loggers, saved):
            logger.setLevel(level)


async def test_ask_words_joined(seeded: Path) -> None:
    result = ask(seeded, "/contact", "alice")

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Alice Example\nScore 0/100 · rank 1\n\nHandles\nemail: alice@example.com\n")


async def test_ask_choices_listed_as_commands(seeded: Path) -> None:
    result = ask(seeded, "/contact example")
    lines = result.stdout.splitlines()
    commands = [line.rsplit(": ", 1)[1] for line in lines[2:]]
    first_choice = ask(seeded, commands[0])

    assert result.returncode == 0, result.stderr
    assert lines[:2] == ["2 contacts match. Pick one:", ""]
    assert [line.rsplit(": ", 1)[0] for line in lines[2:]] == ["Alice Example · alice@example.com",
                                                              "Bob Example · bob@example.com"]
    assert all(re.fullmatch(r"/contact #\d+", command) for command in commands)
    assert "[" not in result.stdout
    assert first_choice.returncode == 0, first_choice.stderr
    assert first_choice.stdout.startswith("Alice Example\n")


async def test_ask_score_choices_listed_as_commands(seeded: Path) -> None:
    result = ask(seeded, "/score example")

    assert result.returncode == 0, result.stderr
    assert all(re.fullmatch(r".+ · .+: /score #\d+", line) for line in result.stdout.splitlines()[2:])


async def test_ask_search_more_results(tmp_path: Path, aiohttp_client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(TOKEN_ENVIRONMENT_VARIABLE, raising=False)
    settings = make_settings(tmp_path, owner={"handles": ["email:me@example.com"]})
    hub = Hub(await aiohttp_client(create_app(settings)), settings, create_tokens(settings))
    await hub.push(*[interaction(f"m{n}", occurred_at=f"2024-03-{n + 1:02d}T10:00:00Z") for n in range(PAGE_SIZE + 1)])

    result = ask(settings.database.path, "/search dinner")

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Results 1–{PAGE_SIZE} for dinner\n")
    assert result.stdout.endswith("\n\n" + MORE_RESULTS + "\n")
    assert "Next" not in result.stdout


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("/search type:fax", "type:fax is not a known type"),
        ("/nope", "There is no command /nope."),
        ("hello", "Send a command such as /search dinner"),
        ("/contact", "Send /contact followed by a name"),
    ],
)
async def test_ask_invalid_command_exits_1(seeded: Path, text: str, message: str) -> None:
    result = ask(seeded, text)

    assert result.returncode == 1
    assert message in result.stderr
    assert result.stdout == ""


async def test_ask_no_results_exits_0(seeded: Path) -> None:
    result = ask(seeded, "/search zanzibar")

    assert result.returncode == 0
    assert result.stdout.startswith("No interactions match zanzibar.")


def test_ask_missing_database(tmp_path: Path) -> None:
    result = ask(tmp_path / "missing.db", "/help")

    assert result.returncode == 1
    assert "missing.db not found" in result.stderr
    assert not (tmp_path / "missing.db").exists()
