"""Every URL of the project × every role, against the expected answer kept below.

The URLs come from the URLconf itself (`get_resolver()`): a new view without a rule in
EXPECTED, or a path converter without a value in PATH_VALUES, fails the test with "add
a rule for …". Django's admin is represented by its index page only.

Each URL is requested with GET and with POST (an empty form; the test client skips the
CSRF check, as a browser would send the token). Answers are written as
  LOGIN  a redirect to the login page,     ADMIN_LOGIN  a redirect to the admin's login,
  302    any other redirect,               or the plain status code.
The rule for staff of another office (README, "Roles"): they may read and book every
office's appointments and workshops, so the desk answers them as it answers staff of
office A. For helpers, another helper's objects are "not found" (404).
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from bookings import services
from bookings.models import InboundMessage, LoanDevice, Registration, Reminder
from neighborhoods.models import Closure
from tests.conftest import at, make_user, make_workshop

ROLES = ("anonymous", "helper", "other_helper", "staff", "other_staff", "coordinator")
LOGIN, ADMIN_LOGIN = "login", "admin-login"


def each(status) -> dict[str, object]:
    return dict.fromkeys(ROLES, status)


def desk(status) -> dict[str, object]:
    """Office staff of any office and coordinators get `status`; helpers 403."""
    return {
        "anonymous": LOGIN,
        "helper": 403,
        "other_helper": 403,
        "staff": status,
        "other_staff": status,
        "coordinator": status,
    }


def coordinator_only(status) -> dict[str, object]:
    """The coordinator's pages: everyone else logged in gets 403."""
    return {**each(403), "anonymous": LOGIN, "coordinator": status}


def own(status, *, other_helper=None) -> dict[str, object]:
    """A helper's own page: the helper gets `status`, another helper `other_helper`."""
    return {
        "anonymous": LOGIN,
        "helper": status,
        "other_helper": status if other_helper is None else other_helper,
        "staff": 403,
        "other_staff": 403,
        "coordinator": 403,
    }


ANYONE_200 = each(200)
# A coordinator's list or report: GET (and HEAD) only.
READ_ONLY = {"GET": coordinator_only(200), "POST": coordinator_only(405)}
# Twilio's webhooks: only POST, and only with Twilio's signature.
TWILIO = {"GET": each(405), "POST": each(403)}

EXPECTED: dict[str, dict[str, dict[str, object]]] = {
    # Home sends office staff to the desk and helpers to their appointments.
    "home": {
        "GET": {**each(302), "anonymous": LOGIN, "coordinator": 200},
        "POST": {**each(302), "anonymous": LOGIN, "coordinator": 200},
    },
    "login": {"GET": ANYONE_200, "POST": ANYONE_200},
    "logout": {"GET": each(405), "POST": each(LOGIN)},
    "set_language": {"GET": each(302), "POST": each(302)},
    # The admin is for coordinators only: office staff are sent to its login like anyone.
    "admin:index": {
        "GET": {**each(ADMIN_LOGIN), "coordinator": 200},
        "POST": {**each(ADMIN_LOGIN), "coordinator": 200},
    },
    # The health check answers everyone, without personal data.
    "health": {"GET": each(200), "POST": each(405)},
    # The desk: reading and booking for staff of every office; its lists and pages that
    # only show something answer POST with 405.
    "desk:dashboard": {"GET": desk(200), "POST": desk(405)},
    "desk:search": {"GET": desk(200), "POST": desk(200)},
    "desk:senior_create": {"GET": desk(405), "POST": desk(422)},
    "desk:senior": {"GET": desk(200), "POST": desk(405)},
    "desk:book": {"GET": desk(405), "POST": desk(400)},
    # An empty form is refused with its errors (422); removing needs no form.
    "desk:contact_person": {"GET": desk(200), "POST": desk(422)},
    "desk:contact_person_remove": {"GET": desk(405), "POST": desk(302)},
    "desk:appointment": {"GET": desk(200), "POST": desk(405)},
    "desk:confirmation": {"GET": desk(200), "POST": desk(405)},
    "desk:move": {"GET": desk(200), "POST": desk(400)},
    "desk:cancel": {"GET": desk(405), "POST": desk(400)},
    "desk:mark": {"GET": desk(405), "POST": desk(302)},
    "desk:note": {"GET": desk(405), "POST": desk(302)},
    "desk:day_list": {"GET": desk(200), "POST": desk(405)},
    "desk:day_list_print": {"GET": desk(200), "POST": desk(405)},
    "desk:workshops": {"GET": desk(200), "POST": desk(405)},
    "desk:workshop": {"GET": desk(200), "POST": desk(405)},
    "desk:workshop_register": {"GET": desk(405), "POST": desk(400)},
    "desk:registration_cancel": {"GET": desk(405), "POST": desk(302)},
    "desk:registration_promote": {"GET": desk(405), "POST": desk(302)},
    "desk:hand_over": {"GET": desk(405), "POST": desk(302)},
    # The message lists; marking read checks the method before the role.
    "reminders_inbox": {"GET": desk(200), "POST": desk(405)},
    # Marking read is limited to the replies of the user's own offices.
    "reminders_mark_read": {"GET": each(405), "POST": {**desk(302), "other_staff": 404}},
    "reminders_not_reached": {"GET": desk(200), "POST": desk(405)},
    # The coordinator's pages; lists and reports are read only (POST 405), an empty POST
    # to a form is refused with 422, or (a helper's form, whose fields may all be empty) saved.
    "coordinator:audit_trail": READ_ONLY,
    "coordinator:closures": {"GET": coordinator_only(200), "POST": coordinator_only(422)},
    "coordinator:closure_remove": {"GET": coordinator_only(405), "POST": coordinator_only(302)},
    "coordinator:helpers": READ_ONLY,
    "coordinator:helper": {"GET": coordinator_only(200), "POST": coordinator_only(302)},
    "coordinator:workshops": READ_ONLY,
    "coordinator:workshop_add": {"GET": coordinator_only(200), "POST": coordinator_only(422)},
    "coordinator:workshop": {"GET": coordinator_only(200), "POST": coordinator_only(422)},
    "coordinator:workshop_cancel": {"GET": coordinator_only(405), "POST": coordinator_only(302)},
    "coordinator:topics": READ_ONLY,
    "coordinator:topic_add": {"GET": coordinator_only(200), "POST": coordinator_only(422)},
    "coordinator:topic": {"GET": coordinator_only(200), "POST": coordinator_only(422)},
    "coordinator:devices": READ_ONLY,
    "coordinator:device_add": {"GET": coordinator_only(200), "POST": coordinator_only(422)},
    "coordinator:device": {"GET": coordinator_only(200), "POST": coordinator_only(422)},
    # The helpers' own pages: another helper's availability is not found.
    "helpers:appointments": {"GET": own(200), "POST": own(405)},
    "helpers:appointments_past": {"GET": own(200), "POST": own(405)},
    "helpers:availability": {"GET": own(200), "POST": own(200)},
    "helpers:availability_add": {"GET": own(200), "POST": own(200)},
    "helpers:availability_change": {
        "GET": own(200, other_helper=404),
        "POST": own(200, other_helper=404),
    },
    "helpers:availability_end": {
        "GET": own(200, other_helper=404),
        "POST": own(200, other_helper=404),
    },
    "helpers:absences": {"GET": own(200), "POST": own(200)},
    "helpers:feed_settings": {"GET": own(200), "POST": own(200)},
    "helpers:feed_renew": {"GET": own(405), "POST": own(302)},
    # The feed's secret token is the key: no login, the same for everyone.
    "helpers:feed": {"GET": ANYONE_200, "POST": each(405)},
    # The public pages: anyone, without login; read only.
    "public:start": {"GET": ANYONE_200, "POST": each(405)},
    "public:offices": {"GET": ANYONE_200, "POST": each(405)},
    "public:office": {"GET": ANYONE_200, "POST": each(405)},
    "public:poster": {"GET": ANYONE_200, "POST": each(405)},
    "public:workshops": {"GET": ANYONE_200, "POST": each(405)},
    "public:language": {"GET": each(302), "POST": each(405)},
    # Data protection: information and erasure are the coordinator's; an empty POST
    # (no confirmation) erases nothing.
    "privacy:information": {"GET": coordinator_only(200), "POST": coordinator_only(405)},
    "privacy:information_json": {"GET": coordinator_only(200), "POST": coordinator_only(405)},
    "privacy:erase": {"GET": coordinator_only(200), "POST": coordinator_only(400)},
    # The privacy notice is public.
    "privacy_notice": {"GET": each(200), "POST": each(405)},
    # Walk-ins: office staff for any office, a helper for their own offices.
    "desk:walk_in": {"GET": desk(200), "POST": desk(422)},
    "helpers:walk_in": {"GET": own(200), "POST": own(422)},
    # Statistics, its export and the coverage view: coordinators only.
    "coordination:statistics": READ_ONLY,
    "coordination:statistics_csv": READ_ONLY,
    "coordination:coverage": READ_ONLY,
    "twilio_status": TWILIO,
    "twilio_sms": TWILIO,
    "twilio_call": TWILIO,
    "twilio_keypad": TWILIO,
}

# Values for path converters: objects of office A and of helper 1.
PATH_VALUES = {
    "desk:senior": lambda w: {"pk": w["senior"].pk},
    "desk:book": lambda w: {"pk": w["senior"].pk},
    "desk:contact_person": lambda w: {"pk": w["senior"].pk},
    "desk:contact_person_remove": lambda w: {"pk": w["senior"].pk},
    "desk:appointment": lambda w: {"pk": w["appointment"].pk},
    "desk:confirmation": lambda w: {"pk": w["appointment"].pk},
    "desk:move": lambda w: {"pk": w["appointment"].pk},
    "desk:cancel": lambda w: {"pk": w["appointment"].pk},
    "desk:mark": lambda w: {"pk": w["appointment"].pk},
    "desk:note": lambda w: {"pk": w["appointment"].pk},
    "desk:workshop": lambda w: {"pk": w["workshop"].pk},
    "desk:workshop_register": lambda w: {"pk": w["workshop"].pk},
    "desk:registration_cancel": lambda w: {"pk": w["registration"].pk},
    "desk:registration_promote": lambda w: {"pk": w["registration"].pk},
    "desk:hand_over": lambda w: {"pk": w["appointment"].pk},
    "reminders_mark_read": lambda w: {"message_id": w["message"].pk},
    "coordinator:closure_remove": lambda w: {"pk": w["closure"].pk},
    "coordinator:helper": lambda w: {"pk": w["helper"].pk},
    "coordinator:workshop": lambda w: {"pk": w["workshop"].pk},
    "coordinator:workshop_cancel": lambda w: {"pk": w["workshop"].pk},
    "coordinator:topic": lambda w: {"pk": w["topic"].pk},
    "coordinator:device": lambda w: {"pk": w["device"].pk},
    "helpers:availability_change": lambda w: {"pk": w["availability"].pk},
    "helpers:availability_end": lambda w: {"pk": w["availability"].pk},
    "helpers:feed": lambda w: {"token": w["feed_token"]},
    "public:office": lambda w: {"pk": w["appointment"].office_id},
    "public:poster": lambda w: {"pk": w["appointment"].office_id},
    "privacy:information": lambda w: {"pk": w["senior"].pk},
    "privacy:information_json": lambda w: {"pk": w["senior"].pk},
    "privacy:erase": lambda w: {"pk": w["senior"].pk},
    "twilio_status": lambda w: {"reminder_id": w["reminder"].pk},
    "twilio_call": lambda w: {"reminder_id": w["reminder"].pk},
    "twilio_keypad": lambda w: {"reminder_id": w["reminder"].pk},
}


def url_names() -> list[tuple[str, bool]]:
    """Every named URL as (name, has path converters); of the admin only its index."""
    found: list[tuple[str, bool]] = []

    def walk(patterns, namespace: str = "") -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                if entry.namespace == "admin":
                    found.append(("admin:index", False))
                    continue
                walk(entry.url_patterns, inner)
            elif isinstance(entry, URLPattern):
                assert entry.name, f"add a name to the URL pattern {entry.pattern}"
                found.append((namespace + entry.name, bool(entry.pattern.converters)))

    walk(get_resolver().url_patterns)
    return found


def test_every_url_has_a_rule():
    missing = [name for name, _converters in url_names() if name not in EXPECTED]
    assert not missing, "add a rule for " + ", ".join(missing)
    unvalued = [name for name, conv in url_names() if conv and name not in PATH_VALUES]
    assert not unvalued, "add a rule for the path values of " + ", ".join(unvalued)
    stale = set(EXPECTED) - {name for name, _converters in url_names()}
    assert not stale, "remove the rules for URLs that no longer exist: " + ", ".join(stale)


@pytest.fixture
def world(senior, helper, other_helper, office, other_office, topic, monday):
    appointment = services.appointment_book(
        senior=senior, helper=helper, office=office, topic=topic, starts_at=at(monday, 10)
    )
    workshop = make_workshop(office, topic, starts_at=at(monday, 14))
    registration = Registration.objects.create(workshop=workshop, senior=senior, position=1)
    message = InboundMessage.objects.create(
        provider_sid="SM" + "1" * 32,
        senior=senior,
        appointment=appointment,
        channel=Reminder.Channel.SMS,
        body="Kann ich später kommen?",
        action=InboundMessage.Action.TO_READ,
    )
    return {
        "senior": senior,
        "appointment": appointment,
        "workshop": workshop,
        "registration": registration,
        "message": message,
        "availability": helper.availabilities.order_by("pk").first(),
        "feed_token": helper.feed_token,
        "reminder": appointment.reminders.first(),
        "closure": Closure.objects.create(
            office=office, starts_on=monday, ends_on=monday, reason="Umzug"
        ),
        "helper": helper,
        "topic": topic,
        "device": LoanDevice.objects.create(office=office, kind="ipad", label="iPad 1"),
    }


@pytest.fixture
def people(helper, other_helper, office_staff, other_office, coordinator):
    from bookings import roles

    other_staff = make_user(group=roles.OFFICE_STAFF, first_name="Olga", is_staff=True)
    other_office.staff.add(other_staff)
    return {
        "anonymous": None,
        "helper": helper.user,
        "other_helper": other_helper.user,
        "staff": office_staff,
        "other_staff": other_staff,
        "coordinator": coordinator,
    }


def answer(response) -> object:
    if response.status_code != 302:
        return response.status_code
    if response.url.startswith(reverse("login")):
        return LOGIN
    if response.url.startswith(reverse("admin:login")):
        return ADMIN_LOGIN
    return 302


@pytest.mark.parametrize("role", ROLES)
def test_each_url_answers_each_role_as_expected(client, world, people, role):
    user = people[role]
    # Logging out ends the session, so it goes last.
    names = sorted(
        (name for name, _converters in url_names() if name in EXPECTED),
        key=lambda name: name == "logout",
    )
    wrong = []
    for method in ("GET", "POST"):
        for name in names:
            if user is not None:
                client.force_login(user)
            kwargs = PATH_VALUES[name](world) if name in PATH_VALUES else {}
            url = reverse(name, kwargs=kwargs)
            response = getattr(client, method.lower())(url)
            expected = EXPECTED[name][method][role]
            if answer(response) != expected:
                wrong.append(f"{method} {url} ({name}): {answer(response)}, expected {expected}")
    assert not wrong, "\n".join(wrong)
