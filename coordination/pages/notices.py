"""What a coordinator's change did to booked appointments, said once for every page."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import ngettext


def tell_flagged(request: HttpRequest, flagged: list) -> None:
    if flagged:
        messages.warning(
            request,
            ngettext(
                "%(count)d Termin muss neu vereinbart werden (Liste „Bitte anrufen“ im Büro).",
                "%(count)d Termine müssen neu vereinbart werden (Liste „Bitte anrufen“ im Büro).",
                len(flagged),
            )
            % {"count": len(flagged)},
        )


def tell_released(request: HttpRequest, released: list) -> None:
    if released:
        messages.info(
            request,
            ngettext(
                "%(count)d markierter Termin ist wieder möglich.",
                "%(count)d markierte Termine sind wieder möglich.",
                len(released),
            )
            % {"count": len(released)},
        )
