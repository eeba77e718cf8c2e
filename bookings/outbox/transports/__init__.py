"""One transport per channel behind one small interface: `send(message) -> SendResult`.

A transport raises `TransportError`: `permanent` stops retries and its German `reason`
is shown to staff; a temporary one is retried with back-off. `uncertain` says the
message may have gone out anyway (a timeout or a 5xx after the request was sent), so
the dispatcher asks the provider (`find_sent`) before it tries again. `retry_after`
(seconds) is the provider's own word on when to try again (HTTP 429).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.conf import settings


@dataclass(frozen=True)
class Message:
    reminder_id: int
    channel: str
    to: str
    body: str
    subject: str = ""
    status_callback: str = ""
    voice_url: str = ""


@dataclass(frozen=True)
class SendResult:
    provider_sid: str
    provider_status: str = "sent"
    # SMS segments the provider counted (and bills); 0 for calls and e-mail.
    segments: int = 0


@dataclass
class TransportError(Exception):
    permanent: bool
    code: str = ""
    reason: str = ""
    uncertain: bool = False
    retry_after: float | None = None

    def __str__(self) -> str:
        return f"{self.code or 'error'}: {self.reason}"


class Transport(Protocol):
    def send(self, message: Message) -> SendResult: ...

    def find_sent(self, message: Message, since) -> list[SendResult]:
        """The provider's records of messages to `message.to` since `since`, oldest
        first; the dispatcher drops those other rows hold."""
        ...


def transport_for(channel: str) -> Transport:
    """The transport for a channel; SMS and calls go to the console without Twilio."""
    from bookings.outbox.transports import console, email, sms, voice

    if channel == "email":
        return email.EmailTransport()
    if settings.MESSAGE_BACKEND == "console":
        return console.ConsoleTransport()
    return sms.SmsTransport() if channel == "sms" else voice.VoiceTransport()
