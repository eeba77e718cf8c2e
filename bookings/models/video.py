"""A video appointment's room and the relative who joins it from afar."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from bookings.models.appointments import Appointment
from bookings.phones import PHONE_HELP, PhoneKind, phone_kind


def room_url_new() -> str:
    """A fresh room link from VIDEO_ROOM_URL, or "" without a configured video service.

    The room name is unguessable (secrets.token_urlsafe): the link is the only key to
    the room. "{room}" in the setting is replaced by it; a base URL without it (Jitsi)
    gets the name appended as the last path segment.
    """
    template = settings.VIDEO_ROOM_URL
    if not template:
        return ""
    room = secrets.token_urlsafe(16)
    if "{room}" in template:
        return template.replace("{room}", room)
    return f"{template.rstrip('/')}/{room}"


class VideoCall(models.Model):
    """The relative invited to a video appointment, and the room link they get.

    The relative gets the invitation and the day-before reminder (outbox rows with
    addressee "relative") by SMS to a mobile number, else by e-mail, and may cancel by
    answering NEIN like the senior.
    """

    appointment = models.OneToOneField(
        Appointment, on_delete=models.CASCADE, related_name="video", verbose_name=_("Termin")
    )
    relative_name = models.CharField(_("Name der/des Angehörigen"), max_length=80)
    relative_phone = PhoneNumberField(
        _("Handynummer der/des Angehörigen"), blank=True, db_index=True, help_text=PHONE_HELP
    )
    relative_email = models.EmailField(_("E-Mail der/des Angehörigen"), blank=True)
    room_url = models.URLField(
        _("Link zum Videoraum"),
        max_length=300,
        blank=True,
        help_text=_(
            "Leer, wenn kein Videodienst eingerichtet ist: Die/der Ehrenamtliche "
            "richtet das Gespräch dann selbst ein."
        ),
    )

    class Meta:
        verbose_name = _("Videogespräch")
        verbose_name_plural = _("Videogespräche")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(relative_phone="") | ~models.Q(relative_email=""),
                name="video_call_relative_reachable",
                violation_error_message=_(
                    "Bitte geben Sie eine Handynummer oder E-Mail-Adresse der/des Angehörigen an."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.relative_name} ({self.appointment_id})"

    def clean(self) -> None:
        # "Phone or e-mail" is the constraint's own check (said once, by full_clean).
        # The invitation carries a link: a landline can hear it but not open it.
        if self.relative_phone and phone_kind(self.relative_phone) != PhoneKind.MOBILE:
            raise ValidationError(
                {
                    "relative_phone": _(
                        "Bitte eine Handynummer angeben: Die Einladung kommt per SMS mit "
                        "einem Link. Ohne Handy bitte die E-Mail-Adresse eintragen."
                    )
                }
            )
