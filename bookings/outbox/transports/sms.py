"""SMS through Twilio's Messages API."""

from __future__ import annotations

import datetime

from django.conf import settings

from bookings.outbox.transports import Message, SendResult
from bookings.outbox.transports.twilio_client import twilio_client
from bookings.outbox.transports.twilio_errors import twilio_errors

# Clocks differ a little between us and Twilio.
CLOCK_SLACK = datetime.timedelta(minutes=1)
LOOKUP_LIMIT = 20


def _segments(value: str | None) -> int:
    """Twilio's `num_segments` ("2"); 0 when it is missing or not a number."""
    try:
        return max(int(value or 0), 0)
    except ValueError:
        return 0


class SmsTransport:
    def send(self, message: Message) -> SendResult:
        with twilio_errors():
            sent = twilio_client().messages.create(
                to=message.to,
                from_=settings.TWILIO_FROM_NUMBER,
                body=message.body,
                status_callback=message.status_callback,
            )
        return SendResult(
            provider_sid=sent.sid,
            provider_status=sent.status or "queued",
            segments=_segments(sent.num_segments),
        )

    def find_sent(self, message: Message, since: datetime.datetime) -> list[SendResult]:
        """Twilio's messages to this number created since the uncertain attempt.

        Not matched on the text: it is rendered at send time and may read differently
        now ("morgen"); the dispatcher's one-send-per-address rule makes them this row's.
        Filtered by creation time here: Twilio's own DateSent filter misses queued ones.
        """
        with twilio_errors():
            recent = twilio_client().messages.list(to=message.to, limit=LOOKUP_LIMIT)
        earliest = since - CLOCK_SLACK
        found = [
            SendResult(provider_sid=sent.sid, provider_status=sent.status or "sent")
            for sent in reversed(recent)
            if sent.date_created is None or sent.date_created >= earliest
        ]
        return found
