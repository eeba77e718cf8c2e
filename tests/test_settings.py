"""Settings come from the environment, strictly parsed, with safe development defaults."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from helpdesk.env import env_bool, env_int


def _import_settings(**env) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}
    }
    return subprocess.run(
        [sys.executable, "-c", "import helpdesk.settings as s; print(s.DEBUG, s.MESSAGE_BACKEND)"],
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


@pytest.mark.parametrize("raw", ["ja", "2", "maybe"])
def test_env_bool_refuses_anything_but_true_or_false(monkeypatch, raw):
    monkeypatch.setenv("SOME_FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG"):
        env_bool("SOME_FLAG", False)


def test_env_int_names_the_variable(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "zehn")
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER"):
        env_int("SOME_NUMBER", 1)
