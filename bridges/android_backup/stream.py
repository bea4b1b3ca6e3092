"""Streaming the records of an "SMS Backup & Restore" XML file, with their line numbers.

The file is one root element (`<calls>` or `<smses>`) whose children are the records. A
record may have children of its own (`<mms>` has `<parts>` and `<addrs>`). The app puts the
data in attributes only, so character data is ignored.

The bytes pass through `charrefs.repair_chunks` and then expat in chunks, so memory holds the
records of one chunk, never the whole file. When expat meets XML that is not well-formed, the reader yields an
`XmlSyntaxError` and starts a new parser at the next line that opens a record, because the
app writes every record on a line of its own. A record cut by the error is lost; the records
after it are read.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import BinaryIO, Iterator
from xml.parsers import expat

from bridges.android_backup.charrefs import repair_chunks


@dataclass(frozen=True)
class RecordElement:
    """One child of the root element and the line where its start tag begins."""

    line: int
    element: ET.Element


@dataclass(frozen=True)
class XmlSyntaxError:
    """XML that is not well-formed, at the line of the file where expat stopped."""

    line: int
    reason: str


class _EntityDeclared(Exception):
    """The file declares an entity, which the app never does (billion-laughs guard)."""


class _TreeBuilder:
    """Collect the complete children of the root element as expat reports them."""

    def __init__(self, parser: expat.XMLParserType, line_offset: int) -> None:
        self._parser = parser
        self._line_offset = line_offset
        self._stack: list[ET.Element] = []
        self._record_line = 0
        self._root_announced = False
        self.root_tag: str | None = None
        self.ready: list[RecordElement] = []

    def drain(self) -> Iterator[str | RecordElement]:
        """Yield the root tag once it is known, then the records completed since last time."""
        if self.root_tag is not None and not self._root_announced:
            self._root_announced = True
            yield self.root_tag
        ready, self.ready = self.ready, []
        yield from ready

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        depth = len(self._stack)
        if depth == 0:
            self.root_tag = tag
            self._stack.append(ET.Element(tag))
            return
        element = ET.Element(tag, attributes)
        if depth == 1:
            self._record_line = self._parser.CurrentLineNumber + self._line_offset
        else:
            self._stack[-1].append(element)
        self._stack.append(element)

    def end(self, tag: str) -> None:
        element = self._stack.pop()
        if len(self._stack) == 1:
            self.ready.append(RecordElement(self._record_line, element))


def _reject_entity(*_args: object) -> None:
    raise _EntityDeclared


def _parse_segment(
    chunks: Iterator[bytes], prefix: bytes, line_offset: int
) -> Iterator[RecordElement | XmlSyntaxError | str]:
    """Parse one run of the file; yield the root tag, the records, then any syntax error.

    Parser line 1 is file line `line_offset + 1`. Repairing never adds or removes a newline,
    so lines of the repaired bytes are lines of the file.
    """
    parser = expat.ParserCreate()
    builder = _TreeBuilder(parser, line_offset)
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.EntityDeclHandler = _reject_entity

    try:
        if prefix:
            parser.Parse(prefix, False)
        for data in chunks:
            parser.Parse(data, False)
            yield from builder.drain()
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        yield from builder.drain()
        yield XmlSyntaxError(exc.lineno + line_offset, f"invalid XML: {expat.ErrorString(exc.code)}")
        return
    except _EntityDeclared:
        yield from builder.drain()
        yield XmlSyntaxError(
            parser.CurrentLineNumber + line_offset, "invalid file: the XML declares entities"
        )
        return
    yield from builder.drain()


def _is_record_start(line: bytes, record_tags: frozenset[str]) -> bool:
    text = line.lstrip()
    for tag in record_tags:
        opening = b"<" + tag.encode()
        if text.startswith(opening) and text[len(opening) : len(opening) + 1] in (b" ", b">", b"/", b"\t", b"\r", b"\n"):
            return True
    return False


def _seek_next_record(
    raw: BinaryIO, segment: tuple[int, int], after_line: int, record_tags: frozenset[str]
) -> int | None:
    """Position `raw` at the start of the first record line after `after_line`.

    `segment` is the byte offset and line number where the failed parser started reading,
    so the search does not re-read the file from its beginning. Return the line number of
    the record line, or None when no record follows.
    """
    offset, line_number = segment
    raw.seek(offset)
    while line_number <= after_line:
        if not raw.readline():
            return None
        line_number += 1
    while True:
        start = raw.tell()
        line = raw.readline()
        if not line:
            return None
        if _is_record_start(line, record_tags):
            raw.seek(start)
            return line_number
        line_number += 1


def iter_records(
    path: str, record_tags: frozenset[str]
) -> Iterator[str | RecordElement | XmlSyntaxError]:
    """Yield the root tag, then each record of the file and each syntax error, in file order.

    `record_tags` are the tags a new parser may resume at after a syntax error.
    """
    with open(path, "rb") as raw:
        root_tag: str | None = None
        prefix = b""
        first_line = 1
        while True:
            segment = (raw.tell(), first_line)
            error: XmlSyntaxError | None = None
            for event in _parse_segment(repair_chunks(raw), prefix, first_line - 1):
                if isinstance(event, str):
                    if root_tag is None:
                        root_tag = event
                        yield event
                    continue
                if isinstance(event, XmlSyntaxError):
                    error = event
                yield event
            if error is None or root_tag is None:
                return

            resume_line = _seek_next_record(raw, segment, error.line, record_tags)
            if resume_line is None:
                return
            # The new parser reads a synthetic root start tag, then the file from the record
            # line on. The file's own closing root tag closes it.
            prefix = b"<" + root_tag.encode() + b">"
            first_line = resume_line
