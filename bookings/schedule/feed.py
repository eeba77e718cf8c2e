"""The helper's calendar feed (iCalendar), for a subscription on their phone.

The feed URL carries only the helper's secret token, so it may end up in a calendar
service: it holds no phone numbers, no surnames of seniors and no notes from the desk.

Phones ask every hour or so and mostly nothing has changed, so a rendered feed is kept
in the cache under its version: two small queries tell whether any appointment or
workshop of the helper changed since (see `feed_version`). When one did, only the events
whose content changed are rendered again; the others' bytes are kept from the last render.
"""

from __future__ import annotations

import datetime
import hashlib
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone

from bookings.models import Appointment, AppointmentKind, Helper, Workshop
from bookings.schedule.selectors import Entry, schedule_since

TZID = "Europe/Berlin"
# Older entries are left out: a phone calendar has no use for them and the feed stays small.
FEED_LOOKBACK = datetime.timedelta(days=90)
# Renames of seniors or loan devices do not change the version; they show within this.
CACHE_SECONDS = 3600
# Rendered events are kept longer: their key is all they say, so they never go stale.
PARTS_SECONDS = 7 * 24 * 3600
CALENDAR_END = b"END:VCALENDAR\r\n"


def _uid_domain() -> str:
    return urlsplit(settings.PUBLIC_BASE_URL).hostname or "digitale-hilfe.invalid"


def _event_properties(
    entry: Entry, *, domain: str, berlin: ZoneInfo, now: datetime.datetime
) -> tuple[tuple[str, object], ...]:
    """What one VEVENT says, as (property, value) pairs: all that its bytes depend on."""
    location = f"{entry.office.name}, {entry.office.address}"
    if entry.appointment:
        appointment = entry.appointment
        name = _("%(topic)s mit %(name)s") % {"topic": entry.topic, "name": entry.senior_name}
        kind = "" if appointment.kind == AppointmentKind.OFFICE else appointment.get_kind_display()
        properties = (
            ("uid", f"appointment-{appointment.pk}@{domain}"),
            ("sequence", appointment.sequence),
            ("dtstamp", appointment.updated_at),
            ("summary", name),
            (
                "description",
                " · ".join(filter(None, [kind, entry.topic, entry.device, entry.room_url])),
            ),
        )
        if entry.room_url:
            properties += (("url", entry.room_url),)
        if entry.by_phone:
            # No number here (the feed may sit in a calendar service): it is on the day page.
            location = _("Telefon: Sie rufen an (Nummer unter Meine Termine am Tag)")
    else:
        workshop = entry.workshop
        properties = (
            ("uid", f"workshop-{workshop.pk}@{domain}"),
            # Raised by each move, retitle and cancellation (bookings/services/workshops.py).
            ("sequence", workshop.sequence),
            ("dtstamp", workshop.cancelled_at or now),
            ("summary", _("Workshop: %(title)s") % {"title": workshop.title}),
            ("description", entry.topic),
        )
    return properties + (
        ("dtstart", entry.starts_at.astimezone(berlin)),
        ("dtend", entry.ends_at.astimezone(berlin)),
        ("location", location),
        ("status", "CANCELLED" if entry.cancelled else "CONFIRMED"),
    )


def _event_ical(properties: tuple[tuple[str, object], ...]) -> bytes:
    event = Event()
    for name, value in properties:
        event.add(name, value)
    return event.to_ical()


def _calendar_header(name: str, first: datetime.date, last: datetime.date) -> bytes:
    """The calendar's own content lines, its VTIMEZONE included, without the END line."""
    calendar = Calendar()
    calendar.add("prodid", "-//Digitale Hilfe//Meine Termine//DE")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", TZID)
    calendar.add("x-published-ttl", "PT1H")
    # The VTIMEZONE covers the events' span, so clients need no time zone database.
    calendar.add_component(
        Timezone.from_tzid(
            TZID,
            first_date=first - datetime.timedelta(days=1),
            last_date=last + datetime.timedelta(days=366),
        )
    )
    return calendar.to_ical().removesuffix(CALENDAR_END)


def feed_token_renew(*, helper: Helper) -> str:
    """Give the helper a new secret feed token; the old feed URL answers 404 from now on."""
    helper.feed_token = Helper._meta.get_field("feed_token").get_default()
    helper.save(update_fields=["feed_token"])
    return helper.feed_token


# The office and topic fields an event shows: part of the version, so renames show at once.
SHOWN_FIELDS = (
    "office__name",
    "office__street",
    "office__postal_code",
    "office__city",
    "topic__name",
)


def feed_version(helper: Helper, *, now: datetime.datetime) -> str:
    """A short hash that changes whenever the feed's appointments or workshops change.

    Every write of an appointment (booking services, absences) touches `updated_at`, so
    count and latest change per office and topic suffice, and a renamed office or topic
    changes the groups; workshops are few and compared field by field.
    """
    since = now - FEED_LOOKBACK
    appointments = (
        Appointment.objects.filter(helper=helper, starts_at__gte=since)
        .values_list(*SHOWN_FIELDS)
        .annotate(count=Count("pk"), changed=Max("updated_at"))
        .order_by(*SHOWN_FIELDS)
    )
    workshops = Workshop.objects.filter(assignments__helper=helper, starts_at__gte=since)
    rows = workshops.order_by("pk").values_list(
        "pk", "title", "starts_at", "ends_at", "cancelled_at", *SHOWN_FIELDS
    )
    fingerprint = repr((helper.pk, list(appointments), list(rows)))
    return hashlib.sha256(fingerprint.encode()).hexdigest()[:32]


def helper_feed_cached(helper: Helper, *, version: str, now: datetime.datetime) -> bytes:
    """The feed for `version` (from `feed_version`), rendered only when it changed."""
    key = f"helpers.feed:{helper.pk}:{version}"
    feed = cache.get(key)
    if feed is None:
        feed = helper_feed(helper, now=now)
        cache.set(key, feed, CACHE_SECONDS)
    return feed


def _rendered(parts: dict[str, bytes], rendered: dict[str, bytes], values, render, *args) -> bytes:
    """render(*args), taken from the last render's `parts` if `values` are the same.

    `values` are all the bytes depend on, so a hash of them is the key. str() writes a
    datetime with its UTC offset, much faster than repr(), and each position always
    carries the same kind of time zone. Every part used goes into `rendered`.
    """
    text = "\x1f".join([render.__name__, *map(str, values)])
    key = hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
    part = parts.get(key)
    if part is None:
        part = render(*args)
    rendered[key] = part
    return part


def _event_ical_cached(parts: dict[str, bytes], rendered: dict[str, bytes], properties) -> bytes:
    values = [value for _name, value in properties]
    return _rendered(parts, rendered, values, _event_ical, properties)


def helper_feed(helper: Helper, *, now: datetime.datetime | None = None) -> bytes:
    """The helper's appointments and workshops of the last 90 days and the future.

    Five queries. Cancelled ones stay in with STATUS:CANCELLED, so a subscribed
    calendar drops or strikes them instead of keeping a stale entry.

    The bytes are those of icalendar's `Calendar.to_ical()`: a calendar's content lines
    are its own, then each event's as `Event.to_ical()` writes them, then END:VCALENDAR.
    So each event is rendered only when what it says changed (icalendar's line folding
    is slow), and the header with its VTIMEZONE only when the span of dates changed.
    """
    now = now or timezone.now()
    since = now - FEED_LOOKBACK
    entries = schedule_since(helper, since)
    berlin = ZoneInfo(TZID)
    first = timezone.localdate(entries[0].starts_at) if entries else since.date()
    last = timezone.localdate(entries[-1].ends_at) if entries else since.date()
    domain = _uid_domain()
    parts_key = f"helpers.feed.parts:{helper.pk}"
    parts = cache.get(parts_key) or {}
    rendered: dict[str, bytes] = {}
    # Always German: the cached feed is shared by every client, whatever its language.
    with translation.override(settings.LANGUAGE_CODE):
        name = _("Digitale Hilfe – meine Termine")
        header = _rendered(
            parts, rendered, (name, first, last), _calendar_header, name, first, last
        )
        events = [
            _event_ical_cached(
                parts, rendered, _event_properties(entry, domain=domain, berlin=berlin, now=now)
            )
            for entry in entries
        ]
    if rendered.keys() != parts.keys():
        # Only the parts of this feed: what a change replaced drops out.
        cache.set(parts_key, rendered, PARTS_SECONDS)
    return header + b"".join(events) + CALENDAR_END
