"""Deterministic synthetic interactions for the benchmarks.

The data imitates one person's history. A few thousand contacts share the interactions
along a Zipf distribution, so a few of them get most. All six sources and six interaction
types occur, the words of the texts follow a Zipfian frequency distribution, timestamps
spread over five years, and each interaction has one to three other participants. The same seed always gives the same items in
the same order, so two runs (or both sides of a comparison) see identical data.

Items come out source by source, each source in time order, as a bridge pushes one export
after another.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import random
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Iterator

DEFAULT_SEED = 20240308
VOCABULARY_SIZE = 30_000
# Exponent of the word-frequency law: rank r is drawn with weight 1 / r**s. s = 1 is the
# classic value for natural-language text.
WORD_ZIPF_EXPONENT = 1.0
# Exponent of the contacts' share of interactions: a few close contacts, a long tail.
CONTACT_ZIPF_EXPONENT = 1.1
START = datetime(2020, 1, 1, tzinfo=timezone.utc)
SPAN_SECONDS = 5 * 365 * 24 * 3600

_SYLLABLES = [c + v for c in "bcdfghjklmnprstvwz" for v in "aeiou"] + ["qu", "th", "sh", "ch"]

# Share of all interactions per source, and the types each source produces with weights.
_SOURCES: dict[str, tuple[float, list[tuple[str, int]]]] = {
    "whatsapp": (0.35, [("message", 95), ("call", 4), ("video_call", 1)]),
    "email": (0.20, [("email", 100)]),
    "telegram": (0.15, [("message", 97), ("call", 3)]),
    "signal": (0.10, [("message", 96), ("call", 3), ("video_call", 1)]),
    "phone": (0.12, [("call", 60), ("message", 38), ("other", 2)]),
    "meeting": (0.08, [("meeting", 70), ("video_call", 30)]),
}
_HANDLE_KIND = {"whatsapp": "phone", "signal": "phone", "phone": "phone", "telegram": "telegram",
                "email": "email", "meeting": "email"}
# Words of content per type: (min, max).
_CONTENT_WORDS = {"message": (2, 30), "email": (30, 200), "meeting": (0, 25), "other": (2, 10)}
_OFFSETS_MINUTES = (-300, 0, 60, 120, 330)


@dataclass(frozen=True)
class Contact:
    index: int
    name: str
    email: str
    phone: str
    telegram: str

    def handle(self, kind: str) -> str:
        return {"email": self.email, "phone": self.phone, "telegram": self.telegram}[kind]


def zipf_cumulative_weights(size: int, exponent: float) -> list[float]:
    return list(itertools.accumulate(1.0 / (rank ** exponent) for rank in range(1, size + 1)))


def vocabulary(seed: int = DEFAULT_SEED, size: int = VOCABULARY_SIZE) -> list[str]:
    """Return `size` distinct pronounceable words; index 0 is the most frequent."""
    rng = random.Random(seed)
    words: list[str] = []
    seen: set[str] = set()
    while len(words) < size:
        length = 1 + min(rng.randrange(1, 5), 1 + len(words) // 2000)
        word = "".join(rng.choice(_SYLLABLES) for _ in range(length))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def make_contacts(count: int, seed: int = DEFAULT_SEED) -> list[Contact]:
    rng = random.Random(seed + 1)
    words = vocabulary(seed)
    contacts = []
    for index in range(count):
        first = words[rng.randrange(200, 3000)].capitalize()
        last = words[rng.randrange(3000, 20000)].capitalize()
        contacts.append(Contact(
            index=index,
            name=f"{first} {last}",
            email=f"{first.lower()}.{last.lower()}{index}@example.com",
            # +49 30 (Berlin) with 8 digits: a well-formed E.164 number for every index.
            phone=f"+4930{10_000_000 + index:08d}",
            telegram=str(100_000_000 + index),
        ))
    return contacts


def contact_count_for(items: int) -> int:
    """Thousands of contacts: one per 100 interactions, at least 2,000."""
    return max(2000, items // 100)


class TextMaker:
    def __init__(self, rng: random.Random, words: list[str]) -> None:
        self._rng = rng
        self._words = words
        self._cumulative = zipf_cumulative_weights(len(words), WORD_ZIPF_EXPONENT)

    def words(self, count: int) -> str:
        return " ".join(self._rng.choices(self._words, cum_weights=self._cumulative, k=count))


def generate_items(count: int, seed: int = DEFAULT_SEED, id_prefix: str = "") -> Iterator[dict[str, Any]]:
    """Yield `count` interaction items in the ingestion API's wire shape."""
    rng = random.Random(seed + 2)
    words = vocabulary(seed)
    text = TextMaker(rng, words)
    contacts = make_contacts(contact_count_for(count), seed)
    contact_weights = zipf_cumulative_weights(len(contacts), CONTACT_ZIPF_EXPONENT)
    # Shuffle which contact is the most frequent, so contact 0 is not always the top one.
    order = list(range(len(contacts)))
    rng.shuffle(order)

    remaining = count
    sources = list(_SOURCES)
    for position, source in enumerate(sources):
        share, types = _SOURCES[source]
        n = remaining if position == len(sources) - 1 else round(count * share)
        remaining -= n
        times = sorted(rng.randrange(SPAN_SECONDS) for _ in range(n))
        type_names = [t for t, _ in types]
        type_weights = list(itertools.accumulate(w for _, w in types))
        for serial, offset_seconds in enumerate(times):
            kind = rng.choices(type_names, cum_weights=type_weights)[0]
            people = [contacts[order[_pick(rng, contact_weights)]] for _ in range(rng.choice((1, 1, 1, 2, 3)))]
            yield _item(rng, text, source, kind, f"{id_prefix}{source}-{serial}", offset_seconds, people)


def _pick(rng: random.Random, cumulative: list[float]) -> int:
    return bisect.bisect(cumulative, rng.random() * cumulative[-1])


def _item(rng: random.Random, text: TextMaker, source: str, kind: str, source_id: str,
          offset_seconds: int, people: list[Contact]) -> dict[str, Any]:
    offset = rng.choice(_OFFSETS_MINUTES)
    moment = (START + timedelta(seconds=offset_seconds)).astimezone(timezone(timedelta(minutes=offset)))
    handle_kind = _HANDLE_KIND[source]
    outbound = rng.random() < 0.45
    participants = []
    for position, person in enumerate(dict.fromkeys(people)):
        role = "to" if outbound or position > 0 else "from"
        if source == "meeting":
            role = "attendee"
        participants.append({"handle": person.handle(handle_kind), "kind": handle_kind,
                             "name": person.name, "role": role})

    item: dict[str, Any] = {
        "source": source,
        "source_id": source_id,
        "type": kind,
        "occurred_at": moment.isoformat(),
        "direction": "outbound" if outbound else "inbound",
        "participants": participants,
    }
    if kind in ("call", "video_call"):
        item["duration_seconds"] = rng.randrange(0, 3600)
    if kind in ("email", "meeting"):
        item["subject"] = text.words(rng.randrange(2, 8))
    if kind in _CONTENT_WORDS:
        low, high = _CONTENT_WORDS[kind]
        count = rng.randrange(low, high + 1)
        if count:
            item["content"] = text.words(count)
    if source in ("whatsapp", "telegram", "signal"):
        item["thread_id"] = f"{source}-chat-{people[0].index}"
    return item


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write synthetic interactions as JSON lines to stdout.")
    parser.add_argument("--size", type=int, default=1000, help="number of interactions")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    args = parser.parse_args(argv)
    for item in generate_items(args.size, args.seed):
        sys.stdout.write(json.dumps(item) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
