"""End to end through a real django-q2 cluster: a booking's confirmation reaches the
fake Twilio server, once with the ORM broker and once with Redis (127.0.0.1:6379, db 4).
"""

from __future__ import annotations

import os
import signal
import socket

import pytest

from tests.fake_twilio import start_fake_twilio
from tests.reminder_processes import WorldDatabase, migrate, run, start, world_env

# Each checkout running tests at once can take its own Redis database.
REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/4")


def _redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.parametrize("broker", ["orm", "redis"])
def test_a_booking_is_confirmed_through_a_real_cluster(tmp_path, broker):
    if broker == "redis" and not _redis_reachable():
        pytest.skip("Redis is not reachable on 127.0.0.1:6379")
    fake, server = start_fake_twilio()
    database = WorldDatabase(tmp_path)
    env = world_env(database, fake.url, Q_BROKER=broker, REDIS_URL=REDIS_URL)
    try:
        migrate(env)
        run(env, "book")
        if broker == "orm":
            # The booking's commit queued the dispatch task in the ORM broker's table.
            assert database.rows("select count(*) from django_q_ormq") == [(1,)]
        cluster = start(env, "qcluster")
        try:
            arrived = fake.wait_for(1, timeout=180)
        finally:
            cluster.send_signal(signal.SIGTERM)
            cluster.wait(timeout=180)
    finally:
        server.shutdown()
        server.server_close()
        database.drop()

    assert arrived
    (sms,) = fake.messages()
    assert sms["To"] == "+4915123456789"
    assert "Stadtteilbüro Grübentälchen" in sms["Body"]
    assert sms["StatusCallback"].startswith("https://hilfe.example.org/twilio/status/")
