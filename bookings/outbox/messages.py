"""What one outbox row says and to whom, read at the moment it is sent: the address
(the senior, their contact person, a video call's relative or a helper) and the
rendered message with the callbacks Twilio will use."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from bookings.models import Reminder, Senior
from bookings.outbox.texts import render_subject, render_text
from bookings.outbox.transports import Message


def public_url(name: str, **kwargs) -> str:
    """The address Twilio calls for this view (PUBLIC_BASE_URL, also behind a proxy)."""
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse(name, kwargs=kwargs)


def address_of(reminder: Reminder) -> str | None:
    """Where the row goes, read at send time; None if nobody may or can get it now."""
    if reminder.addressee == Reminder.Addressee.RELATIVE:
        # The relative invited to a video call, as entered at booking.
        video = reminder.appointment.video
        if reminder.channel == Reminder.Channel.EMAIL:
            return video.relative_email or None
        return str(video.relative_phone) if video.relative_phone else None
    if reminder.helper_id:
        helper = reminder.helper
        if reminder.channel == Reminder.Channel.EMAIL:
            return helper.user.email or None
        return str(helper.phone) if helper.phone else None
    senior = reminder.senior
    if reminder.addressee == Reminder.Addressee.CONTACT:
        # Read now: a contact removed, or who took back consent or sent STOP, gets nothing.
        contact = getattr(senior, "contact_person", None)
        if contact is None or contact.copy_channel == Senior.Channel.NONE:
            return None
        return str(contact.phone)
    if senior.opted_out_at or not senior.phone:
        return None
    return str(senior.phone)


def build_message(reminder: Reminder, to: str) -> Message:
    """The message as it reads now: the text is rendered here, at send time, only."""
    is_twilio = reminder.channel != Reminder.Channel.EMAIL
    return Message(
        reminder_id=reminder.pk,
        channel=reminder.channel,
        to=to,
        body=render_text(reminder),
        subject=render_subject(reminder) if not is_twilio else "",
        status_callback=public_url("twilio_status", reminder_id=reminder.pk) if is_twilio else "",
        voice_url=public_url("twilio_call", reminder_id=reminder.pk)
        if reminder.channel == Reminder.Channel.VOICE
        else "",
    )
