"""Workshops and the seniors' registrations for a seat."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings.models.helpers import Helper, Topic
from bookings.models.seniors import Senior
from neighborhoods.models import Office


class Workshop(models.Model):
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="workshops", verbose_name=_("Büro")
    )
    title = models.CharField(_("Titel"), max_length=120)
    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="workshops", verbose_name=_("Thema")
    )
    description = models.TextField(_("Beschreibung"), blank=True)
    starts_at = models.DateTimeField(_("Beginn"), db_index=True)
    ends_at = models.DateTimeField(_("Ende"))
    seats = models.PositiveSmallIntegerField(
        _("Plätze"), default=8, help_text=_("Wie viele Personen teilnehmen können.")
    )
    helpers = models.ManyToManyField(
        Helper,
        through="Assignment",
        related_name="workshops",
        verbose_name=_("Ehrenamtliche"),
    )
    cancelled_at = models.DateTimeField(_("abgesagt am"), null=True, blank=True)
    # Counts the changes seniors were told about (move, retitle, cancel); the outbox's
    # dedupe keys of change messages carry it, so each change is told once.
    sequence = models.PositiveIntegerField(_("Änderungszähler"), default=0, editable=False)

    class Meta:
        verbose_name = _("Workshop")
        verbose_name_plural = _("Workshops")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_at__lt=models.F("ends_at")),
                name="workshop_starts_before_it_ends",
                violation_error_message=_("Ein Workshop muss beginnen, bevor er endet."),
            ),
            models.CheckConstraint(
                condition=models.Q(seats__gte=1),
                name="workshop_has_seats",
                violation_error_message=_("Ein Workshop braucht mindestens einen Platz."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({timezone.localtime(self.starts_at):%d.%m.%Y %H:%M})"

    def seats_taken(self) -> int:
        return self.registrations.filter(status=RegistrationStatus.REGISTERED).count()


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("angemeldet")
    WAITLISTED = "waitlisted", _("auf der Warteliste")
    CANCELLED = "cancelled", _("abgemeldet")
    ATTENDED = "attended", _("teilgenommen")
    NO_SHOW = "no_show", _("nicht erschienen")


class Registration(models.Model):
    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("Workshop")
    )
    senior = models.ForeignKey(
        Senior,
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name=_("Ratsuchende/r"),
    )
    status = models.CharField(
        _("Status"),
        max_length=10,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.REGISTERED,
    )
    position = models.PositiveIntegerField(
        _("Position"), help_text=_("Reihenfolge der Anmeldung; entscheidet auf der Warteliste.")
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("angemeldet von"),
    )
    created_at = models.DateTimeField(_("angemeldet am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Anmeldung")
        verbose_name_plural = _("Anmeldungen")
        ordering = ["workshop", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "senior"],
                condition=models.Q(status__in=["registered", "waitlisted"]),
                name="registration_once_per_workshop",
                violation_error_message=_("Diese Person ist bereits angemeldet."),
            ),
            models.UniqueConstraint(
                fields=["workshop", "position"], name="registration_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.senior} – {self.workshop}"


class SeatOffer(models.Model):
    """A free seat offered to someone on the waiting list, until a deadline.

    Written by `bookings.services.waiting_list`; the message that carries it is an
    outbox row (`reminder`). An open offer holds its seat: nobody else gets it meanwhile.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("angeboten")
        ACCEPTED = "accepted", _("angenommen")
        DECLINED = "declined", _("abgelehnt")
        EXPIRED = "expired", _("keine Antwort")
        UNREACHABLE = "unreachable", _("nicht erreichbar")
        WITHDRAWN = "withdrawn", _("zurückgezogen")

    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        related_name="seat_offers",
        verbose_name=_("Anmeldung"),
    )
    reminder = models.OneToOneField(
        "bookings.Reminder",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="seat_offer",
        verbose_name=_("Nachricht"),
    )
    status = models.CharField(
        _("Status"), max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    expires_at = models.DateTimeField(_("Antwort bis"), db_index=True)
    answered_at = models.DateTimeField(_("beantwortet am"), null=True, blank=True)
    created_at = models.DateTimeField(_("angeboten am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Platzangebot")
        verbose_name_plural = _("Platzangebote")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration"],
                condition=models.Q(status="open"),
                name="seat_offer_one_open_per_registration",
            )
        ]

    def __str__(self) -> str:
        return f"{self.registration} ({self.get_status_display()})"
