"""The helper's calendar feed (iCalendar), for a subscription on their phone.

The feed URL carries only the helper's secret token, so it may end up in a calendar
service: it holds no phone numbers, no surnames of seniors and no notes from the desk.

Phones ask every hour or so and mostly nothing has changed, so a rendered feed is kept
in the cache under its version: two small queries tell whether any appointment or
workshop of the helper changed since (see `feed_version`).
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

from bookings.helper_schedule import Entry, schedule_since
from bookings.models import Appointment, Helper, Workshop

TZID = "Europe/Berlin"
# Older entries are left out: a phone calendar has no use for them and the feed stays small.
FEED_LOOKBACK = datetime.timedelta(days=90)
# Renames of offices, topics or seniors do not change the version; they show within this.
CACHE_SECONDS = 3600


def _uid_domain() -> str:
    return urlsplit(settings.PUBLIC_BASE_URL).hostname or "digitale-hilfe.invalid"


def _event(entry: Entry, *, domain: str, berlin: ZoneInfo, now: datetime.datetime) -> Event:
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
        event.add("description", " · ".join(filter(None, [entry.topic, entry.device])))
    else:
        workshop = entry.workshop
        event.add("uid", f"workshop-{workshop.pk}@{domain}")
        # Workshops keep no change counter; a moved workshop keeps its UID and DTSTART tells.
        event.add("sequence", 0)
        event.add("dtstamp", workshop.cancelled_at or now)
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


def feed_token_renew(*, helper: Helper) -> str:
    """Give the helper a new secret feed token; the old feed URL answers 404 from now on."""
    helper.feed_token = Helper._meta.get_field("feed_token").get_default()
    helper.save(update_fields=["feed_token"])
    return helper.feed_token


def feed_version(helper: Helper, *, now: datetime.datetime) -> str:
    """A short hash that changes whenever the feed's appointments or workshops change.

    Every write of an appointment (booking services, absences) touches `updated_at`, so
    count and latest change suffice; workshops are few and compared field by field.
    """
    since = now - FEED_LOOKBACK
    appointments = Appointment.objects.filter(helper=helper, starts_at__gte=since).aggregate(
        count=Count("pk"), changed=Max("updated_at")
    )
    workshops = Workshop.objects.filter(assignments__helper=helper, starts_at__gte=since)
    rows = workshops.order_by("pk").values_list(
        "pk", "title", "starts_at", "ends_at", "cancelled_at", "office_id", "topic_id"
    )
    fingerprint = repr((helper.pk, appointments["count"], appointments["changed"], list(rows)))
    return hashlib.sha256(fingerprint.encode()).hexdigest()[:32]


def helper_feed_cached(helper: Helper, *, version: str, now: datetime.datetime) -> bytes:
    """The feed for `version` (from `feed_version`), rendered only when it changed."""
    key = f"helpers.feed:{helper.pk}:{version}"
    feed = cache.get(key)
    if feed is None:
        feed = helper_feed(helper, now=now)
        cache.set(key, feed, CACHE_SECONDS)
    return feed


def helper_feed(helper: Helper, *, now: datetime.datetime | None = None) -> bytes:
    """The helper's appointments and workshops of the last 90 days and the future.

    Two queries. Cancelled ones stay in with STATUS:CANCELLED, so a subscribed
    calendar drops or strikes them instead of keeping a stale entry.
    """
    now = now or timezone.now()
    since = now - FEED_LOOKBACK
    entries = schedule_since(helper, since)
    berlin = ZoneInfo(TZID)
    first = timezone.localdate(entries[0].starts_at) if entries else since.date()
    last = timezone.localdate(entries[-1].ends_at) if entries else since.date()
    domain = _uid_domain()
    # Always German: the cached feed is shared by every client, whatever its language.
    with translation.override(settings.LANGUAGE_CODE):
        calendar = _calendar(first, last)
        for entry in entries:
            calendar.add_component(_event(entry, domain=domain, berlin=berlin, now=now))
    return calendar.to_ical()
