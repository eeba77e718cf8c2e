"""The town this installation serves: its name and logo in every template.

Set through CITY_NAME and CITY_LOGO (helpdesk/settings.py), so a neighbouring
municipality runs the same code with its own name (docs/other-town.md).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def city(request: HttpRequest) -> dict[str, str]:
    """Template context processor: `city_name` and `city_logo` (a static path or "")."""
    return {"city_name": settings.CITY_NAME, "city_logo": settings.CITY_LOGO}
