"""Who may open which pages. Anonymous users go to the login page; logged-in people
without the role get 403.

Views behind `helper_required` find the helper as `request.user.helper` and must still
filter every object by it: a helper sees only their own data.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from bookings import roles


def role_required(allowed: Callable[..., bool]):
    """A view decorator that lets in users for whom `allowed(user)` is true."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not allowed(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return checked

    return decorator


# Office staff and coordinators: the desk and the message lists.
desk_view = role_required(roles.is_office_staff)
# Users with a Helper profile: their own pages.
helper_required = role_required(roles.is_helper)
