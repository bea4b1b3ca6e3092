"""First pass over an export: its header shape, its date order and who writes in it.

The reader reads each export twice. This pass looks at header lines only and decides
what no single line can tell: which of the header-like lines are headers (those of the
shape most lines have), the day/month order (from all headers, see date_order), and
whether the chat is a conversation with one other person.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bridges.whatsapp.body import is_quoting_notice, notice_kind, split_sender
from bridges.whatsapp.date_order import DateOrderDecision, DateOrderEvidence
from bridges.whatsapp.export_file import ChatExport
from bridges.whatsapp.header import HeaderMatch, HeaderShape, match_header
from bridges.whatsapp.people import People, Sender


@dataclass(frozen=True)
class FirstLine:
    """The header line's body read as a message, or the reason it is no message."""

    raw_sender: str = ""
    text: str = ""
    sender: Sender | None = None
    notice: str | None = None  # "system notice" or "call notice"


def read_first_line(header: HeaderMatch, people: People) -> FirstLine:
    split = split_sender(header.body, people.known_names)
    if split is None or is_quoting_notice(split[0]):
        return FirstLine(notice="system notice")
    raw_sender, text = split
    kind = notice_kind(text)
    if kind is not None:
        return FirstLine(notice=kind)
    return FirstLine(raw_sender=raw_sender, text=text, sender=people.sender(raw_sender))


@dataclass(frozen=True)
class ExportSurvey:
    shape: HeaderShape
    date_order: DateOrderDecision
    counterpart: Sender | None  # the other person of a one-to-one chat, if the export shows one


@dataclass
class _ShapeTally:
    evidence: DateOrderEvidence
    headers: int = 0
    # Other people seen writing, up to two: enough to tell one from several.
    others: dict[str, Sender] = field(default_factory=dict)


def survey_export(export: ChatExport, people: People) -> ExportSurvey | None:
    """Return what the first pass learnt, or None when no line is a message header."""
    tallies: dict[HeaderShape, _ShapeTally] = {}
    with export.open_lines() as lines:
        for line in lines:
            header = match_header(line)
            if header is None:
                continue
            tally = tallies.get(header.shape)
            if tally is None:
                tally = tallies[header.shape] = _ShapeTally(DateOrderEvidence(header.shape))
            _count(tally, header, people)

    if not tallies:
        return None
    # Ties go to the shape seen first, which dict order keeps.
    tally = max(tallies.values(), key=lambda candidate: candidate.headers)
    return ExportSurvey(
        shape=tally.evidence.shape,
        date_order=tally.evidence.decide(export.language),
        counterpart=_counterpart(tally, people),
    )


def _count(tally: _ShapeTally, header: HeaderMatch, people: People) -> None:
    tally.headers += 1
    tally.evidence.add(header)
    if len(tally.others) > 1:
        return
    first_line = read_first_line(header, people)
    if first_line.sender is not None and not people.is_owner(first_line.sender):
        tally.others.setdefault(first_line.sender.handle, first_line.sender)


def _counterpart(tally: _ShapeTally, people: People) -> Sender | None:
    """Return the one other sender when the chat is one-to-one.

    A group where only one other member wrote looks the same, except by its name: the
    file name of a one-to-one chat is the other person's name.
    """
    if len(tally.others) != 1:
        return None
    (other,) = tally.others.values()
    if people.chat_name is not None and not people.is_chat_name(other):
        return None
    return other
