"""The readable body and the attachment names of a parsed message.

The body is the text a mail client shows. In multipart/alternative that is the
text/plain child when it has text, else the HTML child converted to text. In
multipart/related it is the root part, and in multipart/mixed and other types every
inline text part in order. Every other leaf with a file name is an attachment, listed
by name and never included in the body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.message import Message
from email.utils import collapse_rfc2231_value

from bridges.email.charsets import decode_bytes
from bridges.email.headers import decode_words, recover_8bit
from bridges.email.html_text import html_to_text

# Leaves that carry no content for a reader: signatures of multipart/signed (RFC 1847,
# RFC 3156 for PGP, RFC 8551 for S/MIME).
SIGNATURE_TYPES = {"application/pgp-signature", "application/pkcs7-signature", "application/x-pkcs7-signature"}
TEXT_TYPES = ("text/plain", "text/html")
# RFC 3676 section 4.3: "-- " on its own line separates the signature and is never flowed.
SIGNATURE_SEPARATOR = "-- "
LINE_END = re.compile(r"\r\n?")


@dataclass
class Body:
    """The text shown to a reader and the attachments of one message."""

    text: str | None
    # The decoded text of the chosen parts before any HTML conversion, for content digests
    # that must not change with the HTML converter's version.
    source_text: str
    attachments: list[str] = field(default_factory=list)


@dataclass
class _Parts:
    texts: list[tuple[str, str]] = field(default_factory=list)  # (content type, decoded text)
    attachments: list[str] = field(default_factory=list)


def extract_body(message: Message) -> Body:
    """Return the body text and the attachment names of `message`."""
    parts = _Parts()
    _collect(message, parts)

    readable_parts: list[str] = []
    for content_type, text in parts.texts:
        readable = html_to_text(text) if content_type == "text/html" else text
        readable = normalize_text(readable)
        if readable:
            readable_parts.append(readable)

    source_text = "\n".join(text for _, text in parts.texts)
    return Body(text="\n\n".join(readable_parts) or None, source_text=source_text, attachments=parts.attachments)


def normalize_text(text: str) -> str:
    """Return `text` with \\n line ends, no trailing white space and no blank edges."""
    lines = LINE_END.sub("\n", text).lstrip("\ufeff").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n")


def _collect(part: Message, parts: _Parts) -> None:
    content_type = part.get_content_type()

    if content_type == "message/rfc822" or part.get_content_maintype() == "message":
        # A forwarded or bounced message travels as an attachment of its own.
        parts.attachments.append(_file_name(part) or "attached message")
        return
    if part.is_multipart():
        _collect_multipart(part, parts)
        return
    if content_type in TEXT_TYPES and _is_inline_text(part):
        parts.texts.append((content_type, _decoded_text(part)))
        return
    if content_type in SIGNATURE_TYPES:
        return

    name = _file_name(part)
    if name:
        parts.attachments.append(name)
    elif part.get_content_disposition() == "attachment":
        parts.attachments.append(f"unnamed {content_type}")


def _collect_multipart(part: Message, parts: _Parts) -> None:
    children = [child for child in part.get_payload() if isinstance(child, Message)]
    subtype = part.get_content_subtype()

    if subtype == "alternative":
        chosen = _choose_alternative(children)
        if chosen is not None:
            _collect(chosen, parts)
        return
    if subtype == "related" and children:
        # RFC 2387: the root is the part named by the "start" parameter, else the first.
        root = _related_root(part, children)
        _collect(root, parts)
        for child in children:
            if child is not root:
                name = _file_name(child)
                if name:
                    parts.attachments.append(name)
        return
    for child in children:
        _collect(child, parts)


def _choose_alternative(children: list[Message]) -> Message | None:
    # RFC 2046 section 5.1.4 orders the children from plainest to richest. The plain
    # text is preferred when it has any text; otherwise the richest child that yields
    # text is used (a multipart/related with HTML counts).
    for child in children:
        if child.get_content_type() == "text/plain" and _decoded_text(child).strip():
            return child
    for child in reversed(children):
        probe = _Parts()
        _collect(child, probe)
        if any(text.strip() for _, text in probe.texts):
            return child
    return children[0] if children else None


def _related_root(part: Message, children: list[Message]) -> Message:
    start = part.get_param("start")
    if isinstance(start, str):
        for child in children:
            if (child.get("Content-ID") or "").strip() == start.strip():
                return child
    return children[0]


def _is_inline_text(part: Message) -> bool:
    return part.get_content_disposition() != "attachment" and not _file_name(part)


def _file_name(part: Message) -> str | None:
    # get_filename() reads Content-Disposition's filename, then Content-Type's name, and
    # joins RFC 2231 continuations.
    name = part.get_filename()
    if not name or not name.strip():
        return None
    # Many mailers write RFC 2047 words in the parameter, which RFC 2047 section 5 forbids.
    return " ".join(decode_words(recover_8bit(name)).split())


def _decoded_text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    text = decode_bytes(payload, part.get_content_charset())
    if part.get_content_type() == "text/plain" and _param(part, "format") == "flowed":
        delete_space = _param(part, "delsp") == "yes"
        text = unflow(LINE_END.sub("\n", text), delete_space)
    return text


def _param(part: Message, name: str) -> str:
    """Return a Content-Type parameter in lower case, "" when absent."""
    value = part.get_param(name)
    if value is None:
        return ""
    if isinstance(value, tuple):
        value = collapse_rfc2231_value(value)
    return str(value).strip().lower()


def unflow(text: str, delete_space: bool) -> str:
    """Join the soft line breaks of RFC 3676 format=flowed text.

    A line that ends in a space continues on the next line of the same quote depth. One
    leading space of a line is space-stuffing and removed. With DelSp=yes the space
    before a soft break belongs to the encoding and is removed as well.
    """
    result: list[str] = []
    current: str | None = None
    current_depth = 0

    for raw_line in text.split("\n"):
        depth = len(raw_line) - len(raw_line.lstrip(">"))
        line = raw_line[depth:]
        if line.startswith(" "):
            line = line[1:]

        if current is not None and depth == current_depth:
            current += line
        else:
            if current is not None:
                result.append(">" * current_depth + (" " if current_depth else "") + current)
            current, current_depth = line, depth

        flowed = current.endswith(" ") and line != SIGNATURE_SEPARATOR
        if not flowed:
            result.append(">" * current_depth + (" " if current_depth else "") + current)
            current = None
        elif delete_space:
            current = current[:-1]

    if current is not None:
        result.append(">" * current_depth + (" " if current_depth else "") + current)
    return "\n".join(result)
