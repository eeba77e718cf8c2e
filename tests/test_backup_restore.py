"""Backups: scripts/backup_restore_check.sh dumps the database with pg_dump, restores it
into a scratch database and compares the row counts (docs/deploy.md, "Backups")."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from django.db import connection

from bookings.models import Senior
from tests.conftest import at, make_senior
from tests.reminder_fixtures import book

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "backup_restore_check.sh"

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: pg_dump and pg_restore (set DATABASE_URL)",
)


def _database_url() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    return f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"


@needs_postgres
def test_a_backup_restores_with_every_row(
    transactional_db, tmp_path, helper, office, topic, monday
):
    # transactional_db: pg_dump runs in another process and sees only committed rows.
    for n in range(3):
        make_senior(first_name=f"Person{n}", phone=f"+491511234567{n}")
    book(Senior.objects.first(), helper, office, topic, at(monday, 10))
    dump = tmp_path / "nightly.dump"

    result = subprocess.run(
        ["sh", str(SCRIPT), str(dump)],
        env={**os.environ, "DATABASE_URL": _database_url()},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "bookings_senior|3" in result.stdout.splitlines()
    assert "bookings_appointment|1" in result.stdout.splitlines()
    assert result.stdout.rstrip().endswith("with the same row counts")
    assert dump.stat().st_size > 0  # the backup itself is kept where it was asked for


def test_it_refuses_a_database_that_is_not_postgresql(tmp_path):
    result = subprocess.run(
        ["sh", str(SCRIPT)],
        env={**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "needs PostgreSQL" in result.stderr
