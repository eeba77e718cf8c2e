"""My appointments: a helper's upcoming and past appointments and workshops, by day."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from bookings.roles import helper_required
from bookings.schedule.selectors import by_day, schedule_past, schedule_upcoming


def _render(request: HttpRequest, entries, *, tab: str) -> HttpResponse:
    helper = request.user.helper
    return render(
        request,
        "schedule/appointments.html",
        {
            "days": by_day(entries),
            "section": "appointments",
            "tab": tab,
            "show_phones": helper.may_see_senior_phones,
        },
    )


@helper_required
@require_safe
def upcoming(request: HttpRequest) -> HttpResponse:
    return _render(request, schedule_upcoming(request.user.helper), tab="upcoming")


@helper_required
@require_safe
def past(request: HttpRequest) -> HttpResponse:
    return _render(request, schedule_past(request.user.helper), tab="past")
