from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from bookings.outbox.tasks import expire_message_contents


class Command(BaseCommand):
    help = (
        "Entfernt Antworttexte und Telefonnummern aus Nachrichten, die älter als "
        "MESSAGE_RETENTION_DAYS sind."
    )

    def handle(self, *args, **options):
        outbox, replies = expire_message_contents()
        self.stdout.write(
            f"{outbox} Nachrichten und {replies} Antworten geleert "
            f"(Aufbewahrung: {settings.MESSAGE_RETENTION_DAYS} Tage)."
        )
