"""Dispatch throughput through the real worker: `manage.py qcluster` (django-q2) sending
due SMS to a fake Twilio in its own process that answers every request after 100 ms.

Prints one JSON line per measure: {"bench": "reminders.dispatch", "workers": 1|2, …}.
`per_s` is messages sent per second, from the moment they fell due to the last outcome
recorded; `steady_per_s` the same between the 10th and the 90th percentile of the
outcomes, without the start (the cluster picking up its first task) and the last batch;
`median_ms`/`p95_ms` are each message's time from due to recorded (p95 from
statistics.quantiles); `cpu_ms_per_message` is the CPU time the cluster's processes
and the fake used per message, which tells whether the workers or the machine set the
pace. The cluster is started before the rows fall due, so its start-up is not
measured. Runs in a throw-away database next to DATABASE_URL's (PostgreSQL) or in a
temporary SQLite file. Quiet hours are off (tests.reminder_world).
"""

from __future__ import annotations

import datetime
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _harness import cpu_seconds  # noqa: E402

from tests.reminder_processes import WorldDatabase, migrate, run, start, world_env  # noqa: E402

# Enough that the fixed parts (the cluster picking up its first task 0.2 to 0.4 s after
# the rows fall due, the last batch) weigh little beside the sending: with 1,000 they
# took about 6 % of a 2-worker run's time.
MESSAGES = int(os.environ.get("BENCH_MESSAGES", "2000"))
LATENCY = float(os.environ.get("BENCH_TWILIO_LATENCY", "0.1"))
# The workers' send concurrency, as the app reads it (helpdesk/settings.py).
THREADS = int(os.environ.get("OUTBOX_SEND_THREADS", "8"))
# Long enough for the cluster to start on a busy machine before the rows fall due.
DUE_IN_SECONDS = 10.0
DEADLINE_SECONDS = 300


def _parse(value) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        return value if value.tzinfo else value.replace(tzinfo=datetime.UTC)
    moment = datetime.datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def measure(workers: int, fake_url: str, fake_pgid: int, scratch: Path) -> dict:
    folder = scratch / f"workers-{workers}"
    folder.mkdir()
    database = WorldDatabase(folder)
    # As in production: cached templates, no query log.
    env = world_env(
        database,
        fake_url,
        Q_WORKERS=str(workers),
        LOG_LEVEL="ERROR",
        DEBUG="false",
        SECRET_KEY="bench-only-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1",
    )
    processes = []
    try:
        migrate(env)
        run(env, "populate", str(MESSAGES), str(DUE_IN_SECONDS))
        processes = [start(env, "qcluster")]
        time.sleep(DUE_IN_SECONDS / 2)  # the feeder only starts tasks once rows exist
        processes.append(start(env, "feed"))
        cpu_before = {"cluster": cpu_seconds(processes[0].pid), "fake": cpu_seconds(fake_pgid)}
        deadline = time.monotonic() + DEADLINE_SECONDS + DUE_IN_SECONDS
        query = "select count(*) from bookings_reminder where status in ('pending', 'sending')"
        while database.rows(query) != [(0,)]:
            if time.monotonic() > deadline:
                raise SystemExit("reminders.dispatch: rows still open after the deadline")
            time.sleep(0.2)  # polling for a condition, with a deadline
        rows = database.rows("select due_at, updated_at, status from bookings_reminder")
        cpu = {
            "cluster": cpu_seconds(processes[0].pid) - cpu_before["cluster"],
            "fake": cpu_seconds(fake_pgid) - cpu_before["fake"],
        }
    finally:
        for process in processes:
            if process.poll() is None:
                # Every row is recorded by now: nothing to finish, so no graceful stop.
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=60)
        database.drop()
    assert {status for *_, status in rows} == {"sent"}, "every message sent"
    due = min(_parse(row[0]) for row in rows)
    done = [(_parse(row[1]) - _parse(row[0])).total_seconds() * 1000 for row in rows]
    elapsed = (max(_parse(row[1]) for row in rows) - due).total_seconds()
    recorded = sorted(_parse(row[1]) for row in rows)
    first, last = recorded[len(rows) // 10], recorded[len(rows) * 9 // 10]
    steady = (len(rows) * 9 // 10 - len(rows) // 10) / (last - first).total_seconds()
    return {
        "bench": "reminders.dispatch",
        "workers": workers,
        "median_ms": round(statistics.median(done), 1),
        "p95_ms": round(statistics.quantiles(done, n=20, method="inclusive")[18], 1),
        "queries": None,
        "per_s": round(MESSAGES / elapsed, 1),
        "steady_per_s": round(steady, 1),
        # CPU per message of the worker processes and of the fake Twilio: on two cores
        # these say whether the workers or the machine set the pace.
        "cpu_ms_per_message": {
            name: round(1000 * used / MESSAGES, 2) for name, used in cpu.items()
        },
        "data": f"{MESSAGES} due SMS through qcluster ({THREADS} sending threads per worker), "
        f"fake Twilio answering in "
        f"{int(LATENCY * 1000)} ms, {'postgresql' if database.postgres else 'sqlite'}",
    }


def main() -> None:
    fake = subprocess.Popen(
        [sys.executable, "-m", "tests.fake_twilio", str(LATENCY)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, for its CPU time
    )
    try:
        fake_url = fake.stdout.readline().strip()
        with tempfile.TemporaryDirectory() as scratch:
            for workers in (1, 2):
                print(json.dumps(measure(workers, fake_url, fake.pid, Path(scratch))), flush=True)
    finally:
        fake.kill()


if __name__ == "__main__":
    main()
