"""The slot search (bookings.availability.free_slots, free_slots_split): what counts as
free, and its cost."""

from __future__ import annotations

import dataclasses
import datetime

import time_machine

from bookings import services
from bookings.availability import AFTERNOON, MORNING, SlotQuery, free_slots, free_slots_split
from bookings.models import Absence, Availability, LoanDevice
from neighborhoods.models import Closure
from tests.conftest import at, make_helper, make_office


def times(slots):
    return [(slot.starts_at, slot.helper_id) for slot in slots]


def test_it_offers_the_helpers_availability_in_topic_sized_steps(helper, office, topic, monday):
    slots = free_slots(SlotQuery(topic=topic, first_day=monday), limit=4)

    assert times(slots) == [
        (at(monday, 10), helper.pk),
        (at(monday, 11), helper.pk),
        (at(monday + datetime.timedelta(days=1), 10), helper.pk),
        (at(monday + datetime.timedelta(days=1), 11), helper.pk),
    ]
    assert slots[0].office_name == office.name
    assert slots[0].helper_first_name == "Sabine"


def test_it_skips_booked_time_and_continues_right_after_it(senior, helper, office, topic, monday):
    services.appointment_book(
        senior=senior, helper=helper, office=office, topic=topic, starts_at=at(monday, 10, 30)
    )
    slots = free_slots(SlotQuery(topic=topic, first_day=monday), limit=2)
    # 10:00–10:30 is too short for an hour; the next day starts again at 10:00.
    assert [slot.starts_at for slot in slots] == [
        at(monday + datetime.timedelta(days=1), 10),
        at(monday + datetime.timedelta(days=1), 11),
    ]


def test_it_skips_closures_and_absences(helper, office, topic, monday):
    Closure.objects.create(office=office, starts_on=monday, ends_on=monday, reason="Umzug")
    tuesday = monday + datetime.timedelta(days=1)
    Absence.objects.create(helper=helper, starts_on=tuesday, ends_on=tuesday)

    slots = free_slots(SlotQuery(topic=topic, first_day=monday), limit=1)

    assert slots[0].starts_at == at(monday + datetime.timedelta(days=2), 10)


def test_it_skips_public_holidays(helper, topic):
    import holidays

    today = datetime.date.today()
    day = next(
        day
        for day in sorted(holidays.country_holidays("DE", subdiv="RP", years=today.year + 1))
        if day.weekday() < 5
    )
    slots = free_slots(SlotQuery(topic=topic, first_day=day), limit=1)
    assert slots[0].starts_at.date() != day


def test_it_filters_by_office_weekday_and_part_of_day(helper, other_helper, other_office, topic):
    monday = datetime.date.today() + datetime.timedelta(weeks=2)
    query = SlotQuery(topic=topic, first_day=monday, offices=(other_office.pk,), weekdays=(2,))
    slots = free_slots(query, limit=3)
    assert {slot.helper_id for slot in slots} == {other_helper.pk}
    assert {slot.starts_at.weekday() for slot in slots} == {2}

    assert free_slots(SlotQuery(topic=topic, first_day=monday, part_of_day=AFTERNOON)) == []
    assert len(free_slots(SlotQuery(topic=topic, first_day=monday, part_of_day=MORNING))) == 10


def test_it_needs_a_free_loan_device_when_asked(senior, helper, office, topic, monday):
    query = SlotQuery(topic=topic, first_day=monday, loan_device_kind="ipad")
    assert free_slots(query) == []

    LoanDevice.objects.create(office=office, kind="ipad", label="iPad 1")
    services.appointment_book(
        senior=senior,
        helper=make_helper(office, topic, first_name="Jonas"),
        office=office,
        topic=topic,
        starts_at=at(monday, 10),
        loan_device_kind="ipad",
    )
    slots = free_slots(query, limit=1)
    assert slots[0].starts_at == at(monday, 11)


def test_it_pages_forward_after_a_cursor(helper, topic, monday):
    first_page = free_slots(SlotQuery(topic=topic, first_day=monday), limit=3)
    second_page = free_slots(
        SlotQuery(topic=topic, first_day=monday, after=first_page[-1].key), limit=3
    )
    both = free_slots(SlotQuery(topic=topic, first_day=monday), limit=6)
    assert first_page + second_page == both


def test_it_ignores_helpers_without_the_topic_or_the_office(office, topic, monday):
    from bookings.models import Topic

    make_helper(office, Topic.objects.create(name="E-Mail"))
    assert free_slots(SlotQuery(topic=topic, first_day=monday)) == []


def test_it_leaves_out_inactive_helpers_and_offices(
    helper, other_helper, other_office, topic, monday
):
    query = SlotQuery(topic=topic, first_day=monday)
    assert {slot.helper_id for slot in free_slots(query)} == {helper.pk, other_helper.pk}
    helper.active = False
    helper.save(update_fields=["active"])
    other_office.active = False
    other_office.save(update_fields=["active"])
    assert free_slots(query) == []


def test_it_uses_a_bounded_number_of_queries(
    django_assert_max_num_queries, django_assert_num_queries, office, topic, monday
):
    offices = [office, *(make_office() for _ in range(3))]

    def add_helpers(count: int) -> None:
        for n in range(count):
            helper = make_helper(offices[n % 4], topic, first_name=f"H{n}")
            Absence.objects.create(
                helper=helper, starts_on=monday, ends_on=monday + datetime.timedelta(days=400)
            )

    add_helpers(12)
    # Nothing free for a year: every widening step runs, none of them per helper or day.
    with django_assert_max_num_queries(30) as captured:
        assert free_slots(SlotQuery(topic=topic, first_day=monday)) == []
    add_helpers(12)
    with django_assert_num_queries(len(captured)):
        assert free_slots(SlotQuery(topic=topic, first_day=monday)) == []

    Absence.objects.all().delete()
    with django_assert_max_num_queries(6):
        assert len(free_slots(SlotQuery(topic=topic, first_day=monday))) == 10


def test_it_orders_by_time_whatever_order_the_ranges_were_made(office, topic, monday):
    from bookings.models import Availability

    late = make_helper(office, topic, first_name="Spät")
    Availability.objects.filter(helper=late).update(
        starts=datetime.time(14), ends=datetime.time(16)
    )
    early = make_helper(office, topic, first_name="Früh")

    slots = free_slots(SlotQuery(topic=topic, first_day=monday), limit=3)

    assert times(slots) == [
        (at(monday, 10), early.pk),
        (at(monday, 11), early.pk),
        (at(monday, 14), late.pk),
    ]


def test_today_offers_only_what_can_still_begin(helper, topic, monday):
    with time_machine.travel(at(monday, 10, 30), tick=False):
        slots = free_slots(SlotQuery(topic=topic, first_day=monday), limit=2)

    assert times(slots) == [
        (at(monday, 11), helper.pk),
        (at(monday + datetime.timedelta(days=1), 10), helper.pk),
    ]


def test_todays_past_ranges_are_never_read(
    django_assert_num_queries, django_assert_max_num_queries, office, topic, monday
):
    for n in range(12):
        make_helper(office, topic, first_name=f"H{n}")
    tuesday = monday + datetime.timedelta(days=1)

    with time_machine.travel(at(monday, 11, 30), tick=False):
        with django_assert_max_num_queries(10) as from_tomorrow:
            first = free_slots(SlotQuery(topic=topic, first_day=tuesday), limit=1)
        # Every range of today has ended: one query finds none, and nothing else is asked.
        with django_assert_num_queries(len(from_tomorrow) + 1):
            assert free_slots(SlotQuery(topic=topic, first_day=monday), limit=1) == first


def test_a_split_search_gives_what_two_searches_give(
    senior, helper, other_helper, office, other_office, topic, monday, django_assert_max_num_queries
):
    tuesday = monday + datetime.timedelta(days=1)
    third_office = make_office()
    # Helps at home in the morning and at the third office in the afternoon.
    both = make_helper(office, topic, first_name="Anna")
    both.offices.add(third_office)
    Availability.objects.create(
        helper=both,
        office=third_office,
        weekday=0,
        starts=datetime.time(14),
        ends=datetime.time(16),
        valid_from=monday,
    )
    Closure.objects.create(office=other_office, starts_on=monday, ends_on=monday, reason="Umzug")
    Absence.objects.create(helper=helper, starts_on=tuesday, ends_on=tuesday)
    # The senior is busy at 11 with Anna at home: no one is offered then, anywhere.
    services.appointment_book(
        senior=senior, helper=both, office=office, topic=topic, starts_at=at(monday, 11)
    )
    home = (office.pk,)
    query = SlotQuery(topic=topic, first_day=monday, senior_id=senior.pk)

    own, others = free_slots_split(query, home, limit=4)
    assert times(own) == [
        (at(monday, 10), helper.pk),
        (at(monday, 10), both.pk),
        (at(tuesday, 10), both.pk),
        (at(tuesday, 11), both.pk),
    ]
    # The other office is closed on Monday; Anna's afternoon at the third office is not.
    assert times(others) == [
        (at(monday, 14), both.pk),
        (at(monday, 15), both.pk),
        (at(tuesday, 10), other_helper.pk),
        (at(tuesday, 11), other_helper.pk),
    ]

    for after in (None, own[1].key, others[2].key):
        asked = dataclasses.replace(query, after=after)
        with django_assert_max_num_queries(12) as split:
            own, others = free_slots_split(asked, home, limit=4)
        with django_assert_max_num_queries(24) as apart:
            assert own == free_slots(dataclasses.replace(asked, offices=home), limit=4)
            assert others == free_slots(dataclasses.replace(asked, skip_offices=home), limit=4)
        assert len(split) < len(apart)
