from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from bookings.outbox.tasks import anonymise_seniors
from bookings.privacy import seniors_due_for_anonymisation


class Command(BaseCommand):
    help = (
        "Anonymisiert Ratsuchende, deren letzter Termin länger als ANONYMISE_AFTER_MONTHS "
        "zurückliegt."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Nur zählen, nichts ändern.")

    def handle(self, *args, dry_run: bool = False, **options):
        count = seniors_due_for_anonymisation().count() if dry_run else anonymise_seniors()
        verb = "wären" if dry_run else "wurden"
        self.stdout.write(
            f"{count} Ratsuchende {verb} anonymisiert "
            f"(Aufbewahrung: {settings.ANONYMISE_AFTER_MONTHS} Monate)."
        )
