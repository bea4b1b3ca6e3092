"""The bot's commands, independent of Telegram: text in, a neutral `Answer` out.

The Telegram handlers and `cardmunk-hub ask` both call `run_command` and `run_callback`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Awaitable, Callable

from bot.answer import Answer, text_answer
from bot.commands import contact, score, search
from bot.commands import help as help_command
from bot.commands.callbacks import ContactRequest, SearchPageRequest, parse_callback_data
from bot.commands.context import CommandContext, CommandError

Command = Callable[[str, CommandContext], Awaitable[Answer]]


@dataclass(frozen=True)
class CommandInfo:
    name: str
    description: str  # shown in Telegram's command menu (setMyCommands: 3-256 characters)
    run: Command


COMMANDS = [
    CommandInfo("search", "Search interactions: /search dinner with:alice", search.run),
    CommandInfo("contact", "A contact's card: /contact alice", contact.run),
    CommandInfo("score", "Top and fading contacts, or one contact's score: /score alice", score.run),
    CommandInfo("help", "What the bot does, with examples", help_command.run),
    CommandInfo("start", "What the bot does, with examples", help_command.run),
]
_BY_NAME = {command.name: command for command in COMMANDS}

NOT_A_COMMAND = "Send a command such as /search dinner or /contact alice; /help lists them all."
EXPIRED_SEARCH = "This search expired; send it again."
STALE_BUTTON = "This button no longer works; send the command again."


def split_command(text: str) -> tuple[str, str] | None:
    """Split "/search@MyBot dinner" into ("search", "dinner"); None when not a command."""
    stripped = text.strip()
    if not stripped.startswith("/"):
        return None
    head, _, arguments = stripped.partition(" ")
    if "\n" in head:
        head, _, rest = head.partition("\n")
        arguments = rest + " " + arguments if arguments else rest
    name = head[1:].split("@", 1)[0].lower()
    return name, arguments.strip()


async def run_command(text: str, context: CommandContext) -> Answer:
    """Run the command in `text`; an invalid command gives an answer with `error` set."""
    parts = split_command(text)
    if parts is None:
        return text_answer(NOT_A_COMMAND, error=True)
    name, arguments = parts
    command = _BY_NAME.get(name)
    if command is None:
        return text_answer(f"There is no command /{name[:32]}. Send /help to see the commands.", error=True)
    try:
        return await command.run(arguments, context)
    except CommandError as exc:
        return text_answer(str(exc), error=True)


@dataclass
class CallbackResult:
    # The answer that replaces the message with the button, or None to leave it.
    answer: Answer | None
    # A short notice shown over the chat (answerCallbackQuery text), at most 200 characters.
    notice: str | None = None


async def run_callback(data: str, context: CommandContext) -> CallbackResult:
    """Run what a button press asks for."""
    request = parse_callback_data(data)
    try:
        if isinstance(request, SearchPageRequest):
            return CallbackResult(await search.page(context, request.session_id, request.page))
        if isinstance(request, ContactRequest) and request.score:
            return CallbackResult(await score.breakdown(context, request.contact_id))
        if isinstance(request, ContactRequest):
            return CallbackResult(await contact.card(context, request.contact_id))
    except search.SearchExpired:
        return CallbackResult(None, EXPIRED_SEARCH)
    except CommandError as exc:
        return CallbackResult(text_answer(str(exc), error=True))
    return CallbackResult(None, STALE_BUTTON)
