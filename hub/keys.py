"""Typed keys of what the aiohttp application holds."""

from __future__ import annotations

from aiohttp import web

from hub.ingest.validate import OwnerHandles
from hub.settings import Settings
from hub.storage.database import Database

SETTINGS = web.AppKey("settings", Settings)
DATABASE = web.AppKey("database", Database)
OWNER = web.AppKey("owner", OwnerHandles)
