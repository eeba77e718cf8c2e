"""The slot search leaves nothing half-read behind for the garbage collector to close.

Before the fix, the search kept half-read `QuerySet.iterator()` server-side cursors inside
a reference cycle. When the collector freed them while the same connection ran another
query, psycopg's close() waited for the connection lock its own thread already held, and
the request hung for good. A deadline turns such a regression into a failure, not a hang.
"""

from __future__ import annotations

import datetime
import gc
import threading

import pytest
from django.db import connection
from psycopg.adapt import Dumper  # psycopg is a dependency, also when tests run on SQLite

from bookings.availability import SlotQuery, _loading, free_slots
from tests.conftest import make_helper, make_office, needs_postgres

# Before the fix the first search after a half-read one hung; a few more make it certain.
SEARCHES = 6
DEADLINE_SECONDS = 30


class CollectGarbage:
    """A query parameter whose conversion runs the garbage collector: psycopg converts
    parameters while it holds the connection lock, which is where an automatic
    collection in a busy process would free a forgotten cursor."""


class CollectingDumper(Dumper):
    oid = 23  # int4

    def dump(self, obj) -> bytes:
        gc.collect()
        return b"1"


def run_with_deadline(work) -> None:
    """Run `work` in a thread on its own connection; fail if it is not done in time."""
    outcome: list[BaseException | None] = []

    def target() -> None:
        try:
            work()
            outcome.append(None)
        except BaseException as exc:  # re-raised in the test's thread below
            outcome.append(exc)
        finally:
            connection.close()

    # A daemon thread: a hung search must not keep the test process from exiting.
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(DEADLINE_SECONDS)
    assert not thread.is_alive(), "the slot search hung: a cursor closed by gc mid-query?"
    if outcome[0] is not None:
        raise outcome[0]


@pytest.fixture
def busy_city(topic):
    offices = [make_office() for _ in range(3)]
    # More ranges per weekday than the first chunk, so each search stops mid-weekday.
    for n in range(60):
        make_helper(offices[n % 3], topic, first_name=f"H{n}")


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_it_searches_many_times_on_one_connection_with_gc_between(busy_city, topic, monday):
    # The settings turn server-side cursors off as a second line of defence; this test
    # turns them on again, to prove the search itself leaves none behind.
    settings_dict = connection.settings_dict
    disabled = settings_dict.get("DISABLE_SERVER_SIDE_CURSORS", False)
    settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = False

    def searches() -> None:
        connection.ensure_connection()
        connection.connection.adapters.register_dumper(CollectGarbage, CollectingDumper)
        for n in range(SEARCHES):
            query = SlotQuery(topic=topic, first_day=monday + datetime.timedelta(days=n % 5))
            assert len(free_slots(query, limit=10)) == 10
            # The next query collects garbage while it holds the connection lock.
            with connection.cursor() as cursor:
                cursor.execute("SELECT %s", [CollectGarbage()])
                assert cursor.fetchone() == (1,)
            gc.collect()

    try:
        run_with_deadline(searches)
    finally:
        settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = disabled


@pytest.mark.django_db
def test_it_leaves_no_reference_cycle_for_the_collector(busy_city, topic, monday):
    gc.collect()
    gc.disable()  # whatever the search leaves in a cycle stays visible below
    try:
        assert len(free_slots(SlotQuery(topic=topic, first_day=monday), limit=10)) == 10
        # type(), not isinstance(): isinstance would wake lazy objects (a CSP nonce) on the heap.
        left = [o for o in gc.get_objects() if type(o) in (_loading.Loaded, _loading.Ranges)]
    finally:
        gc.enable()
    assert left == []
