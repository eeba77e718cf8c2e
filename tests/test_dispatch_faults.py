"""The kill test (invariant 2): real qcluster processes (two workers) sending SMS, calls and
helper e-mails, several rows to each number and address, through a fake Twilio that
answers slowly, while the cluster's whole process group is killed with SIGKILL at random
moments and started again. Counted where the messages arrive (the fake server, the mail
folder): every row exactly once, none lost, nothing left "sending", all within a bound.

Runs against PostgreSQL when the suite does, else against a SQLite file; with the ORM
broker and with Redis (REDIS_TEST_URL). By default two variants run (ORM at 0.5 s, Redis
at 0.1 s); OUTBOX_KILL_TEST_FULL=1 runs every broker with every latency.
"""

from __future__ import annotations

import collections
import email
import os
import random
import re
import signal
import socket
import time
from pathlib import Path

import pytest

from tests.fake_twilio import start_fake_twilio
from tests.reminder_processes import WorldDatabase, migrate, run, start, world_env

ROWS = int(os.environ.get("OUTBOX_KILL_TEST_ROWS", "120"))
KILLS = int(os.environ.get("OUTBOX_KILL_TEST_KILLS", "5"))
LEASE_SECONDS = 6
TWILIO_TIMEOUT_SECONDS = 1.5
# Sending takes a few seconds; each kill leaves rows that wait out one lease, and the
# cluster needs a moment to start again.
BOUND_SECONDS = 120
REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/4")

VARIANTS = [("orm", 0.5), ("redis", 0.1)]
if os.environ.get("OUTBOX_KILL_TEST_FULL") == "1":
    VARIANTS = [("orm", 0.1), ("orm", 0.5), ("redis", 0.1), ("redis", 0.5)]


def _redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def _empty_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def _kill_group(process) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def _emails_per_row(folder: Path) -> collections.Counter:
    arrived = collections.Counter()
    for path in folder.glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes())
        arrived[
            int(re.fullmatch(r"<reminder-(\d+)@digitale-hilfe>", message["Message-ID"])[1])
        ] += 1
    return arrived


def _wait_until_all_resolved(database: WorldDatabase, deadline: float) -> bool:
    query = "select count(*) from bookings_reminder where status in ('pending', 'sending')"
    while time.monotonic() < deadline:
        if database.rows(query) == [(0,)]:
            return True
        time.sleep(0.25)  # polling the database for a condition, with a deadline
    return False


@pytest.mark.parametrize(("broker", "latency"), VARIANTS)
def test_killed_workers_send_every_message_exactly_once(tmp_path, broker, latency):
    if broker == "redis":
        if not _redis_reachable():
            pytest.skip("Redis is not reachable on 127.0.0.1:6379")
        _empty_redis()
    fake, server = start_fake_twilio(latency=latency)
    database = WorldDatabase(tmp_path)
    mail_folder = tmp_path / "mail"
    env = world_env(
        database,
        fake.url,
        Q_BROKER=broker,
        REDIS_URL=REDIS_URL,
        Q_WORKERS="2",
        OUTBOX_LEASE_SECONDS=str(LEASE_SECONDS),
        OUTBOX_RUN_SECONDS="4",
        TWILIO_TIMEOUT_SECONDS=str(TWILIO_TIMEOUT_SECONDS),
        EMAIL_BACKEND="bookings.outbox.transports.mail_backends.OneFilePerMessageBackend",
        EMAIL_FILE_PATH=str(mail_folder),
    )
    chance = random.Random()
    processes = []
    try:
        migrate(env)
        run(env, "mixed", str(ROWS))
        started = time.monotonic()
        feeder = start(env, "feed")
        cluster = start(env, "qcluster")
        processes = [feeder, cluster]
        kills = 0
        for _ in range(KILLS):
            # A random moment: after a random number of further arrivals at the fake.
            target = len(fake.arrivals) + chance.randint(3, ROWS // 15)
            if not fake.wait_for(target, timeout=30):
                break
            _kill_group(cluster)
            kills += 1
            cluster = start(env, "qcluster")
            processes[1] = cluster
        resolved = _wait_until_all_resolved(database, started + BOUND_SECONDS)
        elapsed = time.monotonic() - started
        statuses = dict(
            database.rows("select status, count(*) from bookings_reminder group by status")
        )
        recorded = dict(
            database.rows("select id, provider_sid from bookings_reminder where channel <> 'email'")
        )
    finally:
        for process in processes:
            if process.poll() is None:
                _kill_group(process)
        server.shutdown()
        server.server_close()
        database.drop()
        if broker == "redis" and _redis_reachable():
            _empty_redis()

    print(f"{broker} {latency}s: {ROWS} rows, {kills} kills, all sent after {elapsed:.1f} s")
    assert kills == KILLS
    assert resolved, f"rows still open after {BOUND_SECONDS} s: {statuses}"
    assert statuses == {"sent": ROWS}
    per_row = collections.Counter(
        int(re.search(r"/twilio/status/(\d+)/", a["StatusCallback"])[1]) for a in fake.arrivals
    )
    per_row.update(_emails_per_row(mail_folder))
    assert len(per_row) == ROWS  # none lost
    assert max(per_row.values()) == 1  # none twice
    # Each SMS or call row holds the SID of the one message or call made for it.
    made_for = {
        int(re.search(r"/twilio/status/(\d+)/", a["StatusCallback"])[1]): a["_sid"]
        for a in fake.arrivals
    }
    assert recorded == made_for
    assert fake.calls() and fake.messages()
    assert elapsed < BOUND_SECONDS
