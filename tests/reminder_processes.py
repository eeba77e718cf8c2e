"""Start `tests.reminder_world` subprocesses against a fresh file database."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

from tests.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER

ROOT = Path(__file__).resolve().parent.parent


class WorldDatabase:
    """A database the subprocesses share: a fresh PostgreSQL database when the suite runs
    on PostgreSQL (named after its database, suffix `_world`), else a SQLite file."""

    def __init__(self, tmp_path: Path) -> None:
        outer = os.environ.get("DATABASE_URL", "")
        self.postgres = outer.startswith("postgres")
        if self.postgres:
            parts = urlsplit(outer)
            self.name = parts.path.lstrip("/") + "_world"
            self.admin_url = urlunsplit(parts._replace(path="/postgres"))
            self.url = urlunsplit(parts._replace(path=f"/{self.name}"))
            with psycopg.connect(self.admin_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.name}"')
                admin.execute(f'CREATE DATABASE "{self.name}"')
        else:
            self.file = tmp_path / "world.sqlite3"
            self.url = f"sqlite:///{self.file}"

    def rows(self, sql: str) -> list[tuple]:
        if self.postgres:
            with psycopg.connect(self.url) as db:
                return db.execute(sql).fetchall()
        with sqlite3.connect(self.file) as db:
            return db.execute(sql).fetchall()

    def drop(self) -> None:
        if self.postgres:
            with psycopg.connect(self.admin_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def world_env(database: WorldDatabase, fake_url: str, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings",
        "DATABASE_URL": database.url,
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_FROM_NUMBER": FROM_NUMBER,
        "TWILIO_API_BASE_URL": fake_url,
        "PUBLIC_BASE_URL": "https://hilfe.example.org",
        "Q_SYNC": "false",
        "LOG_LEVEL": "WARNING",
    }
    env.update(extra)
    return env


def migrate(env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )


def run(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "tests.reminder_world", *args], cwd=ROOT, env=env, check=True
    )


def start(env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.reminder_world", *args],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
