"""Headers: a Content-Security-Policy without inline scripts on every page, and no copy of
a signed-in person's page in any cache. HSTS and the HTTPS redirect of production mode
are tested in tests/test_production_mode.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def _directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


def test_it_sends_a_policy_without_inline_scripts(client, office_staff):
    for response in (client.get(reverse("login")), _signed_in(client, office_staff)):
        directives = _directives(response)
        assert directives["script-src"] == ["'self'"]
        assert directives["default-src"] == ["'self'"]
        assert directives["object-src"] == ["'none'"]
        assert directives["frame-ancestors"] == ["'none'"]


def _signed_in(client, user):
    client.force_login(user)
    return client.get(reverse("desk:dashboard"))


def test_no_template_has_an_inline_script_or_event_handler():
    # The policy would block them: every script is a file under static/.
    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        html = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", html):
            if "src=" not in tag:
                offenders.append(f"{template.name}: {tag}")
        offenders += [f"{template.name}: {m}" for m in re.findall(r"\son[a-z]+=\"", html)]
        offenders += [f"{template.name}: {m}" for m in re.findall(r"javascript:", html)]
    assert offenders == []


@pytest.mark.parametrize(
    ("persona", "url_name"),
    [
        ("office_staff", "desk:dashboard"),
        ("office_staff", "desk:search"),
        ("office_staff", "reminders_inbox"),
        ("office_staff", "reminders_not_reached"),
        ("helper", "helpers:appointments"),
        ("helper", "helpers:absences"),
        ("coordinator", "admin:index"),
        ("coordinator", "admin:bookings_senior_changelist"),
        ("coordinator", "home"),
    ],
)
def test_pages_for_signed_in_people_are_never_stored(request, client, persona, url_name):
    user = request.getfixturevalue(persona)
    client.force_login(getattr(user, "user", user))
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_a_redirect_for_a_signed_in_person_is_not_stored_either(client, office_staff):
    client.force_login(office_staff)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert "no-store" in response["Cache-Control"]


def test_static_files_stay_cacheable_when_signed_in(client, office_staff):
    client.force_login(office_staff)
    response = client.get("/static/css/helpdesk.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
