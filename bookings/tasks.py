"""Old home of the worker's tasks, kept because django-q2 stores task paths as text: tasks
queued as `bookings.tasks.dispatch` before an upgrade must still run. New code uses
`bookings.outbox.tasks`; its schedules are rewritten by the post-migrate hook."""

from __future__ import annotations

from bookings.outbox.tasks import anonymise_seniors, dispatch

__all__ = ["anonymise_seniors", "dispatch"]
