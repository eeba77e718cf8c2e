from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from bookings import roles


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The start page: what each role can do from here."""
    user = request.user
    if roles.is_office_staff(user) and not roles.is_coordinator(user):
        return redirect("desk:dashboard")
    if roles.is_helper(user) and not roles.is_office_staff(user):
        return redirect("helpers:appointments")
    return render(
        request,
        "home.html",
        {
            "is_coordinator": roles.is_coordinator(user),
            "is_office_staff": roles.is_office_staff(user),
            "is_helper": roles.is_helper(user),
        },
    )


@require_GET
def privacy_notice(request: HttpRequest) -> HttpResponse:
    """The privacy notice (Datenschutzerklärung): public, the controller from settings."""
    return render(
        request,
        "privacy_notice.html",
        {
            "controller": {
                "name": settings.PRIVACY_CONTROLLER_NAME,
                "address": settings.PRIVACY_CONTROLLER_ADDRESS,
                "email": settings.PRIVACY_CONTROLLER_EMAIL,
                "phone": settings.PRIVACY_CONTROLLER_PHONE,
            },
            "dpo_contact": settings.PRIVACY_DPO_CONTACT,
            "anonymise_after_months": settings.ANONYMISE_AFTER_MONTHS,
            "message_retention_days": settings.MESSAGE_RETENTION_DAYS,
        },
    )
