"""Recording a walk-in: office staff at the desk for any office, the helper on duty for
the offices they serve. Both pages show the same form; the rules are in the service."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from bookings.desk.views.daylist import own_office
from bookings.roles import desk_view, helper_required
from coordination.walk_ins import WalkInForm, record_walk_in
from neighborhoods.models import Office


def _walk_in_page(request, *, offices, initial_office, helper, template: str) -> HttpResponse:
    if request.method == "POST":
        form = WalkInForm(request.POST, offices=offices)
        if form.is_valid():
            data = form.cleaned_data
            try:
                walk_in = record_walk_in(
                    office=data["office"],
                    topic=data["topic"],
                    minutes=data["minutes"],
                    device=data["device"],
                    helper=helper,
                    recorded_by=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Besuch ohne Termin erfasst: %(topic)s, %(minutes)s, %(device)s.")
                    % {
                        "topic": walk_in.topic,
                        "minutes": walk_in.get_minutes_display(),
                        "device": walk_in.get_device_display(),
                    },
                )
                return redirect(request.path)
        status = 422
    else:
        form = WalkInForm(offices=offices, initial={"office": initial_office})
        status = 200
    return render(request, template, {"form": form, "section": "walk_in"}, status=status)


@desk_view
def desk_walk_in(request: HttpRequest) -> HttpResponse:
    office = own_office(request.user)
    return _walk_in_page(
        request,
        offices=Office.objects.filter(active=True),
        initial_office=office.pk if office else None,
        helper=None,
        template="desk/walk_in.html",
    )


@helper_required
def helper_walk_in(request: HttpRequest) -> HttpResponse:
    helper = request.user.helper
    offices = helper.offices.filter(active=True)
    first = offices.first()
    return _walk_in_page(
        request,
        offices=offices,
        initial_office=first.pk if first else None,
        helper=helper,
        template="schedule/walk_in.html",
    )
