"""E-mail to helpers through Django's e-mail backend (the console in development)."""

from __future__ import annotations

import smtplib
import uuid

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.translation import gettext as _

from bookings.outbox.transports import Message, SendResult, TransportError


class EmailTransport:
    def send(self, message: Message) -> SendResult:
        message_id = f"<reminder-{message.reminder_id}-{uuid.uuid4().hex}@digitale-hilfe>"
        mail = EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.to],
            headers={"Message-ID": message_id},
        )
        try:
            mail.send()
        except smtplib.SMTPRecipientsRefused as exc:
            raise TransportError(
                permanent=True, code="smtp", reason=_("Die E-Mail-Adresse wird nicht angenommen.")
            ) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise TransportError(
                permanent=False,
                code="smtp",
                reason=_("Der E-Mail-Server ist gerade nicht erreichbar."),
            ) from exc
        return SendResult(provider_sid=message_id[:64])

    def find_sent(self, message: Message, since) -> SendResult | None:
        return None
