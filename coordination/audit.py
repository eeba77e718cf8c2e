"""The audit trail: services call `record()`; who acted comes from the request (set by
`AuditActorMiddleware`) or from `acting_as()` in replies and jobs.

A context variable rather than an argument on every service, so that a service called
from the desk, the helper pages, the admin, a reply or a job records the right actor
without each caller passing it along.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import models
from django.http import HttpRequest, HttpResponse

from coordination.models import AuditEntry


@dataclass(frozen=True)
class Actor:
    # The user object as the request holds it: a lazy object, loaded only if a service
    # records something, so pages that change nothing pay no query for it.
    user: object = None
    via: str = ""

    @property
    def user_id(self) -> int | None:
        if self.user is None or not getattr(self.user, "is_authenticated", False):
            return None
        return self.user.pk


_actor: ContextVar[Actor | None] = ContextVar("audit_actor", default=None)
_SYSTEM = Actor(via="system")


@contextmanager
def acting_as(user=None, via: str = "") -> Iterator[None]:
    """Record `user` (or nobody) and `via` ("web", "reply", "job") as the actor of every
    entry written inside; also usable as a decorator on a reply handler or a task."""
    token = _actor.set(Actor(user=user, via=via))
    try:
        yield
    finally:
        _actor.reset(token)


def _plain(value):
    """Times as ISO strings (in UTC, as stored), so the entry is plain JSON."""
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return sorted(_plain(item) for item in value)
    if isinstance(value, str | int | bool) or value is None:
        return value
    # A model instance or free text would risk personal data in the trail.
    raise TypeError(f"audit changes hold ids, codes, field names and times, not {type(value)}")


def changed_fields(before: models.Model, after: models.Model) -> list[str]:
    """The names of the stored fields whose values differ between two states of a row."""
    return [
        field.name
        for field in after._meta.concrete_fields
        if not field.primary_key and getattr(before, field.attname) != getattr(after, field.attname)
    ]


def record(
    action: str,
    obj: models.Model,
    *,
    office_id: int | None = None,
    senior_id: int | None = None,
    **changes,
) -> AuditEntry:
    """Write one entry (one INSERT) for `action` (an `AuditEntry.Action`) on `obj`.

    `changes` holds field names, codes, ids and times only, never names, numbers or
    texts; for a move `from`/`to` are the old and new start. Call it inside the
    service's transaction, so the entry exists exactly when the change does.
    """
    actor = _actor.get() or _SYSTEM
    return AuditEntry.objects.create(
        actor_id=actor.user_id,
        via=actor.via,
        action=action,
        object_type=obj._meta.model_name,
        object_id=obj.pk,
        office_id=office_id,
        senior_id=senior_id,
        changes={key: _plain(value) for key, value in changes.items()},
    )


class AuditActorMiddleware:
    """Every service called while handling a request records the logged-in user."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with acting_as(getattr(request, "user", None), via="web"):
            return self.get_response(request)
