"""A small fake of Twilio's REST API for the real twilio client to talk to over HTTP.

It records what arrived (form fields, Basic-auth user) and answers like Twilio:
201 with a JSON resource, or Twilio's error body. Errors are scripted per recipient.
"""

from __future__ import annotations

import base64
import email.utils
import itertools
import json
import re
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

ACCOUNT_SID = "AC" + "1" * 32
AUTH_TOKEN = "fake-auth-token"
FROM_NUMBER = "+4963112345678"

ERROR_MESSAGES = {
    21211: "The 'To' number is not a valid phone number.",
    21610: "Attempt to send to unsubscribed recipient",
    21614: "'To' number is not a valid mobile number",
    20429: "Too Many Requests",
    20500: "An internal server error has occurred",
}
_PATH = re.compile(r"^/2010-04-01/Accounts/(?P<account>AC\w+)/(?P<kind>Messages|Calls)\.json$")


@dataclass
class Arrival:
    kind: str  # "Messages" or "Calls"
    form: dict[str, list[str]]
    account: str

    def __getitem__(self, name: str) -> str:
        return self.form[name][0]


@dataclass
class FakeTwilio:
    """Scripted answers: `errors[to]` is a list of (http_status, code, went_out) to use up.

    `latency` (seconds) delays every answer, as a slow Twilio would; `retry_after[to]`
    is sent as the Retry-After header of that recipient's next error answers.
    """

    arrivals: list[Arrival] = field(default_factory=list)
    errors: dict[str, list[tuple[int, int, bool]]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    arrived: threading.Condition = field(default=None)
    url: str = ""
    lookups: int = 0
    # Seconds to wait before answering a create for this recipient (after recording it).
    slow: dict[str, float] = field(default_factory=dict)
    latency: float = 0.0
    retry_after: dict[str, str] = field(default_factory=dict)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        self.arrived = threading.Condition(self.lock)

    def messages(self) -> list[Arrival]:
        return [a for a in self.arrivals if a.kind == "Messages"]

    def calls(self) -> list[Arrival]:
        return [a for a in self.arrivals if a.kind == "Calls"]

    def fail(self, to: str, status: int, code: int, *, went_out: bool = False, times: int = 1):
        self.errors.setdefault(to, []).extend([(status, code, went_out)] * times)

    def wait_for(self, count: int, timeout: float) -> bool:
        """Block until `count` requests arrived (or the timeout passed)."""
        deadline = time.monotonic() + timeout
        with self.arrived:
            while len(self.arrivals) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.arrived.wait(left)
        return True

    # --- called by the HTTP handler ---
    def _create(self, kind: str, account: str, form: dict) -> tuple[int, dict]:
        to = form.get("To", [""])[0]
        with self.lock:
            scripted = self.errors.get(to)
            status, code, went_out = scripted.pop(0) if scripted else (201, 0, True)
            sid = ("SM" if kind == "Messages" else "CA") + f"{next(self._ids):032x}"
            if went_out:
                form["_sid"] = [sid]
                form["_created"] = [email.utils.format_datetime(datetime.now(UTC))]
                self.arrivals.append(Arrival(kind, form, account))
                self.arrived.notify_all()
        if status != 201:
            return status, {
                "code": code,
                "message": ERROR_MESSAGES.get(code, "error"),
                "more_info": f"https://www.twilio.com/docs/errors/{code}",
                "status": status,
            }
        return 201, self._resource(kind, form, sid)

    def _resource(self, kind: str, form: dict, sid: str) -> dict:
        resource = {
            "sid": sid,
            "status": "queued",
            "to": form["To"][0],
            "from": form["From"][0],
            "date_created": form.get("_created", [None])[0],
        }
        if kind == "Messages":
            body = form["Body"][0]
            # Twilio's count for a GSM-7 text (all our texts are): the cost in the statistics.
            segments = 1 if len(body) <= 160 else -(-len(body) // 153)
            resource.update(body=body, num_segments=str(segments))
        return resource

    def _list(self, kind: str, query: dict) -> dict:
        to = query.get("To", [""])[0]
        with self.lock:
            self.lookups += 1
            found = [
                self._resource(kind, a.form, a.form["_sid"][0])
                for a in reversed(self.arrivals)
                if a.kind == kind and a.form["To"][0] == to
            ]
        return {kind.lower(): found, "next_page_uri": None, "page": 0, "page_size": 50}


def _handler(fake: FakeTwilio):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # keep test output quiet
            pass

        def setup(self) -> None:
            super().setup()
            # Headers and body go out as two writes; without this, Nagle's algorithm and
            # delayed ACKs add 40 ms to every answer.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def _account(self) -> str:
            auth = self.headers.get("Authorization", "")
            if not auth.startswith("Basic "):
                return ""
            return base64.b64decode(auth[6:]).decode().partition(":")[0]

        def _answer(self, status: int, payload: dict, headers: dict | None = None) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            match = _PATH.match(urlsplit(self.path).path)
            length = int(self.headers.get("Content-Length", 0))
            raw = self.rfile.read(length)
            if len(raw) < length:
                return  # the sender died mid-request: like Twilio, nothing is sent
            form = parse_qs(raw.decode(), keep_blank_values=True)
            if not match or self._account() != match["account"]:
                self._answer(401, {"code": 20003, "message": "Authenticate", "status": 401})
                return
            to = form.get("To", [""])[0]
            status, payload = fake._create(match["kind"], match["account"], form)
            delay = fake.slow.pop(to, 0) + fake.latency
            if delay:
                time.sleep(delay)  # a slow Twilio (the client may give up before this)
            headers = {}
            if status != 201 and to in fake.retry_after:
                headers["Retry-After"] = fake.retry_after[to]
            self._answer(status, payload, headers)

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            match = _PATH.match(parts.path)
            if not match:
                self._answer(404, {"code": 20404, "message": "Not found", "status": 404})
                return
            listed = fake._list(match["kind"], parse_qs(parts.query))
            if fake.latency:
                time.sleep(fake.latency)
            self._answer(200, listed)

    return Handler


class _Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        pass  # a killed sender hangs up mid-answer: expected in the kill tests


def start_fake_twilio(latency: float = 0.0) -> tuple[FakeTwilio, ThreadingHTTPServer]:
    fake = FakeTwilio(latency=latency)
    server = _Server(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return fake, server


if __name__ == "__main__":
    # Own process for the benchmark, so the fake does not compete with the sender for
    # the interpreter lock: prints its URL, then serves until killed.
    fake, server = start_fake_twilio(latency=float(sys.argv[1]) if len(sys.argv) > 1 else 0.0)
    print(fake.url, flush=True)
    threading.Event().wait()
