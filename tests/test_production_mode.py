"""Production mode from the environment: `check --deploy` is silent, HTTPS is enforced,
whitenoise serves the collected static files."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def production_env(tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECURE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="helpdesk.settings",
        DEBUG="false",
        SECRET_KEY="k9Qx7-vPz2Lr4TnWb8Yc1Hs6Jd3Mf0Ga5Ue_Ko7Ri2Nq9Lt4Xw1Zy6Bp3Vc8Sd0Fh",
        ALLOWED_HOSTS="hilfe.example.org",
        BEHIND_PROXY="true",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
    )
    return env


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


def test_check_deploy_reports_nothing(production_env):
    result = _run(production_env, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_check_deploy_complains_about_development_settings(production_env):
    env = {**production_env, "SECURE_HSTS_SECONDS": "0", "SECURE_SSL_REDIRECT": "false"}
    result = _run(env, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "security.W004" in result.stderr
    assert "security.W008" in result.stderr


# Runs inside the production process: one request over plain HTTP, one as nginx passes
# on HTTPS, and the static file the page links to.
_REQUESTS = """
import json, re
import django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="hilfe.example.org")
plain = client.get("/anmelden/")
page = client.get("/anmelden/", HTTP_X_FORWARDED_PROTO="https")
css = re.search(r'href="(/static/vendor/bootstrap/bootstrap\\.min\\.[0-9a-f]+\\.css)"',
                page.content.decode()).group(1)
static = client.get(css, HTTP_X_FORWARDED_PROTO="https")
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location", "")],
    "page": [page.status_code, page.get("Strict-Transport-Security", ""),
             page.get("Content-Security-Policy", "")],
    "static": [static.status_code, static.get("Cache-Control", "")],
}))
"""


def test_it_enforces_https_and_serves_collected_static_files(production_env):
    collected = _run(production_env, "manage.py", "collectstatic", "--noinput")
    assert collected.returncode == 0, collected.stderr
    manifest = json.loads((Path(production_env["STATIC_ROOT"]) / "staticfiles.json").read_text())
    assert "js/print-button.js" in manifest["paths"]

    result = _run(production_env, "-c", _REQUESTS)
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])

    assert answers["plain"] == [301, "https://hilfe.example.org/anmelden/"]
    status, hsts, csp = answers["page"]
    assert status == 200
    assert hsts == "max-age=31536000; includeSubDomains; preload"
    assert "script-src 'self'" in csp
    status, cache_control = answers["static"]
    assert status == 200
    assert re.search(r"max-age=\d{6,}", cache_control)  # hashed names may be kept for long


def test_gunicorn_serves_the_app_in_production_mode(production_env):
    migrated = _run(production_env, "manage.py", "migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "helpdesk.wsgi:application", "--bind", "127.0.0.1:0", "--workers", "1"],
        cwd=ROOT,
        env=production_env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        address = None
        for line in server.stderr:  # gunicorn says where it listens before it serves
            found = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", line)
            if found:
                address = found.group(1)
                break
        assert address, "gunicorn did not start"
        host = {"Host": "hilfe.example.org"}
        health = urllib.request.urlopen(
            urllib.request.Request(f"{address}/gesundheit/", headers=host)
        )
        assert health.status == 200
        assert json.load(health)["checks"]["database"] == {"ok": True}

        login = urllib.request.Request(f"{address}/anmelden/", headers=host)
        with pytest.raises(urllib.error.HTTPError) as redirect:
            urllib.request.build_opener(_NoRedirects).open(login)
        assert redirect.value.code == 301
        assert redirect.value.headers["Location"] == "https://hilfe.example.org/anmelden/"
    finally:
        server.terminate()
        server.wait(timeout=30)
        server.stderr.close()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
