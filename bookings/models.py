from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from bookings.names import fold_name
from bookings.phones import PHONE_HELP, PhoneKind, phone_kind
from neighborhoods.models import District, Office, Weekday


def _new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class Topic(models.Model):
    name = models.CharField(_("Name"), max_length=80, unique=True)
    description = models.CharField(
        _("Beschreibung"),
        max_length=200,
        blank=True,
        help_text=_("Ein Satz, der Ratsuchenden erklärt, worum es geht."),
    )
    duration_minutes = models.PositiveSmallIntegerField(
        _("Dauer in Minuten"), default=60, help_text=_("Übliche Länge eines Einzeltermins.")
    )
    active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("Thema")
        verbose_name_plural = _("Themen")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=15, duration_minutes__lte=240),
                name="topic_duration_reasonable",
                violation_error_message=_("Ein Termin dauert zwischen 15 und 240 Minuten."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Helper(models.Model):
    class NotifyBy(models.TextChoices):
        EMAIL = "email", _("E-Mail")
        SMS = "sms", _("SMS")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="helper",
        verbose_name=_("Benutzerkonto"),
    )
    phone = PhoneNumberField(_("Telefon"), blank=True, help_text=PHONE_HELP)
    topics = models.ManyToManyField(Topic, related_name="helpers", verbose_name=_("Themen"))
    offices = models.ManyToManyField(
        Office, related_name="helpers", verbose_name=_("Stadtteilbüros")
    )
    active = models.BooleanField(
        _("aktiv"), default=True, help_text=_("Inaktive Ehrenamtliche bekommen keine Termine.")
    )
    notify_by = models.CharField(
        _("Benachrichtigung per"),
        max_length=5,
        choices=NotifyBy.choices,
        default=NotifyBy.EMAIL,
        help_text=_("Wie wir Sie über neue, verlegte und abgesagte Termine informieren."),
    )
    may_see_senior_phones = models.BooleanField(
        _("darf Telefonnummern von Ratsuchenden sehen"),
        default=False,
        help_text=_("Nur einschalten, wenn die Person Ratsuchende selbst anrufen soll."),
    )
    feed_token = models.CharField(
        _("Kalender-Schlüssel"), max_length=64, unique=True, default=_new_feed_token, editable=False
    )

    class Meta:
        verbose_name = _("Ehrenamtliche/r")
        verbose_name_plural = _("Ehrenamtliche")
        ordering = ["user__first_name", "user__last_name"]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    @property
    def first_name(self) -> str:
        return self.user.first_name or self.user.get_username()


class Availability(models.Model):
    """A helper's recurring weekly time range at one office (Sprechzeit)."""

    helper = models.ForeignKey(
        Helper,
        on_delete=models.CASCADE,
        related_name="availabilities",
        verbose_name=_("Ehrenamtliche/r"),
    )
    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, related_name="availabilities", verbose_name=_("Büro")
    )
    weekday = models.PositiveSmallIntegerField(_("Wochentag"), choices=Weekday.choices)
    starts = models.TimeField(_("von"))
    ends = models.TimeField(_("bis"))
    valid_from = models.DateField(_("gültig ab"), default=datetime.date.today)
    valid_until = models.DateField(
        _("gültig bis"), null=True, blank=True, help_text=_("Leer lassen, wenn unbefristet.")
    )

    class Meta:
        verbose_name = _("Sprechzeit")
        verbose_name_plural = _("Sprechzeiten")
        ordering = ["helper", "weekday", "starts"]
        # The slot search reads one weekday's ranges in this order and stops early.
        indexes = [
            models.Index(
                fields=["weekday", "starts", "office", "helper"], name="availability_search_order"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts__lt=models.F("ends")),
                name="availability_starts_before_it_ends",
                violation_error_message=_("Die Sprechzeit muss beginnen, bevor sie endet."),
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_from__lte=models.F("valid_until")),
                name="availability_valid_range",
                violation_error_message=_("„Gültig bis“ darf nicht vor „gültig ab“ liegen."),
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.helper}: {self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M}, "
            f"{self.office}"
        )

    def clean(self) -> None:
        if not (self.starts and self.ends and self.office_id and self.weekday is not None):
            return
        if self.starts >= self.ends:
            raise ValidationError({"ends": _("Die Sprechzeit muss beginnen, bevor sie endet.")})
        covered = self.office.opening_hours.filter(
            weekday=self.weekday, opens__lte=self.starts, closes__gte=self.ends
        ).exists()
        if not covered:
            raise ValidationError(
                {
                    "starts": _(
                        "Das Büro hat zu dieser Zeit nicht geöffnet. Bitte wählen Sie eine Zeit "
                        "innerhalb der Öffnungszeiten."
                    )
                }
            )
        if self.helper_id and self.overlapping().exists():
            raise ValidationError(
                {
                    "starts": _(
                        "Diese Sprechzeit überschneidet sich mit einer anderen Sprechzeit "
                        "von Ihnen."
                    )
                }
            )

    def overlapping(self) -> models.QuerySet[Availability]:
        """The helper's other ranges on this weekday that share time and validity."""
        others = Availability.objects.filter(
            helper_id=self.helper_id,
            weekday=self.weekday,
            starts__lt=self.ends,
            ends__gt=self.starts,
        ).exclude(pk=self.pk)
        others = others.filter(
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=self.valid_from)
        )
        if self.valid_until:
            others = others.filter(valid_from__lte=self.valid_until)
        return others


class Absence(models.Model):
    helper = models.ForeignKey(
        Helper, on_delete=models.CASCADE, related_name="absences", verbose_name=_("Ehrenamtliche/r")
    )
    starts_on = models.DateField(_("von"))
    ends_on = models.DateField(_("bis einschließlich"))
    reason = models.CharField(
        _("Grund"), max_length=120, blank=True, help_text=_("Freiwillig, z. B. Urlaub.")
    )

    class Meta:
        verbose_name = _("Abwesenheit")
        verbose_name_plural = _("Abwesenheiten")
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_on__lte=models.F("ends_on")),
                name="absence_starts_before_it_ends",
                violation_error_message=_("Das Ende der Abwesenheit liegt vor ihrem Beginn."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.helper}: {self.starts_on:%d.%m.%Y}–{self.ends_on:%d.%m.%Y}"


class Senior(models.Model):
    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        VOICE = "voice", _("Anruf")
        NONE = "none", _("keine Nachrichten")

    first_name = models.CharField(_("Vorname"), max_length=80)
    last_name = models.CharField(_("Nachname"), max_length=80)
    phone = PhoneNumberField(_("Telefon"), help_text=PHONE_HELP)
    phone_kind = models.CharField(
        _("Art des Anschlusses"), max_length=8, choices=PhoneKind.choices, editable=False
    )
    preferred_channel = models.CharField(
        _("Erinnerung per"),
        max_length=5,
        choices=Channel.choices,
        blank=True,
        help_text=_("Leer lassen: Handy bekommt SMS, Festnetz einen Anruf."),
    )
    district = models.ForeignKey(
        District,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="seniors",
        verbose_name=_("Stadtteil"),
        help_text=_("Bestimmt das nächstgelegene Büro."),
    )
    reminder_consent = models.BooleanField(
        _("Einverständnis mit Erinnerungen"),
        default=False,
        help_text=_("Die Person ist einverstanden, Bestätigung und Erinnerung zu bekommen."),
    )
    reminder_consent_at = models.DateTimeField(_("Einverständnis am"), null=True, blank=True)
    opted_out_at = models.DateTimeField(
        _("Nachrichten abbestellt am"),
        null=True,
        blank=True,
        help_text=_("Gesetzt, wenn die Person STOP geantwortet hat; dann geht nichts mehr raus."),
    )
    notes = models.TextField(
        _("Hinweise"),
        blank=True,
        help_text=_(
            "Nur, was für die Hilfe nötig ist, z. B. „hört schlecht, bitte laut sprechen“."
        ),
    )
    search_key = models.CharField(
        _("Suchschlüssel"),
        max_length=170,
        editable=False,
        db_index=True,
        help_text=_("Der Name ohne Umlaute und Großschreibung, damit die Suche ihn findet."),
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    anonymised_at = models.DateTimeField(_("anonymisiert am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Ratsuchende/r")
        verbose_name_plural = _("Ratsuchende")
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def save(self, *args, **kwargs) -> None:
        self.search_key = fold_name(f"{self.first_name} {self.last_name}")
        if self.phone:
            self.phone_kind = phone_kind(self.phone)
        if self.reminder_consent and not self.reminder_consent_at:
            self.reminder_consent_at = timezone.now()
        elif not self.reminder_consent:
            self.reminder_consent_at = None
        super().save(*args, **kwargs)

    @property
    def reminder_channel(self) -> str:
        """The channel reminders go out on: staff's choice, else by the kind of number."""
        if not self.reminder_consent or self.opted_out_at:
            return self.Channel.NONE
        if self.preferred_channel:
            return self.preferred_channel
        return self.Channel.SMS if self.phone_kind == PhoneKind.MOBILE else self.Channel.VOICE


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("gebucht")
    CANCELLED = "cancelled", _("abgesagt")
    ATTENDED = "attended", _("wahrgenommen")
    NO_SHOW = "no_show", _("nicht erschienen")


class CancellationReason(models.TextChoices):
    SENIOR = "senior", _("Ratsuchende/r hat abgesagt")
    HELPER_ILL = "helper_ill", _("Ehrenamtliche/r ist krank")
    OFFICE_CLOSED = "office_closed", _("Büro geschlossen")
    OTHER = "other", _("anderer Grund")


class DeviceKind(models.TextChoices):
    ANDROID_TABLET = "android_tablet", _("Android-Tablet")
    IPAD = "ipad", _("iPad")
    SMARTPHONE = "smartphone", _("Smartphone")


class Appointment(models.Model):
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("Büro")
    )
    helper = models.ForeignKey(
        Helper,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("Ehrenamtliche/r"),
    )
    senior = models.ForeignKey(
        Senior,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("Ratsuchende/r"),
    )
    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("Thema")
    )
    starts_at = models.DateTimeField(_("Beginn"), db_index=True)
    ends_at = models.DateTimeField(_("Ende"))
    status = models.CharField(
        _("Status"),
        max_length=10,
        choices=AppointmentStatus.choices,
        default=AppointmentStatus.BOOKED,
        db_index=True,
    )
    brings_own_device = models.BooleanField(
        _("bringt eigenes Gerät mit"),
        default=True,
        help_text=_("Sonst wird ein Leihgerät des Büros reserviert."),
    )
    note = models.TextField(
        _("Notiz"), blank=True, help_text=_("Was die Person lernen möchte, für die Ehrenamtlichen.")
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gebucht von"),
    )
    cancellation_reason = models.CharField(
        _("Absagegrund"), max_length=15, choices=CancellationReason.choices, blank=True
    )
    cancellation_note = models.CharField(_("Anmerkung zur Absage"), max_length=200, blank=True)
    confirmed_at = models.DateTimeField(_("von der Person bestätigt am"), null=True, blank=True)
    needs_rebooking = models.BooleanField(
        _("muss neu vereinbart werden"),
        default=False,
        help_text=_("Die/der Ehrenamtliche ist abwesend; bitte die Person anrufen."),
    )
    sequence = models.PositiveIntegerField(
        _("Änderungszähler"), default=0, editable=False, help_text=_("Für Kalender-Abos.")
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)
    cancelled_at = models.DateTimeField(_("abgesagt am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Termin")
        verbose_name_plural = _("Termine")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_at__lt=models.F("ends_at")),
                name="appointment_starts_before_it_ends",
                violation_error_message=_("Ein Termin muss beginnen, bevor er endet."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status=AppointmentStatus.CANCELLED)
                | models.Q(cancelled_at__isnull=False),
                name="appointment_cancelled_has_time",
            ),
        ]
        indexes = [models.Index(fields=["office", "starts_at"], name="appointment_office_day")]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{local:%d.%m.%Y %H:%M} {self.office} – {self.senior}"

    @property
    def is_active(self) -> bool:
        return self.status != AppointmentStatus.CANCELLED


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

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        # The helpers' assignments follow the workshop when it is moved.
        self.assignments.exclude(starts_at=self.starts_at, ends_at=self.ends_at).update(
            starts_at=self.starts_at, ends_at=self.ends_at
        )

    def seats_taken(self) -> int:
        return self.registrations.filter(status=RegistrationStatus.REGISTERED).count()


class Assignment(models.Model):
    """The time a helper is taken by one appointment or one workshop (Einsatz).

    Appointments and workshops share this table so that the database itself can refuse
    overlapping commitments of one helper across both kinds (see migration 0002).
    """

    helper = models.ForeignKey(
        Helper,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("Ehrenamtliche/r"),
    )
    starts_at = models.DateTimeField(_("Beginn"))
    ends_at = models.DateTimeField(_("Ende"))
    appointment = models.OneToOneField(
        Appointment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assignment",
        verbose_name=_("Termin"),
    )
    workshop = models.ForeignKey(
        Workshop,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("Workshop"),
    )

    class Meta:
        verbose_name = _("Einsatz")
        verbose_name_plural = _("Einsätze")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_at__lt=models.F("ends_at")),
                name="assignment_starts_before_it_ends",
            ),
            models.CheckConstraint(
                condition=models.Q(appointment__isnull=True, workshop__isnull=False)
                | models.Q(appointment__isnull=False, workshop__isnull=True),
                name="assignment_for_one_thing",
            ),
            models.UniqueConstraint(
                fields=["workshop", "helper"], name="assignment_once_per_workshop"
            ),
        ]
        indexes = [models.Index(fields=["helper", "starts_at"], name="assignment_helper_time")]

    def __str__(self) -> str:
        return f"{self.helper}: {timezone.localtime(self.starts_at):%d.%m.%Y %H:%M}"

    def save(self, *args, **kwargs) -> None:
        if self.workshop_id:
            self.starts_at, self.ends_at = self.workshop.starts_at, self.workshop.ends_at
        super().save(*args, **kwargs)

    def clean(self) -> None:
        # A friendly message for the admin form; the database guard stays the last word.
        if self.workshop_id and self.helper_id:
            clash = Assignment.objects.filter(
                helper_id=self.helper_id,
                starts_at__lt=self.workshop.ends_at,
                ends_at__gt=self.workshop.starts_at,
            ).exclude(pk=self.pk)
            if clash.exists():
                raise ValidationError(
                    _("%(helper)s hat zu dieser Zeit schon einen anderen Einsatz.")
                    % {"helper": self.helper}
                )


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


class LoanDevice(models.Model):
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="loan_devices", verbose_name=_("Büro")
    )
    kind = models.CharField(_("Art"), max_length=15, choices=DeviceKind.choices)
    label = models.CharField(
        _("Bezeichnung"),
        max_length=60,
        help_text=_("Wie es auf dem Aufkleber steht, z. B. „iPad 2“."),
    )
    active = models.BooleanField(_("verfügbar"), default=True, help_text=_("Aus, wenn defekt."))

    class Meta:
        verbose_name = _("Leihgerät")
        verbose_name_plural = _("Leihgeräte")
        ordering = ["office", "kind", "label"]
        constraints = [
            models.UniqueConstraint(fields=["office", "label"], name="loan_device_label_unique")
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.get_kind_display()}, {self.office})"


class LoanReservation(models.Model):
    """A loan device kept for one appointment; the database refuses double lending."""

    device = models.ForeignKey(
        LoanDevice,
        on_delete=models.PROTECT,
        related_name="reservations",
        verbose_name=_("Leihgerät"),
    )
    appointment = models.OneToOneField(
        Appointment,
        on_delete=models.CASCADE,
        related_name="loan_reservation",
        verbose_name=_("Termin"),
    )
    starts_at = models.DateTimeField(_("Beginn"))
    ends_at = models.DateTimeField(_("Ende"))

    class Meta:
        verbose_name = _("Reservierung eines Leihgeräts")
        verbose_name_plural = _("Reservierungen von Leihgeräten")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_at__lt=models.F("ends_at")),
                name="loan_reservation_starts_before_it_ends",
            )
        ]
        indexes = [models.Index(fields=["device", "starts_at"], name="loan_device_time")]

    def __str__(self) -> str:
        return f"{self.device}: {timezone.localtime(self.starts_at):%d.%m.%Y %H:%M}"


class Reminder(models.Model):
    """One message to a senior or a helper, kept as an outbox row.

    Written in the same transaction as the booking change; the worker claims due rows
    and sends them, so a booking never exists without its messages and vice versa.
    Exactly one of `senior` and `helper` is the recipient.
    """

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", _("Bestätigung")
        DAY_BEFORE = "day_before", _("Erinnerung am Vortag")
        MOVED = "moved", _("Verlegung")
        CANCELLED = "cancelled", _("Absage")

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        VOICE = "voice", _("Anruf")
        EMAIL = "email", _("E-Mail")

    class Status(models.TextChoices):
        PENDING = "pending", _("wartet")
        SENDING = "sending", _("wird gesendet")
        SENT = "sent", _("gesendet")
        DELIVERED = "delivered", _("zugestellt")
        ANSWERED = "answered", _("beantwortet")
        NO_ANSWER = "no_answer", _("nicht erreicht")
        FAILED = "failed", _("fehlgeschlagen")
        CANCELLED = "cancelled", _("hinfällig")

    appointment = models.ForeignKey(
        Appointment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
        verbose_name=_("Termin"),
    )
    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
        verbose_name=_("Anmeldung"),
    )
    senior = models.ForeignKey(
        Senior,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
        verbose_name=_("Ratsuchende/r"),
    )
    helper = models.ForeignKey(
        Helper,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
        verbose_name=_("Ehrenamtliche/r"),
    )
    kind = models.CharField(_("Art"), max_length=12, choices=Kind.choices)
    channel = models.CharField(_("Weg"), max_length=5, choices=Channel.choices)
    due_at = models.DateTimeField(_("fällig ab"), db_index=True)
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    # Makes "at most once per appointment, kind and time" a database rule.
    dedupe_key = models.CharField(
        _("Eindeutiger Schlüssel"), max_length=120, unique=True, editable=False
    )
    attempts = models.PositiveSmallIntegerField(_("Versuche"), default=0)
    calls = models.PositiveSmallIntegerField(
        _("Anrufe"), default=0, help_text=_("Wie oft angerufen wurde (höchstens dreimal).")
    )
    claimed_until = models.DateTimeField(_("reserviert bis"), null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True, db_index=True, editable=False)
    # Set when a send starts and cleared once its outcome is known: a row that has it
    # may already have gone out, so the provider is asked before it is sent again.
    uncertain_since = models.DateTimeField(_("unklar seit"), null=True, blank=True)
    provider_sid = models.CharField(_("Kennung beim Anbieter"), max_length=64, blank=True)
    provider_status = models.CharField(_("Status beim Anbieter"), max_length=20, blank=True)
    error_code = models.CharField(_("Fehlercode"), max_length=10, blank=True)
    error_message = models.CharField(_("Fehler"), max_length=300, blank=True)
    sent_at = models.DateTimeField(_("gesendet am"), null=True, blank=True)
    answered_at = models.DateTimeField(_("beantwortet am"), null=True, blank=True)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Erinnerung")
        verbose_name_plural = _("Erinnerungen")
        ordering = ["due_at"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="reminder_due"),
            models.Index(fields=["provider_sid"], name="reminder_provider_sid"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(senior__isnull=False, helper__isnull=True)
                | models.Q(senior__isnull=True, helper__isnull=False),
                name="reminder_one_recipient",
            )
        ]

    def __str__(self) -> str:
        recipient = self.senior or self.helper
        return f"{self.get_kind_display()} an {recipient} ({self.get_status_display()})"


class InboundMessage(models.Model):
    """A reply from a senior: an SMS or a key pressed during a reminder call.

    Replies the system understood act at once (confirm, cancel, opt out); the others
    wait on the office's "Nachrichten zum Lesen" list until someone has read them.
    """

    class Action(models.TextChoices):
        CONFIRMED = "confirmed", _("Termin bestätigt")
        CANCELLED = "cancelled", _("Termin abgesagt")
        OPTED_OUT = "opted_out", _("Nachrichten abbestellt")
        TO_READ = "to_read", _("bitte lesen")

    provider_sid = models.CharField(_("Kennung beim Anbieter"), max_length=64, unique=True)
    senior = models.ForeignKey(
        Senior,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="inbound_messages",
        verbose_name=_("Ratsuchende/r"),
    )
    appointment = models.ForeignKey(
        Appointment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_messages",
        verbose_name=_("Termin"),
    )
    channel = models.CharField(_("Weg"), max_length=5, choices=Reminder.Channel.choices)
    body = models.CharField(_("Text"), max_length=1600)
    action = models.CharField(_("Ergebnis"), max_length=10, choices=Action.choices)
    received_at = models.DateTimeField(_("empfangen am"), auto_now_add=True)
    read_at = models.DateTimeField(_("gelesen am"), null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gelesen von"),
    )

    class Meta:
        verbose_name = _("Antwort")
        verbose_name_plural = _("Antworten")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.senior or '?'}"
