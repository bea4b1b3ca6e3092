import pytest

from hub.contacts.handles import InvalidHandle, MissingRegion, normalize_handle


@pytest.mark.parametrize(
    ("kind", "raw", "region", "expected"),
    [
        ("email", "  Alice@Example.COM ", None, "alice@example.com"),
        ("phone", "+1 555 0147", None, "+15550147"),
        ("phone", "0049 30 1234567", None, "+49301234567"),
        ("phone", "030 1234567", "DE", "+49301234567"),
        ("telegram", "@Alice_Example", None, "alice_example"),
        ("signal", "3f2a9c1e-0000-4000-8000-000000000001", None, "3f2a9c1e-0000-4000-8000-000000000001"),
    ],
)
def test_normalize_handle(kind: str, raw: str, region: str | None, expected: str) -> None:
    assert normalize_handle(kind, raw, region) == expected


@pytest.mark.parametrize("raw", ["-1", "-2", "-3", "", "Unknown", "(Unknown)"])
def test_withheld_numbers_rejected(raw: str) -> None:
    with pytest.raises(InvalidHandle):
        normalize_handle("phone", raw)


def test_phone_without_region_rejected() -> None:
    # The message names no setting, because the hub and the bridges each add their own.
    with pytest.raises(MissingRegion, match="^has no country code and no default region is set$"):
        normalize_handle("phone", "030 1234567", None)


def test_email_without_at_rejected() -> None:
    with pytest.raises(InvalidHandle):
        normalize_handle("email", "alice.example.com")

