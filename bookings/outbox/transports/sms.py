"""SMS through Twilio's Messages API."""

from __future__ import annotations

import datetime

from django.conf import settings

from bookings.outbox.transports import Message, SendResult
from bookings.outbox.transports.twilio_client import twilio_client
from bookings.outbox.transports.twilio_errors import twilio_errors

# Clocks differ a little between us and Twilio.
CLOCK_SLACK = datetime.timedelta(minutes=1)


class SmsTransport:
    def send(self, message: Message) -> SendResult:
        with twilio_errors():
            sent = twilio_client().messages.create(
                to=message.to,
                from_=settings.TWILIO_FROM_NUMBER,
                body=message.body,
                status_callback=message.status_callback,
            )
        return SendResult(provider_sid=sent.sid, provider_status=sent.status or "queued")

    def find_sent(self, message: Message, since: datetime.datetime) -> SendResult | None:
        """The same text to the same number since the uncertain attempt, if Twilio has it."""
        with twilio_errors():
            recent = twilio_client().messages.list(
                to=message.to, date_sent_after=since - CLOCK_SLACK, limit=50
            )
        for sent in recent:
            if sent.body == message.body:
                return SendResult(provider_sid=sent.sid, provider_status=sent.status or "sent")
        return None
