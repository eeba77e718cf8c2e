"""Development transport: logs the rendered message and records it as sent."""

from __future__ import annotations

import logging
import uuid

from bookings.outbox.transports import Message, SendResult

logger = logging.getLogger("bookings.messages")


class ConsoleTransport:
    def send(self, message: Message) -> SendResult:
        # The text, not the number: phone numbers never go into logs.
        logger.info(
            "%s for reminder %s (console, not sent):\n%s",
            message.channel.upper(),
            message.reminder_id,
            message.body,
        )
        return SendResult(provider_sid=f"console-{uuid.uuid4().hex}")

    def find_sent(self, message: Message, since) -> list[SendResult]:
        return []
