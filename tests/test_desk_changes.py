"""Changing a booked appointment at the desk: move, cancel, attended / no-show, note."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from bookings import services
from bookings.models import Appointment, AppointmentStatus, Assignment
from tests.conftest import at, make_senior
from tests.test_staff_desk import slot_cursor


@pytest.fixture
def appointment(senior, helper, office, topic, monday) -> Appointment:
    return services.appointment_book(
        senior=senior, helper=helper, office=office, topic=topic, starts_at=at(monday, 10)
    )


@pytest.fixture
def staff_client(client, office_staff):
    client.force_login(office_staff)
    return client


def test_it_moves_to_another_slot(staff_client, appointment, helper, office, monday):
    tuesday = monday + datetime.timedelta(days=1)
    page = staff_client.get(reverse("desk:move", args=[appointment.pk]), {"first_day": tuesday})
    assert page.context["slot_groups"][0].slots[0].starts_at == at(tuesday, 10)

    response = staff_client.post(
        reverse("desk:move", args=[appointment.pk]),
        {"topic": appointment.topic_id, "slot": slot_cursor(helper, office, at(tuesday, 10))},
    )

    assert response.url == reverse("desk:confirmation", args=[appointment.pk])
    appointment.refresh_from_db()
    assert appointment.starts_at == at(tuesday, 10)
    assert Assignment.objects.get().starts_at == at(tuesday, 10)
    page = staff_client.get(response.url).content.decode()
    assert "Termin verlegt" in page
    assert "Ihr Termin ist am Dienstag," in page


def test_it_keeps_the_old_slot_when_the_new_one_is_taken(
    staff_client, appointment, helper, office, topic, monday
):
    tuesday = monday + datetime.timedelta(days=1)
    services.appointment_book(
        senior=make_senior(), helper=helper, office=office, topic=topic, starts_at=at(tuesday, 10)
    )
    response = staff_client.post(
        reverse("desk:move", args=[appointment.pk]),
        {"topic": topic.pk, "slot": slot_cursor(helper, office, at(tuesday, 10))},
    )
    assert response.status_code == 409
    assert "Dieser Termin wurde gerade vergeben" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.starts_at == at(monday, 10)


def test_it_refuses_moving_to_helpers(client, helper, appointment, office, monday):
    client.force_login(helper.user)
    response = client.post(
        reverse("desk:move", args=[appointment.pk]),
        {"slot": slot_cursor(helper, office, at(monday, 11))},
    )
    assert response.status_code == 403
    appointment.refresh_from_db()
    assert appointment.starts_at == at(monday, 10)


def test_it_cancels_with_a_reason(staff_client, appointment):
    response = staff_client.post(
        reverse("desk:cancel", args=[appointment.pk]),
        {"reason": "helper_ill", "note": "Grippe"},
    )
    assert response.url == reverse("desk:appointment", args=[appointment.pk])
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert appointment.cancellation_reason == "helper_ill"
    assert not Assignment.objects.exists()


def test_it_asks_for_the_reason_before_cancelling(staff_client, appointment):
    response = staff_client.post(reverse("desk:cancel", args=[appointment.pk]), {})
    assert response.status_code == 400
    assert 'aria-describedby="id_cancel_reason_error"' in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED


def test_it_refuses_cancelling_to_helpers(client, helper, appointment):
    client.force_login(helper.user)
    response = client.post(reverse("desk:cancel", args=[appointment.pk]), {"reason": "other"})
    assert response.status_code == 403
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED


@pytest.mark.parametrize("status", [AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW])
def test_it_marks_attended_or_no_show_on_the_day(
    staff_client, office_staff, appointment, monday, status
):
    with time_machine.travel(at(monday, 12), tick=False):
        staff_client.force_login(office_staff)
        response = staff_client.post(
            reverse("desk:mark", args=[appointment.pk]), {"status": status, "back": "day_list"}
        )
    assert response.url == (
        f"{reverse('desk:day_list')}?office={appointment.office_id}&day={monday:%Y-%m-%d}"
    )
    appointment.refresh_from_db()
    assert appointment.status == status


def test_it_explains_why_it_cannot_mark_before_the_day(staff_client, appointment):
    response = staff_client.post(
        reverse("desk:mark", args=[appointment.pk]), {"status": "attended"}, follow=True
    )
    assert "erst an seinem Tag" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED


def test_it_refuses_marking_to_helpers(client, helper, appointment, monday):
    with time_machine.travel(at(monday, 12), tick=False):
        client.force_login(helper.user)
        response = client.post(reverse("desk:mark", args=[appointment.pk]), {"status": "no_show"})
    assert response.status_code == 403


def test_it_saves_a_note(staff_client, appointment):
    staff_client.post(reverse("desk:note", args=[appointment.pk]), {"note": "WhatsApp-Fotos"})
    appointment.refresh_from_db()
    assert appointment.note == "WhatsApp-Fotos"
    page = staff_client.get(reverse("desk:appointment", args=[appointment.pk]))
    assert "WhatsApp-Fotos" in page.content.decode()


def test_it_refuses_notes_to_helpers(client, helper, appointment):
    client.force_login(helper.user)
    response = client.post(reverse("desk:note", args=[appointment.pk]), {"note": "x"})
    assert response.status_code == 403
    appointment.refresh_from_db()
    assert appointment.note == ""


def test_it_keeps_topic_and_device_when_moving(staff_client, appointment, topic):
    from bookings.models import Topic

    other = Topic.objects.create(name="E-Mail", duration_minutes=30)
    page = staff_client.get(
        reverse("desk:move", args=[appointment.pk]), {"topic": other.pk, "device": "ipad"}
    )
    query = page.context["slot_form"].query()
    assert (query.topic, query.loan_device_kind) == (topic, "")


def test_it_shows_each_message_state_on_the_appointment(staff_client, appointment):
    response = staff_client.get(reverse("desk:appointment", args=[appointment.pk]))

    page = response.content.decode()
    assert "Nachrichten" in page
    assert "Bestätigung" in page and "Erinnerung am Vortag" in page
    assert "wartet" in page or "gesendet" in page


def test_the_mark_buttons_show_only_from_the_appointments_day_on(
    staff_client, office_staff, appointment, office, monday
):
    buttons = 'name="status" value="attended"'
    page = reverse("desk:appointment", args=[appointment.pk])
    day_list = (reverse("desk:day_list"), {"office": office.pk, "day": monday})
    for moment, shown in (
        (at(monday - datetime.timedelta(days=1), 12), False),
        (at(monday, 8), True),
        (at(monday + datetime.timedelta(days=1), 8), True),
    ):
        with time_machine.travel(moment, tick=False):
            staff_client.force_login(office_staff)
            assert (buttons in staff_client.get(page).content.decode()) is shown, moment
            assert (buttons in staff_client.get(*day_list).content.decode()) is shown, moment
