"""The day list per office and day, its print view, and the dashboard staff land on."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from bookings import services
from bookings.models import Appointment
from tests.conftest import at, make_senior


@pytest.fixture
def appointment(senior, helper, office, topic, monday) -> Appointment:
    return services.appointment_book(
        senior=senior, helper=helper, office=office, topic=topic, starts_at=at(monday, 10)
    )


def test_it_lists_an_office_day(client, office_staff, appointment, office, monday):
    client.force_login(office_staff)
    response = client.get(reverse("desk:day_list"), {"office": office.pk, "day": monday})
    html = response.content.decode()
    assert response.context["appointments"] == [appointment]
    for text in ("10:00–11:00", "Gertrud Müller", "01512 3456789", "Smartphone", "Sabine"):
        assert text in html, text


def test_it_defaults_to_the_own_office_and_today(
    client, office_staff, other_office, office, appointment, monday
):
    with time_machine.travel(at(monday, 8), tick=False):
        client.force_login(office_staff)
        response = client.get(reverse("desk:day_list"))
    assert response.context["office"] == office
    assert response.context["appointments"] == [appointment]


def test_it_prints_on_a4_in_large_type(client, office_staff, appointment, office, monday):
    client.force_login(office_staff)
    response = client.get(reverse("desk:day_list_print"), {"office": office.pk, "day": monday})
    html = response.content.decode()
    assert "Gertrud Müller" in html
    assert 'class="daylist-print"' in html
    assert "<nav" not in html  # no navigation or buttons on paper
    assert reverse("desk:mark", args=[appointment.pk]) not in html


def test_it_refuses_day_lists_to_helpers(client, helper, office, monday):
    client.force_login(helper.user)
    assert client.get(reverse("desk:day_list"), {"office": office.pk}).status_code == 403
    assert client.get(reverse("desk:day_list_print"), {"office": office.pk}).status_code == 403


def test_it_lands_staff_on_today_with_the_search_focused(
    client, office_staff, appointment, office, monday
):
    with time_machine.travel(at(monday, 8), tick=False):
        client.force_login(office_staff)
        response = client.get(reverse("home"), follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("desk:dashboard")
    assert 'id="id_q"' in html and "autofocus" in html
    assert response.context["office"] == office
    assert "Gertrud Müller" in html


def test_it_lists_appointments_to_rebook_by_phone(client, office_staff, appointment):
    make_senior(first_name="Otto")
    Appointment.objects.filter(pk=appointment.pk).update(needs_rebooking=True)
    client.force_login(office_staff)
    html = client.get(reverse("desk:dashboard")).content.decode()
    assert "Termine neu vereinbaren" in html
    assert reverse("desk:move", args=[appointment.pk]) in html


def test_it_refuses_the_dashboard_to_helpers(client, helper):
    client.force_login(helper.user)
    assert client.get(reverse("desk:dashboard")).status_code == 403
