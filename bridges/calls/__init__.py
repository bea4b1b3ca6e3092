"""Phone calls from call log backups: Android "SMS Backup & Restore" XML, or CSV.

`read` distinguishes the formats by their first character (`<` for XML). The XML reader is in
`xml_log`, the CSV reader and its columns in `csv_log`, the item in `call`.
"""

from __future__ import annotations

from typing import Iterator

from bridges.calls.csv_log import read_csv
from bridges.calls.xml_log import read_xml
from bridges.core.records import ReadOptions, Record

__all__ = ["read"]

UTF8_BOM = b"\xef\xbb\xbf"


def read(path: str, options: ReadOptions) -> Iterator[Record]:
    """Read calls from a calls-*.xml of "SMS Backup & Restore" or from a CSV call log.

    The CSV file has a header line with these columns, in any order (quote fields that
    contain commas):

        date,number,name,direction,status,duration_seconds

    date is ISO 8601 with a UTC offset (2024-03-08T11:00:00-05:00) or epoch milliseconds;
    direction is inbound or outbound; status is answered, missed, voicemail, rejected,
    blocked or answered_elsewhere; an empty number, -1, -2 or -3 is a withheld caller.
    An optional presentation column takes allowed, restricted, unknown or payphone.
    """
    if _looks_like_xml(path):
        return read_xml(path, options)
    return read_csv(path, options)


def _looks_like_xml(path: str) -> bool:
    with open(path, "rb") as handle:
        start = handle.read(512)
    return start.removeprefix(UTF8_BOM).lstrip().startswith(b"<")
