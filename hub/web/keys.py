"""Typed keys of what the web page keeps in the application and in each request."""

from __future__ import annotations

import jinja2
from aiohttp import web

from hub.web.assets import Assets
from hub.web.credentials import PasswordSource
from hub.web.sessions import Session
from hub.web.throttle import LoginThrottle

TEMPLATES = web.AppKey("web_templates", jinja2.Environment)
ASSETS = web.AppKey("web_assets", Assets)
PASSWORD = web.AppKey("web_password", PasswordSource)
LOGIN_THROTTLE = web.AppKey("web_login_throttle", LoginThrottle)

# The logged-in session of a page request, set by the `page` decorator.
SESSION = web.RequestKey("web_session", Session)
