"""32 desks book the same slot (and the last loan device) over HTTP, at the same moment,
against gunicorn with several worker processes on PostgreSQL: exactly one wins, every
other desk sees the German message, and nobody gets an error page.

The test client runs views in this process; only real processes on one database show
what concurrent inserts into the exclusion constraints do (deadlocks among them).
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.urls import reverse

from bookings import roles
from bookings.models import Appointment, Assignment, LoanReservation
from tests.conftest import at, make_helper, make_senior, make_user, needs_postgres
from tests.live_server import Gunicorn, csrf_token, database_url, logged_in, server_env
from tests.test_staff_desk import slot_cursor

pytestmark = [needs_postgres, pytest.mark.django_db(transaction=True)]

DESKS = 32
PASSWORD = "geheim-123"  # tests.conftest.make_user's
# Generous: 32 clients and 4 server processes share two cores with whatever else runs.
REQUEST_SECONDS = 120


@pytest.fixture(scope="module")
def server(django_db_setup):
    # tests.settings: the same fast password hasher the users were made with.
    env = server_env(database_url(connection.settings_dict), settings="tests.settings")
    with Gunicorn(env, workers=4, threads=8) as running:
        yield running
    assert "Traceback" not in running.errors, running.errors


@pytest.fixture
def desks(server, office):
    """DESKS office staff, each logged in with a session of their own."""
    sessions = []
    for n in range(DESKS):
        user = make_user(group=roles.OFFICE_STAFF, first_name=f"Desk{n}", is_staff=True)
        office.staff.add(user)
        sessions.append(logged_in(server.url, user.username, PASSWORD))
    return sessions


def race(server, desks, form_for) -> list[tuple[int, str]]:
    """Every desk POSTs its booking the moment all are ready; (status, page) of each."""
    barrier = threading.Barrier(DESKS)
    answers: list[tuple[int, str] | BaseException | None] = [None] * DESKS

    def desk(n: int) -> None:
        url, form = form_for(n)
        session = desks[n]
        form = {**form, "csrfmiddlewaretoken": csrf_token(session)}
        # A fresh connection: gunicorn closes idle keep-alive ones after a few seconds,
        # and a POST on such a stale connection fails in the client, not the server.
        session.close()
        try:
            barrier.wait(timeout=REQUEST_SECONDS)
            response = session.post(
                server.url + url, data=form, allow_redirects=False, timeout=REQUEST_SECONDS
            )
            answers[n] = (response.status_code, response.text)
        except BaseException as exc:  # reported by the assertion below
            answers[n] = exc

    threads = [threading.Thread(target=desk, args=(n,)) for n in range(DESKS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(REQUEST_SECONDS * 2)
    failures = [repr(answer) for answer in answers if not isinstance(answer, tuple)]
    assert not failures, failures
    return answers


def test_it_books_one_slot_once_for_32_desks(
    server, desks, deadlocks, helper, office, topic, monday
):
    # Whether PostgreSQL detects a deadlock among the racers depends on timing (none in
    # a dozen rounds here): the first twelve inserts fail as a deadlock victim's would,
    # so the retry is exercised on every run; the rest race as they come.
    deadlocks(12)
    seniors = [make_senior(last_name=f"Racer{n}") for n in range(DESKS)]
    slot = slot_cursor(helper, office, at(monday, 10))

    answers = race(
        server,
        desks,
        lambda n: (reverse("desk:book", args=[seniors[n].pk]), {"topic": topic.pk, "slot": slot}),
    )

    statuses = sorted(status for status, _page in answers)
    assert statuses.count(500) == 0, statuses
    assert statuses == [302] + [409] * (DESKS - 1)
    lost = [page for status, page in answers if status == 409]
    assert all("Dieser Termin wurde gerade vergeben." in page for page in lost)
    assert Appointment.objects.count() == 1
    assert Assignment.objects.count() == 1


def test_it_lends_the_last_loan_device_once_for_32_desks(
    server, desks, office, topic, monday, loan_device
):
    helpers = [make_helper(office, topic, first_name=f"Helfer{n}") for n in range(DESKS)]
    seniors = [make_senior(last_name=f"Racer{n}") for n in range(DESKS)]

    answers = race(
        server,
        desks,
        lambda n: (
            reverse("desk:book", args=[seniors[n].pk]),
            {
                "topic": topic.pk,
                "device": loan_device.kind,
                "slot": slot_cursor(helpers[n], office, at(monday, 10)),
            },
        ),
    )

    statuses = sorted(status for status, _page in answers)
    assert statuses.count(500) == 0, statuses
    assert statuses == [302] + [409] * (DESKS - 1)
    lost = [page for status, page in answers if status == 409]
    message = "Zu dieser Zeit ist kein Leihgerät dieser Art im Büro frei."
    assert all(message in page for page in lost)
    assert LoanReservation.objects.count() == 1
    # The losers' appointments were rolled back with their refused reservation.
    assert Appointment.objects.count() == 1
