"""Login throttling (django-axes) and the idle timeout of signed-in sessions."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone

from tests.browser import PASSWORD

LOGIN_URLS = ["login", "admin:login"]


def _try(client, url_name: str, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post(
        reverse(url_name), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


@pytest.mark.parametrize("url_name", LOGIN_URLS)
def test_it_locks_out_a_username_after_five_wrong_passwords(client, coordinator, url_name):
    for _ in range(4):
        assert _try(client, url_name, coordinator.username, "falsch").status_code == 200

    locked = _try(client, url_name, coordinator.username, "falsch")
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Anmeldung vorübergehend gesperrt" in html
    assert "15 Minuten" in html

    # Even the right password is refused now, and nobody is signed in.
    right = _try(client, url_name, coordinator.username, PASSWORD)
    assert right.status_code == 429
    assert SESSION_KEY not in client.session


def test_it_locks_only_that_username_from_that_address(client, coordinator, office_staff):
    for _ in range(5):
        _try(client, "login", coordinator.username, "falsch")

    other_user = _try(client, "login", office_staff.username, PASSWORD)
    assert other_user.status_code == 302
    client.logout()
    other_address = _try(client, "login", coordinator.username, PASSWORD, ip="10.0.0.2")
    assert other_address.status_code == 302


def test_it_lets_the_user_in_again_fifteen_minutes_after_the_last_try(client, coordinator):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(5):
            _try(client, "login", coordinator.username, "falsch")
        clock.shift(datetime.timedelta(minutes=14))
        # A try while locked out starts the 15 minutes again (what the page says: "jetzt").
        assert _try(client, "login", coordinator.username, PASSWORD).status_code == 429
        clock.shift(datetime.timedelta(minutes=14))
        assert _try(client, "login", coordinator.username, PASSWORD).status_code == 429
        clock.shift(datetime.timedelta(minutes=16))
        response = _try(client, "login", coordinator.username, PASSWORD)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(coordinator.pk)


def test_a_right_password_resets_the_count(client, coordinator):
    for _ in range(4):
        _try(client, "login", coordinator.username, "falsch")
    assert _try(client, "login", coordinator.username, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert _try(client, "login", coordinator.username, "falsch").status_code == 200


def test_it_counts_the_forwarded_address_behind_the_proxy(client, settings, coordinator):
    settings.BEHIND_PROXY = True
    for n in range(5):
        # A forged first entry changes nothing: nginx appends the real address last.
        client.post(
            reverse("login"),
            {"username": coordinator.username, "password": "falsch"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.7",
        )
    from_there = client.post(
        reverse("login"),
        {"username": coordinator.username, "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    assert from_there.status_code == 429
    elsewhere = client.post(
        reverse("login"),
        {"username": coordinator.username, "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.1",
    )
    assert elsewhere.status_code == 302


def test_a_session_ends_after_thirty_idle_minutes(client, office_staff):
    desk = reverse("desk:dashboard")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(office_staff)
        # Each request pushes the end further out: 3 × 29 minutes of work stay signed in.
        for _ in range(3):
            clock.shift(datetime.timedelta(minutes=29))
            assert client.get(desk).status_code == 200
        clock.shift(datetime.timedelta(minutes=31))
        response = client.get(desk)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_does_not_write_the_session_on_every_request(client, office_staff):
    desk = reverse("desk:dashboard")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(office_staff)
        stamp = client.session["last_seen"]
        clock.shift(datetime.timedelta(seconds=30))
        client.get(desk)
        assert client.session["last_seen"] == stamp
        clock.shift(datetime.timedelta(seconds=31))
        client.get(desk)
        assert client.session["last_seen"] == stamp + 61


def test_session_idle_minutes_comes_from_the_environment(office_staff):
    result = subprocess.run(
        [sys.executable, "-c", "import helpdesk.settings as s; print(s.SESSION_IDLE_MINUTES)"],
        env={**os.environ, "SESSION_IDLE_MINUTES": "10"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["10"]


def test_a_shorter_idle_time_from_the_settings(client, settings, office_staff):
    settings.SESSION_IDLE_MINUTES = 10
    desk = reverse("desk:dashboard")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(office_staff)
        clock.shift(datetime.timedelta(minutes=9))
        assert client.get(desk).status_code == 200
        clock.shift(datetime.timedelta(minutes=11))
        assert client.get(desk).status_code == 302
