"""Topics, helpers and their time: weekly availability and absences."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from bookings.models import _new_feed_token
from bookings.phones import PHONE_HELP
from neighborhoods.models import Office, Weekday


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
