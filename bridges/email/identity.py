"""The source_id of an email: its Message-ID, made unique where the Message-ID is not.

Scheme:

1. A message with a usable Message-ID gets that id as written, angle brackets included
   and white space removed: `<notes-2@example.com>`. Copies of one message (the same
   mail in Inbox, Sent and All Mail, in two Maildir folders, or imported twice) share
   it, so the hub stores the message once.
2. Some senders reuse one Message-ID for different messages (generators with a fixed
   id, resent templates). Messages with the same Message-ID are different when their
   identity key differs: the Date as a UTC second and the sender address. Within one
   input (one `read` call) the message with the earliest Date keeps the bare Message-ID
   (on a tie, the one with the smaller key digest). Every other one gets
   `<id>#` and 16 hex digits of the SHA-256 of its key. The result does not depend on
   the order of the messages in the input.
3. A message without a usable Message-ID gets `sha256:` and the SHA-256 hex digest of
   its sender, recipients, Date (UTC second), Subject and body text with white space
   collapsed. A Message-ID here always begins with "<", so the two kinds never collide.
   Copies of the message get the same id, and the same file imported again adds nothing.

Limits:

- The reader keeps no state between inputs. When a message that reuses a Message-ID is
  imported alone first, it gets the bare id, and the earlier message with that id,
  imported later, is taken by the hub for the same interaction. Importing in date order
  avoids this, because the earliest message always keeps the bare id.
- Two different messages with one Message-ID, one Date second and one sender are
  stored as one interaction.
- Copies whose Date or sender differ, such as a mailing-list copy whose From was
  rewritten, become two interactions when they meet in one input.
- A derived id (rule 3) depends on how this package decodes and chooses the body, so a
  change there gives messages without a Message-ID new ids.
"""

from __future__ import annotations

import hashlib
import json

# The item allows 512 characters; a longer Message-ID is not a usable one, which leaves
# room for the "#" suffix of rule 2.
MAX_MESSAGE_ID_CHARS = 480
SUFFIX_HEX_DIGITS = 16
DERIVED_PREFIX = "sha256:"


def usable_message_id(candidates: list[str]) -> str | None:
    """Return the first msg-id of a Message-ID header if it can serve as a source_id."""
    if not candidates:
        return None
    message_id = candidates[0]
    if len(message_id) > MAX_MESSAGE_ID_CHARS or "\x00" in message_id:
        return None
    return message_id


def key_digest(epoch: int, sender: str) -> str:
    """Return the SHA-256 hex digest of the identity key of rule 2."""
    return hashlib.sha256(f"{epoch}\n{sender.casefold()}".encode("utf-8", "surrogatepass")).hexdigest()


def derived_source_id(sender: str, recipients: list[str], epoch: int, subject: str | None, body: str) -> str:
    """Return the source_id of a message without a usable Message-ID (rule 3)."""
    canonical = json.dumps(
        [
            sender.casefold(),
            sorted(address.casefold() for address in recipients),
            epoch,
            " ".join((subject or "").split()),
            " ".join(body.split()),
        ],
        ensure_ascii=False,
    )
    return DERIVED_PREFIX + hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


class MessageIdIndex:
    """The Message-IDs of one input, to find those shared by different messages (rule 2).

    Fill it with `add` for every message of the input, then ask `source_id`.
    """

    def __init__(self) -> None:
        # Message-ID -> (epoch, key digest) of the first message seen with it.
        self._first: dict[str, tuple[int, str]] = {}
        # Message-ID -> (epoch, key digest) of the message that keeps the bare id, only
        # for Message-IDs that more than one different message uses.
        self._keepers: dict[str, tuple[int, str]] = {}

    def add(self, message_id: str, epoch: int, sender: str) -> None:
        key = (epoch, key_digest(epoch, sender))
        first = self._first.setdefault(message_id, key)
        if first == key:
            return
        keeper = self._keepers.get(message_id, first)
        self._keepers[message_id] = min(keeper, key)

    def source_id(self, message_id: str, epoch: int, sender: str) -> str:
        digest = key_digest(epoch, sender)
        keeper = self._keepers.get(message_id)
        if keeper is None or keeper == (epoch, digest):
            return message_id
        return f"{message_id}#{digest[:SUFFIX_HEX_DIGITS]}"
