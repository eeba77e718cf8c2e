"""Settings come from the environment, strictly parsed, with safe development defaults."""

from __future__ import annotations

import ast
import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from helpdesk.env import env_bool, env_int


def _import_settings(
    show: str = "s.DEBUG, s.MESSAGE_BACKEND", **env
) -> subprocess.CompletedProcess:
    """Import the settings in a fresh process with `env`; it prints `show` (of `s`)."""
    clean = {
        k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}
    }
    return subprocess.run(
        [sys.executable, "-c", f"import helpdesk.settings as s; print({show})"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_development_defaults_start_with_the_console_backend():
    result = _import_settings(TWILIO_ACCOUNT_SID="", TWILIO_AUTH_TOKEN="")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "console"]


def test_production_refuses_to_start_without_a_secret_key():
    result = _import_settings(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _import_settings(DEBUG="false", SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must name" in result.stderr


def test_production_starts_with_a_secret_key_and_hosts():
    result = _import_settings(DEBUG="false", SECRET_KEY="x" * 50, ALLOWED_HOSTS="hilfe.example.org")
    assert result.returncode == 0, result.stderr


def test_postgres_statements_are_prepared_unless_switched_off():
    def options(**env) -> dict:
        result = _import_settings(
            show="s.DATABASES['default'].get('OPTIONS', {})",
            DATABASE_URL="postgres://app@db.example.org/hilfe?sslmode=require",
            **env,
        )
        assert result.returncode == 0, result.stderr
        return ast.literal_eval(result.stdout.strip().splitlines()[-1])

    # What the URL asks for stays.
    assert options() == {"sslmode": "require", "server_side_binding": True, "prepare_threshold": 5}
    # For a connection pooler that cannot keep prepared statements.
    assert options(DATABASE_PREPARED_STATEMENTS="false") == {"sslmode": "require"}


@pytest.mark.parametrize("raw", ["ja", "2", "maybe"])
def test_env_bool_refuses_anything_but_true_or_false(monkeypatch, raw):
    monkeypatch.setenv("SOME_FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG"):
        env_bool("SOME_FLAG", False)


def test_env_int_names_the_variable(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "zehn")
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER"):
        env_int("SOME_NUMBER", 1)
