"""Development transport: logs that a message would go out and records it as sent.

Logs hold no phone numbers and no message texts (they may end up in a shared log
system): the number is shortened, and the text is logged only with
CONSOLE_MESSAGE_BODIES=true, meant for a developer's machine with demo data.
"""

from __future__ import annotations

import logging
import uuid

from django.conf import settings

from bookings.outbox.texts import sms_segments
from bookings.outbox.transports import Message, SendResult

logger = logging.getLogger("bookings.messages")


def masked_number(number: str) -> str:
    """The last two digits, enough to tell two test phones apart, never the number."""
    return f"…{number[-2:]}" if len(number) > 6 else "…"


def _segments(message: Message) -> int:
    """What Twilio would bill for the SMS, so the demo city's statistics show costs too."""
    if message.channel != "sms":
        return 0
    try:
        return sms_segments(message.body)
    except ValueError:  # outside GSM-7: Twilio sends UCS-2, 70 in one part, 67 a part
        return 1 if len(message.body) <= 70 else -(-len(message.body) // 67)


class ConsoleTransport:
    def send(self, message: Message) -> SendResult:
        if settings.CONSOLE_MESSAGE_BODIES:
            logger.info(
                "%s for reminder %s to %s (console, not sent):\n%s",
                message.channel.upper(),
                message.reminder_id,
                masked_number(message.to),
                message.body,
            )
        else:
            logger.info(
                "%s for reminder %s to %s (console, not sent; %s characters, "
                "CONSOLE_MESSAGE_BODIES=true shows the text)",
                message.channel.upper(),
                message.reminder_id,
                masked_number(message.to),
                len(message.body),
            )
        return SendResult(provider_sid=f"console-{uuid.uuid4().hex}", segments=_segments(message))

    def find_sent(self, message: Message, since) -> list[SendResult]:
        return []
