"""Security of the web page: headers, escaping, CSRF, admin-only merging, and the off switch."""

from __future__ import annotations

import pytest

from hub.web.app_setup import PAGE_ROUTES
from tests.web.conftest import WebHub, WebHubFactory, message
from tests.web.seed import HOSTILE_NAME, HOSTILE_SUBJECT, HOSTILE_TEXT, hostile_interactions

EXPECTED_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def assert_security_headers(headers: object) -> None:
    for name, value in EXPECTED_HEADERS.items():
        assert headers[name] == value, name  # type: ignore[index]
    policy = headers["Content-Security-Policy"]  # type: ignore[index]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'none'"
    assert "script-src" not in directives
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"


@pytest.mark.parametrize("path", ["/login", "/", "/?q=source:fax", "/contacts", "/interactions/999",
                                  "/static/style.css", "/static/missing.js"])
async def test_security_headers(logged_in: WebHub, path: str) -> None:
    response = await logged_in.client.get(path, allow_redirects=False)

    assert_security_headers(response.headers)


async def test_headers_on_redirect(web_hub: WebHub) -> None:
    response = await web_hub.client.get("/", allow_redirects=False)

    assert response.status == 303
    assert_security_headers(response.headers)


async def test_pages_not_cached(logged_in: WebHub) -> None:
    page = await logged_in.client.get("/")
    style = await logged_in.client.get("/static/style.css")

    assert page.headers["Cache-Control"] == "no-store"
    assert style.headers["Cache-Control"].startswith("public")
    assert style.headers["Content-Type"].startswith("text/css")


async def test_static_files_only_listed(logged_in: WebHub) -> None:
    for path in ["/static/app_setup.py", "/static/..%2Fapp_setup.py", "/static/%2E%2E%2Fsettings.py"]:
        response = await logged_in.client.get(path)
        assert response.status == 404, path
        assert "import" not in await response.text()


async def test_hostile_text_escaped(logged_in: WebHub) -> None:
    await logged_in.push(*hostile_interactions())
    mallory = await logged_in.contact_id("mallory@example.com")
    listing = (await logged_in.page("/"))[1]
    search = (await logged_in.page("/", q="tea"))[1]
    interaction_id = int(search.split('href="/interactions/')[1].split('"')[0])
    pages = [listing, search, (await logged_in.page(f"/interactions/{interaction_id}"))[1],
             (await logged_in.page("/contacts"))[1], (await logged_in.page(f"/contacts/{mallory}"))[1],
             (await logged_in.page(f"/contacts/{mallory}/activity"))[1]]

    for html in pages:
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "<b>Mallory" not in html
        assert "&lt;b&gt;Mallory&lt;/b&gt;" in html
    detail = pages[2]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp;amp; &lt;img src=x onerror=alert(2)&gt; tea?" in detail
    assert "&lt;img src=x onerror=alert(3)&gt;" in detail
    assert "&lt;script&gt;alert(4)&lt;/script&gt;" in detail
    assert "<mark>tea</mark>?" in search
    assert HOSTILE_TEXT not in search
    assert HOSTILE_SUBJECT not in search
    assert HOSTILE_NAME not in search


async def test_query_text_escaped(logged_in: WebHub) -> None:
    status, html = await logged_in.page("/", q='"><script>alert(1)</script>')

    assert status == 200
    assert "<script>" not in html
    assert 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html


async def _merge_pair(hub: WebHub) -> tuple[int, int]:
    await hub.push(
        message("c1", "2024-02-20T12:00:00+01:00", "Photos", "carol@example.com", "Carol Example",
                source="email", kind="email", type_="email"),
        message("c2", "2024-02-21T19:45:00+01:00", "Got them?", "+15550133", "Carol E.", source="phone"),
    )
    return await hub.contact_id("carol@example.com"), await hub.contact_id("+15550133")


async def _contact_exists(hub: WebHub, contact_id: int) -> bool:
    response = await hub.client.get(f"/api/v1/contacts/{contact_id}", headers=hub.auth("read"))
    return response.status == 200


async def test_merge_needs_csrf(logged_in: WebHub) -> None:
    target, source = await _merge_pair(logged_in)

    missing = await logged_in.client.post(f"/contacts/{target}/merge", data={"source": str(source)},
                                          allow_redirects=False)
    forged = await logged_in.client.post(f"/contacts/{target}/merge",
                                         data={"source": str(source), "csrf": "0" * 64}, allow_redirects=False)

    assert missing.status == 403
    assert forged.status == 403
    assert await _contact_exists(logged_in, source)


async def test_csrf_token_per_session(web_hub: WebHub) -> None:
    target, source = await _merge_pair(web_hub)
    await web_hub.login()
    first_token = await web_hub.csrf()
    await web_hub.client.post("/logout", data={"csrf": first_token}, allow_redirects=False)
    await web_hub.login()

    response = await web_hub.client.post(f"/contacts/{target}/merge",
                                         data={"source": str(source), "csrf": first_token}, allow_redirects=False)

    assert await web_hub.csrf() != first_token
    assert response.status == 403
    assert await _contact_exists(web_hub, source)


async def test_read_token_cannot_merge(web_hub: WebHub) -> None:
    target, source = await _merge_pair(web_hub)
    await web_hub.login(web_hub.tokens["read"])
    token = await web_hub.csrf()

    contact_page = (await web_hub.page(f"/contacts/{target}"))[1]
    form_page = await web_hub.page(f"/contacts/{target}/merge", source=str(source))
    response = await web_hub.client.post(f"/contacts/{target}/merge", data={"source": str(source), "csrf": token},
                                         allow_redirects=False)

    assert "Merge another contact" not in contact_page
    assert 'class="merge-section"' not in contact_page
    assert f'action="/contacts/{target}/merge"' not in contact_page
    assert form_page[0] == 403
    assert response.status == 403
    assert "admin login" in await response.text()
    assert await _contact_exists(web_hub, source)


async def test_admin_token_can_merge(web_hub: WebHub) -> None:
    target, source = await _merge_pair(web_hub)
    await web_hub.login(web_hub.tokens["admin"])
    token = await web_hub.csrf()

    contact_page = (await web_hub.page(f"/contacts/{target}"))[1]
    response = await web_hub.client.post(f"/contacts/{target}/merge", data={"source": str(source), "csrf": token},
                                         allow_redirects=False)

    assert "Merge another contact into Carol Example" in contact_page
    assert f'action="/contacts/{target}/merge"' in contact_page
    assert response.status == 303
    assert response.headers["Location"] == f"/contacts/{target}?merged=1"
    assert not await _contact_exists(web_hub, source)


async def test_disabled_web_has_no_pages(web_hub_factory: WebHubFactory) -> None:
    hub = await web_hub_factory(web={"enabled": False})

    for method, path in [("GET", "/"), ("GET", "/login"), ("POST", "/login"), ("GET", "/contacts"),
                         ("GET", "/static/style.css")]:
        response = await hub.client.request(method, path, allow_redirects=False)
        assert response.status in (404, 405), path
        assert "Content-Security-Policy" not in response.headers
    health = await hub.client.get("/healthz")
    assert health.status == 200


async def test_pages_not_in_openapi(logged_in: WebHub) -> None:
    response = await logged_in.client.get("/api/v1/openapi.json")
    paths = (await response.json())["paths"]

    assert {path for _, path, _ in PAGE_ROUTES}.isdisjoint(paths)


async def test_api_still_needs_token(logged_in: WebHub) -> None:
    response = await logged_in.client.get("/api/v1/interactions")

    assert response.status == 401
