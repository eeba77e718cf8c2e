"""What Twilio calls: delivery status, incoming SMS, the call script and its keypad.

These paths are configured in Twilio's console and sent with each message: never change them.
"""

from __future__ import annotations

from django.urls import path

from bookings.inbound import webhooks

urlpatterns = [
    path("twilio/status/<int:reminder_id>/", webhooks.status, name="twilio_status"),
    path("twilio/sms/", webhooks.inbound_sms, name="twilio_sms"),
    path("twilio/anruf/<int:reminder_id>/", webhooks.call, name="twilio_call"),
    path("twilio/anruf/<int:reminder_id>/taste/", webhooks.keypad, name="twilio_keypad"),
]
