"""The QR code on an office's poster: the address of its public page, drawn as SVG.

The address is built from PUBLIC_BASE_URL, not from the request, so a poster printed on
an office computer on the internal network still leads phones to the public site.
"""

from __future__ import annotations

import segno
from django.conf import settings
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from neighborhoods.models import Office


def office_public_url(office: Office) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("public:office", args=[office.pk])


def office_qr(office: Office) -> segno.QRCode:
    # Error level "m": a poster behind glass or a little creased still scans.
    return segno.make(office_public_url(office), error="m")


def office_qr_svg(office: Office) -> SafeString:
    """Inline SVG; segno writes it from the URL alone, so nothing typed reaches the markup."""
    svg = office_qr(office).svg_inline(
        scale=8, title=_("QR-Code: Adresse der Seite dieses Büros"), svgclass="poster-qr"
    )
    return mark_safe(svg)
