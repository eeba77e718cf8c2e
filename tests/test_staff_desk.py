"""The phone-booking flow: find or create the caller, find a slot, book, read back."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from bookings import services
from bookings.availability import Slot
from bookings.desk.readback import readback_sentence
from bookings.models import Appointment, LoanDevice, Reminder, Senior
from tests.conftest import at, make_helper, make_office, make_senior
from tests.test_contact_person import name_contact

# The slot page with both groups (issue 13): the session and the user with their roles 2,
# senior with contact 1, the form's choices (which also give the home offices), the page's
# lists, and one shared slot search.
PAGE_QUERIES = 13


@pytest.fixture
def staff_client(client, office_staff):
    client.force_login(office_staff)
    return client


def slot_cursor(helper, office, starts_at) -> str:
    return Slot(starts_at, starts_at, office.pk, "", helper.pk, "").cursor


# --- Find the caller ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["0631 12", "+49631", "(0631) 12 34 56", "3456", "muller", "Mueller", "MÜLLER"]
)
def test_it_finds_the_caller_by_phone_or_folded_name(staff_client, typed):
    senior = make_senior(phone="0631 123456")
    make_senior(first_name="Hans", last_name="Schmidt", phone="0171 9876543")

    response = staff_client.post(reverse("desk:search"), {"q": typed})

    assert list(response.context["results"]) == [senior]
    assert reverse("desk:senior", args=[senior.pk]) in response.content.decode()


def test_it_answers_htmx_with_the_results_only(staff_client, senior):
    response = staff_client.post(reverse("desk:search"), {"q": "gertrud"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert "Gertrud" in html


def test_it_works_without_javascript_as_a_plain_form(staff_client, senior):
    html = staff_client.post(reverse("desk:search"), {"q": "gertrud"}).content.decode()
    # POST, so that typed phone digits never appear in URLs and access logs.
    assert '<form method="post" action="/buero/suche/"' in html
    assert 'type="submit"' in html
    assert "autofocus" in html


def test_it_refuses_the_search_to_helpers(client, helper):
    client.force_login(helper.user)
    assert client.post(reverse("desk:search"), {"q": "muller"}).status_code == 403


def test_it_hides_anonymised_seniors(staff_client):
    from django.utils import timezone

    make_senior(anonymised_at=timezone.now())
    assert staff_client.post(reverse("desk:search"), {"q": "muller"}).context["results"] == []


# --- Create the caller inline ---------------------------------------------------------------


def test_it_offers_what_was_typed_in_the_new_senior_form(staff_client):
    response = staff_client.post(reverse("desk:search"), {"q": "0631 555123"})
    assert response.context["results"] == []
    assert response.context["senior_form"].initial == {"phone": "0631 555123"}


@pytest.mark.parametrize("typed", ["4711", "0631 5", "12345678901234567"])
def test_it_does_not_prefill_the_last_digits_as_a_phone_number(staff_client, typed):
    response = staff_client.post(reverse("desk:search"), {"q": typed, "new": "1"})
    assert response.context["senior_form"].initial == {}
    assert "autofocus" in response.context["senior_form"].fields["first_name"].widget.attrs


def test_it_creates_a_senior_with_the_channel_from_the_number(staff_client, office):
    response = staff_client.post(
        reverse("desk:senior_create"),
        {
            "first_name": "Hilde",
            "last_name": "Jäger",
            "phone": "(0631) 12 34 56",
            "district": office.district_id,
            "preferred_channel": "",
            "reminder_consent": "on",
        },
    )
    senior = Senior.objects.get()
    assert response.url == reverse("desk:senior", args=[senior.pk])
    assert str(senior.phone) == "+49631123456"
    assert senior.reminder_channel == Senior.Channel.VOICE


def test_it_keeps_everything_typed_on_a_phone_error(staff_client, office):
    response = staff_client.post(
        reverse("desk:senior_create"),
        {"first_name": "Hilde", "last_name": "Jäger", "phone": "0631", "district": office.pk},
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert not Senior.objects.exists()
    assert 'value="Hilde"' in html and 'value="Jäger"' in html and 'value="0631"' in html
    assert "vollständige Telefonnummer mit Vorwahl" in html
    # The error is linked to its field for screen readers.
    assert 'aria-describedby="id_phone_helptext id_phone_error"' in html
    assert 'id="id_phone_error"' in html


def test_it_refuses_senior_creation_to_helpers(client, helper):
    client.force_login(helper.user)
    response = client.post(
        reverse("desk:senior_create"),
        {"first_name": "Hilde", "last_name": "Jäger", "phone": "0631 123456"},
    )
    assert response.status_code == 403
    assert not Senior.objects.exists()


# --- Find a slot --------------------------------------------------------------------------


def test_it_lists_the_home_district_office_first(
    staff_client, helper, other_helper, office, topic, monday
):
    senior = make_senior(district=office.district)
    response = staff_client.get(
        reverse("desk:senior", args=[senior.pk]), {"topic": topic.pk, "first_day": monday}
    )
    own, others = response.context["slot_groups"]
    assert {slot.helper_id for slot in own.slots} == {helper.pk}
    assert {slot.helper_id for slot in others.slots} == {other_helper.pk}
    # A full page of ten ends before its last time, which the next page offers whole.
    assert len(own.slots) == 9
    html = response.content.decode()
    assert html.index("Im eigenen Stadtteil") < html.index("In anderen Stadtteilbüros")


def test_it_finds_both_groups_in_a_fixed_number_of_queries(
    staff_client, office, other_office, topic, monday, django_assert_max_num_queries
):
    senior = make_senior(district=office.district)
    url = reverse("desk:senior", args=[senior.pk])

    def page_queries() -> int:
        with django_assert_max_num_queries(PAGE_QUERIES) as captured:
            response = staff_client.get(url, {"topic": topic.pk, "first_day": monday})
        own, others = response.context["slot_groups"]
        assert own.slots and others.slots
        return len(captured)

    def add_helpers(count: int) -> None:
        for n in range(count):
            make_helper((office, other_office)[n % 2], topic, first_name=f"H{n}")

    # Ten helpers fill both groups' pages on the first day; more cost no more queries.
    add_helpers(10)
    page_queries()  # the first request of a session also reads what is cached afterwards
    few = page_queries()
    add_helpers(12)
    assert page_queries() == few, few


def test_it_pages_forward_with_show_more(staff_client, senior, helper, topic, monday):
    url = reverse("desk:senior", args=[senior.pk])
    first = staff_client.get(url, {"topic": topic.pk, "first_day": monday})
    (group,) = first.context["slot_groups"]
    second = staff_client.get(f"{url}?{group.more_query}")
    (next_group,) = second.context["slot_groups"]
    assert next_group.slots[0].starts_at > group.slots[-1].starts_at


def test_it_offers_each_time_once_with_the_first_helper_by_name(
    staff_client, senior, office, topic, monday
):
    helpers = {
        name: make_helper(office, topic, first_name=name) for name in ("Sabine", "Anna", "Otto")
    }
    url = reverse("desk:senior", args=[senior.pk])
    first = staff_client.get(url, {"topic": topic.pk, "first_day": monday})
    (group,) = first.context["slot_groups"]

    # Ten slots: 10:00 and 11:00 with all three helpers, then 10:00 of the next day with
    # three and 11:00 with one; that last time goes whole to the next page.
    assert [len(day.lines) for day in group.days] == [2, 1]
    for line in (line for day in group.days for line in day.lines):
        assert line.offered.slot.helper_id == helpers["Anna"].pk
        assert [offer.slot.helper_first_name for offer in line.alternatives] == ["Otto", "Sabine"]
    assert group.days[0].day == monday
    html = first.content.decode()
    assert "2 weitere Helfende frei" in html

    second = staff_client.get(f"{url}?{group.more_query}")
    (next_group,) = second.context["slot_groups"]
    first_line = next_group.days[0].lines[0]
    assert first_line.offered.slot.starts_at == at(monday + datetime.timedelta(days=1), 11)
    assert len(first_line.alternatives) == 2


def test_it_words_the_lines_and_buttons_in_the_language_of_the_page(
    staff_client, senior, helper, office, topic, monday
):
    url = reverse("desk:senior", args=[senior.pk])
    search = {"topic": topic.pk, "first_day": monday, "kind": "phone"}
    html = staff_client.get(url, search).content.decode()
    assert f"10:00 Uhr</strong>, am Telefon ({office.name}), bei Sabine</span>" in html
    # The button's name for a screen reader: the day, the time, the office and the helper.
    assert re.search(
        rf">Buchen<span [^>]+>: Montag, [^,]+, 10:00 Uhr, {office.name}, Sabine<", html
    )

    english = staff_client.get(url, search, headers={"Accept-Language": "en"}).content.decode()
    assert f"10:00 h</strong>, by phone ({office.name}), with Sabine</span>" in english
    assert re.search(rf">Book<span [^>]+>: Monday, [^,]+, 10:00 h, {office.name}, Sabine<", english)


def test_it_refuses_the_senior_page_to_helpers(client, helper, senior):
    client.force_login(helper.user)
    assert client.get(reverse("desk:senior", args=[senior.pk])).status_code == 403


# --- Book -----------------------------------------------------------------------------------


def book(client, senior, helper, office, topic, starts_at, **extra):
    return client.post(
        reverse("desk:book", args=[senior.pk]),
        {"topic": topic.pk, "slot": slot_cursor(helper, office, starts_at), **extra},
    )


def test_it_books_and_shows_the_sentence_to_read_back(
    staff_client, senior, helper, office, topic, monday, office_staff
):
    response = book(staff_client, senior, helper, office, topic, at(monday, 10))

    appointment = Appointment.objects.get()
    assert response.url == reverse("desk:confirmation", args=[appointment.pk])
    assert appointment.booked_by == office_staff
    assert appointment.reminders.filter(kind=Reminder.Kind.CONFIRMATION).exists()
    page = staff_client.get(response.url).content.decode()
    assert "Ihr Termin ist am Montag," in page
    assert "um 10:00 Uhr im Stadtteilbüro Grübentälchen, Musterstraße 1." in page
    assert "Sabine hilft Ihnen beim Thema Smartphone." in page
    assert "Bitte bringen Sie Ihr Gerät, das Ladekabel und Ihre Passwörter mit." in page
    assert "Eine Bestätigung per SMS ist vorgemerkt." in page


def test_it_books_and_confirms_in_a_fixed_number_of_queries(
    staff_client, senior, helper, office, topic, monday, django_assert_max_num_queries
):
    name_contact(senior)
    # Session, user with roles, senior with contact, topics, helper, office, the slot's
    # facts and the helper's times, and the booking in its savepoint: appointment,
    # assignment, outbox rows, audit entry (the worker's task is queued on commit, which
    # a test's transaction never reaches).
    with django_assert_max_num_queries(14):
        response = book(staff_client, senior, helper, office, topic, at(monday, 10))
    appointment = Appointment.objects.get()
    assert response.url == reverse("desk:confirmation", args=[appointment.pk])
    # The contact person read with the senior still gets the copy of the confirmation.
    assert appointment.reminders.filter(
        kind=Reminder.Kind.CONFIRMATION, addressee=Reminder.Addressee.CONTACT
    ).exists()

    # Session, user with roles, the appointment with all it shows, its confirmation message.
    with django_assert_max_num_queries(4):
        page = staff_client.get(response.url)
    assert "Eine Bestätigung per SMS ist vorgemerkt." in page.content.decode()


def test_it_reads_back_the_loan_device(senior, helper, office, topic, monday, loan_device):
    appointment = services.appointment_book(
        senior=senior,
        helper=helper,
        office=office,
        topic=topic,
        starts_at=at(monday, 10),
        loan_device_kind="ipad",
    )
    sentence = readback_sentence(appointment)
    assert "Wir halten ein Leihgerät (iPad) für Sie bereit." in sentence
    assert "Ladekabel" not in sentence


def test_it_books_a_loan_device_from_the_search(
    staff_client, senior, helper, office, topic, monday, loan_device
):
    book(staff_client, senior, helper, office, topic, at(monday, 10), device="ipad")
    assert Appointment.objects.get().loan_reservation.device == loan_device


def test_it_shows_the_race_lost_message_and_a_fresh_list(
    staff_client, helper, office, topic, monday
):
    senior = make_senior(first_name="Ilse", last_name="Becker", district=office.district)
    services.appointment_book(
        senior=make_senior(), helper=helper, office=office, topic=topic, starts_at=at(monday, 10)
    )

    response = book(
        staff_client, senior, helper, office, topic, at(monday, 10), first_day=monday.isoformat()
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert "Dieser Termin wurde gerade vergeben" in html
    assert "Ilse Becker" in html
    own = response.context["slot_groups"][0]
    assert own.slots[0].starts_at == at(monday, 11)
    assert response.context["slot_form"]["first_day"].value() == monday.isoformat()
    assert Appointment.objects.filter(senior=senior).count() == 0


def test_it_refuses_booking_to_helpers(client, helper, senior, office, topic, monday):
    client.force_login(helper.user)
    assert book(client, senior, helper, office, topic, at(monday, 10)).status_code == 403
    assert not Appointment.objects.exists()


def test_it_reports_an_invalid_slot_kindly(staff_client, senior, helper, office, topic, monday):
    response = book(staff_client, senior, helper, office, topic, at(monday, 13))
    assert response.status_code == 409
    assert "nicht geöffnet" in response.content.decode()


def test_it_books_at_any_office(staff_client, senior, topic, monday):
    far_office = make_office()
    far_helper = make_helper(far_office, topic, first_name="Jonas")
    book(
        staff_client, senior, far_helper, far_office, topic, at(monday + datetime.timedelta(1), 11)
    )
    assert Appointment.objects.get().office == far_office


def test_it_gives_every_field_a_label(staff_client, senior):
    html = staff_client.get(reverse("desk:senior", args=[senior.pk])).content.decode()
    for field in ("id_topic", "id_device", "id_office", "id_part_of_day", "id_first_day"):
        assert f'for="{field}"' in html, field
    search_form = html[html.index('<form method="get"') :]
    assert "csrfmiddlewaretoken" not in search_form[: search_form.index("</form>")]


def test_it_books_by_keyboard_with_one_submit_button_per_slot(
    staff_client, senior, helper, topic, monday
):
    html = staff_client.get(
        reverse("desk:senior", args=[senior.pk]), {"topic": topic.pk, "first_day": monday}
    ).content.decode()
    offered = re.findall(
        r'<button type="submit" name="slot" value="[^"]+" class="btn btn-success"', html
    )
    assert len(offered) == 9  # a full page ends before its last time
    assert html.count("autofocus>Buchen") == 1
    # One form around them: the search's hidden fields are sent once, not once per slot.
    assert html.count('<input type="hidden" name="topic"') == 1


def test_it_skips_inactive_loan_devices_in_the_search(
    staff_client, senior, helper, office, topic, monday
):
    LoanDevice.objects.create(office=office, kind="ipad", label="iPad kaputt", active=False)
    response = staff_client.get(
        reverse("desk:senior", args=[senior.pk]),
        {"topic": topic.pk, "first_day": monday, "device": "ipad"},
    )
    assert response.context["slot_groups"][0].slots == []


def test_it_offers_creation_when_nobody_is_found_while_typing(staff_client):
    response = staff_client.post(reverse("desk:search"), {"q": "0631 99"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "Niemand gefunden." in html
    assert 'name="q" value="0631 99"' in html
    assert "Neue Person anlegen" in html
