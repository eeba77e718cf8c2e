"""Reads for the public pages: a fixed, small number of queries each, however many
offices, workshops or registrations there are, and never a person's data."""

from __future__ import annotations

import datetime
from typing import NamedTuple

from django.db.models import (
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from bookings.desk.selectors import with_seat_counts
from bookings.models import SeatOffer, Topic, Workshop
from neighborhoods.models import Closure, Office, Opening

# How many coming workshops the public list shows (all offices, or one office's page).
WORKSHOPS_SHOWN = 12


class OfficeCard(NamedTuple):
    office: Office
    next_opening: Opening | None


def _offices() -> QuerySet[Office]:
    """Active offices with their opening hours and the closures still ahead (three
    queries), which is all `Office.next_opening` reads."""
    today = timezone.localdate()
    return (
        Office.objects.filter(active=True)
        .select_related("district")
        .prefetch_related(
            "opening_hours",
            Prefetch("closures", queryset=Closure.objects.filter(ends_on__gte=today)),
        )
    )


def office_cards(now: datetime.datetime) -> list[OfficeCard]:
    return [OfficeCard(office, office.next_opening(now)) for office in _offices()]


def office_card(pk: int, now: datetime.datetime) -> OfficeCard | None:
    office = _offices().filter(pk=pk).first()
    return OfficeCard(office, office.next_opening(now)) if office else None


def coming_workshops(
    now: datetime.datetime, *, office: Office | None = None, limit: int = WORKSHOPS_SHOWN
) -> list[Workshop]:
    """The next workshops that are not cancelled, in one query, each with `free`: seats
    neither taken nor held by an open offer to the waiting list, as the services count
    them when a senior registers (`bookings.services.waiting_list.seats_free`)."""
    held = (
        SeatOffer.objects.filter(
            registration__workshop=OuterRef("pk"), status=SeatOffer.Status.OPEN
        )
        .order_by()
        .values("registration__workshop")
        .annotate(n=Count("pk"))
        .values("n")
    )
    workshops = Workshop.objects.filter(
        starts_at__gt=now, cancelled_at__isnull=True, office__active=True
    )
    if office is not None:
        workshops = workshops.filter(office=office)
    workshops = with_seat_counts(workshops).annotate(
        held=Coalesce(Subquery(held, output_field=IntegerField()), 0)
    )
    free = ExpressionWrapper(F("seats") - F("taken") - F("held"), output_field=IntegerField())
    workshops = workshops.annotate(free=free).order_by("starts_at")
    return list(workshops[:limit])


def topics_offered() -> list[Topic]:
    return list(Topic.objects.filter(active=True).only("name", "description"))
