"""Static files of the web page (style sheet, icon), read once from the package.

Only the files listed here are served, so no request path can reach another file. Each URL
carries a digest of the file, so browsers may cache it and still see a new version at once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources

CONTENT_TYPES = {
    "style.css": "text/css",
    "icon.svg": "image/svg+xml",
}
CACHE_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class Asset:
    body: bytes
    content_type: str
    version: str


class Assets:
    def __init__(self) -> None:
        folder = resources.files("hub.web") / "static"
        self._files: dict[str, Asset] = {}
        for name, content_type in CONTENT_TYPES.items():
            body = (folder / name).read_bytes()
            self._files[name] = Asset(body, content_type, hashlib.sha256(body).hexdigest()[:12])

    def get(self, name: str) -> Asset | None:
        return self._files.get(name)

    def url(self, name: str) -> str:
        """Return the URL of a listed file, with its version; KeyError for any other name."""
        return f"/static/{name}?v={self._files[name].version}"
