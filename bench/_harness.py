"""Shared set-up for the benchmarks in bench/: a fresh database and one JSON line a measure.

Honours DATABASE_URL like the app; the benchmark runs in a throw-away test database
next to it (test_<name> on PostgreSQL, bench.sqlite3 on SQLite), never in real data.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django() -> None:
    """Configure Django and switch to a fresh, migrated benchmark database."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    # As in production: the worker's queue takes tasks, nothing is sent inline.
    os.environ["Q_SYNC"] = "false"
    import django
    from django.conf import settings

    django.setup()
    settings.DEBUG = False  # no query log on the timed runs; measure() captures its own
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        database["TEST"]["NAME"] = str(ROOT / "bench.sqlite3")
    from django.db import connection

    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)


def cpu_seconds(pgid: int | None = None, *, command: str | None = None) -> float:
    """CPU time (user + system) of the live processes in process group `pgid`, or of
    those running `command`, and of their children that have ended (Linux): what a server
    or worker cluster started in its own session used, or a local PostgreSQL (whose
    backends end with their connection), robust to a busy machine in a way wall-clock
    figures are not."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            name, rest = (entry / "stat").read_text().split(" (", 1)[1].rsplit(")", 1)
        except OSError:
            continue  # ended meanwhile
        fields = rest.split()  # after the name: state, ppid, pgrp, ...
        if (pgid is not None and int(fields[2]) == pgid) or (command and name == command):
            total += sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
    return total / ticks


def database_vendor() -> str:
    from django.db import connection

    return connection.vendor


def measure(
    name: str,
    run: Callable[[int], object],
    *,
    repeat: int,
    data: str,
    warmup: int = 3,
    query_runs: int = 3,
    per_s: bool = True,
) -> dict:
    """Time run(i) `repeat` times; print and return one JSON line.

    `queries` is the most SQL queries any of `query_runs` further calls made (counting
    queries slows a call down, so the timed calls run without it); p95 is the 95th
    percentile from `statistics.quantiles`. `per_s=False` for measures that are no
    throughput (a page rendered once for a person): the line then says null.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(warmup):
        run(i)
    timings = []
    for i in range(warmup, warmup + repeat):
        started = time.perf_counter()
        run(i)
        timings.append((time.perf_counter() - started) * 1000)
    queries = 0
    for i in range(warmup + repeat, warmup + repeat + query_runs):
        with CaptureQueriesContext(connection) as captured:
            run(i)
        queries = max(queries, len(captured.captured_queries))
    median = statistics.median(timings)
    line = {
        "bench": name,
        "median_ms": round(median, 2),
        "p95_ms": round(statistics.quantiles(timings, n=20, method="inclusive")[18], 2),
        "queries": queries,
        "per_s": round(1000 / median, 1) if median and per_s else None,
        "data": data,
        "db": database_vendor(),
    }
    print(json.dumps(line), flush=True)
    return line
