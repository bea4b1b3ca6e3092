"""Drive the web page in headless Chromium against a real hub on 127.0.0.1.

Each test seeds the hub through the ingestion API, logs in through the login form and uses
the pages as a person would. Screenshots of every page, at desktop and phone widths, are
written to tests/screenshots/.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import AsyncIterator
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import Browser, Page

from tests.web.browser import DESKTOP, PHONE, launch, new_page, screenshot
from tests.web.conftest import PASSWORD, WebHub
from tests.web.seed import (BOB_MESSAGES, HOSTILE_NAME, HOSTILE_SUBJECT, HOSTILE_TEXT, all_interactions,
                            bob_messages)

PAGE_SIZE = 25
ZONE = ZoneInfo("Europe/Berlin")


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async for running in launch():
        yield running


@pytest.fixture
async def site(web_hub: WebHub) -> WebHub:
    await web_hub.push(*all_interactions())
    return web_hub


def url(hub: WebHub, path: str) -> str:
    return str(hub.client.make_url(path))


def record_dialogs(page: Page) -> list[str]:
    """Collect the message of every alert, confirm or prompt the page opens."""
    messages: list[str] = []

    async def dismiss(dialog: object) -> None:
        messages.append(dialog.message)  # type: ignore[attr-defined]
        await dialog.dismiss()  # type: ignore[attr-defined]

    page.on("dialog", dismiss)
    return messages


async def log_in(page: Page, hub: WebHub, secret: str = PASSWORD) -> None:
    await page.goto(url(hub, "/"))
    assert "/login" in page.url
    await page.fill("#secret", secret)
    await page.get_by_role("button", name="Log in").click()
    await page.wait_for_url(url(hub, "/"))


async def hit_links(page: Page) -> list[str]:
    return [str(await link.get_attribute("href")) for link in await page.locator(".hit-open").all()]


async def submit_search(page: Page) -> None:
    async with page.expect_navigation():
        await page.get_by_role("button", name="Search").click()


def occurred_in_range(items: list[dict[str, object]], first: date, last: date) -> list[dict[str, object]]:
    """The items whose date in Europe/Berlin lies between `first` and `last`, both included."""
    return [item for item in items
            if first <= datetime.fromisoformat(str(item["occurred_at"])).astimezone(ZONE).date() <= last]


async def test_search_filter_and_page(browser: Browser, site: WebHub) -> None:
    context, page = await new_page(browser, DESKTOP)
    dialogs = record_dialogs(page)

    await page.goto(url(site, "/"))
    await screenshot(page, "login")
    await log_in(page, site)
    await screenshot(page, "interactions")

    first_page = await hit_links(page)
    assert len(first_page) == PAGE_SIZE
    await page.get_by_role("link", name="Next →").click()
    second_page = await hit_links(page)
    assert len(second_page) == len(all_interactions()) - PAGE_SIZE
    assert not set(first_page) & set(second_page)
    await page.get_by_role("link", name="← Previous").click()
    assert await hit_links(page) == first_page

    await page.fill("#q", "dinner")
    await submit_search(page)
    marks = await page.locator(".hit mark").all_inner_texts()
    assert marks
    assert {mark.lower() for mark in marks} == {"dinner"}
    await screenshot(page, "interactions-search")

    await page.select_option("select[name=source]", "email")
    await submit_search(page)
    assert await page.locator(".hit .badge.source").all_inner_texts() == ["email", "email"]

    await page.fill("#q", "")
    await page.select_option("select[name=source]", "")
    await page.fill("input[name=from]", "2024-03-01")
    await page.fill("input[name=to]", "2024-03-09")
    await submit_search(page)
    expected = occurred_in_range(all_interactions(), date(2024, 3, 1), date(2024, 3, 9))
    dates = await page.locator(".hit time").all_inner_texts()
    assert len(dates) == len(expected)
    assert all("2024-03-01" <= shown[:10] <= "2024-03-09" for shown in dates)

    await page.locator(".hit-open").first.click()
    await page.wait_for_url("**/interactions/*")
    assert await page.locator("h1").inner_text() == "Re: Dinner on Friday"
    assert "Friday works" in await page.locator(".content").inner_text()
    await screenshot(page, "interaction")
    assert dialogs == []
    await context.close()


async def test_contact_activity_and_merge(browser: Browser, site: WebHub) -> None:
    context, page = await new_page(browser, DESKTOP)
    await log_in(page, site)

    await page.get_by_role("link", name="Contacts").click()
    await screenshot(page, "contacts")
    names = await page.locator("table.contacts tbody td:first-child a").all_inner_texts()
    assert sorted(names) == sorted(["Bob Example", "Alice Example", "Alice Example", "Carol Example",
                                    "Carol E.", HOSTILE_NAME])

    await page.get_by_role("link", name="Bob Example").click()
    assert await page.locator("h1").inner_text() == "Bob Example"
    assert "+15550122" in await page.locator(".handle-list").inner_text()
    assert f"whatsapp\t{BOB_MESSAGES}" in await page.locator("table.counts").nth(1).inner_text()

    # Alice wrote every month of the last year, so her trend has bars to see.
    alice = await site.contact_id("alice@example.com")
    await page.goto(url(site, f"/contacts/{alice}"))
    bars = page.locator("svg.trend rect.bar")
    assert await bars.count() == 12
    assert float(str(await bars.last.get_attribute("height"))) > 0
    assert int(await page.locator(".score-value strong").inner_text()) > 0
    await screenshot(page, "contact")
    await page.go_back()

    await page.get_by_role("link", name="Activity").click()
    await page.wait_for_url("**/activity")
    assert await page.locator(".hit").count() == PAGE_SIZE
    snippets = await page.locator(".hit .snippet").all_inner_texts()
    assert len(snippets) == PAGE_SIZE
    assert all(snippet.startswith("Bob's message") for snippet in snippets)
    assert await page.locator(".hit-contacts").count() == 0
    await page.fill("#q", "dinner")
    await submit_search(page)
    expected = [item for item in bob_messages() if "dinner" in str(item["content"])]
    assert await page.locator(".hit").count() == len(expected)
    await screenshot(page, "activity")

    carol = await site.contact_id("carol@example.com")
    await page.goto(url(site, f"/contacts/{carol}"))
    await page.fill("#merge-q", "Carol")
    await page.get_by_role("button", name="Find").click()
    carol_phone = await site.contact_id("+15550133")
    await page.get_by_role("link", name="Carol E.").click()
    await screenshot(page, "merge-confirm")
    await page.get_by_role("button", name=f"Merge Carol E. (#{carol_phone}) into Carol Example (#{carol})").click()
    await page.wait_for_url(f"**/contacts/{carol}?merged=1")
    handles = await page.locator(".handle-list").first.inner_text()
    assert "carol@example.com" in handles
    assert "+15550133" in handles
    response = await site.client.get("/api/v1/contacts", params={"q": "Carol"}, headers=site.auth("read"))
    assert [contact["id"] for contact in (await response.json())["contacts"]] == [carol]
    await context.close()


async def test_hostile_text_shown_literally(browser: Browser, site: WebHub) -> None:
    context, page = await new_page(browser, DESKTOP)
    dialogs = record_dialogs(page)
    await log_in(page, site)

    await page.fill("#q", "tea")
    await submit_search(page)
    hit = page.locator(".hit")
    assert await hit.count() == 1
    assert await hit.locator(".snippet").inner_text() == HOSTILE_TEXT
    assert await hit.locator(".hit-subject").inner_text() == HOSTILE_SUBJECT
    assert await hit.locator(".hit-contacts").inner_text() == HOSTILE_NAME
    assert await page.locator("main script, main img, main b").count() == 0

    await hit.locator(".hit-open").click()
    await page.wait_for_url("**/interactions/*")
    assert await page.locator(".content").inner_text() == HOSTILE_TEXT
    assert await page.locator("h1").inner_text() == HOSTILE_SUBJECT
    assert "<script>alert(4)</script>" in await page.locator(".metadata").inner_text()
    assert await page.locator("main script, main img, main b").count() == 0
    assert dialogs == []
    await context.close()


PHONE_PAGES = ["/", "/?q=dinner", "/interactions/{mail}", "/contacts", "/contacts/{alice}",
               "/contacts/{bob}/activity"]
PHONE_NAMES = ["interactions", "interactions-search", "interaction", "contacts", "contact", "activity"]


async def test_phone_width_layout(browser: Browser, site: WebHub) -> None:
    bob = await site.contact_id("+15550122")
    alice = await site.contact_id("alice@example.com")
    response = await site.client.get("/api/v1/interactions", params={"q": "river place"},
                                     headers=site.auth("read"))
    mail = (await response.json())["interactions"][0]["id"]
    context, page = await new_page(browser, PHONE)

    await page.goto(url(site, "/"))
    await screenshot(page, "login")
    await log_in(page, site)
    for path, name in zip(PHONE_PAGES, PHONE_NAMES):
        await page.goto(url(site, path.format(alice=alice, bob=bob, mail=mail)))
        await screenshot(page, name)
        width = await page.evaluate("document.scrollingElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} scrolls sideways on a phone: {width}px wide"
    await context.close()
