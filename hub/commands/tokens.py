"""`cardmunk-hub token create|list|revoke`."""

from __future__ import annotations

import argparse
import sqlite3
import sys
from datetime import datetime, timezone

from hub.commands.offline import write_transaction
from hub.settings import Settings
from hub.tokens import TokenError, create_token, list_tokens, revoke_token


def run(args: argparse.Namespace, settings: Settings) -> int:
    try:
        with write_transaction(settings) as connection:
            if args.token_command == "create":
                token = create_token(connection, args.name, args.scope)
                print(f"Created {args.scope} token {args.name!r}. It is shown only once; store it now:",
                      file=sys.stderr)
                print(token)
            elif args.token_command == "list":
                _print_list(connection)
            else:
                info = revoke_token(connection, args.token)
                state = "was already revoked" if info.revoked_at else "revoked"
                print(f"token {info.name!r} ({info.key_id}) {state}")
    except TokenError as exc:
        print(f"cardmunk-hub token: {exc}", file=sys.stderr)
        return 2
    except sqlite3.Error as exc:
        print(f"cardmunk-hub token: database {settings.database.path}: {exc}", file=sys.stderr)
        return 1
    return 0


def _print_list(connection: sqlite3.Connection) -> None:
    tokens = list_tokens(connection)
    if not tokens:
        print("no tokens; create one with: cardmunk-hub token create --scope ingest --name NAME")
        return
    print(f"{'NAME':<24} {'KEY ID':<14} {'SCOPE':<7} {'CREATED':<20} STATE")
    for token in tokens:
        state = "revoked" if token.revoked_at else "active"
        print(f"{token.name:<24} {token.key_id:<14} {token.scope:<7} {_date(token.created_at):<20} {state}")


def _date(epoch: int | None) -> str:
    if epoch is None:
        return "-"
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
