"""The `cardmunk-hub` command: serve, token, backup, check, ask.

Every subcommand takes `--config FILE` and `--database PATH`; exit status 0 on success,
1 when the work failed, 2 for usage and configuration errors.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any, Callable

from hub.settings import Settings, SettingsError, load_settings

logger = logging.getLogger("hub")

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, metavar="FILE",
                        help="TOML settings file (default: ./config.toml if it exists, else built-in defaults)")
    parser.add_argument("--database", type=Path, metavar="PATH",
                        help="SQLite database file (overrides database.path; default ./data/cardmunk.db)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cardmunk-hub",
        description="Cardmunk interactions hub: stores what bridges push and answers searches.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    serve = commands.add_parser("serve", help="run the HTTP API until SIGTERM or Ctrl-C",
                                description="Run the HTTP API. SIGTERM stops it cleanly: in-flight "
                                            "requests finish and the database is closed.")
    _add_common(serve)
    serve.add_argument("--host", help="address to listen on (overrides server.host; default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="TCP port (overrides server.port; default 8080; 0 picks a free one)")

    token = commands.add_parser("token", help="create, list or revoke API tokens",
                                description="Manage API tokens. Scopes: ingest (bridges push), "
                                            "read (queries), admin (everything, including contact edits).")
    token_commands = token.add_subparsers(dest="token_command", metavar="ACTION", required=True)
    create = token_commands.add_parser("create", help="create a token and print it (shown only once)",
                                       description="Create a token. The token is printed alone on the last "
                                                   "line of standard output; only its hash is stored.")
    _add_common(create)
    create.add_argument("--scope", required=True, choices=("ingest", "read", "admin"), help="what the token may do")
    create.add_argument("--name", required=True, help="a name to recognise the token by, e.g. laptop-mail-bridge")
    listing = token_commands.add_parser("list", help="list tokens (never their secrets)")
    _add_common(listing)
    revoke = token_commands.add_parser("revoke", help="revoke a token by name or key id")
    _add_common(revoke)
    revoke.add_argument("token", metavar="NAME", help="the token's name or key id, as `token list` shows")

    backup = commands.add_parser("backup", help="write a consistent copy of the database while the hub runs",
                                 description="Copy the database through SQLite's online backup API into "
                                             "PATH. Safe while `serve` runs; PATH must not exist.")
    _add_common(backup)
    backup.add_argument("path", type=Path, metavar="PATH", help="file to write the backup to")

    check = commands.add_parser("check", help="check the settings and the database",
                                description="Validate the settings, open the database, apply pending "
                                            "migrations and run SQLite's and FTS5's integrity checks.")
    _add_common(check)

    ask = commands.add_parser("ask", help="run a Telegram bot command and print its answer as plain text",
                              description="Run a command of the Telegram bot (/search, /contact, /score, "
                                          "/help) on the database and print the answer without formatting. "
                                          "Exit status 1, with the bot's error text on standard error, "
                                          "when the command is invalid.")
    _add_common(ask)
    ask.add_argument("text", nargs="+", metavar="COMMAND",
                     help='the command and its arguments, e.g. "/search dinner with:alice"')
    return parser


def load(args: argparse.Namespace) -> Settings:
    overrides: dict[str, Any] = {"database.path": args.database}
    if getattr(args, "host", None) is not None:
        overrides["server.host"] = args.host
    if getattr(args, "port", None) is not None:
        overrides["server.port"] = args.port
    return load_settings(args.config, overrides)


def configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.logging.level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # httpx logs every request URL at INFO, and a Telegram Bot API URL contains the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # aiosqlite logs every statement with its parameters at DEBUG: search text and handles.
    logging.getLogger("aiosqlite").setLevel(max(logging.INFO, logging.getLogger().level))


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load(args)
    except SettingsError as exc:
        print(f"cardmunk-hub: {exc}", file=sys.stderr)
        return EXIT_USAGE
    configure_logging(settings)

    from hub.commands import ask, backup, check, serve, tokens

    handlers: dict[str, Callable[[argparse.Namespace, Settings], int]] = {
        "serve": serve.run,
        "token": tokens.run,
        "backup": backup.run,
        "check": check.run,
        "ask": ask.run,
    }
    return handlers[args.command](args, settings)


if __name__ == "__main__":
    sys.exit(main())
