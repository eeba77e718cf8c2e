from __future__ import annotations

from django.urls import path

from bookings import message_views, webhooks

urlpatterns = [
    path("twilio/status/<int:reminder_id>/", webhooks.status, name="twilio_status"),
    path("twilio/sms/", webhooks.inbound_sms, name="twilio_sms"),
    path("twilio/anruf/<int:reminder_id>/", webhooks.call, name="twilio_call"),
    path("twilio/anruf/<int:reminder_id>/taste/", webhooks.keypad, name="twilio_keypad"),
    path("nachrichten/", message_views.inbox, name="reminders_inbox"),
    path(
        "nachrichten/<int:message_id>/gelesen/",
        message_views.inbox_mark_read,
        name="reminders_mark_read",
    ),
    path("nicht-erreicht/", message_views.not_reached, name="reminders_not_reached"),
]
