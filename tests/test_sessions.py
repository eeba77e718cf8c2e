"""The session engine (helpdesk.sessions): Django's database sessions, read by one query."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from helpdesk.sessions import SessionStore


def test_it_is_the_engine_of_the_settings():
    assert settings.SESSION_ENGINE == "helpdesk.sessions"


def test_it_reads_a_stored_session(db):
    stored = SessionStore()
    stored["answer"] = 42
    stored.create()

    read = SessionStore(stored.session_key)
    assert read["answer"] == 42
    assert read.session_key == stored.session_key


def test_it_drops_an_unknown_key_and_saves_under_a_new_one(db):
    session = SessionStore("x" * 32)
    assert session.load() == {}
    assert session.session_key is None

    session["answer"] = 42
    session.save()
    assert session.session_key != "x" * 32
    assert not Session.objects.filter(session_key="x" * 32).exists()


def test_it_does_not_read_an_expired_session(db):
    stored = SessionStore()
    stored["answer"] = 42
    stored.set_expiry(60)
    stored.create()

    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=61)):
        expired = SessionStore(stored.session_key)
        assert expired.get("answer") is None
        assert expired.session_key is None


def test_it_keeps_a_signed_in_person_signed_in_and_signs_them_out(client, office_staff):
    client.force_login(office_staff)
    assert client.get(reverse("desk:search")).status_code == 200
    assert client.session[SESSION_KEY] == str(office_staff.pk)

    client.post(reverse("logout"))
    assert client.get(reverse("desk:search")).status_code == 302


@pytest.mark.parametrize(
    "cookie",
    ["abcdefgh\x00ijklmnopqrstuvwxyz012345", "a" * 5000, "ÄÖÜäöüß" * 5, "x' OR '1'='1", "short"],
)
def test_it_treats_a_forged_cookie_as_no_session(client, db, cookie):
    # A quoted cookie may carry any character (octal escapes), a NUL too: signed out,
    # never an error page.
    client.cookies[settings.SESSION_COOKIE_NAME] = cookie
    response = client.get(reverse("desk:search"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert client.get(reverse("login")).status_code == 200


def test_it_accepts_only_keys_of_the_form_it_makes():
    assert SessionStore("x" * 32).session_key == "x" * 32
    for forged in ["X" * 32, "x" * 31, "x" * 33, "x" * 31 + "\x00", "", None]:
        assert SessionStore(forged).session_key is None
