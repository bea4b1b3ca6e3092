"""The web page's pure parts: snippet markup, dates, the trend chart, paging, throttle, redirects."""

from __future__ import annotations

import logging
import re
from zoneinfo import ZoneInfo

import pytest

from hub.web.charts import trend_chart
from hub.web.formatting import duration, highlight, local_date, local_datetime, metadata_value, type_label
from hub.web.pages import local_path
from hub.web.paging import FIRST_PAGE, MAX_BACK, Paging, build_url
from hub.web.throttle import LoginThrottle
from tests.web.conftest import FakeClock


@pytest.mark.parametrize(("snippet", "expected"), [
    ({"text": "dinner on Friday", "highlights": [[0, 6]]}, "<mark>dinner</mark> on Friday"),
    ({"text": "a <b> & c", "highlights": [[2, 5]]}, "a <mark>&lt;b&gt;</mark> &amp; c"),
    ({"text": "abc", "highlights": [[1, 99]]}, "a<mark>bc</mark>"),
    ({"text": "abcdef", "highlights": [[3, 5], [0, 2]]}, "<mark>ab</mark>c<mark>de</mark>f"),
    ({"text": "abcdef", "highlights": [[0, 4], [2, 6]]}, "<mark>abcd</mark><mark>ef</mark>"),
    ({"text": "abc", "highlights": [[2, 1], [-5, 0], "x", [1, "2"]]}, "abc"),
    ({"text": "<script>", "highlights": []}, "&lt;script&gt;"),
    ({"text": None, "highlights": None}, ""),
    (None, ""),
])
def test_highlight(snippet: dict[str, object] | None, expected: str) -> None:
    assert str(highlight(snippet)) == expected


@pytest.mark.parametrize(("seconds", "expected"), [
    (None, ""), (0, "0 s"), (35, "35 s"), (60, "1 min"), (250, "4 min 10 s"), (3900, "1 h 05 min"),
])
def test_duration(seconds: int | None, expected: str) -> None:
    assert duration(seconds) == expected


def test_dates_in_zone() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    tokyo = ZoneInfo("Asia/Tokyo")

    assert local_datetime("2024-03-09T23:30:00+00:00", berlin) == "2024-03-10 00:30"
    assert local_datetime("2024-07-01T12:00:00-04:00", berlin) == "2024-07-01 18:00"
    assert local_date("2024-03-09T16:00:00+00:00", tokyo) == "2024-03-10"
    assert local_datetime(None, berlin) == ""
    assert local_date("", berlin) == ""


def test_metadata_value() -> None:
    assert metadata_value("answered") == "answered"
    assert metadata_value(["a.pdf", "b.jpg"]) == '["a.pdf", "b.jpg"]'
    assert metadata_value({"edited": True}) == '{"edited": true}'
    assert metadata_value(3) == "3"


def _bar_heights(svg: str) -> list[float]:
    return [float(height) for height in re.findall(r'class="bar"[^>]* height="([\d.]+)"', svg)]


def test_trend_chart_bars() -> None:
    trend = [{"month": f"2024-{month:02d}", "score": month / 10, "display": month * 8} for month in range(1, 13)]

    svg = str(trend_chart(trend))

    heights = _bar_heights(svg)
    assert svg.startswith('<svg class="trend"')
    assert len(heights) == 12
    assert heights == sorted(heights)
    assert heights[11] == pytest.approx(heights[0] * 12, rel=0.01)
    assert re.findall(r'<text class="month"[^>]*>(\w+)</text>', svg)[:3] == ["Jan", "Feb", "Mar"]
    assert "<title>2024-12: 96</title>" in svg


def test_trend_chart_clamps_and_escapes() -> None:
    trend = [
        {"month": "<script>", "display": 250},
        {"month": "2024-02", "display": -3},
        {"month": "2024-03", "display": None},
        {"month": "2024-04", "display": float("nan")},
    ]

    svg = str(trend_chart(trend))

    heights = _bar_heights(svg)
    assert "<script>" not in svg
    assert "&lt;s" in svg
    assert heights[0] == max(heights)
    assert heights[1:] == [0.0, 0.0, 0.0]
    assert str(trend_chart([])) == ""


@pytest.mark.parametrize(("candidate", "expected"), [
    ("/contacts/5?q=x", "/contacts/5?q=x"),
    ("/", "/"),
    (None, "/"),
    ("", "/"),
    ("//evil.example", "/"),
    ("/\\evil.example", "/"),
    ("https://evil.example/", "/"),
    ("contacts", "/"),
    ("/\r\nSet-Cookie: x", "/"),
])
def test_local_path(candidate: str | None, expected: str) -> None:
    assert local_path(candidate) == expected


def test_paging_links() -> None:
    first = Paging()
    second = Paging(cursor="WyJjMiJd", back=[FIRST_PAGE])
    third = Paging(cursor="WyJjMyJd", back=[FIRST_PAGE, "WyJjMiJd"])
    params = {"q": "dinner", "source": ""}

    assert first.previous_url("/", params) is None
    assert first.first_url("/", params) is None
    assert first.next_url("/", params, None) is None
    assert first.next_url("/", params, "WyJjMiJd") == "/?q=dinner&cursor=WyJjMiJd&back=-"
    assert second.previous_url("/", params) == "/?q=dinner"
    assert second.next_url("/", params, "WyJjMyJd") == "/?q=dinner&cursor=WyJjMyJd&back=-.WyJjMiJd"
    assert third.previous_url("/", params) == "/?q=dinner&cursor=WyJjMiJd&back=-"
    assert third.first_url("/", params) == "/?q=dinner"


def test_paging_back_stack_bounded() -> None:
    deep = Paging(cursor="WyJ4Il0", back=[f"WyJ{number}" for number in range(MAX_BACK)])

    next_url = deep.next_url("/", {}, "WyJuIl0")

    assert next_url is not None
    back = next_url.split("back=")[1].split(".")
    assert len(back) == MAX_BACK
    assert back[-1] == "WyJ4Il0"


def test_build_url_escapes() -> None:
    assert build_url("/", {"q": 'a&b "c"', "sort": ""}) == "/?q=a%26b+%22c%22"
    assert build_url("/contacts", {}) == "/contacts"


@pytest.mark.parametrize(("source", "interaction_type", "expected"), [
    ("email", "email", None),
    ("email", "meeting", "meeting"),
    ("whatsapp", "message", None),
    ("whatsapp", "video_call", "video call"),
    ("phone", "call", "call"),
    ("phone", "message", "message"),
])
def test_type_label(source: str, interaction_type: str, expected: str | None) -> None:
    assert type_label(source, interaction_type) == expected


def test_throttle_locks_after_failures() -> None:
    clock = FakeClock()
    throttle = LoginThrottle(max_failures=3, window_seconds=60, lockout_seconds=120, clock=clock)

    for _ in range(2):
        throttle.record_failure("198.51.100.7")
    assert throttle.retry_after("198.51.100.7") == 0
    throttle.record_failure("198.51.100.7")

    assert throttle.retry_after("198.51.100.7") == 120
    assert throttle.retry_after("198.51.100.8") == 0
    clock.now += 119
    assert throttle.retry_after("198.51.100.7") == 1
    clock.now += 1
    assert throttle.retry_after("198.51.100.7") == 0


def test_throttle_logs_lockout_once(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="hub.web.throttle")
    clock = FakeClock()
    throttle = LoginThrottle(max_failures=3, window_seconds=60, lockout_seconds=120, clock=clock)

    for _ in range(3):
        throttle.record_failure("198.51.100.7")

    messages = [record.getMessage() for record in caplog.records]
    assert messages == ["web logins from 198.51.100.7 locked out for 120 s after 3 failed attempts"]
    assert caplog.records[0].levelno == logging.WARNING


def test_throttle_counts_refused_attempts(caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    throttle = LoginThrottle(max_failures=1, window_seconds=60, lockout_seconds=120, clock=clock)
    throttle.record_failure("a")
    caplog.set_level(logging.WARNING, logger="hub.web.throttle")
    caplog.clear()

    for _ in range(150):
        throttle.record_refused("a")
    clock.now += 20
    throttle.record_refused("b")

    messages = [record.getMessage() for record in caplog.records]
    assert messages == [
        "refused 1 web login attempt(s) from a during its lockout (120 s left)",
        "refused 10 web login attempt(s) from a during its lockout (120 s left)",
        "refused 100 web login attempt(s) from a during its lockout (120 s left)",
    ]


def test_throttle_new_lockout_restarts_count(caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    throttle = LoginThrottle(max_failures=1, window_seconds=60, lockout_seconds=10, clock=clock)
    throttle.record_failure("a")
    for _ in range(5):
        throttle.record_refused("a")
    clock.now += 11
    caplog.set_level(logging.WARNING, logger="hub.web.throttle")
    caplog.clear()

    throttle.record_failure("a")
    throttle.record_refused("a")

    messages = [record.getMessage() for record in caplog.records]
    assert messages == ["web logins from a locked out for 10 s after 2 failed attempts",
                        "refused 1 web login attempt(s) from a during its lockout (10 s left)"]


def test_throttle_window_forgets_old_failures() -> None:
    clock = FakeClock()
    throttle = LoginThrottle(max_failures=3, window_seconds=60, lockout_seconds=120, clock=clock)

    throttle.record_failure("a")
    throttle.record_failure("a")
    clock.now += 61
    throttle.record_failure("a")
    throttle.record_failure("a")

    assert throttle.retry_after("a") == 0


def test_throttle_bounded_memory() -> None:
    clock = FakeClock()
    throttle = LoginThrottle(max_failures=2, max_addresses=3, clock=clock)

    throttle.record_failure("first")
    throttle.record_failure("first")
    for address in ["b", "c", "d", "e"]:
        throttle.record_failure(address)

    assert len(throttle._failures) <= 3
    assert throttle.retry_after("first") == 0
