"""One transport per channel behind one small interface: `send(message) -> SendResult`.

A transport raises `TransportError`: `permanent` stops retries and its German `reason`
is shown to staff; a temporary one is retried with back-off. `uncertain` says the
message may have gone out anyway (a timeout or a 5xx after the request was sent), so
the dispatcher asks the provider (`find_sent`) before it tries again.
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


@dataclass
class TransportError(Exception):
    permanent: bool
    code: str = ""
    reason: str = ""
    uncertain: bool = False

    def __str__(self) -> str:
        return f"{self.code or 'error'}: {self.reason}"


class Transport(Protocol):
    def send(self, message: Message) -> SendResult: ...

    def find_sent(self, message: Message, since) -> SendResult | None:
        """The provider's record of this message if an earlier attempt sent it."""
        ...


def transport_for(channel: str) -> Transport:
    """The transport for a channel; SMS and calls go to the console without Twilio."""
    from bookings.outbox.transports import console, email, sms, voice

    if channel == "email":
        return email.EmailTransport()
    if settings.MESSAGE_BACKEND == "console":
        return console.ConsoleTransport()
    return sms.SmsTransport() if channel == "sms" else voice.VoiceTransport()
