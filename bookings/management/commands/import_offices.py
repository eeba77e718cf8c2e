"""manage.py import_offices FILE.csv [--dry-run]: offices, opening hours and topics."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bookings.office_import import ImportFailed, import_offices


class Command(BaseCommand):
    help = (
        "Liest Stadtteilbüros mit Stadtteil, Adresse, Telefon, Öffnungszeiten und Themen "
        "aus einer CSV-Datei (Format: docs/other-town.md). Mehrfach ausführbar."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="CSV-Datei, mit ; getrennt, UTF-8")
        parser.add_argument(
            "--dry-run", action="store_true", help="Nur prüfen und zeigen, nichts speichern."
        )

    def handle(self, *args, file: Path, dry_run: bool = False, **options):
        try:
            report = import_offices(file, dry_run=dry_run)
        except ImportFailed as exc:
            raise CommandError("Nichts importiert:\n" + "\n".join(exc.errors)) from exc
        for label, names in (
            ("neu", report.created),
            ("geändert", report.changed),
            ("unverändert", report.unchanged),
        ):
            self.stdout.write(
                f"Büros {label}: {len(names)}" + (f" ({', '.join(names)})" if names else "")
            )
        self.stdout.write(f"Themen neu: {len(report.topics_created)}")
        if dry_run:
            self.stdout.write(self.style.WARNING("Probelauf: nichts gespeichert."))
        else:
            self.stdout.write(self.style.SUCCESS("Import abgeschlossen."))
