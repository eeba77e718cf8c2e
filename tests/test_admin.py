"""The German admin: coordinators manage everything; office staff work at the desk.

The user admin and who may enter the admin at all: tests/test_admin_access.py."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from bookings.models import Assignment, Senior
from tests.conftest import make_user

ALL_MODELS = sorted(
    (model._meta.app_label, model._meta.model_name)
    for model in admin.site._registry
    if model._meta.app_label in {"bookings", "neighborhoods"}
)


@pytest.mark.parametrize(("app_label", "model_name"), ALL_MODELS)
def test_coordinator_sees_every_list(client, coordinator, helper, app_label, model_name):
    client.force_login(coordinator)
    response = client.get(reverse(f"admin:{app_label}_{model_name}_changelist"))
    assert response.status_code == 200
    assert 'lang="de"' in response.content.decode()


def test_admin_speaks_german(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("admin:index"))
    assert "Stadtteilbüros" in response.content.decode()
    assert "Ratsuchende" in response.content.decode()


def test_coordinator_may_edit_seniors(client, coordinator, senior):
    client.force_login(coordinator)
    assert client.get(reverse("admin:bookings_senior_change", args=[senior.pk])).status_code == 200


def test_nobody_adds_appointments_around_the_services(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("admin:bookings_appointment_add")).status_code == 403


def test_senior_form_normalises_phone_and_explains_errors(client, coordinator, senior):
    client.force_login(coordinator)
    url = reverse("admin:bookings_senior_change", args=[senior.pk])
    data = {
        "first_name": "Gertrud",
        "last_name": "Müller",
        "phone": "0631 / 12 34 56",
        "preferred_channel": "",
        "district": "",
        "notes": "",
    }
    assert client.post(url, data).status_code == 302
    senior.refresh_from_db()
    assert str(senior.phone) == "+49631123456"

    response = client.post(url, {**data, "phone": "110"})
    assert response.status_code == 200
    assert "vollständige Telefonnummer mit Vorwahl" in response.content.decode()
    senior.refresh_from_db()
    assert str(senior.phone) == "+49631123456"


def test_cancel_action_goes_through_the_service(
    client, coordinator, senior, helper, office, topic, monday
):
    from bookings import services
    from tests.conftest import at

    appointment = services.appointment_book(
        senior=senior, helper=helper, office=office, topic=topic, starts_at=at(monday, 10)
    )
    client.force_login(coordinator)
    client.post(
        reverse("admin:bookings_appointment_changelist"),
        {"action": "cancel_appointments", "_selected_action": [appointment.pk]},
    )
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"
    assert not Assignment.objects.filter(appointment=appointment).exists()


@pytest.mark.parametrize("persona", ["helper_user", "anonymous"])
def test_helpers_and_strangers_stay_out(client, db, persona):
    if persona == "helper_user":
        client.force_login(make_user(group="Ehrenamtliche"))
    response = client.get(reverse("admin:bookings_senior_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
    assert Senior.objects.count() == 0


def test_appointment_note_saves_and_the_flag_stays_out_of_reach(
    client, coordinator, senior, helper, office, topic, monday
):
    from bookings import services
    from tests.admin_forms import admin_form_data
    from tests.conftest import at

    appointment = services.appointment_book(
        senior=senior, helper=helper, office=office, topic=topic, starts_at=at(monday, 10)
    )
    client.force_login(coordinator)
    url = reverse("admin:bookings_appointment_change", args=[appointment.pk])
    data = admin_form_data(client.get(url), note="Bringt Ladekabel mit", needs_rebooking="on")

    assert client.post(url, data).status_code == 302

    appointment.refresh_from_db()
    assert appointment.note == "Bringt Ladekabel mit"
    assert not appointment.needs_rebooking
