"""Many desks book the same slot at once: one wins, the others see "gerade vergeben"."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from bookings.models import Appointment, Assignment
from tests.conftest import at, make_senior, needs_postgres
from tests.test_staff_desk import slot_cursor

DESKS = 8


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_it_lets_exactly_one_desk_win_the_race(office_staff, helper, office, topic, monday):
    seniors = [make_senior(phone=f"+491512345678{n}") for n in range(DESKS)]
    slot = slot_cursor(helper, office, at(monday, 10))
    start = threading.Barrier(DESKS)
    statuses: list[int] = []
    pages: list[str] = []

    def desk(senior) -> None:
        client = Client()
        client.force_login(office_staff)
        try:
            start.wait()
            response = client.post(
                reverse("desk:book", args=[senior.pk]), {"topic": topic.pk, "slot": slot}
            )
            statuses.append(response.status_code)
            pages.append(response.content.decode())
        finally:
            connection.close()

    threads = [threading.Thread(target=desk, args=(senior,)) for senior in seniors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [302] + [409] * (DESKS - 1)
    assert sum("Dieser Termin wurde gerade vergeben" in page for page in pages) == DESKS - 1
    assert Appointment.objects.count() == 1
    assert Assignment.objects.count() == 1
