"""Who may use the desk: office staff and coordinators. Helpers get 403, anonymous users
the login page."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from bookings import roles


def desk_view(view):
    @login_required
    @wraps(view)
    def checked(request, *args, **kwargs):
        if not roles.is_office_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return checked
