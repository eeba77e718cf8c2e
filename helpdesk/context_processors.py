"""What every page's header needs to know about the user."""

from __future__ import annotations

from django.http import HttpRequest

from bookings.roles import is_coordinator


def roles(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    # Coordinators work in the admin, so they are always staff: helpers and anonymous
    # visitors cost no query for the group lookup.
    return {"nav_coordinator": bool(user is not None and user.is_staff and is_coordinator(user))}
