"""The texts of outgoing messages, rendered from templates/outbox/*.txt.

SMS texts must stay in GSM-7 (umlauts are fine, typographic quotes and dashes are
not) and within two segments; tests check both for every template.
"""

from __future__ import annotations

import datetime
import unicodedata

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from bookings.models import Reminder, SeatOffer

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
# E-mails to a relative invited to a video call.
RELATIVE_SUBJECTS = {
    Reminder.Kind.CONFIRMATION: _("Einladung zu einem Videogespräch"),
    Reminder.Kind.DAY_BEFORE: _("Erinnerung an das Videogespräch"),
    Reminder.Kind.MOVED: _("Das Videogespräch wurde verlegt"),
    Reminder.Kind.CANCELLED: _("Das Videogespräch ist abgesagt"),
}

# GSM 03.38 basic set, plus the extension characters that cost two septets.
GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = set("^{}\\[~]|€")
GSM7 = GSM7_BASIC | GSM7_EXTENDED


def sms_segments(text: str) -> int:
    """How many SMS segments `text` costs; raises ValueError outside GSM-7."""
    outside = {char for char in text if char not in GSM7}
    if outside:
        raise ValueError(f"not GSM-7: {''.join(sorted(outside))!r}")
    septets = sum(2 if char in GSM7_EXTENDED else 1 for char in text)
    return 1 if septets <= 160 else -(-septets // 153)


# Typographic characters typed in the admin, and their nearest GSM-7 form.
_TO_GSM7 = str.maketrans(
    {
        "„": '"',
        "“": '"',
        "”": '"',
        "‚": "'",
        "‘": "'",
        "’": "'",
        "´": "'",
        "`": "'",
        "–": "-",
        "—": "-",
        "‐": "-",
        "‑": "-",
        "…": "...",
        "\u00a0": " ",
        "\u202f": " ",
        "«": '"',
        "»": '"',
        "Ł": "L",
        "ł": "l",
        "Đ": "D",
        "đ": "d",
        "Œ": "OE",
        "œ": "oe",
    }
)
SMS_MAX_SEGMENTS = 2
# Names and titles typed by people are cut to these lengths, longest first, until the
# message fits into two segments.
_NAME_LIMITS = (None, 40, 28, 20, 14)


def gsm7(text: str) -> str:
    """`text` with every character outside GSM-7 replaced by its nearest GSM-7 form
    (typographic quotes and dashes, accents) or dropped."""
    text = text.translate(_TO_GSM7)
    if GSM7.issuperset(text):
        return text
    kept = []
    for char in text:
        if char in GSM7:
            kept.append(char)
            continue
        plain = unicodedata.normalize("NFKD", char)
        kept.extend(part for part in plain if part in GSM7_BASIC and part not in "\r\n")
    return "".join(kept)


def _clock(local: datetime.datetime, spoken: bool) -> str:
    if spoken:
        return f"{local.hour} Uhr" + (f" {local.minute}" if local.minute else "")
    return f"{local:%H:%M} Uhr"


def day_words(moment: datetime.datetime, now: datetime.datetime | None = None) -> str:
    """'heute, Montag, 30. November', 'morgen, Montag, 30. November' or
    'am Montag, 30. November': what the day is, seen from `now` (default: this moment)."""
    local = timezone.localtime(moment)
    today = timezone.localdate(now or timezone.now())
    date = f"{_WEEKDAYS[local.weekday()]}, {local.day}. {_MONTHS[local.month - 1]}"
    if local.date() == today:
        return f"heute, {date}"
    if local.date() == today + datetime.timedelta(days=1):
        return f"morgen, {date}"
    return f"am {date}"


def when_words(
    moment: datetime.datetime, *, spoken: bool = False, now: datetime.datetime | None = None
) -> str:
    """'morgen, Dienstag, 3. Dezember, um 10:30 Uhr' (or 'um 10 Uhr 30' read aloud)."""
    return f"{day_words(moment, now)}, um {_clock(timezone.localtime(moment), spoken)}"


def spoken_when(moment: datetime.datetime) -> str:
    """'Dienstag, 3. Dezember, um 10 Uhr 30' to be read aloud."""
    local = timezone.localtime(moment)
    return (
        f"{_WEEKDAYS[local.weekday()]}, {local.day}. {_MONTHS[local.month - 1]}, "
        f"um {_clock(local, spoken=True)}"
    )


def _offer_deadline(reminder: Reminder, spoken: bool, now: datetime.datetime | None) -> str:
    """Until when a waiting-list offer may be answered ('' for other messages)."""
    if reminder.kind != Reminder.Kind.OFFER or not reminder.pk:
        return ""
    offer = SeatOffer.objects.filter(reminder=reminder).first()
    if not offer:
        return ""
    # "bis morgen, …" and "bis Montag, …": the deadline follows "bis", never "bis am".
    return when_words(offer.expires_at, spoken=spoken, now=now).removeprefix("am ")


def _cut(value: str, limit: int | None) -> str:
    value = " ".join(gsm7(str(value)).split())
    if limit is None or len(value) <= limit:
        return value
    return value[: limit - 3].rstrip(" ,.-") + "..."


def _context(reminder: Reminder, limit: int | None, now: datetime.datetime | None) -> dict:
    """What the templates may say; every typed name is GSM-7 and at most `limit` long."""
    spoken = reminder.channel == Reminder.Channel.VOICE
    if reminder.registration_id:
        about = reminder.registration.workshop
    else:
        about = reminder.workshop if reminder.workshop_id else reminder.appointment
    office = about.office
    context = {
        "reminder": reminder,
        "office": office,
        "office_name": _cut(office.name, limit),
        "office_street": _cut(office.street, limit),
        "office_phone": office.phone.as_national if office.phone else "",
        "when": when_words(about.starts_at, spoken=spoken, now=now),
        "deadline": _offer_deadline(reminder, spoken, now),
        "channel": reminder.channel,
        "spoken": spoken,
    }
    if reminder.workshop_id:
        # A helper's message about a workshop they run: no senior in it.
        context.update(workshop=about, helper=reminder.helper, title=_cut(about.title, limit))
        return context
    if reminder.registration_id:
        senior = reminder.registration.senior
        context.update(
            registration=reminder.registration, workshop=about, title=_cut(about.title, limit)
        )
    else:
        senior = about.senior
        context.update(
            appointment=about,
            kind=about.kind,
            helper=about.helper,
            topic=_cut(about.topic.name, limit),
            senior_initial=_cut(senior.last_name, None)[:1],
        )
        video = about.video_call
        if video is not None:
            # A link is never cut: without all of it the room cannot be found.
            context.update(relative_name=_cut(video.relative_name, limit), room_url=video.room_url)
    context.update(
        senior=senior,
        senior_first=_cut(senior.first_name, limit),
        senior_name=_cut(f"{senior.first_name} {senior.last_name}", limit),
    )
    return context


def _template(reminder: Reminder) -> str:
    if reminder.registration_id:
        recipient = "workshop"
    elif reminder.workshop_id:
        recipient = "helper_workshop"
    elif reminder.addressee == Reminder.Addressee.RELATIVE:
        recipient = "relative"
    elif reminder.addressee == Reminder.Addressee.CONTACT:
        recipient = "contact"  # a copy of the senior's message, naming whose it is
    else:
        recipient = "helper" if reminder.helper_id else "senior"
    return f"outbox/{recipient}_{reminder.kind}.txt"


def _render(
    reminder: Reminder, limit: int | None, now: datetime.datetime | None, *, signed: bool = True
) -> str:
    with translation.override("de"):
        text = render_to_string(_template(reminder), _context(reminder, limit, now))
    # The town signs what seniors get (MESSAGE_SIGNATURE); helpers know who writes.
    if signed and settings.MESSAGE_SIGNATURE and not reminder.helper_id:
        text += " " + settings.MESSAGE_SIGNATURE
    return " ".join(text.split())


def render_text(reminder: Reminder, *, now: datetime.datetime | None = None) -> str:
    """The message body for the reminder's recipient and channel, in German, rendered
    when it is sent so that "heute" and "morgen" are true then (`now`: as it read at
    another moment, e.g. an earlier attempt).

    SMS and call texts are GSM-7 and at most two segments: typed names are cut shorter
    until they fit, then the town's signature is left off, and as a last resort the text
    itself is cut.
    """
    if reminder.channel == Reminder.Channel.EMAIL:
        return _render(reminder, None, now)
    # The town's signature is dropped before anything is cut: the reply words matter more.
    for signed in (True, False):
        for limit in _NAME_LIMITS:
            text = gsm7(_render(reminder, limit, now, signed=signed))
            if sms_segments(text) <= SMS_MAX_SEGMENTS:
                return text
    while sms_segments(text + "...") > SMS_MAX_SEGMENTS:
        text = text.rsplit(" ", 1)[0]
    return text + "..."


def render_subject(reminder: Reminder) -> str:
    subjects = (
        RELATIVE_SUBJECTS if reminder.addressee == Reminder.Addressee.RELATIVE else HELPER_SUBJECTS
    )
    with translation.override("de"):
        return str(subjects.get(reminder.kind, _("Digitale Hilfe")))
