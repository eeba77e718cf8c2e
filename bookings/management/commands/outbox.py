"""Show the outbox for operators: what is due, what failed, what went out today."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from bookings.models import Reminder
from helpdesk.localtime import local_midnight


def masked(address: str) -> str:
    """Enough of a number or address to tell rows apart, never the whole of it."""
    if "@" in address:
        name, _, domain = address.partition("@")
        return f"{name[:1]}***@{domain}"
    return f"{address[:5]}****{address[-2:]}" if len(address) > 7 else "****"


class Command(BaseCommand):
    help = "Zeigt fällige, fehlgeschlagene und heute gesendete Nachrichten (Nummern gekürzt)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--limit", type=int, default=50)

    def handle(self, *args, limit: int, **options) -> None:
        now = timezone.now()
        today = local_midnight()
        rows = Reminder.objects.select_related("senior__contact_person", "helper__user")
        sections = [
            ("Fällig", rows.filter(status=Reminder.Status.PENDING, due_at__lte=now)),
            ("In Arbeit", rows.filter(status=Reminder.Status.SENDING)),
            ("Fehlgeschlagen", rows.filter(status=Reminder.Status.FAILED).order_by("-updated_at")),
            ("Nicht erreicht", rows.filter(status=Reminder.Status.NO_ANSWER)),
            ("Heute gesendet", rows.filter(sent_at__gte=today).order_by("-sent_at")),
        ]
        for title, queryset in sections:
            self.stdout.write(self.style.MIGRATE_HEADING(f"{title}: {queryset.count()}"))
            for reminder in queryset[:limit]:
                self.stdout.write(self._line(reminder))

    def _line(self, reminder: Reminder) -> str:
        to = ""
        if reminder.helper_id:
            address = (
                reminder.helper.user.email
                if reminder.channel == "email"
                else str(reminder.helper.phone)
            )
        elif reminder.addressee == Reminder.Addressee.CONTACT:
            contact = getattr(reminder.senior, "contact_person", None)
            to, address = "Kontaktperson ", str(contact.phone) if contact else ""
        else:
            address = str(reminder.senior.phone)
        due = timezone.localtime(reminder.due_at)
        error = f" {reminder.error_code} {reminder.error_message}" if reminder.error_code else ""
        return (
            f"  #{reminder.pk} {due:%d.%m. %H:%M} {reminder.kind} {reminder.channel} "
            f"{to}{masked(address)} {reminder.status} Versuche={reminder.attempts}{error}"
        )
