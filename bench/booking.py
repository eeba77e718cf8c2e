"""How long one booking takes through the service: validation, guards and outbox rows."""

from __future__ import annotations

import contextlib
import datetime
import io

from _harness import measure, setup_django

setup_django()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from bookings import services  # noqa: E402
from bookings.models import Availability, Senior  # noqa: E402


def main() -> None:
    call_command("demo_data", "--force", stdout=io.StringIO())
    seniors = list(Senior.objects.all())
    # Every free availability slot in weeks 5 to 30 from now: far enough to be empty.
    slots = []
    today = timezone.localdate()
    # The helper with their user, as the desk's booking view loads them (slot_parts).
    availabilities = Availability.objects.select_related("helper__user", "office")
    for week in range(5, 30):
        for availability in availabilities:
            day = today + datetime.timedelta(
                weeks=week, days=availability.weekday - today.weekday()
            )
            starts_at = timezone.make_aware(datetime.datetime.combine(day, availability.starts))
            slots.append((availability, starts_at))
    topics = {a.helper_id: a.helper.topics.first() for a, _ in slots}

    def book(i: int) -> None:
        availability, starts_at = slots[i]
        # A public holiday is refused: measured all the same, as the desk would meet it.
        with contextlib.suppress(services.BookingError):
            services.appointment_book(
                senior=seniors[i % len(seniors)],
                helper=availability.helper,
                office=availability.office,
                topic=topics[availability.helper_id],
                starts_at=starts_at,
            )

    measure("booking.appointment_book", book, repeat=200, data="demo")


if __name__ == "__main__":
    main()
