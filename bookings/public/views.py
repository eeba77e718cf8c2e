"""The public pages: no login, no personal data, cached per address and language.

Nothing here may depend on who asks: a cached page is served to everyone. So the pages
carry no CSRF token and no user name (templates/public/base.html), and the language is
switched by a plain link (`language`) instead of the staff pages' POST form.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import cache_page
from django.views.decorators.http import require_safe
from phonenumber_field.phonenumber import PhoneNumber

from bookings.public import selectors
from bookings.public.poster import office_public_url, office_qr_svg
from neighborhoods.models import Office


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """GET and HEAD only; the answer is kept PUBLIC_CACHE_SECONDS per URL and language
    (cache_page adds the active language to its key)."""
    return require_safe(cache_page(settings.PUBLIC_CACHE_SECONDS, key_prefix="public")(view))


def _booking_phone() -> PhoneNumber | None:
    """The town's one number for bookings, if it has one; else each office's is shown."""
    return PhoneNumber.from_string(settings.BOOKING_PHONE) if settings.BOOKING_PHONE else None


@public_page
def start(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "public/start.html",
        {
            "section": "start",
            "topics": selectors.topics_offered(),
            "offices": Office.objects.filter(active=True).only("name", "phone"),
            "booking_phone": _booking_phone(),
        },
    )


@public_page
def offices(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "public/offices.html",
        {
            "section": "offices",
            "cards": selectors.office_cards(timezone.now()),
            "booking_phone": _booking_phone(),
        },
    )


def _office_card(pk: int) -> selectors.OfficeCard:
    card = selectors.office_card(pk, timezone.now())
    if card is None:
        raise Http404
    return card


@public_page
def office(request: HttpRequest, pk: int) -> HttpResponse:
    card = _office_card(pk)
    return render(
        request,
        "public/office.html",
        {
            "section": "offices",
            "card": card,
            "workshops": selectors.coming_workshops(timezone.now(), office=card.office),
            "booking_phone": _booking_phone(),
        },
    )


@public_page
def workshops(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "public/workshops.html",
        {
            "section": "workshops",
            "workshops": selectors.coming_workshops(timezone.now()),
            "booking_phone": _booking_phone(),
        },
    )


@public_page
def poster(request: HttpRequest, pk: int) -> HttpResponse:
    """An A4 page to hang in the office: what is offered, when, whom to call, and a QR
    code to the office's page."""
    card = _office_card(pk)
    return render(
        request,
        "public/poster.html",
        {
            "card": card,
            "topics": selectors.topics_offered(),
            "booking_phone": _booking_phone(),
            "public_url": office_public_url(card.office),
            "qr_svg": office_qr_svg(card.office),
        },
    )


@require_safe
def language(request: HttpRequest) -> HttpResponse:
    """Switch the language by a link: sets the same cookie as Django's set_language and
    goes back to the page, so the cached pages need no form with a CSRF token."""
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("public:start")
    response = HttpResponseRedirect(target)
    code = request.GET.get("language", "")
    if code in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response
