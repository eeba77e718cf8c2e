"""Who reaches the desk: office staff and coordinators yes, helpers 403, anonymous to login."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings import services
from bookings.models import Registration
from tests.conftest import at, make_workshop


@pytest.fixture
def desk_objects(senior, helper, office, topic, monday):
    appointment = services.appointment_book(
        senior=senior, helper=helper, office=office, topic=topic, starts_at=at(monday, 10)
    )
    workshop = make_workshop(office, topic, seats=2, starts_at=at(monday, 14), title="WhatsApp")
    registration = Registration.objects.create(workshop=workshop, senior=senior, position=1)
    return {"appointment": appointment, "workshop": workshop, "registration": registration}


def desk_urls(objects, senior):
    appointment = objects["appointment"].pk
    return [
        ("get", reverse("desk:dashboard")),
        ("get", reverse("desk:search")),
        ("post", reverse("desk:search")),
        ("post", reverse("desk:senior_create")),
        ("get", reverse("desk:senior", args=[senior.pk])),
        ("post", reverse("desk:book", args=[senior.pk])),
        ("get", reverse("desk:appointment", args=[appointment])),
        ("get", reverse("desk:confirmation", args=[appointment])),
        ("get", reverse("desk:move", args=[appointment])),
        ("post", reverse("desk:cancel", args=[appointment])),
        ("post", reverse("desk:hand_over", args=[appointment])),
        ("post", reverse("desk:mark", args=[appointment])),
        ("post", reverse("desk:note", args=[appointment])),
        ("get", reverse("desk:day_list")),
        ("get", reverse("desk:day_list_print")),
        ("get", reverse("desk:workshops")),
        ("get", reverse("desk:workshop", args=[objects["workshop"].pk])),
        ("post", reverse("desk:workshop_register", args=[objects["workshop"].pk])),
        ("post", reverse("desk:registration_cancel", args=[objects["registration"].pk])),
    ]


def test_it_sends_anonymous_users_to_the_login(client, desk_objects, senior):
    for method, url in desk_urls(desk_objects, senior):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url


def test_it_refuses_helpers(client, desk_objects, senior, helper):
    client.force_login(helper.user)
    for method, url in desk_urls(desk_objects, senior):
        assert getattr(client, method)(url).status_code == 403, url
    assert desk_objects["appointment"].__class__.objects.get().status == "booked"


def test_it_lets_office_staff_and_coordinators_in(
    client, desk_objects, senior, coordinator, office_staff
):
    for user in (office_staff, coordinator):
        client.force_login(user)
        for method, url in desk_urls(desk_objects, senior):
            if method == "get":
                assert client.get(url).status_code == 200, url


def test_it_sends_office_staff_from_home_to_the_dashboard(
    client, office_staff, coordinator, helper
):
    client.force_login(office_staff)
    assert client.get(reverse("home")).url == reverse("desk:dashboard")
    client.force_login(coordinator)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert reverse("desk:dashboard") in response.content.decode()
    client.force_login(helper.user)
    assert client.get(reverse("home")).url == reverse("helpers:appointments")


@pytest.mark.parametrize("role", ["office_staff", "coordinator", "helper"])
def test_the_user_comes_with_their_roles_in_one_query(client, role, request):
    """RoleBackend reads the role groups with the user: a role check costs no query of
    its own; a helper's profile is read once."""
    user = request.getfixturevalue(role)
    user = getattr(user, "user", user)
    client.force_login(user)
    url = reverse("helpers:appointments" if role == "helper" else "desk:dashboard")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    sqls = [query["sql"] for query in queries.captured_queries]
    assert sum("auth_user u" in sql or 'FROM "auth_user"' in sql for sql in sqls) == 1
    assert not any(sql.startswith('SELECT "auth_group"') for sql in sqls)
    assert sum('FROM "bookings_helper" WHERE' in sql for sql in sqls) == (role == "helper")


def test_a_role_taken_away_counts_from_the_next_request(client, office_staff):
    client.force_login(office_staff)
    assert client.get(reverse("desk:dashboard")).status_code == 200
    office_staff.groups.clear()
    assert client.get(reverse("desk:dashboard")).status_code == 403
