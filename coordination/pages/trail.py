"""The audit trail, for coordinators: who changed what and when, filtered by office,
person and days; ids and field names only (the entries hold no personal data)."""

from __future__ import annotations

import datetime

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from bookings.roles import coordinator_view
from coordination.models import AuditEntry
from coordination.pages.forms import AuditFilterForm
from helpdesk.localtime import local_midnight

PER_PAGE = 50


def _entries(form: AuditFilterForm):
    """The entries the filter asks for, newest first; none for a filter with errors."""
    entries = AuditEntry.objects.select_related("actor", "office")
    if not form.is_valid():
        return entries.none()
    data = form.cleaned_data
    if data["office"]:
        entries = entries.filter(office=data["office"])
    if data["person"]:
        entries = entries.filter(actor=data["person"])
    if data["since"]:
        entries = entries.filter(at__gte=local_midnight(data["since"]))
    if data["until"]:
        entries = entries.filter(at__lt=local_midnight(data["until"] + datetime.timedelta(days=1)))
    return entries


@coordinator_view
@require_safe
def audit_trail(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET)
    page = Paginator(_entries(form), PER_PAGE).get_page(request.GET.get("seite"))
    # The filter as a query string, for the links to other pages.
    query = request.GET.copy()
    query.pop("seite", None)
    return render(
        request,
        "coordination/pages/audit_trail.html",
        {"form": form, "page": page, "query": query.urlencode()},
        status=400 if form.errors else 200,
    )
