"""Render the page templates (jinja2, autoescape on for every template) into HTML responses."""

from __future__ import annotations

from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from aiohttp import web

from hub.ingest.item import INTERACTION_TYPES, SOURCES
from hub.web import formatting
from hub.web.assets import Assets
from hub.web.keys import SESSION, TEMPLATES


def create_environment(zone_name: str, assets: Assets) -> jinja2.Environment:
    zone = ZoneInfo(zone_name)
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("hub.web", "templates"),
        # Every value is escaped unless it is Markup built by formatting.py.
        autoescape=True,
        # A misspelt variable fails the render (and the tests) instead of printing nothing.
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # The templates ship inside the package and do not change while the hub runs.
        auto_reload=False,
    )
    environment.filters["datetime"] = partial(formatting.local_datetime, zone=zone)
    environment.filters["date"] = partial(formatting.local_date, zone=zone)
    environment.filters["duration"] = formatting.duration
    environment.filters["highlight"] = formatting.highlight
    environment.filters["metadata_value"] = formatting.metadata_value
    environment.globals["static_url"] = assets.url
    environment.globals["type_label"] = formatting.type_label
    environment.globals["zone_name"] = zone_name
    environment.globals["sources"] = SOURCES
    environment.globals["interaction_types"] = INTERACTION_TYPES
    return environment


def render(request: web.Request, template: str, context: dict[str, Any], *, status: int = 200) -> web.Response:
    """Render `template` with `context` plus the request's session (None before login).

    `nav` in the context names the menu entry to mark as the current page.
    """
    environment = request.app[TEMPLATES]
    values = {"nav": "", "session": request.get(SESSION), **context}
    html = environment.get_template(template).render(values)
    return web.Response(text=html, content_type="text/html", charset="utf-8", status=status)
