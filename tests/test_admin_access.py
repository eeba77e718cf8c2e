"""Who enters the admin, and what a coordinator may do to users there.

The admin shows every senior's phone number: coordinators (and superusers) only. A
coordinator with change_user must not grant rights they do not hold.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse
from django.utils import timezone

from bookings import roles
from tests.conftest import make_user


@pytest.fixture
def superuser(db) -> User:
    return User.objects.create_superuser("chefin", password="geheim-123")


@pytest.fixture
def staff_member(office) -> User:
    return make_user(group=roles.OFFICE_STAFF, first_name="Olaf")


def _user_form(user: User, **changes) -> dict:
    """What the admin's user form posts for `user`, with `changes` on top."""
    joined = timezone.localtime(user.date_joined)
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "groups": [group.pk for group in user.groups.all()],
        "date_joined_0": joined.strftime("%d.%m.%Y"),
        "date_joined_1": joined.strftime("%H:%M:%S"),
        "last_login_0": "",
        "last_login_1": "",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("persona", ["office_staff", "helper_user"])
def test_it_keeps_office_staff_and_helpers_out_even_with_is_staff(client, office, persona, senior):
    group = roles.OFFICE_STAFF if persona == "office_staff" else roles.HELPER
    client.force_login(make_user(group=group, is_staff=True))
    for url in (
        reverse("admin:index"),
        reverse("admin:bookings_senior_changelist"),
        reverse("admin:bookings_senior_change", args=[senior.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login"))


def test_it_lets_coordinators_and_superusers_in(client, coordinator, superuser):
    for user in (coordinator, superuser):
        client.force_login(user)
        assert client.get(reverse("admin:index")).status_code == 200


def test_it_does_not_let_a_coordinator_without_is_staff_in(client, db):
    client.force_login(make_user(group=roles.COORDINATOR))
    assert client.get(reverse("admin:index")).status_code == 302


def test_it_hides_superuser_fields_from_coordinators(client, coordinator, staff_member):
    client.force_login(coordinator)
    page = client.get(reverse("admin:auth_user_change", args=[staff_member.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="groups"' in html
    assert 'name="is_superuser"' not in html
    assert 'name="user_permissions"' not in html


def test_it_shows_superuser_fields_to_superusers(client, superuser, staff_member):
    client.force_login(superuser)
    html = client.get(reverse("admin:auth_user_change", args=[staff_member.pk])).content.decode()
    assert 'name="is_superuser"' in html
    assert 'name="user_permissions"' in html


def test_it_ignores_posted_superuser_fields_from_a_coordinator(client, coordinator, staff_member):
    client.force_login(coordinator)
    delete_users = Permission.objects.get(codename="delete_user")
    for target in (staff_member, coordinator):
        data = _user_form(
            target,
            is_superuser="on",
            is_staff="on",
            user_permissions=[delete_users.pk],
            last_name="Geändert",
        )
        response = client.post(reverse("admin:auth_user_change", args=[target.pk]), data)
        assert response.status_code == 302, response.content.decode()[:2000]
        target.refresh_from_db()
        assert target.last_name == "Geändert"  # the allowed part of the form was saved
        assert not target.is_superuser
        assert not target.user_permissions.exists()
        assert not target.has_perm("auth.delete_user")


def test_it_lets_a_coordinator_give_the_groups_they_hold(client, coordinator, staff_member):
    client.force_login(coordinator)
    coordinators = Group.objects.get(name=roles.COORDINATOR)
    data = _user_form(staff_member, groups=[coordinators.pk])
    response = client.post(reverse("admin:auth_user_change", args=[staff_member.pk]), data)
    assert response.status_code == 302
    assert list(staff_member.groups.all()) == [coordinators]


def test_it_refuses_a_group_with_rights_the_coordinator_lacks(client, coordinator, staff_member):
    mighty = Group.objects.create(name="Technik")
    mighty.permissions.add(Permission.objects.get(codename="delete_user"))
    client.force_login(coordinator)
    page = client.get(reverse("admin:auth_user_change", args=[staff_member.pk]))
    assert "Technik" not in page.content.decode()

    data = _user_form(staff_member, groups=[mighty.pk])
    response = client.post(reverse("admin:auth_user_change", args=[staff_member.pk]), data)
    assert response.status_code == 200  # the form comes back with an error
    assert not staff_member.groups.filter(pk=mighty.pk).exists()


def test_a_superuser_may_give_any_group(client, superuser, staff_member):
    mighty = Group.objects.create(name="Technik")
    mighty.permissions.add(Permission.objects.get(codename="delete_user"))
    client.force_login(superuser)
    data = _user_form(staff_member, groups=[mighty.pk], is_superuser="on")
    response = client.post(reverse("admin:auth_user_change", args=[staff_member.pk]), data)
    assert response.status_code == 302
    staff_member.refresh_from_db()
    assert staff_member.is_superuser
    assert staff_member.groups.filter(pk=mighty.pk).exists()


def test_it_keeps_superusers_out_of_a_coordinators_reach(client, coordinator, superuser):
    client.force_login(coordinator)
    listing = client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert coordinator.username in listing
    assert superuser.username not in listing

    change = reverse("admin:auth_user_change", args=[superuser.pk])
    assert client.post(change, _user_form(superuser, is_active="")).status_code == 302
    password = reverse("admin:auth_user_password_change", args=[superuser.pk])
    posted = {"password1": "neu-und-lang-123", "password2": "neu-und-lang-123"}
    assert client.post(password, posted).status_code == 404
    delete = reverse("admin:auth_user_delete", args=[superuser.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    superuser.refresh_from_db()
    assert superuser.is_active
    assert superuser.check_password("geheim-123")


def test_the_demo_logins_work_as_the_readme_says(client, db, settings):
    from io import StringIO

    from django.core.management import call_command

    settings.DEBUG = True
    call_command("demo_data", stdout=StringIO())  # once: it builds a whole city
    for username, landing, admin_status in [
        ("koordination", "/", 200),
        ("buero-gruebentaelchen", "/buero/", 302),
        ("helfer-sabine", "/ehrenamt/", 302),
    ]:
        client.logout()
        response = client.post(
            reverse("login"),
            {"username": username, "password": "demo-digitale-hilfe"},
            follow=True,
        )
        assert response.redirect_chain[-1][0] == landing, username
        assert client.get(reverse("admin:index")).status_code == admin_status, username
        assert User.objects.get(username=username).is_staff is (admin_status == 200)
