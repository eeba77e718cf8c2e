"""The coordinator's data-protection pages for one senior: information (Art. 15 DSGVO)
as a printable page and a JSON download, and erasure on request (Art. 17) behind a
confirmation. Every export and the erasure leave an audit entry."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from bookings import services
from bookings.models import AppointmentStatus, Reminder, Senior
from bookings.roles import coordinator_view
from bookings.services.workshops import ACTIVE
from coordination import audit
from coordination.models import AuditEntry
from coordination.privacy.export import export_json, senior_export
from coordination.privacy.forms import EraseForm


def _exported(senior: Senior, form: str) -> None:
    audit.record(AuditEntry.Action.EXPORTED, senior, senior_id=senior.pk, format=form)


@coordinator_view
@require_GET
def information(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything stored about the senior, as a page to print or save as PDF."""
    senior = get_object_or_404(Senior, pk=pk)
    sections = senior_export(senior)
    _exported(senior, "html")
    return render(
        request,
        "coordination/privacy/information.html",
        {"senior": senior, "sections": sections, "now": timezone.now()},
    )


@coordinator_view
@require_GET
def information_json(request: HttpRequest, pk: int) -> HttpResponse:
    """The same as a JSON file to hand over (Art. 15 (3), machine-readable)."""
    senior = get_object_or_404(Senior, pk=pk)
    body = export_json(senior, senior_export(senior))
    _exported(senior, "json")
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="auskunft-ratsuchende-{pk}.json"'
    return response


def _erase_context(senior: Senior, form: EraseForm) -> dict:
    now = timezone.now()
    return {
        "senior": senior,
        "form": form,
        "appointments": senior.appointments.filter(
            status=AppointmentStatus.BOOKED, starts_at__gt=now
        ).select_related("office", "topic"),
        "registrations": senior.registrations.filter(
            status__in=ACTIVE, workshop__starts_at__gt=now
        ).select_related("workshop"),
        "unsent": senior.reminders.filter(
            status__in=[Reminder.Status.PENDING, Reminder.Status.HELD]
        ).count(),
    }


@coordinator_view
@require_http_methods(["GET", "POST"])
def erase(request: HttpRequest, pk: int) -> HttpResponse:
    """What erasure will do, then a POST with the confirmation does it."""
    senior = get_object_or_404(Senior, pk=pk)
    if senior.anonymised_at:
        return render(request, "coordination/privacy/erase.html", {"senior": senior})
    form = EraseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not form.is_valid():
            context = _erase_context(senior, form)
            return render(request, "coordination/privacy/erase.html", context, status=400)
        try:
            services.senior_erase(senior=senior)
        except services.BookingError as error:
            form.add_error(None, error.messages[0])
            context = _erase_context(senior, form)
            return render(request, "coordination/privacy/erase.html", context, status=409)
        messages.success(
            request, _("Die Daten der Person wurden gelöscht (Nummer %(id)s).") % {"id": pk}
        )
        return redirect("desk:search")
    return render(request, "coordination/privacy/erase.html", _erase_context(senior, form))
