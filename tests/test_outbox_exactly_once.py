"""The dispatcher's exactly-once rules, one at a time, with the real twilio client against
the fake Twilio server: disjoint claims, one unresolved send per address, no adopted SIDs,
e-mails after an interruption, Retry-After and STOP (error 21610)."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection

from bookings.models import Reminder
from bookings.outbox import claims, dispatch
from bookings.outbox.dispatch import dispatch_due
from bookings.outbox.transports.email import message_id
from tests.conftest import at, make_senior
from tests.reminder_fixtures import a_weekday_morning, book, travel

MOBILE = "+4915123456789"
LANDLINE = "+49631123456"


def _confirmation(senior, helper, office, topic, starts_at) -> Reminder:
    appointment = book(senior, helper, office, topic, starts_at)
    return appointment.reminders.get(kind=Reminder.Kind.CONFIRMATION, senior=senior)


def test_retry_after_on_429_is_honoured(fake_twilio, senior, helper, office, topic, monday):
    fake_twilio.fail(MOBILE, 429, 20429)
    fake_twilio.retry_after[MOBILE] = "600"
    reminder = _confirmation(senior, helper, office, topic, at(monday, 10))
    morning = a_weekday_morning()
    with travel(morning):
        dispatch_due()
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.PENDING
    assert reminder.due_at == morning + datetime.timedelta(seconds=600)

    with travel(morning + datetime.timedelta(minutes=5)):
        dispatch_due()
    assert not [m for m in fake_twilio.messages() if m["To"] == MOBILE]
    with travel(morning + datetime.timedelta(minutes=11)):
        dispatch_due()
    assert len([m for m in fake_twilio.messages() if m["To"] == MOBILE]) == 1


def test_stop_at_twilio_withdraws_the_seniors_other_rows(
    fake_twilio, senior, helper, office, topic, monday
):
    fake_twilio.fail(MOBILE, 400, 21610)
    reminder = _confirmation(senior, helper, office, topic, at(monday, 10))
    day_before = reminder.appointment.reminders.get(kind=Reminder.Kind.DAY_BEFORE)
    assert day_before.status == Reminder.Status.PENDING
    with travel(a_weekday_morning()):
        dispatch_due()

    senior.refresh_from_db()
    day_before.refresh_from_db()
    assert senior.opted_out_at is not None
    assert day_before.status == Reminder.Status.CANCELLED


def test_rows_to_one_landline_each_get_their_own_call(fake_twilio, helper, office, topic, monday):
    senior = make_senior(phone=LANDLINE)
    first = _confirmation(senior, helper, office, topic, at(monday, 10))
    second = _confirmation(senior, helper, office, topic, at(monday, 11))
    # The first call went out but Twilio answered 500: the row stays uncertain.
    fake_twilio.fail(LANDLINE, 500, 20500, went_out=True)
    morning = a_weekday_morning()
    with travel(morning):
        dispatch_due()
    first.refresh_from_db()
    second.refresh_from_db()
    assert len(fake_twilio.calls()) == 1
    assert first.uncertain_since is not None and first.inflight_key
    # The second waited: no second call while the first is unresolved.
    assert second.status == Reminder.Status.PENDING and not second.inflight_key

    for minutes in (5, 10, 15):
        with travel(morning + datetime.timedelta(minutes=minutes)):
            dispatch_due()

    calls = fake_twilio.calls()
    first.refresh_from_db()
    second.refresh_from_db()
    assert len(calls) == 2
    assert {first.provider_sid, second.provider_sid} == {call["_sid"] for call in calls}
    assert first.provider_sid == calls[0]["_sid"]
    assert (first.status, second.status) == (Reminder.Status.SENT, Reminder.Status.SENT)
    assert not first.inflight_key and not second.inflight_key


def test_a_call_another_row_holds_is_never_adopted(fake_twilio, helper, office, topic, monday):
    senior = make_senior(phone=LANDLINE)
    first = _confirmation(senior, helper, office, topic, at(monday, 10))
    morning = a_weekday_morning()
    with travel(morning):
        dispatch_due()
    first.refresh_from_db()
    second = _confirmation(senior, helper, office, topic, at(monday, 11))
    # Twilio answers 500 without placing the call: the one call it has is the first row's.
    fake_twilio.fail(LANDLINE, 500, 20500, went_out=False)
    with travel(morning + datetime.timedelta(seconds=10)):
        dispatch_due()
    second.refresh_from_db()
    assert second.uncertain_since is not None
    lookups = fake_twilio.lookups

    with travel(morning + datetime.timedelta(minutes=5)):
        dispatch_due()

    second.refresh_from_db()
    assert fake_twilio.lookups == lookups + 1
    assert len(fake_twilio.calls()) == 2
    assert second.provider_sid == fake_twilio.calls()[1]["_sid"] != first.provider_sid


def _helper_email_row(senior, helper, office, topic, monday) -> Reminder:
    helper.user.email = "sabine@example.org"
    helper.user.save()
    appointment = book(senior, helper, office, topic, at(monday, 10))
    return appointment.reminders.get(helper=helper, channel=Reminder.Channel.EMAIL)


def _interrupt_after_send(monkeypatch):
    """The worker dies after the e-mail left and before its outcome was committed."""

    record = dispatch._record

    def killed(reminder, *args):
        if reminder.channel == Reminder.Channel.EMAIL:
            raise KeyboardInterrupt
        record(reminder, *args)

    monkeypatch.setattr(dispatch, "_record", killed)


def test_an_interrupted_email_the_backend_has_is_not_sent_again(
    monkeypatch, settings, tmp_path, senior, helper, office, topic, monday
):
    settings.EMAIL_BACKEND = "bookings.outbox.transports.mail_backends.OneFilePerMessageBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    reminder = _helper_email_row(senior, helper, office, topic, monday)
    morning = a_weekday_morning()
    with travel(morning), monkeypatch.context() as patch:
        _interrupt_after_send(patch)
        with pytest.raises(KeyboardInterrupt):
            dispatch_due()
    reminder.refresh_from_db()
    assert (reminder.status, reminder.provider_sid) == (Reminder.Status.SENDING, "")
    assert reminder.uncertain_since is not None

    with travel(morning + claims.LEASE + datetime.timedelta(minutes=1)):
        dispatch_due()

    reminder.refresh_from_db()
    assert len(list(tmp_path.glob("*.eml"))) == 1
    assert (reminder.status, reminder.provider_status) == (Reminder.Status.SENT, "sent")
    assert reminder.provider_sid == message_id(reminder.pk)


def test_an_interrupted_email_the_backend_lost_is_sent(
    settings, tmp_path, senior, helper, office, topic, monday
):
    settings.EMAIL_BACKEND = "bookings.outbox.transports.mail_backends.OneFilePerMessageBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    reminder = _helper_email_row(senior, helper, office, topic, monday)
    morning = a_weekday_morning()
    # Left as a worker killed after committing the attempt and before the file was there.
    Reminder.objects.filter(pk=reminder.pk).update(
        status=Reminder.Status.SENDING,
        claimed_until=morning,
        uncertain_since=morning,
        inflight_key="email:sabine@example.org",
    )
    with travel(morning + datetime.timedelta(minutes=1)):
        dispatch_due()

    reminder.refresh_from_db()
    assert len(list(tmp_path.glob("*.eml"))) == 1
    assert reminder.status == Reminder.Status.SENT


def test_an_interrupted_email_over_smtp_counts_as_sent_never_twice(
    monkeypatch, senior, helper, office, topic, monday
):
    reminder = _helper_email_row(senior, helper, office, topic, monday)
    morning = a_weekday_morning()
    with travel(morning), monkeypatch.context() as patch:
        _interrupt_after_send(patch)
        with pytest.raises(KeyboardInterrupt):
            dispatch_due()
    with travel(morning + claims.LEASE + datetime.timedelta(minutes=1)):
        dispatch_due()

    reminder.refresh_from_db()
    assert len([m for m in mail.outbox if m.to == ["sabine@example.org"]]) == 1
    assert (reminder.status, reminder.provider_status) == (Reminder.Status.SENT, "uncertain")


def _due_rows(count: int) -> list[int]:
    """Rows to claim (claiming looks at nothing but the row)."""
    due = a_weekday_morning() - datetime.timedelta(minutes=1)
    rows = Reminder.objects.bulk_create(
        Reminder(
            senior=make_senior(phone=f"+4915123{n:06d}", last_name=f"Test{n}"),
            kind=Reminder.Kind.CONFIRMATION,
            channel=Reminder.Channel.SMS,
            due_at=due,
            dedupe_key=f"claim-test:{n}",
        )
        for n in range(count)
    )
    return [row.pk for row in rows]


def test_two_claims_take_disjoint_rows(db):
    _due_rows(5)
    now = a_weekday_morning()
    with travel(now):
        first = claims._claim_batch(now, 3)
        second = claims._claim_batch(now, 3)
    assert len(first) == 3
    assert {r.pk for r in first}.isdisjoint({r.pk for r in second})
    assert (
        len(first) + len(second) == Reminder.objects.filter(status=Reminder.Status.SENDING).count()
    )


@pytest.mark.django_db(transaction=True)
def test_racing_workers_claim_disjoint_rows():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SKIP LOCKED under real concurrency")
    rows = set(_due_rows(40))
    now = a_weekday_morning()
    barrier = threading.Barrier(4)
    claimed: list[list[int]] = []

    def worker() -> None:
        try:
            barrier.wait(timeout=10)
            mine = []
            while batch := claims._claim_batch(now, 3):
                mine += [r.pk for r in batch]
            claimed.append(mine)
        finally:
            connection.close()

    with travel(now):
        threads = [threading.Thread(target=worker) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    every = [pk for mine in claimed for pk in mine]
    assert len(claimed) == 4
    assert len(every) == len(set(every))
    assert set(every) == rows
    # Each worker went on after losing rows to the others.
    assert sum(1 for mine in claimed if mine) >= 2


def test_a_row_closed_while_unresolved_does_not_block_its_address(
    fake_twilio, senior, helper, office, topic, monday
):
    first = _confirmation(senior, helper, office, topic, at(monday, 10))
    second = _confirmation(senior, helper, office, topic, at(monday, 11))
    morning = a_weekday_morning()
    Reminder.objects.filter(pk=first.pk).update(
        status=Reminder.Status.CANCELLED, uncertain_since=morning, inflight_key=f"sms:{MOBILE}"
    )
    with travel(morning):
        dispatch_due()

    second.refresh_from_db()
    assert second.status == Reminder.Status.SENT
    assert len([m for m in fake_twilio.messages() if m["To"] == MOBILE]) == 1
