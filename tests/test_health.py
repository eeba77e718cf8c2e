"""`/gesundheit/`: database, broker and the oldest due message, as JSON for monitoring."""

from __future__ import annotations

import datetime
import os

import pytest
import redis
from django.urls import reverse

from bookings.models import Reminder
from tests.conftest import at
from tests.reminder_fixtures import a_weekday_morning, book, travel

REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/4")


def _health(client):
    response = client.get(reverse("health"))
    return response.status_code, response.json()


def test_it_is_healthy_without_due_messages(client, db):
    status, body = _health(client)
    assert status == 200
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["broker"] == {"ok": True, "kind": "orm"}
    assert body["checks"]["outbox"]["oldest_due_seconds"] == 0
    assert "no-store" in client.get(reverse("health"))["Cache-Control"]


def test_it_fails_when_a_due_message_waits_too_long(client, senior, helper, office, topic):
    morning = a_weekday_morning()
    with travel(morning):
        book(senior, helper, office, topic, at(morning.date() + datetime.timedelta(days=7), 10))
        assert Reminder.objects.filter(status=Reminder.Status.PENDING).exists()
        status, _ = _health(client)
        assert status == 200
    with travel(morning + datetime.timedelta(minutes=16)):
        response = client.get(reverse("health"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    assert body["checks"]["outbox"]["ok"] is False
    assert body["checks"]["outbox"]["oldest_due_seconds"] == 16 * 60
    assert body["checks"]["database"]["ok"] is True
    # Nothing personal in the answer.
    text = response.content.decode()
    for private in (senior.first_name, senior.last_name, str(senior.phone)[-6:]):
        assert private not in text


def test_it_follows_the_threshold_setting(client, settings, senior, helper, office, topic):
    settings.HEALTH_OUTBOX_MAX_DELAY_MINUTES = 60
    morning = a_weekday_morning()
    with travel(morning):
        book(senior, helper, office, topic, at(morning.date() + datetime.timedelta(days=7), 10))
    with travel(morning + datetime.timedelta(minutes=30)):
        assert _health(client)[0] == 200


def test_a_message_held_back_at_night_counts_from_the_morning(
    client, senior, helper, office, topic
):
    morning = a_weekday_morning()  # 11:00 on a working day
    with travel(morning):
        book(senior, helper, office, topic, at(morning.date() + datetime.timedelta(days=7), 10))
    evening = morning.replace(hour=22) - datetime.timedelta(days=1)
    Reminder.objects.filter(channel=Reminder.Channel.SMS).update(due_at=evening)
    # 09:05: the quiet hours ended five minutes ago; the text has waited only since then.
    with travel(morning.replace(hour=9, minute=5)):
        status, body = _health(client)
    assert status == 200, body
    assert body["checks"]["outbox"]["oldest_due_seconds"] <= 5 * 60


def test_it_fails_when_the_redis_broker_does_not_answer(client, settings, db):
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "redis": "redis://127.0.0.1:1/0"}
    status, body = _health(client)
    assert status == 503
    assert body["checks"]["broker"] == {"ok": False, "error": "ConnectionError"}
    assert body["checks"]["database"]["ok"] is True


def test_it_pings_a_running_redis_broker(client, settings, db):
    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=2).ping()
    except redis.ConnectionError:
        pytest.skip("Redis is not reachable on 127.0.0.1:6379")
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "redis": REDIS_TEST_URL}
    status, body = _health(client)
    assert status == 200
    assert body["checks"]["broker"] == {"ok": True, "kind": "redis"}


def test_it_answers_anonymous_get_only(client, db):
    assert client.post(reverse("health")).status_code == 405
