"""Text messages (SMS and MMS) from sms-*.xml backups of the Android app "SMS Backup & Restore".

The file's root is `<smses>`; its children are `<sms>` (see `text_message`) and `<mms>`
(see `multimedia_message`) records in one stream. Emoji written as surrogate character
references and withheld numbers are handled as in the call log (`bridges.android_backup`).
"""

from __future__ import annotations

from typing import Iterator

from bridges.android_backup.numbers import own_handles
from bridges.android_backup.stream import XmlSyntaxError, iter_records
from bridges.core.records import ParseError, ReadOptions, Record, Skipped
from bridges.sms.multimedia_message import read_mms
from bridges.sms.text_message import read_sms

__all__ = ["read"]

ROOT_TAG = "smses"
SMS_TAG = "sms"
MMS_TAG = "mms"


def read(path: str, options: ReadOptions) -> Iterator[Record]:
    """Yield one record per `<sms>` and `<mms>` of the file, in file order.

    Pass the phone's own number in `options.me`: in a received group MMS it is one of the
    recipients, and only a known own number keeps the owner out of the participants.
    """
    own = own_handles(options.me, options.phone_region)
    for event in iter_records(path, frozenset({SMS_TAG, MMS_TAG})):
        if isinstance(event, str):
            if event != ROOT_TAG:
                yield ParseError(path, "line 1", f"not an SMS backup: root element is <{event}>, expected <{ROOT_TAG}>")
                return
            continue
        if isinstance(event, XmlSyntaxError):
            yield ParseError(path, f"line {event.line}", event.reason)
            continue

        location = f"line {event.line}"
        if event.element.tag == SMS_TAG:
            yield read_sms(path, location, event.element.attrib, options, own)
        elif event.element.tag == MMS_TAG:
            yield read_mms(path, location, event.element, options, own)
        else:
            yield Skipped(path, location, f"<{event.element.tag}> is not a message")
