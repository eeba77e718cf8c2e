"""The helper's calendar feed (iCalendar), for a subscription on their phone.

The feed URL carries only the helper's secret token, so it may end up in a calendar
service: it holds no phone numbers, no surnames of seniors and no notes from the desk.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone

from bookings.helper_schedule import Entry, schedule_since
from bookings.models import Helper

TZID = "Europe/Berlin"
# Older entries are left out: a phone calendar has no use for them and the feed stays small.
FEED_LOOKBACK = datetime.timedelta(days=90)


def _uid_domain() -> str:
    return urlsplit(settings.PUBLIC_BASE_URL).hostname or "digitale-hilfe.invalid"


def _event(entry: Entry, domain: str, berlin: ZoneInfo) -> Event:
    event = Event()
    if entry.appointment:
        appointment = entry.appointment
        event.add("uid", f"appointment-{appointment.pk}@{domain}")
        event.add("sequence", appointment.sequence)
        event.add("dtstamp", appointment.updated_at)
        event.add(
            "summary",
            _("%(topic)s mit %(name)s") % {"topic": entry.topic, "name": entry.senior_name},
        )
        event.add("description", f"{entry.topic} · {entry.device}")
    else:
        workshop = entry.workshop
        event.add("uid", f"workshop-{workshop.pk}@{domain}")
        # Workshops keep no change counter; a moved workshop keeps its UID and DTSTART tells.
        event.add("sequence", 0)
        event.add("dtstamp", workshop.cancelled_at or workshop.starts_at)
        event.add("summary", _("Workshop: %(title)s") % {"title": workshop.title})
        event.add("description", entry.topic)
    event.add("dtstart", entry.starts_at.astimezone(berlin))
    event.add("dtend", entry.ends_at.astimezone(berlin))
    event.add("location", f"{entry.office.name}, {entry.office.address}")
    event.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
    return event


def _calendar(first: datetime.date, last: datetime.date) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Digitale Hilfe//Meine Termine//DE")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("Digitale Hilfe – meine Termine"))
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
    return calendar


def helper_feed(helper: Helper, *, now: datetime.datetime | None = None) -> bytes:
    """The helper's appointments and workshops of the last 90 days and the future.

    Two queries. Cancelled ones stay in with STATUS:CANCELLED, so a subscribed
    calendar drops or strikes them instead of keeping a stale entry.
    """
    since = (now or timezone.now()) - FEED_LOOKBACK
    entries = schedule_since(helper, since)
    berlin = ZoneInfo(TZID)
    first = timezone.localdate(entries[0].starts_at) if entries else since.date()
    last = timezone.localdate(entries[-1].ends_at) if entries else since.date()
    calendar = _calendar(first, last)
    domain = _uid_domain()
    for entry in entries:
        calendar.add_component(_event(entry, domain, berlin))
    return calendar.to_ical()
