"""Start `tests.reminder_world` subprocesses against a fresh file database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER

ROOT = Path(__file__).resolve().parent.parent


def world_env(database: Path, fake_url: str, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings",
        "DATABASE_URL": f"sqlite:///{database}",
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
