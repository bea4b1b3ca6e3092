"""Login, logout and sessions of the web page, over real HTTP against a real hub."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest

from hub.commands.offline import write_transaction
from hub.tokens import create_token, revoke_token
from hub.web.sessions import COOKIE_NAME
from hub.web.throttle import LOCKOUT_SECONDS, MAX_FAILURES
from tests.web.conftest import PASSWORD, WebHub, WebHubFactory

PAGE_PATHS = ["/", "/interactions/1", "/contacts", "/contacts/1", "/contacts/1/activity", "/contacts/1/merge"]


@pytest.mark.parametrize("path", PAGE_PATHS)
async def test_pages_redirect_to_login(web_hub: WebHub, path: str) -> None:
    response = await web_hub.client.get(path, allow_redirects=False)

    assert response.status == 303
    location = response.headers["Location"]
    if path == "/":
        assert location == "/login"
    else:
        assert location == "/login?next=" + path.replace("/", "%2F")


async def test_redirect_keeps_query(web_hub: WebHub) -> None:
    response = await web_hub.client.get("/", params={"q": "dinner", "source": "email"}, allow_redirects=False)

    assert response.headers["Location"] == "/login?next=%2F%3Fq%3Ddinner%26source%3Demail"


@pytest.mark.parametrize("path", ["/logout", "/contacts/1/merge"])
async def test_posts_redirect_to_login(web_hub: WebHub, path: str) -> None:
    response = await web_hub.client.post(path, data={"csrf": "x"}, allow_redirects=False)

    assert response.status == 303
    assert response.headers["Location"] == "/login"


async def test_password_login(web_hub: WebHub) -> None:
    response = await web_hub.login(next_path="/contacts")

    assert response.status == 303
    assert response.headers["Location"] == "/contacts"
    cookie = response.cookies[COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"
    assert not cookie["secure"]
    assert int(cookie["max-age"]) == 30 * 24 * 3600
    status, html = await web_hub.page("/contacts")
    assert status == 200
    assert "Log out" in html


async def test_secure_cookie_setting(web_hub_factory: WebHubFactory) -> None:
    hub = await web_hub_factory(web={"secure_cookies": True, "session_days": 2})
    form = await hub.client.get("/login")
    login_cookie = form.cookies["cardmunk_login_csrf"]
    assert login_cookie["secure"]
    # The test client speaks plain HTTP, so it would not send a Secure cookie back.
    hub.client.session.cookie_jar.update_cookies({login_cookie.key: login_cookie.value})

    response = await hub.client.post("/login", data={"csrf": login_cookie.value, "secret": PASSWORD},
                                     allow_redirects=False)

    cookie = response.cookies[COOKIE_NAME]
    assert cookie["secure"]
    assert int(cookie["max-age"]) == 2 * 24 * 3600


@pytest.mark.parametrize("next_path", ["//evil.example/", "https://evil.example/", "/\\evil.example",
                                       "javascript:alert(1)", "contacts"])
async def test_next_stays_on_site(web_hub: WebHub, next_path: str) -> None:
    response = await web_hub.login(next_path=next_path)

    assert response.status == 303
    assert response.headers["Location"] == "/"


async def test_wrong_password(web_hub: WebHub) -> None:
    response = await web_hub.login("not the password")

    assert response.status == 401
    assert "Wrong password or token." in await response.text()
    assert COOKIE_NAME not in response.cookies
    status, _ = await web_hub.page("/")
    assert status == 303


async def test_empty_secret(web_hub: WebHub) -> None:
    response = await web_hub.login("")

    assert response.status == 400
    assert "Type the password or an API token." in await response.text()


async def test_login_without_csrf(web_hub: WebHub) -> None:
    await web_hub.login_form_token()

    missing = await web_hub.client.post("/login", data={"secret": PASSWORD}, allow_redirects=False)
    wrong = await web_hub.client.post("/login", data={"secret": PASSWORD, "csrf": "A" * 43},
                                      allow_redirects=False)

    assert missing.status == 403
    assert wrong.status == 403
    assert COOKIE_NAME not in missing.cookies
    assert COOKIE_NAME not in wrong.cookies


async def test_login_csrf_cookie_strict(web_hub: WebHub) -> None:
    response = await web_hub.client.get("/login")

    cookie = response.cookies["cardmunk_login_csrf"]
    assert cookie["samesite"] == "Strict"
    assert cookie["httponly"]
    assert cookie.value in await response.text()


@pytest.mark.parametrize(("scope", "can_merge"), [("read", False), ("admin", True)])
async def test_token_login(web_hub: WebHub, scope: str, can_merge: bool) -> None:
    response = await web_hub.login(web_hub.tokens[scope])

    assert response.status == 303
    status, html = await web_hub.page("/contacts")
    assert status == 200
    assert ("read-only login" in html) is not can_merge


async def test_ingest_token_rejected(web_hub: WebHub) -> None:
    response = await web_hub.login(web_hub.tokens["ingest"])

    html = await response.text()
    assert response.status == 403
    assert '<p class="error" role="alert">A token with the ingest scope cannot log in; use a read or admin token.</p>' \
        in html
    assert html.count("cannot log in") == 1
    assert COOKIE_NAME not in response.cookies


async def test_revoked_token_ends_session(web_hub: WebHub) -> None:
    with write_transaction(web_hub.settings) as connection:
        token = create_token(connection, "web-laptop", "read")
    await web_hub.login(token)
    assert (await web_hub.page("/"))[0] == 200

    with write_transaction(web_hub.settings) as connection:
        revoke_token(connection, "web-laptop")

    assert (await web_hub.page("/"))[0] == 303
    assert (await web_hub.login(token)).status == 401


async def test_logout(logged_in: WebHub) -> None:
    token = await logged_in.csrf()

    response = await logged_in.client.post("/logout", data={"csrf": token}, allow_redirects=False)

    assert response.status == 303
    assert response.headers["Location"] == "/login"
    assert response.cookies[COOKIE_NAME].value == ""
    assert (await logged_in.page("/"))[0] == 303


async def test_logout_ends_session_server_side(logged_in: WebHub) -> None:
    session_id = logged_in.client.session.cookie_jar.filter_cookies(logged_in.client.make_url("/"))[COOKIE_NAME].value
    token = await logged_in.csrf()

    await logged_in.client.post("/logout", data={"csrf": token}, allow_redirects=False)
    logged_in.client.session.cookie_jar.update_cookies({COOKIE_NAME: session_id}, logged_in.client.make_url("/"))

    assert (await logged_in.page("/"))[0] == 303


async def test_logout_needs_csrf(logged_in: WebHub) -> None:
    response = await logged_in.client.post("/logout", data={"csrf": "forged"}, allow_redirects=False)

    assert response.status == 403
    assert "reload the page" in await response.text()
    assert (await logged_in.page("/"))[0] == 200


async def test_expired_session(logged_in: WebHub) -> None:
    with sqlite3.connect(logged_in.settings.database.path) as connection:
        connection.execute("UPDATE web_sessions SET expires_at = created_at")

    assert (await logged_in.page("/"))[0] == 303


async def test_session_stored_as_digest(logged_in: WebHub) -> None:
    session_id = logged_in.client.session.cookie_jar.filter_cookies(logged_in.client.make_url("/"))[COOKIE_NAME].value
    with sqlite3.connect(logged_in.settings.database.path) as connection:
        rows = connection.execute("SELECT id_digest, role, token_key_id FROM web_sessions").fetchall()

    assert len(session_id) >= 43
    assert len(rows) == 1
    digest, role, token_key_id = rows[0]
    assert len(digest) == 32
    assert session_id.encode() not in digest
    assert (role, token_key_id) == ("admin", None)


async def test_failed_logins_lock_out(web_hub: WebHub) -> None:
    for _ in range(MAX_FAILURES):
        assert (await web_hub.login("guess")).status == 401

    locked = await web_hub.login(PASSWORD)

    assert locked.status == 429
    assert "Too many failed logins" in await locked.text()
    assert int(locked.headers["Retry-After"]) > 0
    assert COOKIE_NAME not in locked.cookies

    web_hub.clock.now += LOCKOUT_SECONDS + 1
    assert (await web_hub.login(PASSWORD)).status == 303


async def test_lockout_logged(web_hub: WebHub, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    for _ in range(MAX_FAILURES):
        await web_hub.login("guess-secret")

    for _ in range(12):
        assert (await web_hub.login(PASSWORD)).status == 429

    throttle_messages = [record.getMessage() for record in caplog.records if record.name == "hub.web.throttle"]
    assert throttle_messages == [
        f"web logins from 127.0.0.1 locked out for {LOCKOUT_SECONDS} s after {MAX_FAILURES} failed attempts",
        f"refused 1 web login attempt(s) from 127.0.0.1 during its lockout ({LOCKOUT_SECONDS} s left)",
        f"refused 10 web login attempt(s) from 127.0.0.1 during its lockout ({LOCKOUT_SECONDS} s left)",
    ]
    assert all(record.levelno == logging.WARNING for record in caplog.records if record.name == "hub.web.throttle")
    assert "guess-secret" not in caplog.text
    assert PASSWORD not in caplog.text


async def test_success_resets_failures(web_hub: WebHub) -> None:
    for _ in range(MAX_FAILURES - 1):
        await web_hub.login("guess")
    assert (await web_hub.login(PASSWORD)).status == 303
    web_hub.client.session.cookie_jar.clear()

    for _ in range(MAX_FAILURES - 1):
        assert (await web_hub.login("guess")).status == 401


async def test_no_password_configured(web_hub_factory: WebHubFactory) -> None:
    hub = await web_hub_factory(password=None)

    status, html = await hub.page("/login")
    password_attempt = await hub.login("anything")
    token_attempt = await hub.login(hub.tokens["admin"])

    assert status == 200
    assert "Password login is disabled" in html
    assert password_attempt.status == 401
    assert token_attempt.status == 303


async def test_password_file(web_hub_factory: WebHubFactory, tmp_path: Path) -> None:
    password_file = tmp_path / "web-password"
    password_file.write_text("from the file\n")
    hub = await web_hub_factory(password=None, web={"password_file": str(password_file)})

    assert (await hub.login("from the file\n")).status == 401
    assert (await hub.login("from the file")).status == 303


async def test_unreadable_password_file(web_hub_factory: WebHubFactory, tmp_path: Path) -> None:
    hub = await web_hub_factory(password=None, web={"password_file": str(tmp_path / "missing")})

    status, html = await hub.page("/login")

    assert status == 200
    assert "Password login is disabled" in html


async def test_logged_in_login_page_redirects(logged_in: WebHub) -> None:
    response = await logged_in.client.get("/login", params={"next": "/contacts"}, allow_redirects=False)

    assert response.status == 303
    assert response.headers["Location"] == "/contacts"
