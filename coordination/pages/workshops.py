"""Workshops for coordinators: list, plan and change them. A change of time, seats or
title goes through its service, which tells the registered and waiting seniors and the
helpers (README, "Reminders")."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from bookings import services
from bookings.desk.selectors import with_seat_counts
from bookings.models import Workshop
from bookings.roles import coordinator_view
from coordination.pages.forms import WorkshopChangeForm, WorkshopCreateForm


@coordinator_view
@require_safe
def workshops(request: HttpRequest) -> HttpResponse:
    """Workshops from today on, and those of the last four weeks (to mark attendance)."""
    since = timezone.now() - datetime.timedelta(weeks=4)
    listed = with_seat_counts(Workshop.objects.filter(starts_at__gte=since)).order_by("starts_at")
    return render(request, "coordination/pages/workshops.html", {"workshops": listed})


def _refused(form, error: ValidationError) -> None:
    form.add_error(None, " ".join(error.messages))


@coordinator_view
def workshop_create(request: HttpRequest) -> HttpResponse:
    form = WorkshopCreateForm(
        request.POST if request.method == "POST" else None, initial={"seats": 8}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            workshop = services.workshop_create(
                office=data["office"],
                title=data["title"],
                topic=data["topic"],
                description=data["description"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                seats=data["seats"],
                helpers=list(data["helpers"]),
            )
        except ValidationError as error:  # BookingError too
            _refused(form, error)
        else:
            messages.success(
                request, _("Der Workshop „%(title)s“ ist angelegt.") % {"title": workshop.title}
            )
            return redirect("coordinator:workshop", workshop.pk)
    return render(
        request,
        "coordination/pages/workshop_form.html",
        {"form": form, "workshop": None},
        status=422 if form.errors else 200,
    )


@transaction.atomic
def _change(workshop: Workshop, data: dict) -> None:
    """Each kind of change through its own service, all or nothing."""
    if (data["title"], data["description"], data["topic"]) != (
        workshop.title,
        workshop.description,
        workshop.topic,
    ):
        services.workshop_retitle(
            workshop=workshop,
            title=data["title"],
            description=data["description"],
            topic=data["topic"],
        )
    if (data["starts_at"], data["ends_at"]) != (workshop.starts_at, workshop.ends_at):
        services.workshop_move(
            workshop=workshop, starts_at=data["starts_at"], ends_at=data["ends_at"]
        )
    if data["seats"] != workshop.seats:
        services.workshop_resize(workshop=workshop, seats=data["seats"])


@coordinator_view
def workshop(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = get_object_or_404(Workshop.objects.select_related("office", "topic"), pk=pk)
    form = WorkshopChangeForm.for_workshop(
        workshop, request.POST if request.method == "POST" else None
    )
    if request.method == "POST" and form.is_valid():
        try:
            _change(workshop, form.cleaned_data)
        except ValidationError as error:  # BookingError too
            _refused(form, error)
        else:
            messages.success(request, _("Die Änderungen sind gespeichert."))
            return redirect("coordinator:workshop", workshop.pk)
    return render(
        request,
        "coordination/pages/workshop_form.html",
        {"form": form, "workshop": workshop},
        status=422 if form.errors else 200,
    )


@coordinator_view
@require_POST
def workshop_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel after a ticked confirmation: registered and waiting seniors and the helpers
    are told, their seats and time freed (`workshop_cancel`)."""
    workshop = get_object_or_404(Workshop, pk=pk)
    if request.POST.get("confirm") != "1":
        messages.error(request, _("Bitte bestätigen Sie die Absage mit dem Häkchen."))
    else:
        try:
            services.workshop_cancel(workshop=workshop)
        except services.BookingError as error:
            messages.error(request, " ".join(error.messages))
        else:
            told = _("Der Workshop ist abgesagt. Angemeldete und Ehrenamtliche erfahren es.")
            messages.success(request, told)
    return redirect("coordinator:workshop", workshop.pk)
