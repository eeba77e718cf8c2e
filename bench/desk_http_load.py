"""Benchmark: the desk under load over HTTP (desk.http_load).

Starts the app under gunicorn (DEBUG off, several processes) on the throw-away database
of bench/_harness.py and drives it from threads on 127.0.0.1: `--desks` office desks
(default 50), each with its own session, loop over caller search, slot search and
booking a slot shown (then its confirmation page); 20 helpers read their appointments
and their calendar feed. Prints one JSON line per page and a total line, then checks
that nothing was booked twice and that each message has one outbox row, and the CPU time
per request of the server's processes and of the load generator.

    .venv/bin/python bench/desk_http_load.py [--desks 50] [--seconds 60]
        [--workers 2] [--threads 4]
"""

from __future__ import annotations

import argparse
import collections
import datetime
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time

from _harness import ROOT, cpu_seconds, setup_django

sys.path.insert(0, str(ROOT))
from tests.live_server import SECRET_KEY, Gunicorn, database_url, server_env

# The sessions made here must be valid for the server: the same key on both sides.
os.environ["SECRET_KEY"] = SECRET_KEY
setup_django()

import requests  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bookings import roles  # noqa: E402
from bookings.models import (  # noqa: E402
    Appointment,
    AppointmentStatus,
    Assignment,
    Availability,
    Helper,
    Reminder,
    Senior,
    Topic,
)
from bookings.names import fold_name  # noqa: E402
from neighborhoods.models import District, Office, OpeningHours  # noqa: E402

OFFICES, HELPERS, SENIORS, HELPER_CLIENTS = 12, 120, 3_000, 20
TOPICS = ["Smartphone", "Tablet", "iPhone/iPad", "Videotelefonie", "Messenger", "E-Mail"]
SLOT_FIELD = re.compile(r'name="slot" value="([^"]+)"')
SENIOR_LINK = re.compile(r'href="/buero/ratsuchende/(\d+)/"')
TIMEOUT = 60


def build(desks: int, rng: random.Random) -> dict:
    """A city of OFFICES offices, HELPERS helpers with weekly hours, SENIORS seniors."""
    today = timezone.localdate()
    with transaction.atomic():
        topics = Topic.objects.bulk_create(Topic(name=n, duration_minutes=60) for n in TOPICS)
        districts = District.objects.bulk_create(
            District(name=f"Stadtteil {n}") for n in range(OFFICES)
        )
        offices = Office.objects.bulk_create(
            Office(
                name=f"Stadtteilbüro {d.name}",
                district=d,
                street="Musterstraße 1",
                postal_code="67655",
                city="Kaiserslautern",
            )
            for d in districts
        )
        OpeningHours.objects.bulk_create(
            OpeningHours(office=o, weekday=w, opens=datetime.time(9), closes=datetime.time(17))
            for o in offices
            for w in range(5)
        )
        staff_group = Group.objects.get(name=roles.OFFICE_STAFF)
        helper_group = Group.objects.get(name=roles.HELPER)
        users = User.objects.bulk_create(
            User(username=f"buero-{n}", first_name=f"Büro{n}", is_staff=True) for n in range(desks)
        )
        staff_group.user_set.add(*users)
        for n, user in enumerate(users):
            offices[n % OFFICES].staff.add(user)
        helper_users = User.objects.bulk_create(
            User(username=f"helfer-{n}", first_name=f"Helfer{n}") for n in range(HELPERS)
        )
        helper_group.user_set.add(*helper_users)
        helpers = Helper.objects.bulk_create(Helper(user=u) for u in helper_users)
        for n, helper in enumerate(helpers):
            helper.offices.add(offices[n % OFFICES])
            helper.topics.add(*topics)
        Availability.objects.bulk_create(
            Availability(
                helper=helper,
                office=offices[n % OFFICES],
                weekday=weekday,
                starts=datetime.time(start),
                ends=datetime.time(start + 3),
                valid_from=today,
            )
            for n, helper in enumerate(helpers)
            for weekday in range(5)
            for start in (9, 13)
        )
        seniors = []
        for n in range(SENIORS):
            first, last = rng.choice(["Gertrud", "Heinz", "Ilse", "Walter"]), f"Muster{n}"
            seniors.append(
                Senior(
                    first_name=first,
                    last_name=last,
                    phone=f"+4915123{n:06d}",
                    phone_kind="mobile",
                    reminder_consent=True,
                    search_key=fold_name(f"{first} {last}"),
                    district=offices[n % OFFICES].district,
                )
            )
        Senior.objects.bulk_create(seniors)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    return {"users": users, "helpers": helpers[:HELPER_CLIENTS], "topics": topics}


def session_for(server_url: str, user: User) -> requests.Session:
    """A client with a session of its own, made directly: measuring the password hash of
    70 logins is not the point here."""
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    session = requests.Session()
    session.cookies.set("sessionid", store.session_key)
    session.get(server_url + "/anmelden/", timeout=TIMEOUT)  # the CSRF cookie
    return session


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.timings: dict[str, list[float]] = collections.defaultdict(list)
        self.errors: collections.Counter = collections.Counter()
        self.outcomes: collections.Counter = collections.Counter()
        self.kinds: collections.Counter = collections.Counter()

    def call(self, page: str, send, ok=(200,)):
        started = time.perf_counter()
        failure = None
        try:
            response = send()
        except requests.RequestException as exc:
            response, failure = None, type(exc).__name__
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.timings[page].append(elapsed)
            if response is None or response.status_code not in ok:
                self.errors[page] += 1
                self.kinds[(page, failure or response.status_code)] += 1
                return None
            self.outcomes[(page, response.status_code)] += 1
        return response


def desk_loop(url, session, seniors, topics, stop_at, record: Recorder, rng) -> None:
    token = session.cookies["csrftoken"]
    while time.monotonic() < stop_at:
        senior_pk, phone = rng.choice(seniors)
        found = record.call(
            "search",
            lambda phone=phone: session.post(
                url + "/buero/suche/",
                data={"q": phone[-6:], "csrfmiddlewaretoken": token},
                headers={"HX-Request": "true"},
                timeout=TIMEOUT,
            ),
        )
        if found is None or not SENIOR_LINK.search(found.text):
            continue
        topic = rng.choice(topics)
        page = record.call(
            "slot_search",
            lambda senior_pk=senior_pk, topic=topic: session.get(
                f"{url}/buero/ratsuchende/{senior_pk}/", params={"topic": topic}, timeout=TIMEOUT
            ),
        )
        slots = SLOT_FIELD.findall(page.text) if page is not None else []
        if not slots:
            continue
        slot = rng.choice(slots[:3])
        booked = record.call(
            "book",
            lambda senior_pk=senior_pk, topic=topic, slot=slot: session.post(
                f"{url}/buero/ratsuchende/{senior_pk}/buchen/",
                data={"topic": topic, "slot": slot, "csrfmiddlewaretoken": token},
                allow_redirects=False,
                timeout=TIMEOUT,
            ),
            ok=(302, 409),  # 409: another desk took the slot first, the German message
        )
        if booked is not None and booked.status_code == 302:
            record.call(
                "confirmation",
                lambda location=booked.headers["Location"]: session.get(
                    url + location, timeout=TIMEOUT
                ),
            )


def helper_loop(url, session, feed_path, stop_at, record: Recorder) -> None:
    while time.monotonic() < stop_at:
        record.call("helper_appointments", lambda: session.get(url + "/ehrenamt/", timeout=TIMEOUT))
        record.call("helper_feed", lambda: session.get(url + feed_path, timeout=TIMEOUT))


def line(name: str, timings: list[float], errors: int, seconds: float, data: str) -> dict:
    cuts = statistics.quantiles(timings, n=100, method="inclusive") if len(timings) > 1 else None
    result = {
        "bench": name,
        "median_ms": round(statistics.median(timings), 1) if timings else None,
        "p95_ms": round(cuts[94], 1) if cuts else None,
        "p99_ms": round(cuts[98], 1) if cuts else None,
        "per_s": round(len(timings) / seconds, 1),
        "errors": errors,
        "queries": None,
        "data": data,
        "db": connection.vendor,
    }
    print(json.dumps(result), flush=True)
    return result


def check() -> dict:
    """Nothing booked twice, and one outbox row per message."""
    booked = Appointment.objects.filter(status=AppointmentStatus.BOOKED)
    overlapping = 0
    last_end: dict[int, datetime.datetime] = {}
    for helper_id, starts_at, ends_at in Assignment.objects.order_by(
        "helper_id", "starts_at"
    ).values_list("helper_id", "starts_at", "ends_at"):
        if helper_id in last_end and starts_at < last_end[helper_id]:
            overlapping += 1
        last_end[helper_id] = max(ends_at, last_end.get(helper_id, ends_at))
    keys = list(Reminder.objects.values_list("dedupe_key", flat=True))
    confirmations = Reminder.objects.filter(
        kind=Reminder.Kind.CONFIRMATION, appointment__in=booked
    ).count()
    return {
        "appointments": booked.count(),
        "assignments": Assignment.objects.count(),
        "overlapping_assignments": overlapping,
        "duplicate_outbox_rows": len(keys) - len(set(keys)),
        "confirmations": confirmations,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--desks", type=int, default=50)
    parser.add_argument("--helpers", type=int, default=HELPER_CLIENTS)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        # Many server processes writing one SQLite file measure the file lock, not the app;
        # the load test is for a city's server (PostgreSQL).
        print(json.dumps({"bench": "desk.http_load", "skipped": "needs PostgreSQL"}), flush=True)
        return
    rng = random.Random(13)
    city = build(args.desks, rng)
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        db_url = database_url(settings_dict)
    else:
        db_url = f"sqlite:///{settings_dict['NAME']}"
    seniors = [(pk, str(phone)) for pk, phone in Senior.objects.values_list("pk", "phone")]
    topics = [t.pk for t in city["topics"]]
    static_root = tempfile.mkdtemp(prefix="bench-static-")
    env = server_env(
        db_url,
        DATABASE_CONN_MAX_AGE=os.environ.get("DATABASE_CONN_MAX_AGE", "60"),
        STATIC_ROOT=static_root,
    )
    # Production settings serve hashed static files: they need collectstatic's manifest.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    record = Recorder()
    with Gunicorn(env, workers=args.workers, threads=args.threads) as server:
        desks = [session_for(server.url, user) for user in city["users"]]
        helpers = [
            (session_for(server.url, helper.user), f"/ehrenamt/kalender/{helper.feed_token}.ics")
            for helper in city["helpers"][: args.helpers]
        ]
        connection.close()  # the server's connections only, while it is measured
        stop_at = time.monotonic() + args.seconds
        threads = [
            threading.Thread(
                target=desk_loop,
                args=(server.url, s, seniors, topics, stop_at, record, random.Random(n)),
            )
            for n, s in enumerate(desks)
        ] + [
            threading.Thread(target=helper_loop, args=(server.url, s, feed, stop_at, record))
            for s, feed in helpers
        ]
        started = time.monotonic()
        server_cpu, client_cpu = cpu_seconds(server.process.pid), time.process_time()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.monotonic() - started
        server_cpu = cpu_seconds(server.process.pid) - server_cpu
        client_cpu = time.process_time() - client_cpu
    data = (
        f"{args.desks} desks + {len(helpers)} helpers, {args.seconds:g} s, gunicorn "
        f"{args.workers}x{args.threads} threads, {OFFICES} offices, {HELPERS} helpers"
    )
    for page in sorted(record.timings):
        line(f"desk.http_load.{page}", record.timings[page], record.errors[page], seconds, data)
    everything = [t for timings in record.timings.values() for t in timings]
    total = line("desk.http_load", everything, sum(record.errors.values()), seconds, data)
    # CPU time per request of gunicorn's processes and of this load generator: what sets
    # the pace on two cores, and comparable between runs on a busy machine.
    requests_done = len(everything)
    cpu = {
        "bench": "desk.http_load.cpu",
        "server_cpu_ms_per_request": round(1000 * server_cpu / requests_done, 2),
        "client_cpu_ms_per_request": round(1000 * client_cpu / requests_done, 2),
        "server_cores_busy": round(server_cpu / seconds, 2),
    }
    print(json.dumps(cpu), flush=True)
    checks = check()
    checks["booked_302"] = record.outcomes[("book", 302)]
    checks["lost_race_409"] = record.outcomes[("book", 409)]
    checks["error_kinds"] = {f"{page} {kind}": n for (page, kind), n in record.kinds.items()}
    print(json.dumps({"bench": "desk.http_load.checks", **checks}), flush=True)
    if server.errors.strip():
        print(server.errors[-3000:], file=sys.stderr)
    ok = (
        checks["overlapping_assignments"] == 0
        and checks["duplicate_outbox_rows"] == 0
        and checks["confirmations"] == checks["appointments"]
        and checks["appointments"] == checks["booked_302"]
    )
    if not ok or total["errors"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
