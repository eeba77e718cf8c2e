from __future__ import annotations

import logging

from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = _("Termine und Ehrenamtliche")

    def ready(self) -> None:
        from bookings.roles import ensure_role_groups

        post_migrate.connect(ensure_role_groups, sender=self)

        from django_q.signals import post_spawn

        from bookings.outbox.tasks import ensure_dispatch_schedule, worker_ready

        post_migrate.connect(ensure_dispatch_schedule, sender=self)
        post_spawn.connect(worker_ready)

        if settings.MESSAGE_BACKEND == "console":
            logging.getLogger("bookings.messages").info(
                "No Twilio credentials: SMS and calls are written to this log, not sent."
            )
