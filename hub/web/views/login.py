"""Log in (`/login`) with the web password or an API token, and log out (`/logout`).

The login form has no session yet, so its CSRF token is a double-submit cookie: a random
value in a SameSite=Strict cookie that the form must repeat in a hidden field. A page on
another site can neither read the cookie nor make the browser send it.
"""

from __future__ import annotations

import hmac
import logging
import re
import secrets

from aiohttp import web

from hub import keys
from hub.web.credentials import Credential, LoginRejected, check_credential
from hub.web.keys import LOGIN_THROTTLE, PASSWORD
from hub.web.pages import CSRF_FIELD, check_csrf, current_session, local_path, page, read_form, see_other
from hub.web.render import render
from hub.web.sessions import (COOKIE_NAME, clear_session_cookie, create_session, end_session, find_session,
                              set_session_cookie)

logger = logging.getLogger(__name__)

LOGIN_CSRF_COOKIE = "cardmunk_login_csrf"
LOGIN_CSRF_MAX_AGE = 3600
# Typed input is cut to this length before hashing: no token is as long, and a longer
# password cannot log in.
MAX_SECRET_CHARS = 4096
SECRET_FIELD = "secret"
# The shape of secrets.token_urlsafe(32): 43 characters of URL-safe base64.
_LOGIN_CSRF_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


@page(login_required=False)
async def login_form(request: web.Request) -> web.StreamResponse:
    target = local_path(request.query.get("next"))
    session = await find_session(request.app[keys.DATABASE].reader, request.cookies.get(COOKIE_NAME))
    if session is not None:
        return see_other(target)
    return _login_page(request, target, error=None, status=200)


@page(login_required=False)
async def login(request: web.Request) -> web.StreamResponse:
    address = request.remote or "unknown"
    throttle = request.app[LOGIN_THROTTLE]
    wait = throttle.retry_after(address)
    form = await read_form(request)
    target = local_path(form.get("next"))
    if wait > 0:
        throttle.record_refused(address)
        return _locked_out_page(request, target, wait)

    if not _login_csrf_matches(request, form.get(CSRF_FIELD, "")):
        return _login_page(request, target, status=403,
                           error="The login form had expired; type the password or token again.")
    typed = form.get(SECRET_FIELD, "")[:MAX_SECRET_CHARS]
    if not typed:
        return _login_page(request, target, status=400, error="Type the password or an API token.")

    password = request.app[PASSWORD].read()
    try:
        credential = await check_credential(request.app[keys.DATABASE].reader, password, typed)
    except LoginRejected as exc:
        return _login_page(request, target, status=403, error=str(exc))
    if credential is None:
        throttle.record_failure(address)
        logger.warning("web login failed from %s", address)
        return _login_page(request, target, status=401, error="Wrong password or token.")

    throttle.record_success(address)
    logger.info("web login from %s with %s rights", address, credential.role)
    return await _start_session(request, credential, target)


@page()
async def logout(request: web.Request) -> web.StreamResponse:
    session = current_session(request)
    check_csrf(session, await read_form(request))
    await end_session(request.app[keys.DATABASE], session.session_id)
    response = see_other("/login")
    clear_session_cookie(response, request.app[keys.SETTINGS].web)
    return response


async def _start_session(request: web.Request, credential: Credential, target: str) -> web.Response:
    settings = request.app[keys.SETTINGS].web
    session_id = await create_session(request.app[keys.DATABASE], credential, settings)
    response = see_other(target)
    set_session_cookie(response, session_id, settings)
    response.del_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


def _locked_out_page(request: web.Request, target: str, wait_seconds: float) -> web.Response:
    minutes = max(1, round(wait_seconds / 60))
    unit = "minute" if minutes == 1 else "minutes"
    response = _login_page(request, target, status=429,
                           error=f"Too many failed logins from your address; try again in {minutes} {unit}.")
    response.headers["Retry-After"] = str(int(wait_seconds) + 1)
    return response


def _login_page(request: web.Request, target: str, *, error: str | None, status: int) -> web.Response:
    token = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not _LOGIN_CSRF_TOKEN.fullmatch(token):
        token = secrets.token_urlsafe(32)
    context = {
        "csrf_token": token,
        "next": target,
        "error": error,
        "password_enabled": request.app[PASSWORD].read() is not None,
    }
    response = render(request, "login.html", context, status=status)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, max_age=LOGIN_CSRF_MAX_AGE, path="/login", httponly=True,
                        samesite="Strict", secure=request.app[keys.SETTINGS].web.secure_cookies)
    return response


def _login_csrf_matches(request: web.Request, form_token: str) -> bool:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not form_token:
        return False
    return hmac.compare_digest(expected.encode(), form_token.encode())
