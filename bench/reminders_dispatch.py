"""Dispatch throughput against a local fake Twilio server, and SQL queries per message.

Prints one JSON line: {"bench": "reminders.dispatch", "per_s": …, "queries": …}.
Runs in the throw-away database of bench/_harness.py.
Quiet hours are off here, so the figure does not depend on the hour it runs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from _harness import ROOT

sys.path.insert(0, str(ROOT))
MESSAGES = int(os.environ.get("BENCH_MESSAGES", "1000"))

from tests.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER  # noqa: E402

# The fake Twilio runs in its own process, like the real one would.
fake = subprocess.Popen(
    [sys.executable, "-m", "tests.fake_twilio"], cwd=ROOT, stdout=subprocess.PIPE, text=True
)
fake_url = fake.stdout.readline().strip()
os.environ.update(
    TWILIO_ACCOUNT_SID=ACCOUNT_SID,
    TWILIO_AUTH_TOKEN=AUTH_TOKEN,
    TWILIO_FROM_NUMBER=FROM_NUMBER,
    TWILIO_API_BASE_URL=fake_url,
    LOG_LEVEL="WARNING",
    # As in production: cached templates, no query log.
    DEBUG="false",
    SECRET_KEY="bench-only-" + "x" * 40,
)

from _harness import setup_django  # noqa: E402

setup_django()

from django.db import connection  # noqa: E402

from bookings.models import Reminder  # noqa: E402
from bookings.outbox.dispatch import dispatch_due  # noqa: E402
from tests import reminder_world  # noqa: E402  (switches quiet hours off)


def main() -> None:
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    office = reminder_world.populate(MESSAGES)
    try:
        started = time.perf_counter()
        with connection.execute_wrapper(count):
            handled = dispatch_due(run_seconds=600)
        elapsed = time.perf_counter() - started
        sent = Reminder.objects.filter(status=Reminder.Status.SENT, appointment__office=office)
        assert handled == MESSAGES == sent.exclude(provider_sid="").count()
    finally:
        fake.kill()
        reminder_world.depopulate(office)
    per_message_ms = elapsed * 1000 / MESSAGES
    print(
        json.dumps(
            {
                "bench": "reminders.dispatch",
                # One run over all messages: a mean per message, not a median.
                "median_ms": None,
                "p95_ms": None,
                "ms_per_message": round(per_message_ms, 2),
                "queries": round(queries / MESSAGES, 2),
                "per_s": round(MESSAGES / elapsed, 1),
                "data": f"{MESSAGES} due SMS, {connection.vendor}",
            }
        )
    )


if __name__ == "__main__":
    main()
