from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from bookings.privacy import senior_anonymise, seniors_due_for_anonymisation


class Command(BaseCommand):
    help = (
        "Anonymisiert Ratsuchende, deren letzter Termin länger als ANONYMISE_AFTER_MONTHS "
        "zurückliegt."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Nur zählen, nichts ändern.")

    def handle(self, *args, dry_run: bool = False, **options):
        due = list(seniors_due_for_anonymisation())
        if not dry_run:
            for senior in due:
                senior_anonymise(senior=senior)
        verb = "wären" if dry_run else "wurden"
        self.stdout.write(
            f"{len(due)} Ratsuchende {verb} anonymisiert "
            f"(Aufbewahrung: {settings.ANONYMISE_AFTER_MONTHS} Monate)."
        )
