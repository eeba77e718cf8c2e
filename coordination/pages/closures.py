"""An office's closures (Schließtage): list, add and remove them through the closure
services, so booked appointments on those days are flagged and the offices told."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bookings import services
from bookings.roles import coordinator_view
from coordination.pages.forms import ClosureForm
from coordination.pages.notices import tell_flagged, tell_released
from neighborhoods.models import Closure


def _render(request: HttpRequest, form: ClosureForm, *, status: int = 200) -> HttpResponse:
    closures = Closure.objects.filter(ends_on__gte=timezone.localdate()).select_related("office")
    return render(
        request,
        "coordination/pages/closures.html",
        {"form": form, "closures": closures.order_by("starts_on", "office__name")},
        status=status,
    )


@coordinator_view
def closures(request: HttpRequest) -> HttpResponse:
    """The closures from today on, and the form to add one."""
    if request.method != "POST":
        return _render(request, ClosureForm())
    form = ClosureForm(request.POST)
    if not form.is_valid():
        return _render(request, form, status=422)
    _closure, flagged = services.closure_record(**form.cleaned_data)
    messages.success(request, _("Der Schließtag ist eingetragen."))
    tell_flagged(request, flagged)
    return redirect("coordinator:closures")


@coordinator_view
@require_POST
def closure_remove(request: HttpRequest, pk: int) -> HttpResponse:
    closure = get_object_or_404(Closure.objects.select_related("office"), pk=pk)
    released = services.closure_remove(closure=closure)
    messages.success(request, _("Der Schließtag ist entfernt."))
    tell_released(request, released)
    return redirect("coordinator:closures")
