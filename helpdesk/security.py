"""Request-level protection that does not belong to one app: the idle timeout, no caching
of pages with personal data, the login forms, and the client address for login throttling
behind a proxy."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import logout
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

LAST_SEEN = "last_seen"
# Writing the session on every request would cost a write per keystroke of the desk's
# live search; once a minute is precise enough for a 30-minute timeout.
LAST_SEEN_PRECISION = 60


def note_login(sender, request: HttpRequest, user, **kwargs) -> None:
    """user_logged_in: the idle time counts from the login."""
    request.session[LAST_SEEN] = int(timezone.now().timestamp())


class _UsernameLength:
    """Refuse a username longer than the user model's column as a form error. Django sets
    only the input's maxlength, so an overlong name reached authenticate(), and django-axes
    then stored the failed attempt in its 255-character column (a 500 on PostgreSQL)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))


class LoginForm(_UsernameLength, AuthenticationForm):
    pass


class AdminLoginForm(_UsernameLength, AdminAuthenticationForm):
    pass


class IdleTimeoutMiddleware:
    """Signs a person out after SESSION_IDLE_MINUTES without a request.

    Staff see personal data, and a desk computer is often left alone. The session's
    own expiry (SESSION_COOKIE_AGE) is only a backstop for sessions nobody returns to.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(timezone.now().timestamp())
            last_seen = request.session.get(LAST_SEEN, now)
            if now - last_seen > settings.SESSION_IDLE_MINUTES * 60:
                logout(request)  # the view then sees an anonymous visitor: the login page
            elif now - last_seen >= LAST_SEEN_PRECISION or LAST_SEEN not in request.session:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


class NoStoreForSignedInMiddleware:
    """`Cache-Control: no-store` on every response to a signed-in person.

    Everything staff and helpers see may hold personal data (desk, helper pages, message
    lists, admin), so neither the browser nor a proxy may keep a copy. Static files are
    served by whitenoise before this runs; anonymous pages keep their own caching.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


def client_ip(request: HttpRequest) -> str:
    """The address django-axes counts failed logins for.

    Behind nginx every request comes from nginx, so the address is the last entry of
    X-Forwarded-For: nginx appends it itself, a client cannot forge it.
    """
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR", "")


def lockout_response(
    request: HttpRequest, original_response=None, credentials=None
) -> HttpResponse:
    """The German page django-axes shows instead of the login form while locked out."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "lockout_minutes": settings.LOGIN_LOCKOUT_MINUTES,
    }
    return render(request, "registration/locked_out.html", context, status=429)
