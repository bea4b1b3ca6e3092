"""The renderers and the pieces commands are built from: HTML, splitting, plain text, buttons."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from bot.answer import Answer, Button, Span, bold, italic
from bot.commands.callbacks import (MAX_CALLBACK_DATA_BYTES, ContactRequest, SearchPageRequest, contact_data,
                                    parse_callback_data, search_page_data)
from bot.format import counts_text, name_details, names_text, shorten, snippet_line, source_and_type, sparkline
from bot.render_html import render_html, utf16_length
from bot.render_text import render_text
from bot.sessions import SearchSessions
from tests.bot.fake_telegram import parse_telegram_html

ALPHABETS = "<>&\"' aé😀🇩🇪שלוםمرحبا\n\t\x00\x07"


def test_html_escapes_every_span() -> None:
    answer = Answer().add([bold("<b>&"), Span(" x < y "), italic("'quoted' & \"double\"")])

    [message] = render_html(answer)

    assert message.html == "<b>&lt;b&gt;&amp;</b> x &lt; y <i>'quoted' &amp; \"double\"</i>"
    assert parse_telegram_html(message.html) == "<b>& x < y 'quoted' & \"double\""


def test_html_bold_italic_nested() -> None:
    [message] = render_html(Answer().add([Span("both", bold=True, italic=True)]))

    assert message.html == "<b><i>both</i></b>"


def test_html_paragraphs_and_lines() -> None:
    answer = Answer().add("one", "two").add("three")

    [message] = render_html(answer)

    assert message.html == "one\ntwo\n\nthree"


def test_control_characters_replaced() -> None:
    [message] = render_html(Answer().add("a\x00b\x07c\td"))

    assert message.html == "a b c d"


def test_buttons_only_on_last_message() -> None:
    answer = Answer()
    for n in range(30):
        answer.add("x" * 300 + str(n))
    answer.buttons = [[Button("Next ›", "s:abc:1")]]

    messages = render_html(answer)

    assert len(messages) == 3
    assert [bool(m.buttons) for m in messages] == [False, False, True]


def test_split_counts_utf16_units() -> None:
    # 3,000 emoji are 3,000 characters but 6,000 UTF-16 code units.
    answer = Answer().add("😀" * 3000)

    messages = render_html(answer, limit=4096)

    assert [utf16_length(parse_telegram_html(m.html)) for m in messages] == [4096, 1904]


def test_split_keeps_formatting_of_cut_span() -> None:
    messages = render_html(Answer().add([bold("a" * 10)]), limit=4)

    assert [m.html for m in messages] == ["<b>aaaa</b>", "<b>aaaa</b>", "<b>aa</b>"]


def test_empty_answer_renders_placeholder() -> None:
    assert [m.html for m in render_html(Answer())] == ["(no answer)"]


spans = st.builds(Span, st.text(alphabet=ALPHABETS, max_size=400), st.booleans(), st.booleans())
lines = st.lists(spans, min_size=1, max_size=6)
paragraphs = st.lists(lines, min_size=1, max_size=5)


@settings(max_examples=150, deadline=None)
@given(st.lists(paragraphs, min_size=1, max_size=8), st.integers(min_value=16, max_value=600))
def test_split_always_within_limit_and_parsable(paragraph_list: list, limit: int) -> None:
    answer = Answer(paragraphs=paragraph_list)

    messages = render_html(answer, limit=limit)

    texts = [parse_telegram_html(message.html) for message in messages]
    assert all(utf16_length(text) <= limit for text in texts)
    written = "".join(span.text for p in paragraph_list for line in p for span in line)
    if any(c.isalnum() for c in written):
        # Splitting moves line breaks and drops blank pieces, never a letter.
        shown = "".join(texts)
        assert [c for c in shown if c.isalnum()] == [c for c in written if c.isalnum()]


def test_plain_text_rendering() -> None:
    answer = Answer().add([bold("Title")], [Span("a "), italic("b")]).add("<kept>")
    answer.buttons = [[Button("‹ Previous", "s:a:0"), Button("Next ›", "s:a:2", hint="More results exist.")],
                      [Button("Other", "c:1", hint="Other: /contact #1")]]

    assert render_text(answer) == "Title\na b\n\n<kept>\n\nMore results exist.\nOther: /contact #1"


def test_plain_text_without_hints() -> None:
    answer = Answer().add("Only text")
    answer.buttons = [[Button("‹ Previous", "s:a:0")]]

    assert render_text(answer) == "Only text"


def test_callback_data_round_trip() -> None:
    assert parse_callback_data(search_page_data("AbC-_123", 12)) == SearchPageRequest("AbC-_123", 12)
    assert parse_callback_data(contact_data(42)) == ContactRequest(42, score=False)
    assert parse_callback_data(contact_data(42, score=True)) == ContactRequest(42, score=True)
    assert parse_callback_data("s:../etc:1") is None
    assert parse_callback_data("c:-1") is None


def test_callback_data_longest_fits() -> None:
    longest = [search_page_data("A" * 16, 9999), contact_data(10**18 - 1, score=True)]

    assert max(len(data.encode()) for data in longest) <= MAX_CALLBACK_DATA_BYTES


def test_sessions_expire() -> None:
    now = [1000.0]
    sessions = SearchSessions(ttl_seconds=60, clock=lambda: now[0])
    kept = sessions.start("dinner")
    dropped = sessions.start("lunch")

    now[0] += 50
    assert sessions.get(kept) is not None
    now[0] += 20

    assert sessions.get(dropped) is None
    assert sessions.get(kept) is not None


def test_sessions_bounded_least_recently_used() -> None:
    sessions = SearchSessions(max_searches=3)
    first, second, third = (sessions.start(q) for q in ("a", "b", "c"))
    sessions.get(first)

    fourth = sessions.start("d")

    assert len(sessions) == 3
    assert sessions.get(second) is None
    assert all(sessions.get(s) is not None for s in (first, third, fourth))


def test_session_ids_short_and_distinct() -> None:
    sessions = SearchSessions()
    ids = {sessions.start("q") for _ in range(200)}

    assert len(ids) == 200
    assert all(len(session_id) == 8 for session_id in ids)


def test_snippet_highlights_bold_and_collapsed() -> None:
    line = snippet_line({"text": "…have\n\n dinner   on dinner", "highlights": [[8, 14], [20, 26]]})

    assert line == [Span("…have "), Span("dinner", bold=True), Span(" on "), Span("dinner", bold=True)]


def test_snippet_truncated() -> None:
    line = snippet_line({"text": "x" * 500, "highlights": []}, max_chars=10)

    assert "".join(span.text for span in line) == "x" * 9 + "…"


def contact(contact_id: int, name: str, *handles: str) -> dict[str, object]:
    return {"id": contact_id, "name": name, "handles": [{"kind": "email", "handle": h} for h in handles]}


def test_name_details_unique_names() -> None:
    contacts = [contact(1, "Alice", "a@example.com"), contact(2, "Bob", "b@example.com"), contact(1, "Alice")]

    assert name_details(contacts) == {}


def test_name_details_first_distinct_handle() -> None:
    contacts = [contact(1, "Bob Example", "bob@example.com", "shared@example.com"),
                contact(2, "bob example", "shared@example.com", "robert@example.com"),
                contact(3, "Böb Example"),
                contact(4, "Alice", "shared@example.com")]

    assert name_details(contacts) == {1: "bob@example.com", 2: "robert@example.com", 3: "#3"}


def test_name_details_cut_handles_collide() -> None:
    # Handles are shown cut to 40 characters, so two that differ only after that do not count as distinct.
    contacts = [contact(7, "Bob", "x" * 45 + "1@example.com"), contact(8, "Bob", "x" * 45 + "2@example.com")]

    assert name_details(contacts) == {7: "#7", 8: "#8"}


def test_source_and_type() -> None:
    assert source_and_type("email", "email") == "email"
    assert source_and_type("whatsapp", "video_call") == "whatsapp · video call"
    assert source_and_type("phone", "message") == "phone · message"


def test_format_helpers() -> None:
    assert shorten("  a\n b  ", 10) == "a b"
    assert shorten("abcdefghijk", 5) == "abcd…"
    assert names_text(["A", "B", "C", "D", "E"]) == "A, B, C and 2 more"
    assert names_text(["A", "B"]) == "A and B"
    assert counts_text({"email": 3, "call": 1, "video_call": 2, "meeting": 0}) == "3 emails, 2 video calls, 1 call"
    assert counts_text({}) == "none"
    assert sparkline([0, 50, 100], low=0, high=100) == "▁▅█"
    assert sparkline([]) == ""
