"""Twilio's calls to us: delivery status, inbound SMS, a call's TwiML and keypad input.

Every view checks `X-Twilio-Signature` against the public URL Twilio called
(PUBLIC_BASE_URL + path) and answers 403 otherwise, then its parameters (`params`)
and answers 400 if they are not what Twilio sends. They answer at once; the work
they trigger is a few row updates.
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse
from twilio.twiml.voice_response import VoiceResponse

from bookings.inbound.delivery import delivery_record
from bookings.inbound.offer_replies import offer_reply_keypad
from bookings.inbound.params import (
    CallParams,
    KeypadParams,
    SmsParams,
    StatusParams,
    twilio_params,
)
from bookings.inbound.replies import reply_keypad, reply_sms
from bookings.models import InboundMessage, Reminder
from bookings.outbox.messages import public_url
from bookings.outbox.texts import render_text

VOICE = {"language": "de-DE", "voice": "Polly.Vicki"}


def twilio_signed(view):
    """Refuse (403) any request not signed by Twilio with our auth token."""

    @csrf_exempt
    @require_POST
    @wraps(view)
    def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        signature = request.headers.get("X-Twilio-Signature", "")
        token = settings.TWILIO_AUTH_TOKEN
        url = settings.PUBLIC_BASE_URL.rstrip("/") + request.get_full_path()
        if not (
            token and signature and RequestValidator(token).validate(url, request.POST, signature)
        ):
            return HttpResponseForbidden()
        with translation.override("de"):
            return view(request, *args, **kwargs)

    return checked


def _twiml(response) -> HttpResponse:
    return HttpResponse(str(response), content_type="text/xml; charset=utf-8")


@twilio_signed
@twilio_params(StatusParams)
def status(request: HttpRequest, reminder_id: int) -> HttpResponse:
    """Delivery status of an SMS (MessageStatus) or a call (CallStatus)."""
    delivery_record(
        reminder_id=reminder_id,
        sid=request.POST.get("MessageSid") or request.POST.get("CallSid", ""),
        status=request.POST.get("MessageStatus") or request.POST.get("CallStatus", ""),
        error_code=request.POST.get("ErrorCode", ""),
        # Checked by StatusParams: digits only, or absent.
        call_seconds=int(request.POST.get("CallDuration") or 0),
    )
    return HttpResponse(status=204)


@twilio_signed
@twilio_params(SmsParams)
def inbound_sms(request: HttpRequest) -> HttpResponse:
    answer = reply_sms(
        from_number=request.POST.get("From", ""),
        body=request.POST.get("Body", ""),
        sid=request.POST.get("MessageSid", ""),
    )
    response = MessagingResponse()
    if answer:
        response.message(answer)
    return _twiml(response)


def _say_appointment(response, reminder: Reminder) -> None:
    text = render_text(reminder)
    response.say(text, **VOICE)
    response.pause(length=1)
    response.say(_("Ich wiederhole:") + " " + text, **VOICE)


def _menu(response: VoiceResponse, reminder: Reminder, choices: str) -> VoiceResponse:
    """The message read out, then the keypad `choices`; silence ends the call politely."""
    gather = response.gather(
        num_digits=1,
        action=public_url("twilio_keypad", reminder_id=reminder.pk),
        timeout=10,
    )
    _say_appointment(gather, reminder)
    gather.say(choices, **VOICE)
    response.say(_("Wir haben keine Eingabe erhalten. Auf Wiederhören."), **VOICE)
    return response


@twilio_signed
@twilio_params(CallParams)
def call(request: HttpRequest, reminder_id: int) -> HttpResponse:
    """What a reminder call says: twice the appointment, then the 1/2/3 menu.

    An answering machine hears the message without the menu.
    """
    reminder = get_object_or_404(
        Reminder.objects.select_related(
            "appointment__office",
            "appointment__topic",
            "appointment__senior",
            "registration__workshop__office",
        ),
        pk=reminder_id,
        channel=Reminder.Channel.VOICE,
    )
    response = VoiceResponse()
    machine = request.POST.get("AnsweredBy", "").startswith("machine")
    if reminder.kind == Reminder.Kind.OFFER and not machine:
        # A waiting-list offer: 1 takes the seat, 2 declines it.
        choices = _(
            "Drücken Sie die 1, wenn Sie kommen möchten. Drücken Sie die 2, wenn nicht. "
            "Drücken Sie die 3, um die Nachricht noch einmal zu hören."
        )
        return _twiml(_menu(response, reminder, choices))
    # Only an appointment reminder asks a question; the rest is read out and done.
    if machine or reminder.kind == Reminder.Kind.CANCELLED or reminder.registration_id:
        _say_appointment(response, reminder)
        response.say(_("Auf Wiederhören."), **VOICE)
        return _twiml(response)
    if reminder.addressee == Reminder.Addressee.CONTACT:
        # The contact person answers for the senior, as the senior would.
        choices = _(
            "Drücken Sie die 1, um den Termin zu bestätigen. Drücken Sie die 2, um ihn "
            "abzusagen. Drücken Sie die 3, um die Nachricht noch einmal zu hören."
        )
    else:
        choices = _(
            "Drücken Sie die 1, wenn Sie kommen. Drücken Sie die 2, wenn Sie absagen möchten. "
            "Drücken Sie die 3, um die Nachricht noch einmal zu hören."
        )
    return _twiml(_menu(response, reminder, choices))


@twilio_signed
@twilio_params(KeypadParams)
def keypad(request: HttpRequest, reminder_id: int) -> HttpResponse:
    reminder = get_object_or_404(
        Reminder.objects.select_related("appointment", "senior"),
        pk=reminder_id,
        channel=Reminder.Channel.VOICE,
    )
    digits = request.POST.get("Digits", "")
    response = VoiceResponse()
    if digits not in ("1", "2"):
        response.redirect(public_url("twilio_call", reminder_id=reminder.pk))
        return _twiml(response)
    if reminder.kind == Reminder.Kind.OFFER:
        answer = offer_reply_keypad(
            reminder=reminder, digits=digits, call_sid=request.POST.get("CallSid", "")
        )
        response.say((answer or _("Danke.")) + " " + _("Auf Wiederhören."), **VOICE)
        return _twiml(response)
    action = reply_keypad(
        reminder=reminder, digits=digits, call_sid=request.POST.get("CallSid", "")
    )
    # To the contact person "der Termin": it is the senior's, not theirs.
    to_contact = reminder.addressee == Reminder.Addressee.CONTACT
    if action == InboundMessage.Action.CONFIRMED and to_contact:
        answer = _("Danke! Der Termin ist bestätigt. Auf Wiederhören.")
    elif action == InboundMessage.Action.CONFIRMED:
        answer = _("Danke! Ihr Termin ist bestätigt. Auf Wiederhören.")
    elif to_contact:
        answer = _("Der Termin ist abgesagt. Wir geben dem Büro Bescheid. Auf Wiederhören.")
    else:
        answer = _("Ihr Termin ist abgesagt. Wir geben dem Büro Bescheid. Auf Wiederhören.")
    response.say(answer, **VOICE)
    return _twiml(response)
