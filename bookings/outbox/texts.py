"""The texts of outgoing messages, rendered from templates/messages/*.txt.

SMS texts must stay in GSM-7 (umlauts are fine, typographic quotes and dashes are
not) and within two segments; tests check both for every template.
"""

from __future__ import annotations

import datetime

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from bookings.models import Reminder, SeatOffer

_WEEKDAYS_SHORT = ["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"]
_WEEKDAYS = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]
_MONTHS = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
]

HELPER_SUBJECTS = {
    Reminder.Kind.CONFIRMATION: _("Neuer Termin für Sie"),
    Reminder.Kind.MOVED: _("Ein Termin wurde verlegt"),
    Reminder.Kind.CANCELLED: _("Ein Termin wurde abgesagt"),
}

# GSM 03.38 basic set, plus the extension characters that cost two septets.
GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = set("^{}\\[~]|€")


def sms_segments(text: str) -> int:
    """How many SMS segments `text` costs; raises ValueError outside GSM-7."""
    outside = {char for char in text if char not in GSM7_BASIC | GSM7_EXTENDED}
    if outside:
        raise ValueError(f"not GSM-7: {''.join(sorted(outside))!r}")
    septets = sum(2 if char in GSM7_EXTENDED else 1 for char in text)
    return 1 if septets <= 160 else -(-septets // 153)


def short_when(moment: datetime.datetime) -> str:
    """'Di 3.12., 10:00 Uhr' for an SMS."""
    local = timezone.localtime(moment)
    return f"{_WEEKDAYS_SHORT[local.weekday()]} {local.day}.{local.month}., {local:%H:%M} Uhr"


def spoken_when(moment: datetime.datetime) -> str:
    """'Dienstag, 3. Dezember, um 10 Uhr 30' to be read aloud."""
    local = timezone.localtime(moment)
    clock = f"{local.hour} Uhr" + (f" {local.minute}" if local.minute else "")
    return f"{_WEEKDAYS[local.weekday()]}, {local.day}. {_MONTHS[local.month - 1]}, um {clock}"


def _offer_deadline(reminder: Reminder, spoken: bool) -> str:
    """Until when a waiting-list offer may be answered ('' for other messages)."""
    if reminder.kind != Reminder.Kind.OFFER or not reminder.pk:
        return ""
    offer = SeatOffer.objects.filter(reminder=reminder).first()
    return (spoken_when if spoken else short_when)(offer.expires_at) if offer else ""


def _context(reminder: Reminder) -> dict:
    spoken = reminder.channel == Reminder.Channel.VOICE
    if reminder.registration_id or reminder.workshop_id:
        workshop = reminder.workshop or reminder.registration.workshop
        return {
            "reminder": reminder,
            "registration": reminder.registration,
            "workshop": workshop,
            "office": workshop.office,
            "when": (spoken_when if spoken else short_when)(workshop.starts_at),
            "deadline": _offer_deadline(reminder, spoken),
            "channel": reminder.channel,
            "spoken": spoken,
        }
    appointment = reminder.appointment
    return {
        "reminder": reminder,
        "appointment": appointment,
        "office": appointment.office,
        "senior": appointment.senior,
        "helper": appointment.helper,
        "when": (spoken_when if spoken else short_when)(appointment.starts_at),
        "channel": reminder.channel,
        "spoken": spoken,
    }


def render_text(reminder: Reminder) -> str:
    """The message body for the reminder's recipient and channel, in German."""
    if reminder.registration_id:
        recipient = "workshop"
    elif reminder.workshop_id:
        recipient = "helper_workshop"
    else:
        recipient = "helper" if reminder.helper_id else "senior"
    with translation.override("de"):
        text = render_to_string(f"outbox/{recipient}_{reminder.kind}.txt", _context(reminder))
    return " ".join(text.split())


def render_subject(reminder: Reminder) -> str:
    with translation.override("de"):
        return str(HELPER_SUBJECTS.get(reminder.kind, _("Digitale Hilfe")))
