"""The one seam to Twilio: every request goes through the client made here.

`TWILIO_API_BASE_URL` replaces https://api.twilio.com, so an operator can put a
Twilio-compatible gateway in its place and the tests a local fake server.
"""

from __future__ import annotations

import logging
import threading
from functools import lru_cache

from django.conf import settings
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


@lru_cache(maxsize=4)
def _client(account_sid: str, auth_token: str, base_url: str, timeout: float) -> Client:
    # The connection pool holds as many connections as the dispatcher sends side by side.
    client = Client(account_sid, auth_token, http_client=_HttpClient(timeout=timeout))
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
    )
