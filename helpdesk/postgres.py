"""PostgreSQL: `timestamptz` values read by psycopg's compiled loader, and custom plans
where a prepared statement's generic plan would be slow.

Django's psycopg backend reads every `timestamptz` through a loader of its own, written in
Python on psycopg's Python loader, only to put the connection's time zone on the value:
2.7 µs a value, where psycopg's compiled loader (psycopg[binary]) takes 0.15 µs. Django
sets the connection's zone itself (UTC with USE_TZ), and the compiled loader returns values
in that zone anyway: the same datetimes. A slot search reads a thousand of them (the
helpers' assignments), which cost 2 to 3 ms of CPU per search with Django's loader.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterator

from django.db import connection, transaction
from psycopg import adapters, pq
from psycopg.adapt import Loader
from psycopg.postgres import types

_PSYCOPG_LOADER = adapters.get_loader(types["timestamptz"].oid, pq.Format.TEXT)


class TimestamptzLoader(Loader):
    """psycopg's own loader (compiled where psycopg[binary] is installed), under the name
    of the zone Django expects: Django's `create_cursor` puts its Python loader back on a
    cursor whose connection's zone differs from `timezone`."""

    timezone = datetime.UTC

    def __init__(self, oid: int, context=None):
        super().__init__(oid, context)
        # The compiled loader's own method, so psycopg calls it with no Python in between.
        self.load = _PSYCOPG_LOADER(oid, context).load

    def load(self, data):
        raise NotImplementedError  # replaced per instance in __init__


def read_timestamps_compiled(sender, connection, **kwargs) -> None:
    """connection_created: a connection in UTC (Django's with USE_TZ, set on the session
    before this signal) reads `timestamptz` with psycopg's loader; one in another zone
    keeps Django's."""
    if connection.vendor == "postgresql" and connection.timezone == datetime.UTC:
        connection.connection.adapters.register_loader("timestamptz", TimestamptzLoader)


@contextlib.contextmanager
def custom_plans() -> Iterator[None]:
    """Queries inside are planned for their parameters at every run, prepared or not.

    A prepared statement (DATABASE_PREPARED_STATEMENTS) gets a generic plan after five
    runs, made without knowing its values. For the statistics' grouped queries over a
    period that plan guessed the period's share of the table and took twice as long
    (`coordination.statistics`: 156 -> 314 ms); a plan of a few milliseconds is nothing
    beside such a query. `SET LOCAL` needs a transaction and ends with it.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL plan_cache_mode = force_custom_plan")
        yield
