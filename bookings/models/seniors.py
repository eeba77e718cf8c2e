"""The people who ask for help."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from bookings.names import fold_name
from bookings.phones import PHONE_HELP, PhoneKind, phone_kind
from neighborhoods.models import District


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


class ContactPerson(models.Model):
    """A relative or carer the senior named: the desk sees them when the senior calls,
    and, if the senior wishes and they agreed, they get copies of the senior's
    appointment messages and may answer them (`Reminder.Addressee.CONTACT`)."""

    senior = models.OneToOneField(
        Senior,
        on_delete=models.CASCADE,
        related_name="contact_person",
        verbose_name=_("Ratsuchende/r"),
    )
    name = models.CharField(_("Name"), max_length=120)
    relation = models.CharField(
        _("Beziehung"),
        max_length=60,
        help_text=_("Zum Beispiel Tochter, Sohn, Nachbarin oder Pflegedienst."),
    )
    phone = PhoneNumberField(_("Telefon"), help_text=PHONE_HELP)
    phone_kind = models.CharField(
        _("Art des Anschlusses"), max_length=8, choices=PhoneKind.choices, editable=False
    )
    consent = models.BooleanField(
        _("Einverständnis der Kontaktperson"),
        default=False,
        help_text=_("Die Kontaktperson ist einverstanden, Nachrichten von uns zu bekommen."),
    )
    consent_at = models.DateTimeField(_("Einverständnis am"), null=True, blank=True)
    copies_wished = models.BooleanField(
        _("Kopien der Nachrichten"),
        default=False,
        help_text=_(
            "Die oder der Ratsuchende möchte, dass die Kontaktperson Bestätigungen, "
            "Erinnerungen, Verlegungen und Absagen auch bekommt."
        ),
    )
    opted_out_at = models.DateTimeField(
        _("Kopien abbestellt am"),
        null=True,
        blank=True,
        help_text=_("Gesetzt, wenn die Kontaktperson STOP geantwortet hat."),
    )
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Kontaktperson")
        verbose_name_plural = _("Kontaktpersonen")

    def __str__(self) -> str:
        return f"{self.name} ({self.relation})"

    def save(self, *args, **kwargs) -> None:
        # Derived fields only, as on Senior: the kind of number and when consent came.
        if self.phone:
            self.phone_kind = phone_kind(self.phone)
        if not self.consent:
            self.consent_at = None
        elif not self.consent_at:
            self.consent_at = timezone.now()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.phone and self.senior_id and self.phone == self.senior.phone:
            raise ValidationError(
                {
                    "phone": _(
                        "Das ist die Nummer der oder des Ratsuchenden selbst. Bitte geben "
                        "Sie die Nummer der Kontaktperson ein."
                    )
                }
            )

    @property
    def copy_channel(self) -> str:
        """How copies reach the contact: never without the senior's wish, their own
        consent, or after their STOP; else SMS to a mobile and a call to a landline."""
        if not (self.copies_wished and self.consent) or self.opted_out_at:
            return Senior.Channel.NONE
        return Senior.Channel.SMS if self.phone_kind == PhoneKind.MOBILE else Senior.Channel.VOICE
