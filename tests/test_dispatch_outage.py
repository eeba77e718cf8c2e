"""The fault test for a database outage (invariant 2): while a worker dispatches due
messages, PostgreSQL becomes unreachable for it; the worker waits, resumes when the
database is back, and in the end every message arrived exactly once.

The shared PostgreSQL server is not stopped: the worker reaches it through a TCP proxy
of this test's own (tests/tcp_proxy.py), which drops and refuses its connections.
"""

from __future__ import annotations

import collections
from urllib.parse import urlsplit, urlunsplit

from tests.conftest import needs_postgres
from tests.fake_twilio import start_fake_twilio
from tests.reminder_processes import WorldDatabase, migrate, run, start, world_env
from tests.tcp_proxy import TcpProxy

MESSAGES = 200
OUTAGES = 2
# Connection attempts the worker makes (and the proxy refuses) before the database is
# back: proof that it waited and asked again rather than giving up.
REFUSALS = 3
DEADLINE = 60


@needs_postgres
def test_it_sends_every_message_once_across_database_outages(tmp_path):
    fake, server = start_fake_twilio()
    database = WorldDatabase(tmp_path)
    parts = urlsplit(database.url)
    proxy = TcpProxy((parts.hostname, parts.port or 5432))
    behind_proxy = urlunsplit(parts._replace(netloc=f"{parts.username}@127.0.0.1:{proxy.port}"))
    env = world_env(database, fake.url, REMINDER_LEASE_SECONDS="2")
    worker = None
    try:
        migrate(env)
        run(env, "populate", str(MESSAGES))
        worker = start({**env, "DATABASE_URL": behind_proxy}, "dispatch-through-outage")
        for outage in range(1, OUTAGES + 1):
            # Cut while messages are going out: some claimed, some sent, some recorded.
            assert fake.wait_for(outage * MESSAGES // (OUTAGES + 1), timeout=DEADLINE)
            proxy.cut()
            assert proxy.wait_refused(outage * REFUSALS, timeout=DEADLINE)
            assert worker.poll() is None, "the worker gave up while the database was away"
            proxy.restore()
        assert worker.wait(timeout=180) == 0
        rows = dict(database.rows("select status, count(*) from bookings_reminder group by status"))
    finally:
        if worker is not None and worker.poll() is None:
            worker.kill()
            worker.wait()
        proxy.close()
        server.shutdown()
        server.server_close()
        database.drop()

    arrived = collections.Counter(m["StatusCallback"] for m in fake.messages())
    assert len(arrived) == MESSAGES
    assert set(arrived.values()) == {1}
    assert rows == {"sent": MESSAGES}
