"""The fault test (invariant 2): dispatchers killed with SIGKILL at random points while
sending 1,000 due messages, restarted, and in the end every message arrived exactly once.
Runs against PostgreSQL when the suite does, else against a SQLite file.
"""

from __future__ import annotations

import collections
import random
import signal

from tests.fake_twilio import start_fake_twilio
from tests.reminder_processes import WorldDatabase, migrate, run, start, world_env

MESSAGES = 1000
KILLS = 12


def test_killed_dispatchers_send_every_message_exactly_once(tmp_path):
    fake, server = start_fake_twilio()
    database = WorldDatabase(tmp_path)
    # The lease must outlast a batch's sends even on a busy machine (else a live worker's
    # rows are taken over mid-send and go out twice), yet stay short, as dead workers'
    # rows wait for it: batches of 20 and a 5 s lease.
    env = world_env(database, fake.url, REMINDER_LEASE_SECONDS="5", REMINDER_BATCH="20")
    try:
        migrate(env)
        run(env, "populate", str(MESSAGES))
        chance = random.Random()
        workers = [start(env, "dispatch"), start(env, "dispatch")]
        for _ in range(KILLS):
            # Kill at a random point: after a random number of further arrivals.
            target = min(len(fake.arrivals) + chance.randint(1, 60), MESSAGES)
            fake.wait_for(target, timeout=60)
            victim = workers.pop(chance.randrange(len(workers)))
            victim.send_signal(signal.SIGKILL)
            victim.wait()
            workers.append(start(env, "dispatch"))
        for worker in workers:
            assert worker.wait(timeout=180) == 0
        rows = dict(database.rows("select status, count(*) from bookings_reminder group by status"))
        sids = {row[0] for row in database.rows("select provider_sid from bookings_reminder")}
    finally:
        server.shutdown()
        server.server_close()
        database.drop()

    arrived = collections.Counter(m["StatusCallback"] for m in fake.messages())
    assert len(arrived) == MESSAGES
    assert set(arrived.values()) == {1}
    assert rows == {"sent": MESSAGES}
    # Workers died between sending and recording: the provider was asked, not resent to.
    assert fake.lookups > 0
    assert sids == {m["_sid"] for m in fake.messages()}
