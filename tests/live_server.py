"""The app under a real gunicorn with several worker processes, on a socket the OS chose.

The test (or benchmark) binds the listening socket itself, on port 0, and hands it to
gunicorn as `fd://N`: no fixed port, and the address is known before gunicorn starts.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import requests

ROOT = Path(__file__).resolve().parent.parent
START_SECONDS = 60
# A key of its own (production mode refuses the development key); the benchmark signs
# its sessions with it too.
SECRET_KEY = "live-server-" + "x" * 50


def database_url(database: dict) -> str:
    """A DATABASE_URL for Django's `DATABASES["default"]` (PostgreSQL), e.g. the test DB."""
    user = quote(database.get("USER") or "", safe="")
    password = quote(database.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = database.get("HOST") or "127.0.0.1"
    port = database.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{database['NAME']}"


def server_env(db_url: str, settings: str = "helpdesk.settings", **extra: str) -> dict[str, str]:
    """Production-like settings (DEBUG off) on plain HTTP at 127.0.0.1."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings,
        "DATABASE_URL": db_url,
        "DEBUG": "false",
        "SECRET_KEY": SECRET_KEY,
        # Production mode, but on plain HTTP at the loopback address.
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "Q_SYNC": "false",
        "LOG_LEVEL": "WARNING",
    }
    env.update(extra)
    return env


class Gunicorn:
    """`with Gunicorn(env) as server:` starts gunicorn and waits until it answers."""

    def __init__(self, env: dict[str, str], *, workers: int = 4, threads: int = 4) -> None:
        self.env = env
        self.workers, self.threads = workers, threads
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        listener.listen(512)
        self.url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "helpdesk.wsgi",
            "--bind",
            f"fd://{listener.fileno()}",
            "--workers",
            str(self.workers),
            "--threads",
            str(self.threads),
            "--worker-class",
            "gthread",
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
            # Longer than a client here waits between two requests: a server closing an
            # idle connection just as the client sends on it fails the request.
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
            # Django is imported once, before the fork: workers are ready at once.
            "--preload",
        ]
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            pass_fds=[listener.fileno()],
            start_new_session=True,  # its own process group, stopped as a whole below
            stderr=subprocess.PIPE,
            text=True,
        )
        listener.close()  # gunicorn holds its copy
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.process.stderr.read()[-2000:]}")
            try:
                if requests.get(self.url + "/anmelden/", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass  # not listening yet, or a worker still booting
            time.sleep(0.1)  # polling interval of a bounded wait, not synchronisation
        raise RuntimeError(f"gunicorn did not answer within {START_SECONDS} s")

    def stop(self) -> str:
        """Stop gunicorn and its workers; return what it wrote to stderr."""
        if self.process is None:
            return ""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        errors = self.process.stderr.read()
        self.process = None
        return errors

    def __exit__(self, *exc_info) -> None:
        self.errors = self.stop()


CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def logged_in(url: str, username: str, password: str) -> requests.Session:
    """A browser-like session logged in through the real login form."""
    session = requests.Session()
    page = session.get(url + "/anmelden/", timeout=30)
    token = CSRF_FIELD.search(page.text).group(1)
    response = session.post(
        url + "/anmelden/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        allow_redirects=False,
        timeout=30,
    )
    if response.status_code != 302:
        raise RuntimeError(f"login of {username} failed: {response.status_code}")
    return session


def csrf_token(session: requests.Session) -> str:
    return session.cookies["csrftoken"]
