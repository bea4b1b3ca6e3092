"""Hook this feature into the hub's aiohttp application."""

from __future__ import annotations

from aiohttp import web


def setup(app: web.Application) -> None:
    """Add this feature's routes and start/stop context to `app`."""
    # TODO: this feature is not built yet; nothing is added to the app.
