from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

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
