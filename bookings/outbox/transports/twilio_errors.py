"""Twilio's errors turned into `TransportError`s with a German reason for staff."""

from __future__ import annotations

import datetime
import email.utils
from collections.abc import Iterator
from contextlib import contextmanager

import requests
from django.utils.translation import gettext_lazy as _
from twilio.base.exceptions import TwilioException, TwilioRestException

from bookings.outbox.transports import TransportError
from bookings.outbox.transports.twilio_client import last_answer_header

NOT_A_MOBILE = "21614"
UNSUBSCRIBED = "21610"

# Synchronous error codes that no retry can fix.
PERMANENT = {
    "21211": _("Die Telefonnummer ist ungültig."),
    "21408": _("In dieses Land darf nicht gesendet werden."),
    UNSUBSCRIBED: _("Die Person hat Nachrichten mit STOP abbestellt."),
    "21612": _("Diese Nummer ist über Twilio nicht erreichbar."),
    NOT_A_MOBILE: _("Die Nummer ist kein Handy; es wird stattdessen angerufen."),
    "21635": _("Die Nummer ist kein Festnetzanschluss."),
}
# Status callback codes (MessageStatus failed/undelivered).
DELIVERY_PERMANENT = {
    "30004": _("Die Nachricht wurde vom Empfänger blockiert."),
    "30005": _("Die Nummer ist unbekannt oder existiert nicht mehr."),
    "30006": _("Die Nummer kann keine SMS empfangen; es wird stattdessen angerufen."),
    "30007": _("Der Mobilfunkanbieter hat die Nachricht gefiltert."),
}
DELIVERY_TEMPORARY = {"30003", "30008"}
NO_SMS_POSSIBLE = {NOT_A_MOBILE, "30006"}


# A Retry-After beyond this is read as "later", not as hours of silence.
RETRY_AFTER_MAX = 3600.0


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds from a Retry-After header (seconds or an HTTP date); None if absent."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            moment = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        seconds = (moment - datetime.datetime.now(datetime.UTC)).total_seconds()
    return min(max(seconds, 0.0), RETRY_AFTER_MAX) or None


@contextmanager
def twilio_errors() -> Iterator[None]:
    try:
        yield
    except TwilioRestException as exc:
        code = str(exc.code or exc.status)
        if exc.status == 429 or code == "20429":
            # Documented as never processed, so a retry cannot send twice.
            raise TransportError(
                permanent=False,
                code=code,
                reason=_("Twilio bittet, langsamer zu senden."),
                retry_after=retry_after_seconds(last_answer_header("Retry-After")),
            ) from exc
        if exc.status >= 500:
            raise TransportError(
                permanent=False,
                code=code,
                reason=_("Twilio hatte eine Störung."),
                uncertain=True,
            ) from exc
        reason = PERMANENT.get(code) or _(
            "Twilio hat die Nachricht abgelehnt (Fehler %(code)s)."
        ) % {"code": code}
        raise TransportError(permanent=True, code=code, reason=str(reason)) from exc
    except requests.ConnectTimeout as exc:
        raise TransportError(
            permanent=False, code="timeout", reason=_("Twilio war nicht erreichbar.")
        ) from exc
    except (requests.RequestException, TwilioException) as exc:
        raise TransportError(
            permanent=False,
            code="network",
            reason=_("Keine Antwort von Twilio; vor dem nächsten Versuch wird nachgefragt."),
            uncertain=True,
        ) from exc
