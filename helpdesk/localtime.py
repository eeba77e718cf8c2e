"""The city's local time (`TIME_ZONE`, Europe/Berlin) where the code needs a whole day:
times are stored in UTC, but "today" and "that Tuesday" begin at local midnight."""

from __future__ import annotations

import datetime

from django.utils import timezone


def local_midnight(day: datetime.date | None = None) -> datetime.datetime:
    """The aware moment at which `day` (default: today) begins in local time."""
    return timezone.make_aware(
        datetime.datetime.combine(day or timezone.localdate(), datetime.time())
    )


def local_days(
    first: datetime.date, last: datetime.date
) -> tuple[datetime.datetime, datetime.datetime]:
    """From the start of `first` to the end of `last` (the next local midnight)."""
    return local_midnight(first), local_midnight(last + datetime.timedelta(days=1))
