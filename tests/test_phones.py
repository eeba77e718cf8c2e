"""Phone numbers as people type them (DESIGN.md, invariant 6)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from bookings.phones import PhoneFormField, PhoneKind, parse_phone, phone_kind
from tests.conftest import make_senior


@pytest.mark.parametrize(
    ("typed", "e164", "kind"),
    [
        ("0631 123456", "+49631123456", PhoneKind.LANDLINE),
        ("(0631) 12 34 56", "+49631123456", PhoneKind.LANDLINE),
        ("06 31 / 12 34 56", "+49631123456", PhoneKind.LANDLINE),
        ("+49 (0) 631 123456", "+49631123456", PhoneKind.LANDLINE),
        ("0171/1234567", "+491711234567", PhoneKind.MOBILE),
        ("0049 171 1234567", "+491711234567", PhoneKind.MOBILE),
        ("+49 (0)171-123 45 67", "+491711234567", PhoneKind.MOBILE),
    ],
)
def test_it_accepts_and_normalises_typed_numbers(typed, e164, kind):
    assert PhoneFormField().clean(typed) == e164
    assert phone_kind(parse_phone(typed)) == kind


@pytest.mark.parametrize("typed", ["1234", "0631", "110", "Oma Erna", "0171 abc"])
def test_it_rejects_what_reaches_nobody_with_a_german_message(typed):
    with pytest.raises(ValidationError) as caught:
        PhoneFormField().clean(typed)
    assert "vollständige Telefonnummer mit Vorwahl" in caught.value.messages[0]


def test_senior_stores_e164_and_the_kind_of_line(db):
    senior = make_senior(phone="+49301234560")
    senior.refresh_from_db()
    assert str(senior.phone) == "+49301234560"
    assert senior.phone_kind == PhoneKind.LANDLINE
    assert senior.reminder_channel == "voice"


def test_staff_choice_and_stop_override_the_kind_of_line(db):
    senior = make_senior(phone="+4915123456789", preferred_channel="voice")
    assert senior.reminder_channel == "voice"
    senior.opted_out_at = senior.created_at
    assert senior.reminder_channel == "none"
