"""The database, not only Python, refuses double bookings (DESIGN.md, invariant 1).

PostgreSQL: exclusion constraints over time ranges (btree_gist) for helpers and loan
devices, and a trigger that locks the workshop row while counting seats.
SQLite: triggers; SQLite admits one writer at a time, so check and insert cannot
interleave. Error texts carry the guard's name so the services can tell them apart.
"""

from django.db import migrations

POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    """ALTER TABLE bookings_assignment ADD CONSTRAINT assignment_no_overlap
       EXCLUDE USING gist (helper_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)""",
    """ALTER TABLE bookings_loanreservation ADD CONSTRAINT loan_reservation_no_overlap
       EXCLUDE USING gist (device_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)""",
    """CREATE FUNCTION bookings_registration_seats() RETURNS trigger AS $$
       DECLARE capacity integer; taken integer;
       BEGIN
         IF NEW.status <> 'registered' THEN RETURN NEW; END IF;
         -- The row lock makes concurrent registrations for one workshop wait in turn.
         SELECT seats INTO capacity FROM bookings_workshop WHERE id = NEW.workshop_id FOR UPDATE;
         SELECT count(*) INTO taken FROM bookings_registration
          WHERE workshop_id = NEW.workshop_id AND status = 'registered' AND id <> NEW.id;
         IF taken >= capacity THEN
           RAISE EXCEPTION 'workshop_full' USING ERRCODE = 'check_violation';
         END IF;
         RETURN NEW;
       END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER workshop_full BEFORE INSERT OR UPDATE OF status, workshop_id
       ON bookings_registration FOR EACH ROW EXECUTE FUNCTION bookings_registration_seats()""",
]

POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS workshop_full ON bookings_registration",
    "DROP FUNCTION IF EXISTS bookings_registration_seats()",
    "ALTER TABLE bookings_loanreservation DROP CONSTRAINT IF EXISTS loan_reservation_no_overlap",
    "ALTER TABLE bookings_assignment DROP CONSTRAINT IF EXISTS assignment_no_overlap",
]


def _overlap_triggers(table: str, owner: str, guard: str) -> list[str]:
    overlap = (
        f"SELECT RAISE(ABORT, '{guard}') WHERE EXISTS (SELECT 1 FROM {table} other "
        f"WHERE other.{owner} = NEW.{owner} AND other.id IS NOT NEW.id "
        "AND other.starts_at < NEW.ends_at AND other.ends_at > NEW.starts_at);"
    )
    return [
        f"CREATE TRIGGER {guard}_insert BEFORE INSERT ON {table} BEGIN {overlap} END",
        f"CREATE TRIGGER {guard}_update BEFORE UPDATE OF {owner}, starts_at, ends_at "
        f"ON {table} BEGIN {overlap} END",
    ]


_SEATS = (
    "SELECT RAISE(ABORT, 'workshop_full') WHERE (SELECT count(*) FROM bookings_registration r "
    "WHERE r.workshop_id = NEW.workshop_id AND r.status = 'registered' AND r.id IS NOT NEW.id) "
    ">= (SELECT seats FROM bookings_workshop w WHERE w.id = NEW.workshop_id);"
)

SQLITE = [
    *_overlap_triggers("bookings_assignment", "helper_id", "assignment_no_overlap"),
    *_overlap_triggers("bookings_loanreservation", "device_id", "loan_reservation_no_overlap"),
    "CREATE TRIGGER workshop_full_insert BEFORE INSERT ON bookings_registration "
    f"WHEN NEW.status = 'registered' BEGIN {_SEATS} END",
    "CREATE TRIGGER workshop_full_update BEFORE UPDATE OF status, workshop_id "
    f"ON bookings_registration WHEN NEW.status = 'registered' BEGIN {_SEATS} END",
]

SQLITE_REVERSE = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in (
        "assignment_no_overlap_insert",
        "assignment_no_overlap_update",
        "loan_reservation_no_overlap_insert",
        "loan_reservation_no_overlap_update",
        "workshop_full_insert",
        "workshop_full_update",
    )
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
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
    dependencies = [("bookings", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRES_REVERSE, "sqlite": SQLITE_REVERSE}),
        )
    ]
