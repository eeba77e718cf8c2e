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
) -> dict:
    """Time run(i) `repeat` times; print and return one JSON line.

    `queries` is the number of SQL queries of one more call, made after the timed ones.
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
    with CaptureQueriesContext(connection) as captured:
        run(warmup + repeat)
    timings.sort()
    median = statistics.median(timings)
    line = {
        "bench": name,
        "median_ms": round(median, 2),
        "p95_ms": round(timings[max(0, int(len(timings) * 0.95) - 1)], 2),
        "queries": len(captured.captured_queries),
        "per_s": round(1000 / median, 1) if median else None,
        "data": data,
        "db": database_vendor(),
    }
    print(json.dumps(line), flush=True)
    return line
