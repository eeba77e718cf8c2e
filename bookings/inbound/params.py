"""What each webhook may carry, checked before anything is read or stored.

Twilio sends short, well-formed values; anything else (a NUL byte, a SID or status
longer than its column, an empty MessageSid that would make every later reply look like
a duplicate) is refused with 400 instead of reaching the database.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django import forms
from django.core.validators import RegexValidator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

# Twilio's SIDs are two capital letters and 32 hex digits; the column holds 64.
_SID = RegexValidator(r"\A[A-Z]{2}[0-9A-Za-z]{1,62}\Z")
# Status words such as "delivered", "no-answer", "partially_delivered".
_STATUS = RegexValidator(r"\A[a-z_-]{0,20}\Z")
_ERROR_CODE = RegexValidator(r"\A[0-9]{0,10}\Z")
_SECONDS = RegexValidator(r"\A[0-9]{1,5}\Z")


def _text(*, required: bool = False, **kwargs) -> forms.CharField:
    # Not stripped: the views read request.POST, so the value checked must be the value
    # used (" delivered" would pass stripped, then overflow its column or int()).
    return forms.CharField(required=required, strip=False, **kwargs)


def _sid(*, required: bool) -> forms.CharField:
    return _text(required=required, max_length=64, validators=[_SID])


class StatusParams(forms.Form):
    MessageSid = _sid(required=False)
    CallSid = _sid(required=False)
    MessageStatus = _text(max_length=20, validators=[_STATUS])
    CallStatus = _text(max_length=20, validators=[_STATUS])
    ErrorCode = _text(max_length=10, validators=[_ERROR_CODE])
    # Seconds the call lasted, sent with the "completed" event only.
    CallDuration = _text(max_length=5, validators=[_SECONDS])

    def clean(self) -> dict:
        cleaned = super().clean()
        if not (cleaned.get("MessageSid") or cleaned.get("CallSid")) and not self.errors:
            raise forms.ValidationError("MessageSid or CallSid is required.")
        return cleaned


class SmsParams(forms.Form):
    MessageSid = _sid(required=True)
    From = _text(max_length=64)
    # Longer bodies are cut to the column's length when stored, as Twilio's limit is 1600.
    Body = _text()


class CallParams(forms.Form):
    CallSid = _sid(required=False)
    AnsweredBy = _text(max_length=40)


class KeypadParams(forms.Form):
    CallSid = _sid(required=True)
    Digits = _text(max_length=20)


def twilio_params(form_class: type[forms.Form]) -> Callable:
    """Answer 400 unless the POST fits `form_class` and no value holds a NUL byte."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            values = [value for _name, listed in request.POST.lists() for value in listed]
            if any("\x00" in value for value in values) or not form_class(request.POST).is_valid():
                return HttpResponseBadRequest("Bad request", content_type="text/plain")
            return view(request, *args, **kwargs)

        return checked

    return decorator
