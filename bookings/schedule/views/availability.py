"""My availability: a helper adds, changes and ends their own weekly ranges."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bookings import services
from bookings.models import Availability
from bookings.roles import helper_required
from bookings.schedule.forms import AvailabilityEndForm, AvailabilityForm


def _own(request: HttpRequest, pk: int) -> Availability:
    # Another helper's range is "not found", never "forbidden": ids reveal nothing.
    return get_object_or_404(
        Availability.objects.select_related("office"), pk=pk, helper=request.user.helper
    )


@helper_required
def availability_list(request: HttpRequest) -> HttpResponse:
    current = (
        request.user.helper.availabilities.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=timezone.localdate())
        )
        .select_related("office")
        .order_by("office__name", "weekday", "starts")
    )
    return render(
        request,
        "schedule/availability_list.html",
        {"section": "availability", "availabilities": current},
    )


@helper_required
@require_http_methods(["GET", "POST"])
def availability_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add a range (no pk) or change one of the helper's own."""
    helper = request.user.helper
    instance = _own(request, pk) if pk else Availability(helper=helper)
    form = AvailabilityForm(request.POST or None, helper=helper, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.availability_change(availability=form.save(commit=False))
        messages.success(request, _("Ihre Sprechzeit ist gespeichert."))
        return redirect("helpers:availability")
    return render(
        request,
        "schedule/availability_form.html",
        {"section": "availability", "form": form, "availability": instance},
    )


@helper_required
@require_http_methods(["GET", "POST"])
def availability_end(request: HttpRequest, pk: int) -> HttpResponse:
    availability = _own(request, pk)
    form = AvailabilityEndForm(
        request.POST or None,
        availability=availability,
        initial={"last_day": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        ended, _flagged = services.availability_end(
            availability=availability, last_day=form.cleaned_data["last_day"]
        )
        if ended is None:
            messages.success(request, _("Die Sprechzeit ist gelöscht."))
        else:
            messages.success(request, _("Die Sprechzeit endet wie gewünscht."))
        return redirect("helpers:availability")
    return render(
        request,
        "schedule/availability_end.html",
        {"section": "availability", "form": form, "availability": availability},
    )
