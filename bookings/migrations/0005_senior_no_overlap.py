"""The database refuses a senior's overlapping appointments (DESIGN.md, invariant 1).

Like the helper's guard in 0002: on PostgreSQL an exclusion constraint over the
appointment's time range for one senior, on SQLite triggers. Cancelled appointments
give their time back. The error text carries the guard's name for the services.
"""

from django.db import migrations

GUARD = "appointment_senior_no_overlap"

POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    f"""ALTER TABLE bookings_appointment ADD CONSTRAINT {GUARD}
       EXCLUDE USING gist (senior_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
       WHERE (status <> 'cancelled')""",
]

POSTGRES_REVERSE = [f"ALTER TABLE bookings_appointment DROP CONSTRAINT IF EXISTS {GUARD}"]

_OVERLAP = (
    f"SELECT RAISE(ABORT, '{GUARD}') WHERE EXISTS (SELECT 1 FROM bookings_appointment other "
    "WHERE other.senior_id = NEW.senior_id AND other.id IS NOT NEW.id "
    "AND other.status <> 'cancelled' "
    "AND other.starts_at < NEW.ends_at AND other.ends_at > NEW.starts_at);"
)

SQLITE = [
    f"CREATE TRIGGER {GUARD}_insert BEFORE INSERT ON bookings_appointment "
    f"WHEN NEW.status <> 'cancelled' BEGIN {_OVERLAP} END",
    f"CREATE TRIGGER {GUARD}_update BEFORE UPDATE OF senior_id, starts_at, ends_at, status "
    f"ON bookings_appointment WHEN NEW.status <> 'cancelled' BEGIN {_OVERLAP} END",
]

SQLITE_REVERSE = [f"DROP TRIGGER IF EXISTS {GUARD}_insert", f"DROP TRIGGER IF EXISTS {GUARD}_update"]


_EXISTING_OVERLAPS = """
    SELECT a.id, b.id FROM bookings_appointment a JOIN bookings_appointment b
      ON a.senior_id = b.senior_id AND a.id < b.id
     AND a.status <> 'cancelled' AND b.status <> 'cancelled'
     AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at
    ORDER BY a.id LIMIT 20
"""


def _refuse_existing_overlaps(schema_editor) -> None:
    """Say which appointments clash rather than fail on the constraint: nothing is
    cancelled silently, staff decide (cancel one of each pair, then migrate again)."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(_EXISTING_OVERLAPS)
        pairs = cursor.fetchall()
    if pairs:
        listed = ", ".join(f"{first}/{second}" for first, second in pairs)
        raise RuntimeError(
            "Some seniors have overlapping appointments (ids): "
            f"{listed}. Cancel one of each pair, then run migrate again."
        )


def _run(statements_by_vendor, *, check=False):
    def run(apps, schema_editor):
        if check:
            _refuse_existing_overlaps(schema_editor)
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(
                "Digitale Hilfe supports PostgreSQL and SQLite; "
                f"{schema_editor.connection.vendor} cannot guard against double bookings."
            )
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("bookings", "0004_reminders_outbox")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES, "sqlite": SQLITE}, check=True),
            _run({"postgresql": POSTGRES_REVERSE, "sqlite": SQLITE_REVERSE}),
        )
    ]
