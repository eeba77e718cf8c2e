"""The calendar feed: its secret URL with a QR code, renewing it, and the feed itself."""

from __future__ import annotations

import re

import segno
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from bookings.models import Helper
from bookings.roles import helper_required
from bookings.schedule.feed import feed_token_renew, feed_version, helper_feed_cached

# Tokens are URL-safe base64 and fit their column; anything else (a NUL byte, which
# PostgreSQL refuses in a query) is no token.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _feed_url(request: HttpRequest, helper: Helper) -> str:
    return request.build_absolute_uri(reverse("helpers:feed", args=[helper.feed_token]))


@helper_required
def feed_settings(request: HttpRequest) -> HttpResponse:
    url = _feed_url(request, request.user.helper)
    # segno writes plain SVG from the URL alone: nothing user-supplied reaches the markup.
    qr_svg = segno.make(url, error="m").svg_inline(
        scale=4, title=_("QR-Code mit der Adresse Ihres Kalenders")
    )
    return render(
        request,
        "schedule/feed_settings.html",
        {
            "section": "feed",
            "feed_url": url,
            "webcal_url": "webcal://" + url.split("://", 1)[1],
            "qr_svg": mark_safe(qr_svg),
        },
    )


@helper_required
@require_POST
def feed_renew(request: HttpRequest) -> HttpResponse:
    """Give the helper a new secret; calendars still using the old URL get nothing more."""
    feed_token_renew(helper=request.user.helper)
    messages.success(
        request,
        _(
            "Sie haben eine neue Kalender-Adresse. Die alte funktioniert nicht mehr; "
            "bitte richten Sie den Kalender auf Ihrem Telefon neu ein."
        ),
    )
    return redirect("helpers:feed_settings")


@require_safe
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """No login: calendar apps cannot log in, so the secret token is the key.

    Answers 304 when the calendar app already has this version (If-None-Match).
    """
    if not _TOKEN.fullmatch(token):
        raise Http404
    helper = Helper.objects.filter(feed_token=token, active=True).first()
    if helper is None:
        raise Http404
    now = timezone.now()
    version = feed_version(helper, now=now)
    etag = f'"{version}"'
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        return not_modified
    response = HttpResponse(
        helper_feed_cached(helper, version=version, now=now),
        content_type="text/calendar; charset=utf-8",
    )
    response["ETag"] = etag
    response["Content-Disposition"] = 'inline; filename="digitale-hilfe.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response
