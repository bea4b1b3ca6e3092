"""Headless Chromium for the page tests: Debian's `chromium` package driven by Playwright.

Nothing downloads a browser: Playwright starts /usr/bin/chromium. Screenshots go to
tests/screenshots/ (ignored by git) so a reviewer can look at every page.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import AsyncIterator

import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def require_chromium() -> None:
    """Skip on a developer machine without Chromium; fail in CI, which installs it."""
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is missing; install Debian's chromium package (apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


async def launch() -> AsyncIterator[Browser]:
    require_chromium()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()


async def new_page(browser: Browser, viewport: dict[str, int]) -> tuple[BrowserContext, Page]:
    context = await browser.new_context(viewport=viewport, is_mobile=viewport == PHONE,
                                        has_touch=viewport == PHONE)
    page = await context.new_page()
    return context, page


async def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot as tests/screenshots/NAME-WIDTH.png."""
    SCREENSHOTS.mkdir(exist_ok=True)
    width = page.viewport_size["width"] if page.viewport_size else 0
    path = SCREENSHOTS / f"{name}-{width}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path
