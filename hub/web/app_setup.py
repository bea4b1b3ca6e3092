"""Hook the web page into the hub's aiohttp application.

The page routes are not API routes: they stay out of EXTRA_ROUTES (and so out of the
OpenAPI document), and each one checks the login session itself (`hub.web.pages.page`).
With `web.enabled = false` no page route exists.
"""

from __future__ import annotations

import logging

from aiohttp import web

from hub import keys
from hub.web.assets import Assets
from hub.web.credentials import PasswordSource
from hub.web.keys import ASSETS, LOGIN_THROTTLE, PASSWORD, TEMPLATES
from hub.web.render import create_environment
from hub.web.throttle import LoginThrottle
from hub.web.views import contacts, interactions, login, merge, static

logger = logging.getLogger(__name__)

PAGE_ROUTES = [
    ("GET", "/login", login.login_form),
    ("POST", "/login", login.login),
    ("POST", "/logout", login.logout),
    ("GET", "/", interactions.interactions_page),
    ("GET", "/interactions/{id}", interactions.interaction_page),
    ("GET", "/contacts", contacts.contacts_page),
    ("GET", "/contacts/{id}", contacts.contact_page),
    ("GET", "/contacts/{id}/activity", contacts.activity_page),
    ("GET", "/contacts/{id}/merge", merge.merge_page),
    ("POST", "/contacts/{id}/merge", merge.merge),
    ("GET", "/static/{name}", static.static_file),
]


def setup(app: web.Application) -> None:
    """Add the page routes and what they share, unless `web.enabled` is false."""
    settings = app[keys.SETTINGS]
    if not settings.web.enabled:
        logger.info("web page disabled (web.enabled = false)")
        return

    assets = Assets()
    app[ASSETS] = assets
    app[TEMPLATES] = create_environment(settings.owner.timezone, assets)
    app[PASSWORD] = PasswordSource.from_environment(settings.web.password_file)
    app[LOGIN_THROTTLE] = LoginThrottle()
    for method, path, handler in PAGE_ROUTES:
        app.router.add_route(method, path, handler)
    if app[PASSWORD].read() is None:
        logger.warning("no web password is set: only read and admin API tokens can log in to the page")
