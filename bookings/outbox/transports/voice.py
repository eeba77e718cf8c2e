"""Voice calls through Twilio's Calls API.

The call fetches its TwiML from our webhook (`voice_url`) rather than carrying it
inline: only then does Twilio tell us whether a person or an answering machine
picked up, and the machine gets the message without the keypad menu.
"""

from __future__ import annotations

import datetime

from django.conf import settings

from bookings.outbox.transports import Message, SendResult
from bookings.outbox.transports.twilio_client import twilio_client
from bookings.outbox.transports.twilio_errors import twilio_errors

CLOCK_SLACK = datetime.timedelta(minutes=1)
RING_SECONDS = 30


class VoiceTransport:
    def send(self, message: Message) -> SendResult:
        with twilio_errors():
            call = twilio_client().calls.create(
                to=message.to,
                from_=settings.TWILIO_FROM_NUMBER,
                url=message.voice_url,
                machine_detection="DetectMessageEnd",
                status_callback=message.status_callback,
                status_callback_event=["completed"],
                timeout=RING_SECONDS,
            )
        return SendResult(provider_sid=call.sid, provider_status=call.status or "queued")

    def find_sent(self, message: Message, since: datetime.datetime) -> SendResult | None:
        """A call to this number since the uncertain attempt whose SID we do not know yet."""
        from bookings.models import Reminder

        with twilio_errors():
            recent = twilio_client().calls.list(to=message.to, limit=50)
        earliest = since - CLOCK_SLACK
        candidates = [
            call for call in recent if call.date_created and call.date_created >= earliest
        ]
        known = set(
            Reminder.objects.filter(provider_sid__in=[call.sid for call in candidates]).values_list(
                "provider_sid", flat=True
            )
        )
        for call in candidates:
            if call.sid not in known:
                return SendResult(provider_sid=call.sid, provider_status=call.status or "queued")
        return None
