"""The message part of a signal-cli envelope: `dataMessage` or `syncMessage.sentMessage`.

Both carry the same fields (signal-cli `JsonDataMessage`). `message` is null when there
is no text: attachment-only messages and stickers are still messages, while reactions,
remote deletes, group updates and timer changes are not.
"""

from __future__ import annotations

from typing import Any

from bridges.signal.address import address_of

# Data message fields that make it something other than a new message, and why. Checked
# in this order, before looking for text or attachments.
NOT_A_MESSAGE = (
    ("reaction", "reaction to an earlier message"),
    ("remoteDelete", "remote delete of an earlier message"),
    ("adminDelete", "admin delete of an earlier message"),
    ("pinMessage", "pin of an earlier message"),
    ("unpinMessage", "unpin of an earlier message"),
    ("pollVote", "vote in a poll"),
    ("pollTerminate", "end of a poll"),
    ("payment", "payment notification"),
)
# Fields that carry something a person sent, even without text.
CONTENT_FIELDS = ("attachments", "sticker", "contacts", "pollCreate")
# `groupInfo.type` of a group change (members, title, avatar) rather than a message.
GROUP_UPDATE = "UPDATE"


def skip_reason_for_data(data: dict[str, Any]) -> str | None:
    """Return why a data message is no interaction, or None when it is one."""
    for field, reason in NOT_A_MESSAGE:
        if data.get(field):
            return reason
    if _has_content(data):
        return None
    if data.get("isExpirationUpdate"):
        return "change of the disappearing-messages timer"
    group = data.get("groupInfo")
    if isinstance(group, dict) and group.get("type") == GROUP_UPDATE:
        return "group update"
    return "data message without text or attachments"


def _has_content(data: dict[str, Any]) -> bool:
    text = data.get("message")
    return (isinstance(text, str) and text != "") or any(data.get(field) for field in CONTENT_FIELDS)


def message_text(data: dict[str, Any]) -> str:
    """Return the message body, or "" for a message without text."""
    text = data.get("message")
    return text.replace("\x00", "") if isinstance(text, str) else ""


def data_metadata(data: dict[str, Any], region: str | None) -> dict[str, Any]:
    """Return `attachments`, `has_media`, `media_kind`, `in_reply_to` and `chat_name`."""
    metadata: dict[str, Any] = {}
    attachments = [_attachment(item) for item in data.get("attachments") or [] if isinstance(item, dict)]
    attachments = [item for item in attachments if item]
    if attachments:
        metadata["attachments"] = attachments
    if data.get("attachments"):
        metadata["has_media"] = True
    if data.get("sticker"):
        metadata["has_media"] = True
        metadata["media_kind"] = "sticker"

    reply = _quote_target(data.get("quote"), region)
    if reply is not None:
        metadata["in_reply_to"] = reply
    group = data.get("groupInfo")
    if isinstance(group, dict) and isinstance(group.get("groupName"), str) and group["groupName"]:
        metadata["chat_name"] = group["groupName"]
    return metadata


def _attachment(item: dict[str, Any]) -> dict[str, str]:
    attachment: dict[str, str] = {}
    if isinstance(item.get("filename"), str) and item["filename"]:
        attachment["filename"] = item["filename"]
    if isinstance(item.get("contentType"), str) and item["contentType"]:
        attachment["content_type"] = item["contentType"]
    return attachment


def _quote_target(quote: Any, region: str | None) -> str | None:
    """Return the source id of the quoted message, in the `<author>:<timestamp>` form."""
    if not isinstance(quote, dict):
        return None
    quoted_ms = quote.get("id")
    if isinstance(quoted_ms, bool) or not isinstance(quoted_ms, int):
        return None
    author = address_of(quote.get("authorNumber"), quote.get("authorUuid"), quote.get("author"), region).author
    return f"{author}:{quoted_ms}" if author else None
