"""Benchmark: the desk under load over HTTP (desk.http_load).

Starts the app under gunicorn (DEBUG off, five processes as docs/deploy.md runs it) on
the throw-away database of bench/_harness.py and drives it from one asyncio process on
127.0.0.1 (aiohttp, one client session per person: its own cookies and CSRF token):
`--desks` office desks (default 50) loop over caller search, slot search and booking a
slot shown (then its confirmation page); 20 helpers read their appointments and their
calendar feed. Prints one JSON line per page and a total line, the CPU time per request
of the server's processes and of the load generator, then checks that nothing was booked
twice, that each message has one outbox row and that each booking answered 302 has its
confirmation.

Each person pauses between two requests, exponentially distributed around `--think-ms`,
as desk staff talk to a caller between clicks. Without pauses (a closed loop) the
benchmark measures queueing: by Little's law the mean response time is the number of
clients over the rate served, so 70 clients wait 70/X s at X requests/s whatever a page
costs. Without `--think-ms` it runs twice, each time against a fresh server and an empty
calendar: first "saturation" (no pauses: the most requests/s the server gives, lines
desk.http_load.saturation...), then "paced" (400 ms: 70 people offer 175 requests/s if
answers were instant, lines desk.http_load...).

    .venv/bin/python bench/desk_http_load.py [--desks 50] [--helpers 20] [--seconds 60]
        [--think-ms MEAN] [--workers 5] [--threads 1]
"""

from __future__ import annotations

import argparse
import asyncio
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
import time
from typing import NamedTuple

from _harness import ROOT, cpu_seconds, setup_django

sys.path.insert(0, str(ROOT))
from tests.live_server import SECRET_KEY, Gunicorn, database_url, server_env

# The sessions made here must be valid for the server: the same key on both sides.
os.environ["SECRET_KEY"] = SECRET_KEY
setup_django()

import aiohttp  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import (  # noqa: E402
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    load_backend,
)
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
TIMEOUT = aiohttp.ClientTimeout(total=60)
# Mean pause of the paced measure: 70 people offer 70 / 0.4 s = 175 requests/s.
PACED_THINK_MS = 400


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


# The backend a login stores in the session, as Django's test client picks it: the first
# of the settings' backends that can load a user.
SESSION_BACKEND = next(
    path for path in settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(path), "get_user")
)


def session_key(user: User) -> str:
    """A session of its own for `user`, made directly in the session store: measuring the
    password hash of 70 logins is not the point here."""
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = SESSION_BACKEND
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


class Answer(NamedTuple):
    status: int
    text: str
    location: str | None


class Run:
    """One measure: how long, the people's mean pause, and per page what they met (one
    event loop, so no lock)."""

    def __init__(self, seconds: float, think_ms: float) -> None:
        self.seconds, self.think_s, self.stop_at = seconds, think_ms / 1000, 0.0
        self.timings: dict[str, list[float]] = collections.defaultdict(list)
        self.errors: collections.Counter = collections.Counter()
        self.outcomes: collections.Counter = collections.Counter()
        self.kinds: collections.Counter = collections.Counter()

    def busy(self) -> bool:
        return asyncio.get_running_loop().time() < self.stop_at

    async def call(self, session, page, method, path, ok=(200,), **kwargs) -> Answer | None:
        started = time.perf_counter()
        answer = failure = None
        try:
            async with session.request(method, path, **kwargs) as response:
                body = await response.read()  # the whole answer, as a browser would
                location = response.headers.get("Location")
                answer = Answer(response.status, body.decode(errors="replace"), location)
        except (aiohttp.ClientError, TimeoutError) as exc:
            failure = type(exc).__name__
        self.timings[page].append((time.perf_counter() - started) * 1000)
        if answer is None or answer.status not in ok:
            self.errors[page] += 1
            self.kinds[(page, failure or answer.status)] += 1
            return None
        self.outcomes[(page, answer.status)] += 1
        return answer


class Person:
    """A desk or a helper: its own client session (cookie jar with session and CSRF
    cookie) and its own seeded RNG for its choices and its pauses."""

    def __init__(self, session: aiohttp.ClientSession, token: str, seed: int, run: Run) -> None:
        self.session, self.token, self.rng, self.run = session, token, random.Random(seed), run

    async def request(self, page, method, path, **kwargs) -> Answer | None:
        answer = await self.run.call(self.session, page, method, path, **kwargs)
        if self.run.think_s:
            left = self.run.stop_at - asyncio.get_running_loop().time()
            await asyncio.sleep(min(self.rng.expovariate(1 / self.run.think_s), max(left, 0)))
        return answer


async def open_session(url: str, key: str) -> tuple[aiohttp.ClientSession, str]:
    """A client session logged in with `key`, and the CSRF token of the cookie it got."""
    session = aiohttp.ClientSession(
        base_url=url,
        cookies={"sessionid": key},
        # unsafe: the jar keeps cookies of an IP address (127.0.0.1) only when told so.
        cookie_jar=aiohttp.CookieJar(unsafe=True),
        connector=aiohttp.TCPConnector(limit=1),  # one person, one request at a time
        timeout=TIMEOUT,
    )
    async with session.get("/anmelden/") as response:
        response.raise_for_status()
    return session, next(c.value for c in session.cookie_jar if c.key == "csrftoken")


async def desk(person: Person, seniors, topics) -> None:
    rng, token = person.rng, person.token
    while person.run.busy():
        senior_pk, phone = rng.choice(seniors)
        found = await person.request(
            "search",
            "POST",
            "/buero/suche/",
            data={"q": phone[-6:], "csrfmiddlewaretoken": token},
            headers={"HX-Request": "true"},
        )
        if found is None or not SENIOR_LINK.search(found.text):
            continue
        topic = rng.choice(topics)
        page = await person.request(
            "slot_search", "GET", f"/buero/ratsuchende/{senior_pk}/", params={"topic": topic}
        )
        slots = SLOT_FIELD.findall(page.text) if page is not None else []
        if not slots:
            continue
        booked = await person.request(
            "book",
            "POST",
            f"/buero/ratsuchende/{senior_pk}/buchen/",
            data={"topic": topic, "slot": rng.choice(slots[:3]), "csrfmiddlewaretoken": token},
            allow_redirects=False,
            ok=(302, 409),  # 409: another desk took the slot first, the German message
        )
        if booked is not None and booked.status == 302:
            await person.request("confirmation", "GET", booked.location)


async def helper(person: Person, feed_path: str) -> None:
    while person.run.busy():
        await person.request("helper_appointments", "GET", "/ehrenamt/")
        await person.request("helper_feed", "GET", feed_path)


async def drive(server: Gunicorn, run: Run, city: dict, desk_keys, helper_keys) -> tuple:
    """Open every person's session, then let them loop for `run.seconds`; return the
    wall time and the CPU time of the loop: the server's, this process's and the local
    PostgreSQL's (all its processes: on a quiet machine, this benchmark's)."""
    desks = [Person(*await open_session(server.url, k), n, run) for n, k in enumerate(desk_keys)]
    helpers = [
        (Person(*await open_session(server.url, key), len(desks) + n, run), feed)
        for n, (key, feed) in enumerate(helper_keys)
    ]
    loop = asyncio.get_running_loop()
    started, client_cpu = loop.time(), time.process_time()
    server_cpu = cpu_seconds(server.process.pid)
    database_cpu = cpu_seconds(command="postgres")
    run.stop_at = started + run.seconds
    await asyncio.gather(
        *(desk(person, city["seniors"], city["topic_pks"]) for person in desks),
        *(helper(person, feed) for person, feed in helpers),
    )
    seconds = loop.time() - started
    server_cpu = cpu_seconds(server.process.pid) - server_cpu
    client_cpu = time.process_time() - client_cpu
    database_cpu = cpu_seconds(command="postgres") - database_cpu
    for person in desks + [person for person, _feed in helpers]:
        await person.session.close()
    return seconds, server_cpu, client_cpu, database_cpu


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
    """Nothing booked twice, one outbox row per message, one confirmation per appointment
    (all booked by this measure: each starts without appointments)."""
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
        "assignments": Assignment.objects.filter(appointment__in=booked).count(),
        "overlapping_assignments": overlapping,
        "duplicate_outbox_rows": len(keys) - len(set(keys)),
        "confirmations": confirmations,
    }


def measure(name: str, city: dict, env: dict, args, think_ms: float) -> bool:
    """One run against a fresh gunicorn: its lines, its CPU line, its checks. True if
    there were no errors and the checks hold."""
    # Every measure starts from the city as built (it has no appointments): the calendar
    # an earlier measure filled made the slot search read further, and the paced measure
    # after the saturation one cost 33 instead of 25 ms of server CPU per request.
    Appointment.objects.all().delete()
    desk_keys = [session_key(user) for user in city["users"]]
    helper_keys = [
        (session_key(h.user), f"/ehrenamt/kalender/{h.feed_token}.ics")
        for h in city["helpers"][: args.helpers]
    ]
    connection.close()  # the server's connections only, while it is measured
    run = Run(args.seconds, think_ms)
    with Gunicorn(env, workers=args.workers, threads=args.threads) as server:
        seconds, server_cpu, client_cpu, database_cpu = asyncio.run(
            drive(server, run, city, desk_keys, helper_keys)
        )
    people = len(desk_keys) + len(helper_keys)
    pacing = (
        f"think {think_ms:g} ms (exponential), {people / think_ms * 1000:.0f} requests/s offered"
        if think_ms
        else "no think time (closed loop)"
    )
    data = (
        f"{len(desk_keys)} desks + {len(helper_keys)} helpers, {pacing}, {args.seconds:g} s, "
        f"gunicorn {args.workers} processes x {args.threads} threads, {OFFICES} offices, "
        f"{HELPERS} helpers"
    )
    for page in sorted(run.timings):
        line(f"{name}.{page}", run.timings[page], run.errors[page], seconds, data)
    everything = [t for timings in run.timings.values() for t in timings]
    total = line(name, everything, sum(run.errors.values()), seconds, data)
    # CPU time per request of gunicorn's processes, of this load generator and of the
    # database: what sets the pace on two cores, and comparable between runs on a busy
    # machine. The database's only where it runs here (null for a remote one).
    local = connection.settings_dict["HOST"] in ("", "localhost", "127.0.0.1", "::1")
    cpu = {
        "bench": f"{name}.cpu",
        "server_cpu_ms_per_request": round(1000 * server_cpu / len(everything), 2),
        "client_cpu_ms_per_request": round(1000 * client_cpu / len(everything), 2),
        "database_cpu_ms_per_request": (
            round(1000 * database_cpu / len(everything), 2) if local else None
        ),
        "server_cores_busy": round(server_cpu / seconds, 2),
    }
    print(json.dumps(cpu), flush=True)
    checks = check()
    checks["booked_302"] = run.outcomes[("book", 302)]
    checks["lost_race_409"] = run.outcomes[("book", 409)]
    checks["error_kinds"] = {f"{page} {kind}": n for (page, kind), n in run.kinds.items()}
    print(json.dumps({"bench": f"{name}.checks", **checks}), flush=True)
    if server.errors.strip():
        print(server.errors[-3000:], file=sys.stderr)
    return (
        not total["errors"]
        and checks["overlapping_assignments"] == 0
        and checks["duplicate_outbox_rows"] == 0
        and checks["confirmations"] == checks["appointments"] == checks["booked_302"]
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--desks", type=int, default=50)
    parser.add_argument("--helpers", type=int, default=HELPER_CLIENTS)
    parser.add_argument("--seconds", type=float, default=60, help="of each measure")
    parser.add_argument(
        "--think-ms",
        type=float,
        help="mean pause between two requests of a person, 0 for none; "
        "default: one measure without, then one with 400 ms",
    )
    # As docs/deploy.md runs it on two cores: 2 x cores + 1 processes of one thread each,
    # so a request waits for a free process, not for its turn at a shared interpreter
    # lock (2 x 4 threads: the same CPU per request, p95 about 1.5 times as long).
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        # Many server processes writing one SQLite file measure the file lock, not the app;
        # the load test is for a city's server (PostgreSQL).
        print(json.dumps({"bench": "desk.http_load", "skipped": "needs PostgreSQL"}), flush=True)
        return
    city = build(args.desks, random.Random(13))
    city["seniors"] = [(pk, str(phone)) for pk, phone in Senior.objects.values_list("pk", "phone")]
    city["topic_pks"] = [t.pk for t in city["topics"]]
    env = server_env(
        database_url(connection.settings_dict),
        DATABASE_CONN_MAX_AGE=os.environ.get("DATABASE_CONN_MAX_AGE", "60"),
        STATIC_ROOT=tempfile.mkdtemp(prefix="bench-static-"),
    )
    # Production settings serve hashed static files: they need collectstatic's manifest.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    pacing = [0, PACED_THINK_MS] if args.think_ms is None else [args.think_ms]
    # Every measure runs (and checks) even when one before it failed.
    passed = [
        measure(
            "desk.http_load" if think_ms else "desk.http_load.saturation", city, env, args, think_ms
        )
        for think_ms in pacing
    ]
    if not all(passed):
        sys.exit(1)


if __name__ == "__main__":
    main()
