"""The fault test for a database outage (invariant 2): while a worker dispatches due
messages, PostgreSQL becomes unreachable for it; the worker waits, resumes when the
database is back, and in the end every message arrived exactly once.

The shared PostgreSQL server is not stopped: the worker (a subprocess on the test
database) reaches it through a TCP proxy of this test's own (tests/tcp_proxy.py), which
drops and refuses its connections.
"""

from __future__ import annotations

import collections

import pytest
from django.db import connection

from bookings.models import Reminder
from tests.conftest import needs_postgres
from tests.fake_twilio import start_fake_twilio
from tests.live_server import database_url
from tests.reminder_processes import run, start, world_env
from tests.tcp_proxy import TcpProxy

pytestmark = [needs_postgres, pytest.mark.django_db(transaction=True)]

MESSAGES = 150
OUTAGES = 2
# Connection attempts the worker makes (and the proxy refuses) before the database is
# back: proof that it waited and asked again rather than giving up.
REFUSALS = 3
DEADLINE = 60


class ProxiedDatabase:
    """What tests.reminder_processes.world_env needs to know of the database."""

    def __init__(self, url: str) -> None:
        self.url = url


def test_it_sends_every_message_once_across_database_outages():
    fake, server = start_fake_twilio()
    settings_dict = connection.settings_dict
    # The same confirmations as the kill test's, written straight to the database.
    direct = ProxiedDatabase(database_url(settings_dict))
    run(world_env(direct, fake.url), "populate", str(MESSAGES))
    proxy = TcpProxy((settings_dict["HOST"] or "127.0.0.1", int(settings_dict["PORT"] or 5432)))
    behind_proxy = database_url({**settings_dict, "HOST": "127.0.0.1", "PORT": proxy.port})
    env = world_env(
        ProxiedDatabase(behind_proxy),
        fake.url,
        # A row is sent only while two Twilio timeouts of its lease are left.
        OUTBOX_LEASE_SECONDS="3",
        TWILIO_TIMEOUT_SECONDS="0.5",
    )
    worker = start(env, "dispatch-through-outage")
    try:
        for outage in range(1, OUTAGES + 1):
            # Cut while messages are going out: some claimed, some sent, some recorded.
            assert fake.wait_for(outage * MESSAGES // (OUTAGES + 1), timeout=DEADLINE)
            proxy.cut()
            assert proxy.wait_refused(outage * REFUSALS, timeout=DEADLINE)
            assert worker.poll() is None, "the worker gave up while the database was away"
            proxy.restore()
        assert worker.wait(timeout=180) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        proxy.close()
        server.shutdown()
        server.server_close()

    arrived = collections.Counter(m["StatusCallback"] for m in fake.messages())
    assert len(arrived) == MESSAGES
    assert set(arrived.values()) == {1}
    statuses = collections.Counter(Reminder.objects.values_list("status", flat=True))
    assert statuses == {Reminder.Status.SENT: MESSAGES}
