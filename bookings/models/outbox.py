"""The outbox of messages (`Reminder`) and what comes back (`InboundMessage`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bookings.models.appointments import Appointment
from bookings.models.helpers import Helper
from bookings.models.seniors import Senior
from bookings.models.workshops import Registration


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
        RETITLED = "retitled", _("neuer Titel")
        OFFER = "offer", _("Platzangebot")
        # The day after an attended appointment: "Hat Ihnen die Hilfe geholfen?" (SMS only).
        FEEDBACK = "feedback", _("Frage nach der Zufriedenheit")

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        VOICE = "voice", _("Anruf")
        EMAIL = "email", _("E-Mail")

    class Addressee(models.TextChoices):
        # The row's senior or helper themself; the other two are copies or invitations
        # about the senior's appointment, sent to a number or address kept elsewhere.
        SELF = "self", _("Empfänger/in selbst")
        CONTACT = "contact", _("Kontaktperson")
        RELATIVE = "relative", _("Angehörige/r im Videogespräch")

    class Status(models.TextChoices):
        PENDING = "pending", _("wartet")
        SENDING = "sending", _("wird gesendet")
        SENT = "sent", _("gesendet")
        DELIVERED = "delivered", _("zugestellt")
        ANSWERED = "answered", _("beantwortet")
        NO_ANSWER = "no_answer", _("nicht erreicht")
        FAILED = "failed", _("fehlgeschlagen")
        CANCELLED = "cancelled", _("hinfällig")
        # Not sent while the appointment must be rebooked (closure, helper gone).
        HELD = "held", _("zurückgehalten")

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
    # Set on a helper's message about a workshop (the seniors' rows have `registration`).
    workshop = models.ForeignKey(
        "bookings.Workshop",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="helper_reminders",
        verbose_name=_("Workshop"),
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
    addressee = models.CharField(
        _("an"), max_length=8, choices=Addressee.choices, default=Addressee.SELF
    )
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
    # The send being tried now: written and committed before the provider is called, so
    # a worker killed mid-send leaves a row that says what it may already have sent.
    attempt_token = models.CharField(max_length=32, blank=True, editable=False)
    # The recipient's address while a send to it may be in flight (unique while set): at
    # most one unresolved send per number or e-mail address, so whatever the provider
    # has for that address since `uncertain_since` and no other row claims is this row's.
    inflight_key = models.CharField(max_length=160, blank=True, editable=False)
    provider_sid = models.CharField(_("Kennung beim Anbieter"), max_length=64, blank=True)
    provider_status = models.CharField(_("Status beim Anbieter"), max_length=20, blank=True)
    error_code = models.CharField(_("Fehlercode"), max_length=10, blank=True)
    error_message = models.CharField(_("Fehler"), max_length=300, blank=True)
    # What the provider bills, added up by the statistics: SMS segments from each send's
    # answer, and the seconds of the call that was answered (its "completed" callback).
    segments = models.PositiveSmallIntegerField(_("SMS-Teile"), default=0)
    call_seconds = models.PositiveIntegerField(_("Gesprächsdauer in Sekunden"), default=0)
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
            # Covers what the statistics count and bill per month and channel.
            models.Index(
                fields=["due_at", "channel", "status", "sent_at", "segments", "call_seconds"],
                name="reminder_statistics",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(senior__isnull=False, helper__isnull=True)
                | models.Q(senior__isnull=True, helper__isnull=False),
                name="reminder_one_recipient",
            ),
            # One provider message or call belongs to one row only.
            models.UniqueConstraint(
                fields=["provider_sid"],
                condition=~models.Q(provider_sid=""),
                name="reminder_provider_sid_once",
            ),
            # Only open rows count: a row cancelled or failed while unresolved frees it.
            models.UniqueConstraint(
                fields=["inflight_key"],
                condition=~models.Q(inflight_key="") & models.Q(status__in=["pending", "sending"]),
                name="reminder_one_send_in_flight_per_address",
            ),
        ]

    def __str__(self) -> str:
        recipient = self.senior or self.helper
        return f"{self.get_kind_display()} an {recipient} ({self.get_status_display()})"

    @property
    def calls_when_no_sms(self) -> bool:
        """A senior's message becomes a call when the number takes no SMS; the feedback
        question does not (nobody is rung to be asked for a score), nor does a relative's
        invitation to a video call (a link cannot be read out)."""
        return (
            bool(self.senior_id)
            and self.kind != self.Kind.FEEDBACK
            and self.addressee != self.Addressee.RELATIVE
        )


class InboundMessage(models.Model):
    """A reply from a senior: an SMS or a key pressed during a reminder call.

    Replies the system understood act at once (confirm, cancel, opt out); the others
    wait on the office's "Nachrichten zum Lesen" list until someone has read them.
    """

    class Action(models.TextChoices):
        CONFIRMED = "confirmed", _("Termin bestätigt")
        CANCELLED = "cancelled", _("Termin abgesagt")
        OPTED_OUT = "opted_out", _("Nachrichten abbestellt")
        SCORED = "scored", _("Bewertung erhalten")
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
    # The senior themself, or their contact person answering a copy (`senior` is then
    # the one whose appointment it is about).
    sender = models.CharField(
        _("von"), max_length=8, choices=Reminder.Addressee.choices, default=Reminder.Addressee.SELF
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
