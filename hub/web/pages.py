"""The `page` decorator that every route of the web page goes through.

Page routes are not part of the JSON API: the API's token middleware lets them pass
(`@requires("public")`), and this decorator does their own checks instead. It

- sends a request without a live session to the login page (303, with `next`);
- refuses data-changing routes to a read-only login;
- turns errors into an HTML page with a plain message, never a stack trace;
- adds the security headers to every response.
"""

from __future__ import annotations

import functools
import logging
from typing import Awaitable, Callable
from urllib.parse import urlencode, urlsplit

from aiohttp import web

from hub import keys
from hub.api.middleware import requires
from hub.storage.errors import QueryTimeout, StorageUnavailable
from hub.web.keys import SESSION
from hub.web.render import render
from hub.web.sessions import COOKIE_NAME, Session, find_session

logger = logging.getLogger(__name__)

PageHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# No script may run at all, because script-src falls back to default-src 'none'. Styles
# and images come from our own static files only, and forms post to this site only.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
CSRF_FIELD = "csrf"
MAX_FORM_BYTES = 16 * 1024


class PageError(Exception):
    """An error shown to the person as a page: an HTTP status and a plain message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def page(*, login_required: bool = True, admin_only: bool = False) -> Callable[[PageHandler], PageHandler]:
    """Wrap a page handler with the session check, HTML errors and security headers."""
    def decorate(handler: PageHandler) -> PageHandler:
        @functools.wraps(handler)
        async def run(request: web.Request) -> web.StreamResponse:
            response = await _respond(request, handler, login_required, admin_only)
            response.headers.update(SECURITY_HEADERS)
            if "Cache-Control" not in response.headers:
                # Pages show private data: no copy in the browser cache or a proxy.
                response.headers["Cache-Control"] = "no-store"
            return response

        return requires("public")(run)
    return decorate


async def _respond(request: web.Request, handler: PageHandler, login_required: bool,
                   admin_only: bool) -> web.StreamResponse:
    try:
        if login_required:
            session = await find_session(request.app[keys.DATABASE].reader, request.cookies.get(COOKIE_NAME))
            if session is None:
                return redirect_to_login(request)
            request[SESSION] = session
            if admin_only and not session.can_merge:
                raise PageError(403, "This needs an admin login: log in with the password or an admin token.")
        return await handler(request)
    except PageError as exc:
        return error_page(request, exc.status, exc.message)
    except QueryTimeout:
        return error_page(request, 422, "The query took too long; narrow it down and try again.")
    except StorageUnavailable:
        return error_page(request, 503, "The database is unavailable right now; try again in a moment.")
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return error_page(request, exc.status, exc.reason)
    except Exception:
        logger.exception("unhandled error in %s %s", request.method, request.path)
        return error_page(request, 500, "Something went wrong; the hub log has the details.")


def error_page(request: web.Request, status: int, message: str) -> web.Response:
    return render(request, "error.html", {"status": status, "message": message}, status=status)


def see_other(location: str) -> web.Response:
    """Redirect after a form post (303), or to the login page."""
    return web.Response(status=303, headers={"Location": location})


def redirect_to_login(request: web.Request) -> web.Response:
    target = request.rel_url.path_qs if request.method == "GET" else "/"
    if target == "/":
        return see_other("/login")
    return see_other("/login?" + urlencode({"next": target}))


def local_path(candidate: str | None) -> str:
    """Return `candidate` if it is a path on this site, else "/": never an open redirect."""
    if not candidate or not candidate.startswith("/") or candidate.startswith("//"):
        return "/"
    if "\\" in candidate or any(ord(char) < 32 or ord(char) == 127 for char in candidate):
        return "/"
    parts = urlsplit(candidate)
    if parts.scheme or parts.netloc:
        return "/"
    return candidate


async def read_form(request: web.Request) -> dict[str, str]:
    """Return the fields of a posted form (repeated fields: the last value wins)."""
    if request.content_length is not None and request.content_length > MAX_FORM_BYTES:
        raise PageError(413, "The form is too large.")
    form = await request.post()
    return {name: value for name, value in form.items() if isinstance(value, str)}


def check_csrf(session: Session, form: dict[str, str]) -> None:
    """Raise PageError 403 unless the form carries this session's CSRF token."""
    if not session.csrf_matches(form.get(CSRF_FIELD, "")):
        raise PageError(403, "This form has expired or was sent from another site; reload the page and try again.")


def current_session(request: web.Request) -> Session:
    return request[SESSION]
