"""`/gesundheit/`: is this installation able to do its work? For monitoring, no login.

It answers JSON with one entry per check and no personal data: the database answers, the
worker's broker answers, and no due message has waited longer than
HEALTH_OUTBOX_MAX_DELAY_MINUTES (the worker runs and can reach the provider). 200 when
every check passes, 503 otherwise.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

# Enough rows to find the longest wait; the oldest due_at is not always it (quiet hours).
_OLDEST = 50


def _database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True}


def _broker() -> dict:
    q_cluster = settings.Q_CLUSTER
    if "redis" in q_cluster:
        import redis

        client = redis.Redis.from_url(
            q_cluster["redis"], socket_timeout=2, socket_connect_timeout=2
        )
        try:
            client.ping()
        finally:
            client.close()
        return {"ok": True, "kind": "redis"}
    from django_q.models import OrmQ

    OrmQ.objects.using(q_cluster.get("orm", "default")).exists()
    return {"ok": True, "kind": "orm"}


def _outbox() -> dict:
    from bookings.outbox.claims import due_reminders
    from bookings.outbox.quiet_hours import quiet_until

    now = timezone.now()
    waited = datetime.timedelta(0)
    for row in due_reminders(now).values("due_at", "channel")[:_OLDEST]:
        # A text or call due at night could only go out when the quiet hours ended.
        since = row["due_at"]
        if row["channel"] != "email":
            since = quiet_until(since) or since
        waited = max(waited, now - since)
    limit = datetime.timedelta(minutes=settings.HEALTH_OUTBOX_MAX_DELAY_MINUTES)
    return {
        "ok": waited <= limit,
        "oldest_due_seconds": int(waited.total_seconds()),
        "limit_seconds": int(limit.total_seconds()),
    }


CHECKS = {"database": _database, "broker": _broker, "outbox": _outbox}


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as exc:  # any failure is the answer, not an error page
            results[name] = {"ok": False, "error": type(exc).__name__}
    healthy = all(result["ok"] for result in results.values())
    return JsonResponse(
        {"status": "ok" if healthy else "failing", "checks": results},
        status=200 if healthy else 503,
    )
