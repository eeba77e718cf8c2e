"""The admin site: for coordinators (and superusers) only."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from bookings import roles


class CoordinatorAdminSite(admin.AdminSite):
    """Office staff work at the desk and helpers on their own pages; neither gets the
    admin, even with is_staff set, because it shows every senior's phone number."""

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return user.is_active and user.is_staff and roles.is_coordinator(user)
