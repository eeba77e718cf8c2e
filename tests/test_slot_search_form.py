"""The desk's slot search form: rendered once per search a process has seen, and always
the same HTML as crispy would render it now."""

from __future__ import annotations

import pytest
from crispy_forms.utils import render_crispy_form
from django.core.cache import cache
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from bookings.desk.forms import SlotSearchForm
from bookings.models import Topic
from tests.conftest import make_office


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def bound(query: str) -> SlotSearchForm:
    form = SlotSearchForm(QueryDict(query))
    form.is_valid()
    return form


def fresh(query: str) -> str:
    """What crispy renders for this search, without the cache."""
    form = bound(query)
    return render_crispy_form(form, form.crispy)


@pytest.mark.parametrize(
    "query",
    [
        "kind=office&topic={topic}",
        "kind=phone&topic={topic}&device=ipad",  # an error: the phone needs no loan device
        "kind=video&topic={topic}&office={office}&weekdays=0&weekdays=3&part_of_day=morning",
        "topic=999999&first_day=9999-99-99",  # errors in two fields
    ],
)
def test_it_renders_what_crispy_renders(query, topic, office):
    query = query.format(topic=topic.pk, office=office.pk)
    first = str(bound(query).rendered())
    assert first == fresh(query)
    assert str(bound(query).rendered()) == first  # from the cache, the same


def test_the_second_rendering_asks_the_database_only_for_the_choices(topic, office):
    query = f"topic={topic.pk}"
    bound(query).rendered()
    form = bound(query)
    with CaptureQueriesContext(connection) as queries:
        html = form.rendered()
    # The topic was read when the form was checked; the offices once, for the key.
    [offices] = queries.captured_queries
    assert "neighborhoods_office" in offices["sql"]
    assert "Smartphone" in html


def test_a_new_topic_or_office_shows_at_once(topic, office):
    query = f"topic={topic.pk}"
    before = str(bound(query).rendered())
    Topic.objects.create(name="Online-Banking", duration_minutes=60)
    make_office("Stadtteilbüro Erfenbach")
    after = str(bound(query).rendered())
    assert "Online-Banking" in after and "Erfenbach" in after
    assert "Online-Banking" not in before
    assert after == fresh(query)


def test_a_fixed_field_and_the_focus_are_part_of_what_is_kept(topic, office):
    query = f"topic={topic.pk}"
    plain = str(bound(query).rendered())
    focused = bound(query)
    focused.fields["topic"].widget.attrs["autofocus"] = True
    fixed = SlotSearchForm(QueryDict(query), initial={"topic": topic})
    fixed.fields["topic"].disabled = True
    fixed.is_valid()
    assert "autofocus" in str(focused.rendered()) and "autofocus" not in plain
    assert "disabled" in str(fixed.rendered()) and "disabled" not in plain


def test_hostile_text_is_escaped_in_the_kept_form(topic):
    query = f"topic={topic.pk}&first_day=%22%3E%3Cscript%3Ealert(1)%3C/script%3E"
    html = str(bound(query).rendered())
    assert "<script>" not in html
    assert html == fresh(query)
