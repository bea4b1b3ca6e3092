"""Text helpers shared by contacts and search."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Return `text` case-folded and without diacritics, for matching names ("Sí" -> "si")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
