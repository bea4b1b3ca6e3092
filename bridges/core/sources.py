"""The registry of sources of the bridge command, and lazy loading of their readers.

Each source is a package `bridges.<name>` whose `__init__` exposes
`read(path, options) -> Iterator[Record]`. Readers are imported only when their subcommand
runs, so one missing or broken reader does not stop the others from working.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import cast

from bridges.core.records import Reader


class ReaderUnavailable(Exception):
    """A source's reader module cannot be imported or has no `read` function."""


@dataclass(frozen=True)
class SourceSpec:
    """One subcommand of `cardmunk-bridge`: the reader module and what files it takes."""

    name: str
    module: str
    summary: str
    files: str
    example: str
    accepts_stdin: bool = False

    def load_reader(self) -> Reader:
        """Import the reader module and return its `read` function."""
        try:
            module = importlib.import_module(self.module)
        except ModuleNotFoundError as exc:
            if exc.name == self.module or self.module.startswith(f"{exc.name}."):
                raise ReaderUnavailable(
                    f"the {self.name} reader is not installed (module {self.module} not found)"
                ) from exc
            raise ReaderUnavailable(
                f"the {self.name} reader failed to import: module {exc.name} not found"
            ) from exc
        except ImportError as exc:
            raise ReaderUnavailable(f"the {self.name} reader failed to import: {exc}") from exc

        read = getattr(module, "read", None)
        if not callable(read):
            raise ReaderUnavailable(f"module {self.module} has no read(path, options) function")
        return cast(Reader, read)


SOURCES: dict[str, SourceSpec] = {
    spec.name: spec
    for spec in (
        SourceSpec(
            name="email",
            module="bridges.email",
            summary="import emails from mbox mailboxes, Maildirs and .eml files",
            files=(
                "Each PATH is an mbox mailbox (Thunderbird, Google Takeout, mutt), a Maildir "
                "folder, or one RFC 5322 message (.eml, as saved by a mail client or a phone "
                "system). Pass your own addresses with --me so that your mails count as outbound. "
                "Folders are read whole on every run: only files are checkpointed."
            ),
            example="cardmunk-bridge email ~/mail/archive.mbox ~/Downloads/*.eml --me alice@example.com",
        ),
        SourceSpec(
            name="calendar",
            module="bridges.calendar",
            summary="import meetings from iCalendar (.ics) files",
            files=(
                "Each PATH is an iCalendar file (.ics) as exported by Google Calendar, "
                "Thunderbird, Apple Calendar or Outlook. Recurring events are expanded; "
                "floating times use --timezone."
            ),
            example="cardmunk-bridge calendar calendar.ics --me alice@example.com",
        ),
        SourceSpec(
            name="calls",
            module="bridges.calls",
            summary="import phone calls from Android call log backups",
            files=(
                "Each PATH is a calls-*.xml file written by the Android app "
                "'SMS Backup & Restore', or a CSV call log with the header "
                "date,number,name,direction,status,duration_seconds. Numbers without a "
                "country code use --phone-region."
            ),
            example="cardmunk-bridge calls calls-20240310110000.xml --phone-region US",
        ),
        SourceSpec(
            name="sms",
            module="bridges.sms",
            summary="import text messages from Android SMS/MMS backups",
            files=(
                "Each PATH is an sms-*.xml file written by the Android app "
                "'SMS Backup & Restore'. Pass the phone's own number with --me, so that you "
                "stay out of the participants of group MMS. Numbers without a country code "
                "use --phone-region."
            ),
            example="cardmunk-bridge sms sms-20240310110000.xml --phone-region US --me +15550100",
        ),
        SourceSpec(
            name="whatsapp",
            module="bridges.whatsapp",
            summary="import chats from WhatsApp 'Export chat' text files",
            files=(
                "Each PATH is the .txt file of WhatsApp's 'Export chat' (Android or iPhone, "
                "any language) or the .zip of an export with media. The export has local "
                "wall-clock times only: set --timezone to the phone's zone if it differs from "
                "this machine's. Pass your WhatsApp display name with --me."
            ),
            example='cardmunk-bridge whatsapp "WhatsApp Chat with Bob.txt" --me Alice --timezone Europe/Berlin',
        ),
        SourceSpec(
            name="telegram",
            module="bridges.telegram",
            summary="import chats from Telegram Desktop JSON exports",
            files=(
                "Each PATH is a result.json written by Telegram Desktop's 'Export chat "
                "history' or 'Export Telegram data' in JSON format. A single-chat export "
                "does not name you: pass your user id (user123456789 or 123456789) or your "
                "display name with --me."
            ),
            example="cardmunk-bridge telegram ChatExport_2024-03-10/result.json --me user123456789",
        ),
        SourceSpec(
            name="signal",
            module="bridges.signal",
            summary="import messages from signal-cli JSON output",
            files=(
                "Each PATH is the output of `signal-cli -o json receive` (one JSON object "
                "per line); `-` reads it from standard input, for example "
                "`signal-cli -o json receive | cardmunk-bridge signal -`. "
                "Standard input is never checkpointed."
            ),
            example="signal-cli -o json receive | cardmunk-bridge signal - --me +15550100",
            accepts_stdin=True,
        ),
    )
}
