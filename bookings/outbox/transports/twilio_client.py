"""The one seam to Twilio: every request goes through the client made here.

`TWILIO_API_BASE_URL` replaces https://api.twilio.com, so an operator can put a
Twilio-compatible gateway in its place and the tests a local fake server.
"""

from __future__ import annotations

import logging
import threading
from functools import lru_cache

from django.conf import settings
from requests import Session
from requests.adapters import HTTPAdapter
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

# The client logs every request at INFO, query strings included, and those carry phone
# numbers (e.g. when asking Twilio whether a message went out); personal data stays out.
logging.getLogger("twilio.http_client").setLevel(logging.WARNING)


class _NoQueryStrings(logging.Filter):
    """The twilio library logs each request's query string, and looking a message up
    puts the recipient's number there (`To=+49…`): keep the path, drop the query."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        if text.startswith("Query Params:"):
            return False
        if " Request: " in text and "?" in text:
            record.msg, record.args = text.split("?", 1)[0] + "?…", ()
        return True


logging.getLogger("twilio.http_client").addFilter(_NoQueryStrings())

# Seconds to wait for Twilio; a slower answer counts as "may have been sent".
TIMEOUT = settings.TWILIO_TIMEOUT_SECONDS

_answers = threading.local()


class _HttpClient(TwilioHttpClient):
    """Keeps each thread's last answer: `TwilioRestException` drops the headers, and a
    429's `Retry-After` is among them."""

    def request(self, *args, **kwargs):
        _answers.last = None
        response = super().request(*args, **kwargs)
        _answers.last = response
        return response


def last_answer_header(name: str) -> str | None:
    """A header of the answer this thread got last from Twilio, if any."""
    response = getattr(_answers, "last", None)
    headers = getattr(response, "headers", None) or {}
    return headers.get(name)


def _settle(session: Session, base_url: str, connections: int) -> None:
    """Fix what requests would otherwise look up at every request, and size the pool."""
    # requests reads proxies and the CA bundle from the environment at each request (two
    # scans of os.environ, a fifth of the CPU time of a send); the base URL never changes.
    found = session.merge_environment_settings(base_url, {}, None, None, None)
    session.proxies.update(found["proxies"])
    session.verify = found["verify"]
    session.trust_env = False
    # twilio's own pool holds min(32, CPUs + 4) connections, 6 on two cores: with more
    # sending threads, connections were dropped and opened again (a TLS handshake each).
    adapter = HTTPAdapter(pool_maxsize=connections)
    session.mount("https://", adapter)
    session.mount("http://", adapter)


@lru_cache(maxsize=4)
def _client(
    account_sid: str, auth_token: str, base_url: str, timeout: float, connections: int
) -> Client:
    http_client = _HttpClient(timeout=timeout)
    # One connection for each message the dispatcher sends side by side.
    _settle(http_client.session, base_url, connections)
    client = Client(account_sid, auth_token, http_client=http_client)
    # Messages and calls live on the Api domain, which reads base_url at every request.
    client.api.base_url = base_url.rstrip("/")
    return client


def twilio_client() -> Client:
    """A client for the configured account, kept per process so connections are reused."""
    return _client(
        settings.TWILIO_ACCOUNT_SID,
        settings.TWILIO_AUTH_TOKEN,
        settings.TWILIO_API_BASE_URL,
        TIMEOUT,
        settings.OUTBOX_SEND_THREADS,
    )
