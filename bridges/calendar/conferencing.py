"""Video conferencing links in calendar events, which make a meeting a `video_call`.

Links are searched in LOCATION, DESCRIPTION, URL, CONFERENCE (RFC 7986) and the properties
Google Calendar and Outlook add for their own meetings. `conference_provider` is only the
provider's name, because meeting links often carry the passcode. A link written in LOCATION
still reaches the item's `location` metadata as it is.
"""

from __future__ import annotations

import re
from typing import Any

from icalendar import Event

LINK_PROPERTIES = (
    "LOCATION",
    "DESCRIPTION",
    "URL",
    "CONFERENCE",
    "X-GOOGLE-CONFERENCE",
    "X-MICROSOFT-SKYPETEAMSMEETINGURL",
    "X-MICROSOFT-ONLINEMEETINGCONFLINK",
)

# Host (with any subdomain) -> provider name.
PROVIDER_HOSTS = {
    "zoom.us": "zoom",
    "zoomgov.com": "zoom",
    "meet.google.com": "google_meet",
    "teams.microsoft.com": "teams",
    "teams.live.com": "teams",
    "meet.jit.si": "jitsi",
    "8x8.vc": "jitsi",
    "webex.com": "webex",
    "whereby.com": "whereby",
    "gotomeeting.com": "gotomeeting",
    "meet.goto.com": "gotomeeting",
    "bluejeans.com": "bluejeans",
    "chime.aws": "chime",
    "join.skype.com": "skype",
}

LINK = re.compile(
    r"https?://(?:[a-z0-9-]+\.)*(?P<host>"
    + "|".join(re.escape(host) for host in PROVIDER_HOSTS)
    + r")(?=[/:?#\s>\"']|$)",
    re.IGNORECASE,
)
# RFC 7986 CONFERENCE FEATURE parameter value of a video conference.
VIDEO_FEATURE = "VIDEO"


def _values(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def conference_provider(event: Event) -> str | None:
    """Return the video conferencing provider the event links to, or None."""
    for name in LINK_PROPERTIES:
        for value in _values(event.get(name, [])):
            match = LINK.search(str(value))
            if match:
                return PROVIDER_HOSTS[match["host"].lower()]
            features = str(getattr(value, "params", {}).get("FEATURE", "")).upper()
            if name == "CONFERENCE" and VIDEO_FEATURE in features.split(","):
                return "other"
    return None
