"""Who may open the helpers' own pages: a logged-in user with a Helper profile."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from bookings import roles


def helper_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous users go to the login page; users without a Helper profile get 403.

    Views behind it find the helper as `request.user.helper` and must still filter
    every object by it: a helper sees only their own data.
    """

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not roles.is_helper(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
