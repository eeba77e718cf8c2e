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
LOOKUP_LIMIT = 20


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

    def find_sent(self, message: Message, since: datetime.datetime) -> list[SendResult]:
        """Twilio's calls to this number created since the uncertain attempt, oldest first.

        Twilio's call records do not name the URL they were placed with, so the number
        and the time are all there is; the dispatcher's one-send-per-address rule and
        the SIDs other rows hold make the answer unambiguous.
        """
        with twilio_errors():
            recent = twilio_client().calls.list(to=message.to, limit=LOOKUP_LIMIT)
        earliest = since - CLOCK_SLACK
        return [
            SendResult(provider_sid=call.sid, provider_status=call.status or "queued")
            for call in reversed(recent)
            if call.date_created is None or call.date_created >= earliest
        ]
