"""Recording a walk-in visit: the service's rule and the two pages (desk, helper)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from coordination.models import WalkIn
from coordination.walk_ins import record_walk_in

DESK_URL = reverse("desk:walk_in")
HELPER_URL = reverse("helpers:walk_in")


def test_it_records_a_walk_in_for_the_helpers_office(helper, office, topic):
    walk_in = record_walk_in(office=office, topic=topic, helper=helper, minutes=60, device="loan")
    assert (walk_in.office, walk_in.minutes, walk_in.device) == (office, 60, "loan")


def test_a_helper_cannot_record_for_an_office_they_do_not_serve(helper, other_office, topic):
    with pytest.raises(ValidationError, match="helfen nicht"):
        record_walk_in(office=other_office, topic=topic, helper=helper)
    assert not WalkIn.objects.exists()


def test_office_staff_record_in_two_clicks_for_any_office(
    client, office_staff, other_office, topic
):
    client.force_login(office_staff)
    page = client.get(DESK_URL)
    assert page.status_code == 200
    assert f'name="topic" value="{topic.pk}"' in page.content.decode()
    # The defaults stand; the second click is the topic's button.
    response = client.post(
        DESK_URL, {"office": other_office.pk, "minutes": 20, "device": "own", "topic": topic.pk}
    )
    assert response.status_code == 302
    walk_in = WalkIn.objects.get()
    assert (walk_in.office, walk_in.recorded_by, walk_in.helper) == (
        other_office,
        office_staff,
        None,
    )
    assert "Besuch ohne Termin erfasst" in client.get(DESK_URL).content.decode()


def test_the_helper_page_offers_only_their_offices(client, helper, office, other_office, topic):
    client.force_login(helper.user)
    page = client.get(HELPER_URL)
    assert page.status_code == 200
    assert office.name in page.content.decode()
    assert other_office.name not in page.content.decode()
    refused = client.post(
        HELPER_URL, {"office": other_office.pk, "minutes": 20, "device": "own", "topic": topic.pk}
    )
    assert refused.status_code == 422
    assert not WalkIn.objects.exists()
    client.post(
        HELPER_URL, {"office": office.pk, "minutes": 10, "device": "own", "topic": topic.pk}
    )
    assert WalkIn.objects.get().helper == helper


def test_without_a_topic_it_says_what_to_do(client, office_staff, office):
    client.force_login(office_staff)
    response = client.post(DESK_URL, {"office": office.pk, "minutes": 20, "device": "own"})
    assert response.status_code == 422
    assert "Bitte klicken Sie auf ein Thema." in response.content.decode()


def test_helpers_cannot_use_the_desk_page_nor_staff_the_helper_page(client, helper, office_staff):
    client.force_login(helper.user)
    assert client.get(DESK_URL).status_code == 403
    client.force_login(office_staff)
    assert client.get(HELPER_URL).status_code == 403
