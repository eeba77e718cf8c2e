"""Every page state has its own title: a screen reader's first words after each load say
where the person is, and an error state begins with "Fehler:"."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from bookings.models import Availability
from bookings.services import appointment_book, workshop_register
from tests.conftest import at, make_workshop

TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def title_of(response) -> str:
    assert response.status_code in (200, 400, 409, 422), response.status_code
    return " ".join(html.unescape(TITLE.search(response.content.decode()).group(1)).split())


@pytest.fixture
def world(office, senior, helper, topic, monday):
    appointment = appointment_book(
        senior=senior, helper=helper, office=office, topic=topic, starts_at=at(monday, 10)
    )
    workshop = make_workshop(office, topic, seats=8, starts_at=at(monday, 14))
    workshop_register(workshop=workshop, senior=senior)
    return appointment, workshop


def desk_titles(client: Client, appointment, workshop, senior, monday) -> dict[str, str]:
    day = {"office": appointment.office_id, "day": f"{monday:%Y-%m-%d}"}
    taken = (
        f"{int(appointment.starts_at.timestamp())}-{appointment.office_id}-{appointment.helper_id}"
    )
    states = {
        "dashboard": client.get(reverse("desk:dashboard")),
        "search": client.get(reverse("desk:search")),
        "new person": client.post(reverse("desk:search"), {"q": "4711", "new": "1"}),
        "new person, errors": client.post(reverse("desk:senior_create"), {"q": "4711"}),
        "person": client.get(reverse("desk:senior", args=[senior.pk])),
        "person, slot taken": client.post(
            reverse("desk:book", args=[senior.pk]),
            {"topic": appointment.topic_id, "slot": taken},
        ),
        "contact person": client.get(reverse("desk:contact_person", args=[senior.pk])),
        "contact person, errors": client.post(reverse("desk:contact_person", args=[senior.pk])),
        "confirmation": client.get(reverse("desk:confirmation", args=[appointment.pk])),
        "appointment": client.get(reverse("desk:appointment", args=[appointment.pk])),
        "appointment, cancel error": client.post(reverse("desk:cancel", args=[appointment.pk])),
        "move": client.get(reverse("desk:move", args=[appointment.pk])),
        "day list": client.get(reverse("desk:day_list"), day),
        "day list, print": client.get(reverse("desk:day_list_print"), day),
        "workshops": client.get(reverse("desk:workshops")),
        "workshop": client.get(reverse("desk:workshop", args=[workshop.pk])),
        "messages": client.get(reverse("reminders_inbox")),
        "not reached": client.get(reverse("reminders_not_reached")),
    }
    return {state: title_of(response) for state, response in states.items()}


def helper_titles(client: Client, helper) -> dict[str, str]:
    availability = Availability.objects.filter(helper=helper).first()
    states = {
        "appointments": client.get(reverse("helpers:appointments")),
        "past appointments": client.get(reverse("helpers:appointments_past")),
        "availability": client.get(reverse("helpers:availability")),
        "new availability": client.get(reverse("helpers:availability_add")),
        "new availability, errors": client.post(
            reverse("helpers:availability_add"), {"weekday": ""}
        ),
        "existing availability": client.get(
            reverse("helpers:availability_change", args=[availability.pk])
        ),
        "absences": client.get(reverse("helpers:absences")),
        "absences, errors": client.post(reverse("helpers:absences"), {"starts_on": ""}),
        "calendar": client.get(reverse("helpers:feed_settings")),
    }
    return {state: title_of(response) for state, response in states.items()}


def coordinator_titles(client: Client, senior) -> dict[str, str]:
    states = {
        "information": client.get(reverse("privacy:information", args=[senior.pk])),
        "erase": client.get(reverse("privacy:erase", args=[senior.pk])),
        "erase, errors": client.post(reverse("privacy:erase", args=[senior.pk]), {}),
        "privacy notice": client.get(reverse("privacy_notice")),
    }
    return {state: title_of(response) for state, response in states.items()}


def test_it_gives_every_page_state_its_own_title(
    client, office_staff, helper, coordinator, world, senior, monday
):
    appointment, workshop = world
    client.force_login(office_staff)
    titles = desk_titles(client, appointment, workshop, senior, monday)
    client.force_login(helper.user)
    titles |= {f"helper {state}": title for state, title in helper_titles(client, helper).items()}
    client.force_login(coordinator)
    titles |= coordinator_titles(client, senior)

    repeated = {t: [s for s in titles if titles[s] == t] for t in titles.values()}
    assert not {t: s for t, s in repeated.items() if len(s) > 1}, "titles repeat"
    errors = {state for state in titles if "error" in state or "taken" in state}
    for state, title in titles.items():
        assert title.startswith("Fehler: ") == (state in errors), (state, title)
    assert titles["confirmation"].startswith("Termin gebucht: Gertrud Müller")
