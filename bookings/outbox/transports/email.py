"""E-mail to helpers through Django's e-mail backend (the console in development).

Each row's e-mail has a Message-ID made from the row, the same at every attempt, so a
receiving server or mail program can recognise a copy. Whether an e-mail whose send
was interrupted went out is asked of the backend when it can answer (`find_sent`, e.g.
`OneFilePerMessageBackend`); SMTP cannot be asked, so there an interrupted e-mail counts
as sent: at most once, never twice (a helper also sees every appointment on the pages).
"""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils.translation import gettext as _

from bookings.outbox.transports import Message, SendResult, TransportError


def message_id(reminder_id: int) -> str:
    return f"<reminder-{reminder_id}@digitale-hilfe>"


class EmailTransport:
    def send(self, message: Message) -> SendResult:
        mail = EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.to],
            headers={"Message-ID": message_id(message.reminder_id)},
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
        return SendResult(provider_sid=message_id(message.reminder_id), provider_status="sent")

    def find_sent(self, message: Message, since) -> list[SendResult]:
        known = message_id(message.reminder_id)
        lookup = getattr(get_connection(), "find_sent", None)
        if lookup is None:
            return [SendResult(provider_sid=known, provider_status="uncertain")]
        return [SendResult(provider_sid=known, provider_status="sent")] if lookup(known) else []
