"""Telegram bridge: reads the JSON export of Telegram Desktop (`result.json`).

Both the single-chat export ("Export chat history") and the whole-account export
("Settings > Advanced > Export Telegram data") are read. Messages and phone calls become
interactions with source `telegram` and source id `<chat id>:<message id>`.
"""

from bridges.telegram.reader import read

__all__ = ["read"]
