"""The helpers (Ehrenamtliche): who is active, where and with what they help. Changes go
through `bookings.services.helper_roster`, so appointments that become impossible are
flagged and the offices told, and those possible again are released."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from bookings import services
from bookings.models import Helper
from bookings.roles import coordinator_view
from coordination.pages.forms import HelperForm
from coordination.pages.notices import tell_flagged, tell_released


@coordinator_view
@require_safe
def helpers(request: HttpRequest) -> HttpResponse:
    roster = Helper.objects.select_related("user").prefetch_related("offices", "topics")
    return render(
        request,
        "coordination/pages/helpers.html",
        {"helpers": roster.order_by("-active", "user__first_name", "user__last_name")},
    )


@transaction.atomic
def _apply(helper: Helper, data: dict) -> tuple[list, list]:
    """Each change through its service; returns (flagged, released) appointments."""
    flagged, released = [], []
    offices_before = set(helper.offices.all())
    for office in set(data["offices"]) - offices_before:
        released += services.helper_office_add(helper=helper, office=office)
    for office in offices_before - set(data["offices"]):
        flagged += services.helper_office_remove(helper=helper, office=office)
    if data["active"] and not helper.active:
        released += services.helper_reactivate(helper=helper)
    elif helper.active and not data["active"]:
        flagged += services.helper_deactivate(helper=helper)
    services.helper_topics_set(helper=helper, topics=data["topics"])
    return flagged, released


@coordinator_view
def helper(request: HttpRequest, pk: int) -> HttpResponse:
    helper = get_object_or_404(Helper.objects.select_related("user"), pk=pk)
    form = HelperForm.for_helper(helper, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        flagged, released = _apply(helper, form.cleaned_data)
        messages.success(
            request, _("Die Angaben zu %(helper)s sind gespeichert.") % {"helper": helper}
        )
        tell_flagged(request, flagged)
        tell_released(request, released)
        return redirect("coordinator:helper", helper.pk)
    return render(
        request,
        "coordination/pages/helper.html",
        {"helper": helper, "form": form},
        status=422 if form.errors else 200,
    )
