"""The pages over plain HTTP: search and filters, paging, errors, contacts, merging."""

from __future__ import annotations

import html as html_module
import re

import pytest

from tests.web.conftest import WebHub, message
from tests.web.seed import BOB_MESSAGES, all_interactions, bob_messages

PAGE_SIZE = 25


def interaction_links(html: str) -> list[str]:
    return re.findall(r'class="hit-open" href="(/interactions/\d+)"', html)


def pager_link(html: str, rel: str) -> str | None:
    match = re.search(rf'<a href="([^"]+)" rel="{rel}">', html)
    return html_module.unescape(match.group(1)) if match else None


@pytest.fixture
async def seeded(logged_in: WebHub) -> WebHub:
    await logged_in.push(*all_interactions())
    return logged_in


@pytest.mark.parametrize(("params", "expected"), [
    ({"q": "source:fax"}, "source:fax is not a known source"),
    ({"q": "d* dinner"}, "prefix &#39;d*&#39; is too short"),
    ({"q": "after:yesterday"}, "after:yesterday is not a date"),
    ({"from": "2024-13-01"}, "the from date &#39;2024-13-01&#39; is not a date"),
    ({"source": "fax"}, "source &#39;fax&#39; is unknown"),
    ({"sort": "oldest"}, "sort &#39;oldest&#39; is unknown"),
    ({"cursor": "not-a-cursor"}, "This page link is out of date"),
])
async def test_bad_query_message(seeded: WebHub, params: dict[str, str], expected: str) -> None:
    status, html = await seeded.page("/", **params)

    assert status == 400
    assert expected in html
    assert 'role="alert"' in html
    assert "Traceback" not in html
    assert interaction_links(html) == []


async def test_bad_query_keeps_text(seeded: WebHub) -> None:
    status, html = await seeded.page("/", q="dinner source:fax")

    assert status == 400
    assert 'value="dinner source:fax"' in html


async def test_bad_query_on_activity_tab(seeded: WebHub) -> None:
    bob = await seeded.contact_id("+15550122")

    status, html = await seeded.page(f"/contacts/{bob}/activity", q="type:letter")

    assert status == 400
    assert "type:letter is not a known type" in html


async def test_search_highlights(seeded: WebHub) -> None:
    status, html = await seeded.page("/", q="climbing")

    expected = [item for item in all_interactions() if "climbing" in str(item["content"])]
    assert status == 200
    assert len(interaction_links(html)) == min(PAGE_SIZE, len(expected))
    assert html.count("<mark>climbing</mark>") == len(interaction_links(html))
    assert "Best matches first" in html


async def test_form_filter_and_text_both_hold(seeded: WebHub) -> None:
    contradiction = await seeded.page("/", q="dinner source:whatsapp", source="email")
    agreement = await seeded.page("/", q="dinner source:email", source="email")

    assert contradiction[0] == 200
    assert interaction_links(contradiction[1]) == []
    assert "No interactions match this search." in contradiction[1]
    assert len(interaction_links(agreement[1])) == 2


async def test_source_and_type_filters(seeded: WebHub) -> None:
    _, by_source = await seeded.page("/", source="phone")
    _, by_type = await seeded.page("/", source="phone", type="call")

    phone = [item for item in all_interactions() if item["source"] == "phone"]
    assert len(interaction_links(by_source)) == len(phone)
    assert len(interaction_links(by_type)) == len([item for item in phone if item["type"] == "call"])
    assert '<option value="phone" selected>' in by_source


@pytest.mark.parametrize(("source", "types"), [
    ("email", set()),
    ("meeting", set()),
    ("whatsapp", set()),
    ("phone", {"call", "message"}),
])
async def test_type_shown_unless_usual(seeded: WebHub, source: str, types: set[str]) -> None:
    _, html = await seeded.page("/", source=source)

    hits = len(interaction_links(html))
    assert hits > 0
    assert html.count(f'<span class="badge source">{source}</span>') == hits
    assert set(re.findall(r'<span class="badge type">([^<]+)</span>', html)) == types


async def test_date_range_in_owner_zone(logged_in: WebHub) -> None:
    # 23:30 in Berlin on March 9th, and 00:30 in Berlin on March 10th (23:30 UTC).
    await logged_in.push(
        message("late", "2024-03-09T23:30:00+01:00", "late evening", "+15550144", "Dana"),
        message("next-day", "2024-03-09T23:30:00+00:00", "just after midnight", "+15550144", "Dana"),
        message("early", "2024-03-08T23:59:00+01:00", "the day before", "+15550144", "Dana"),
    )

    _, day = await logged_in.page("/", **{"from": "2024-03-09", "to": "2024-03-09"})
    _, from_only = await logged_in.page("/", **{"from": "2024-03-10"})

    assert "late evening" in day
    assert "just after midnight" not in day
    assert "the day before" not in day
    assert len(interaction_links(day)) == 1
    assert len(interaction_links(from_only)) == 1
    assert "2024-03-10 00:30" in from_only


async def test_paging_forward_and_back(seeded: WebHub) -> None:
    _, first = await seeded.page("/")
    assert pager_link(first, "prev") is None
    next_url = pager_link(first, "next")
    assert next_url is not None

    _, second = await seeded.page(next_url)
    previous_url = pager_link(second, "prev")
    assert previous_url is not None
    _, back = await seeded.page(previous_url)

    assert len(interaction_links(first)) == PAGE_SIZE
    assert len(interaction_links(second)) == len(all_interactions()) - PAGE_SIZE
    assert not set(interaction_links(first)) & set(interaction_links(second))
    assert pager_link(second, "next") is None
    assert interaction_links(back) == interaction_links(first)


async def test_paging_keeps_filters(logged_in: WebHub) -> None:
    await logged_in.push(*bob_messages())
    bob = await logged_in.contact_id("+15550122")
    path = f"/contacts/{bob}/activity"

    _, first = await logged_in.page(path, q="message", sort="time")
    next_url = pager_link(first, "next")
    assert next_url is not None
    _, second = await logged_in.page(next_url)
    previous_url = pager_link(second, "prev")
    assert previous_url is not None
    _, third = await logged_in.page(previous_url)

    assert next_url.startswith(path + "?")
    assert "q=message" in next_url
    assert "sort=time" in next_url
    assert len(interaction_links(first)) + len(interaction_links(second)) == BOB_MESSAGES
    assert interaction_links(third) == interaction_links(first)
    assert "Newest first" in first


async def test_three_pages_back(logged_in: WebHub) -> None:
    await logged_in.push(*bob_messages(), *[
        message(f"extra-{number}", f"2023-06-{number + 1:02d}T12:00:00+02:00", f"note {number}",
                "+15550155", "Erin") for number in range(30)
    ])
    pages = [(await logged_in.page("/"))[1]]
    for _ in range(2):
        next_url = pager_link(pages[-1], "next")
        assert next_url is not None
        pages.append((await logged_in.page(next_url))[1])

    previous_url = pager_link(pages[2], "prev")
    assert previous_url is not None
    _, back_to_second = await logged_in.page(previous_url)

    assert [len(interaction_links(page)) for page in pages] == [25, 25, 10]
    assert interaction_links(back_to_second) == interaction_links(pages[1])
    assert 'href="/">First</a>' in pages[2]


async def test_interaction_page(seeded: WebHub) -> None:
    _, listing = await seeded.page("/", q="river place")
    link = interaction_links(listing)[0]

    status, html = await seeded.page(link)

    assert status == 200
    assert "Re: Dinner on Friday" in html
    assert "Friday works. 19:30 at the river place." in html
    assert "alice@example.com" in html
    assert "sent by me" in html
    assert "2024-03-09 08:30" in html


async def test_call_page_shows_duration(seeded: WebHub) -> None:
    _, listing = await seeded.page("/", type="call")
    link = interaction_links(listing)[0]

    _, html = await seeded.page(link)

    assert "12 min 34 s" in html
    assert "call_status" in html
    assert "answered" in html


@pytest.mark.parametrize("path", ["/interactions/999999", "/interactions/abc", "/contacts/999999",
                                  "/contacts/0/activity", "/contacts/999999/merge"])
async def test_missing_pages(seeded: WebHub, path: str) -> None:
    response = await seeded.client.get(path, allow_redirects=False)

    assert response.status == 404
    assert response.content_type == "text/html"
    assert "Error 404" in await response.text()


async def test_contacts_sorted_by_name(seeded: WebHub) -> None:
    status, html = await seeded.page("/contacts", sort="name")

    names = [html_module.unescape(name) for name in re.findall(r'<a href="/contacts/\d+">([^<]+)</a>', html)]
    assert status == 200
    assert names == sorted(names, key=str.casefold)
    assert len(names) == 6


async def test_contacts_sorted_by_last_interaction(seeded: WebHub) -> None:
    _, html = await seeded.page("/contacts", sort="last_interaction")

    dates = re.findall(r'<time datetime="[^"]*">(\d{4}-\d\d-\d\d)</time>', html)
    assert len(dates) == 6
    assert dates == sorted(dates, reverse=True)


async def test_contacts_search(seeded: WebHub) -> None:
    _, by_name = await seeded.page("/contacts", q="alice")
    _, by_handle = await seeded.page("/contacts", q="+15550122")
    unknown_sort = await seeded.page("/contacts", sort="shoe_size")

    assert by_name.count('<a href="/contacts/') == 2
    assert "Bob Example" in by_handle
    assert by_handle.count('<a href="/contacts/') == 1
    assert unknown_sort[0] == 400
    assert "Sort &#39;shoe_size&#39; is unknown" in unknown_sort[1]


async def test_contact_page(seeded: WebHub) -> None:
    bob = await seeded.contact_id("+15550122")

    status, html = await seeded.page(f"/contacts/{bob}")

    assert status == 200
    assert "<h1>Bob Example</h1>" in html
    assert "+15550122" in html
    assert re.search(rf'<th scope="row">whatsapp</th><td class="number">{BOB_MESSAGES}</td>', html)
    assert re.search(rf'<th scope="row">message</th><td class="number">{BOB_MESSAGES}</td>', html)
    assert 'aria-current="page">Overview' in html
    assert html.count('<rect class="bar"') == 12
    assert re.search(r'<p class="score-value"><strong>\d+</strong> / 100', html)


async def test_activity_tab(seeded: WebHub) -> None:
    alice = await seeded.contact_id("alice@example.com")

    status, html = await seeded.page(f"/contacts/{alice}/activity")
    _, searched = await seeded.page(f"/contacts/{alice}/activity", q="planning")

    alice_items = [item for item in all_interactions() if item["participants"][0]["handle"] == "alice@example.com"]
    assert status == 200
    assert len(interaction_links(html)) == len(alice_items)
    assert 'aria-current="page">Activity' in html
    assert len(interaction_links(searched)) == 1
    assert "<mark>planning</mark>" in searched.lower()


async def test_merge_flow(seeded: WebHub) -> None:
    carol = await seeded.contact_id("carol@example.com")
    carol_phone = await seeded.contact_id("+15550133")

    _, candidates = await seeded.page(f"/contacts/{carol}/merge", q="carol")
    _, confirm = await seeded.page(f"/contacts/{carol}/merge", source=str(carol_phone))
    token = re.search(r'name="csrf" value="([^"]+)"', confirm.split('class="confirm"')[1])
    assert token is not None
    response = await seeded.client.post(f"/contacts/{carol}/merge",
                                        data={"csrf": token.group(1), "source": str(carol_phone)},
                                        allow_redirects=False)
    _, after = await seeded.page(response.headers["Location"])

    assert f'href="/contacts/{carol}/merge?source={carol_phone}"' in candidates
    assert f'href="/contacts/{carol}/merge?source={carol}"' not in candidates
    assert f"Merge Carol E. (#{carol_phone}) into Carol Example (#{carol})?" in confirm
    assert response.status == 303
    assert "The other contact was merged into this one." in after
    assert "+15550133" in after
    assert "carol@example.com" in after
    assert (await seeded.page(f"/contacts/{carol_phone}"))[0] == 404


async def test_merge_same_names_told_apart(seeded: WebHub) -> None:
    await seeded.push(
        message("bob-mail-1", "2024-06-01T12:00:00+02:00", "Hello from the other Bob", "bob.two@example.com",
                "Bob Example", source="email", kind="email", type_="email"),
        message("bob-sms-1", "2024-06-02T12:00:00+02:00", "A third Bob", "+15550199", "Bob Example",
                source="phone"),
        message("bob-sms-2", "2024-06-03T12:00:00+02:00", "Still the third Bob", "+15550199", "Bob Example",
                source="phone"),
    )
    target = await seeded.contact_id("+15550122")
    source = await seeded.contact_id("bob.two@example.com")
    third = await seeded.contact_id("+15550199")

    _, candidates = await seeded.page(f"/contacts/{target}/merge", q="bob example")
    _, confirm = await seeded.page(f"/contacts/{target}/merge", source=str(source))

    items = {int(match.group(1)): match.group(0) for match in
             re.finditer(r'<li>\s*<a href="/contacts/\d+/merge\?source=(\d+)">.*?</li>', candidates, re.DOTALL)}
    assert sorted(items) == sorted([source, third])
    assert f'<span class="contact-id">#{source}</span>' in items[source]
    assert "bob.two@example.com" in items[source]
    assert "1 interaction<" in items[source]
    assert f'<span class="contact-id">#{third}</span>' in items[third]
    assert "+15550199" in items[third]
    assert "2 interactions" in items[third]
    assert f"<h1>Merge Bob Example (#{source}) into Bob Example (#{target})?</h1>" in confirm
    assert f">Merge Bob Example (#{source}) into Bob Example (#{target})</button>" in confirm
    panels = confirm.split('<section class="panel">')[1:]
    assert len(panels) == 2
    assert f"#{source}</span>" in panels[0]
    assert "bob.two@example.com" in panels[0]
    assert "1 interaction," in panels[0]
    assert f"#{target}</span>" in panels[1]
    assert "+15550122" in panels[1]
    assert f"{BOB_MESSAGES} interactions," in panels[1]


async def test_merge_into_itself(seeded: WebHub) -> None:
    carol = await seeded.contact_id("carol@example.com")
    token = await seeded.csrf()

    confirm = await seeded.page(f"/contacts/{carol}/merge", source=str(carol))
    response = await seeded.client.post(f"/contacts/{carol}/merge", data={"csrf": token, "source": str(carol)},
                                        allow_redirects=False)
    missing = await seeded.client.post(f"/contacts/{carol}/merge", data={"csrf": token, "source": "999999"},
                                       allow_redirects=False)
    garbage = await seeded.client.post(f"/contacts/{carol}/merge", data={"csrf": token, "source": "me"},
                                       allow_redirects=False)

    assert confirm[0] == 409
    assert response.status == 409
    assert "cannot merge a contact into itself" in await response.text()
    assert missing.status == 404
    assert garbage.status == 400


async def test_empty_hub(logged_in: WebHub) -> None:
    _, interactions = await logged_in.page("/")
    _, contacts = await logged_in.page("/contacts")

    assert "No interactions yet." in interactions
    assert "No contacts yet." in contacts


async def test_contacts_sort_links(seeded: WebHub) -> None:
    _, html = await seeded.page("/contacts", q="example", sort="name")

    links = dict((label, html_module.unescape(href)) for href, label in
                 re.findall(r'<a href="(/contacts\?[^"]+)"[^>]*>([^<]+)</a>', html))
    assert links["Last interaction"] == "/contacts?q=example&sort=last_interaction"
    assert links["Name"] == "/contacts?q=example&sort=name"
    assert '<input type="hidden" name="sort" value="name">' in html
    assert 'aria-current="true">Name</a>' in html


async def test_contacts_sorted_by_score(seeded: WebHub) -> None:
    alice = await seeded.contact_id("alice@example.com")

    status, html = await seeded.page("/contacts", sort="score")

    scores = [int(score) for score in re.findall(r'<td class="number score">(\d+)</td>', html)]
    first_link = re.search(r'<a href="/contacts/(\d+)">', html.split("<tbody>")[1])
    assert status == 200
    assert len(scores) == 6
    assert scores == sorted(scores, reverse=True)
    assert scores[0] > 0
    assert first_link is not None
    assert int(first_link.group(1)) == alice
