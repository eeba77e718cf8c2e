"""Phone numbers as people type them, checked and classified with phonenumbers."""

from __future__ import annotations

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

PHONE_HELP = _(
    "Mit Vorwahl, z. B. 0631 123456 oder 0171 1234567. Leerzeichen, Klammern und "
    "Schrägstriche sind erlaubt."
)


class PhoneKind(models.TextChoices):
    MOBILE = "mobile", _("Handy")
    LANDLINE = "landline", _("Festnetz")
    OTHER = "other", _("Sonstige")


def parse_phone(raw: str, region: str = "DE") -> phonenumbers.PhoneNumber:
    """Parse a number as typed; raise a German ValidationError unless it is valid."""
    message = _(
        "Bitte geben Sie eine vollständige Telefonnummer mit Vorwahl ein, "
        "z. B. 0631 123456 oder 0171 1234567."
    )
    try:
        number = phonenumbers.parse(str(raw), region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(message, code="invalid_phone") from exc
    # is_possible_number accepts "110" or "0631"; only a valid number reaches a person.
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(message, code="invalid_phone")
    return number


def phone_kind(number: phonenumbers.PhoneNumber) -> str:
    kind = phonenumbers.number_type(number)
    if kind == phonenumbers.PhoneNumberType.MOBILE:
        return PhoneKind.MOBILE
    if kind == phonenumbers.PhoneNumberType.FIXED_LINE:
        return PhoneKind.LANDLINE
    return PhoneKind.OTHER


class PhoneFormField(forms.CharField):
    """A phone field that takes numbers as people type them and stores E.164."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("help_text", PHONE_HELP)
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)
        # The number is the senior's, not the typist's: the browser must not fill in its own.
        self.widget.attrs.setdefault("autocomplete", "off")
        self.widget.attrs.setdefault("inputmode", "tel")

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        number = parse_phone(value)
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
